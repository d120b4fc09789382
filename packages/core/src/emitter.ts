/** Turns event payloads into `PfnetEvent`s with a monotonic `sequence` and a `time`. */
import type { EventListener, PfnetEvent, PfnetEventInput } from "./events.js";

export type Emit = (event: PfnetEventInput) => void;

/** `after`: the last sequence number of a stream this emitter continues (one call, one stream). */
export function createEmitter(listener: EventListener | undefined, after = 0): Emit {
  let sequence = after;
  return (event) => {
    sequence++;
    if (!listener) return;
    // A listener that throws must not break the run: events are observations, not control flow.
    try {
      listener({ ...event, sequence, time: Date.now() } as PfnetEvent);
    } catch {
      /* ignored on purpose */
    }
  };
}
