/**
 * One run's AbortSignal reaches everything the run does at once (a plan reads hundreds of
 * resources concurrently, a diagnosis polls ten workspaces), and each waiting timer, pacer queue
 * entry and in-flight HTTP request adds an abort listener to the signal it is given: past 10 on
 * one signal Node warns of a leak (MaxListenersExceededWarning) that is none. Each of them gets a
 * signal of its own that follows the run's — `AbortSignal.any` keeps no listener on its source —
 * so the run's signal, which may be the caller's, carries none of them and is never changed.
 */
import type { PipelinePolicy } from "@azure/core-rest-pipeline";

/** A signal that aborts with `shared` and carries its own listeners (the same one where it cannot). */
export function followSignal(shared: AbortSignal): AbortSignal {
  // AbortSignal.any: Node 20.3 and later; on older 20.x the shared signal itself.
  if (shared.aborted || typeof AbortSignal.any !== "function") return shared;
  return AbortSignal.any([shared]);
}

export const REQUEST_SIGNAL_POLICY_NAME = "pfnetRequestSignal";

/** First on every pipeline: each request gets a signal of its own before anything listens to it. */
export function requestSignalPolicy(): PipelinePolicy {
  return {
    name: REQUEST_SIGNAL_POLICY_NAME,
    sendRequest(request, next) {
      if (request.abortSignal instanceof AbortSignal) request.abortSignal = followSignal(request.abortSignal);
      return next(request);
    },
  };
}
