/**
 * Apply progress on stderr. On a terminal: finished steps scroll up as permanent lines and a
 * live block at the bottom shows one line per running step, with the elapsed time of its wait,
 * redrawn on a timer. Off a terminal: plain lines, one per state change (wait updates at most
 * every 10 s per step, so CI logs stay short).
 */
import type { PfnetEvent, PlanAction, StepOutcome } from "@pfnet/core";
import { elapsed } from "../format.js";
import type { TextSink } from "../io.js";
import type { Style } from "../style.js";
import { ACTION_SYMBOL, colorAction } from "./plan.js";
import { STARTED_IN_AZURE } from "./result.js";

const ING: Record<PlanAction, string> = {
  create: "creating",
  update: "updating",
  replace: "replacing",
  delete: "deleting",
  provision: "provisioning",
  approve: "approving",
  noop: "checking",
};
const DONE: Record<PlanAction, string> = {
  create: "created",
  update: "updated",
  replace: "replaced",
  delete: "deleted",
  provision: "provisioned",
  approve: "approved",
  noop: "unchanged",
};

interface Running {
  action: PlanAction;
  startedAt: number;
  message?: string;
  wait?: { elapsedMs: number; expectedMs?: number; receivedAt: number };
  lastPlainLineAt: number;
}

const PLAIN_WAIT_REPEAT_MS = 10_000;

export interface ProgressOptions {
  sink: TextSink;
  style: Style;
  /** Redraw a live block (terminal) instead of plain lines. */
  live: boolean;
  intervalMs?: number;
  now?: () => number;
  /** Terminal width: each live line is cut to it, so no line wraps (a wrapped line would not be erased). */
  columns?: () => number | undefined;
}

/** Cut a line to `width` visible characters (ANSI escapes kept and not counted), ending in "…". */
export function fitWidth(line: string, width: number): string {
  if (width < 2 || line.replace(ANSI_ANY, "").length <= width) return line;
  let visible = 0;
  let out = "";
  for (let i = 0; i < line.length && visible < width - 1; ) {
    ANSI_AT.lastIndex = i;
    const code = ANSI_AT.exec(line);
    if (code) {
      out += code[0];
      i += code[0].length;
      continue;
    }
    out += line[i];
    visible++;
    i++;
  }
  // Close any style the cut left open.
  return `${out}…${line.includes("\u001b[") ? "\u001b[0m" : ""}`;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are what is skipped
const ANSI_AT = /\u001b\[[0-9;]*m/y;
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are what is skipped
const ANSI_ANY = /\u001b\[[0-9;]*m/g;

export class ProgressReporter {
  private readonly running = new Map<string, Running>();
  private readonly actions = new Map<string, PlanAction>();
  /** Steps that reported waiting on Azure: their write was accepted. */
  private readonly accepted = new Set<string>();
  private drawnLines = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? Date.now;
    if (options.live) {
      this.timer = setInterval(() => this.redraw(), options.intervalMs ?? 250);
      this.timer.unref?.();
    }
  }

  onEvent(event: PfnetEvent): void {
    switch (event.type) {
      case "apply.started":
        this.permanent(
          this.options.style.dim(`Applying ${event.steps} steps (up to ${event.concurrency} at a time)...`),
        );
        break;
      case "step.started": {
        this.actions.set(event.address, event.action);
        if (event.action === "noop") break;
        this.running.set(event.address, {
          action: event.action,
          startedAt: this.now(),
          lastPlainLineAt: this.now(),
        });
        if (!this.options.live)
          this.permanent(`${this.symbol(event.action)} ${event.address}: ${ING[event.action]}...`);
        break;
      }
      case "step.progress": {
        const step = this.running.get(event.address);
        if (!step) break;
        const changed = step.message !== event.message;
        step.message = event.message;
        if (event.wait) {
          this.accepted.add(event.address);
          step.wait = {
            elapsedMs: event.wait.elapsedMs,
            receivedAt: this.now(),
            ...(event.wait.expectedMs === undefined ? {} : { expectedMs: event.wait.expectedMs }),
          };
        }
        if (!this.options.live && (changed || this.now() - step.lastPlainLineAt >= PLAIN_WAIT_REPEAT_MS)) {
          step.lastPlainLineAt = this.now();
          this.permanent(`  ${event.address}: ${this.describeRunning(step)}`);
        }
        break;
      }
      case "step.retrying":
        this.permanent(
          this.options.style.yellow(
            `  ${event.address}: retrying (attempt ${event.attempt}, ${event.reason}) in ${elapsed(event.delayMs)}`,
          ),
        );
        break;
      case "step.finished": {
        const action = this.actions.get(event.address) ?? "noop";
        this.running.delete(event.address);
        if (action === "noop" && event.outcome === "succeeded") break;
        this.permanent(this.finishedLine(event.address, action, event));
        break;
      }
      case "apply.resumed": {
        const parts = [
          event.finished.length > 0
            ? `${event.finished.length} step${event.finished.length === 1 ? "" : "s"} it finished ${event.finished.length === 1 ? "is" : "are"} not redone`
            : "",
          event.unfinished.length > 0 ? `it left operations running for ${event.unfinished.join(", ")}` : "",
        ].filter(Boolean);
        this.permanent(
          this.options.style.dim(`Resuming an interrupted apply (journal): ${parts.join("; ")}.`),
        );
        break;
      }
      case "step.reattached":
        this.permanent(
          `  ${event.address}: ${event.operation} is already under way; waiting for it instead of starting another (${event.via === "handle" ? "its operation URL from the journal" : "Azure shows it provisioning"})`,
        );
        break;
      case "apply.finished":
        this.stop();
        break;
      default:
        break;
    }
    if (this.options.live) this.redraw();
  }

  /** Stop the timer and clear the live block (idempotent). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clearLive();
  }

  private symbol(action: PlanAction): string {
    return colorAction(action, ACTION_SYMBOL[action].padStart(3), this.options.style);
  }

  private describeRunning(step: Running): string {
    const parts = [step.message ?? ING[step.action]];
    if (step.wait) {
      const waited = step.wait.elapsedMs + (this.now() - step.wait.receivedAt);
      parts.push(
        `${elapsed(waited)} elapsed` +
          (step.wait.expectedMs === undefined || step.wait.expectedMs <= 0
            ? ""
            : `, expected ~${elapsed(step.wait.expectedMs)}`),
      );
    } else {
      parts.push(elapsed(this.now() - step.startedAt));
    }
    return parts.join(" - ");
  }

  private finishedLine(
    address: string,
    action: PlanAction,
    event: Extract<PfnetEvent, { type: "step.finished" }>,
  ): string {
    const { style } = this.options;
    const took = elapsed(event.durationMs);
    const outcomes: Record<StepOutcome, () => string> = {
      succeeded: () => `${style.green("ok")}  ${address}: ${DONE[action]} (${took})`,
      failed: () =>
        `${style.red("ERR")} ${address}: failed after ${took}` +
        (event.error ? `: ${event.error.message} [${event.error.code}]` : ""),
      skipped: () =>
        `${style.dim("--")}  ${address}: skipped` +
        (event.skippedBecause ? ` because ${event.skippedBecause} did not succeed` : ""),
      pendingApproval: () => `${style.yellow("..")}  ${address}: pending approval by the service owner`,
      cancelled: () =>
        `${style.dim("--")}  ${address}: ${this.accepted.has(address) ? STARTED_IN_AZURE : "cancelled"}`,
    };
    return outcomes[event.outcome]();
  }

  private permanent(line: string): void {
    this.clearLive();
    this.options.sink.write(`${line}\n`);
  }

  private clearLive(): void {
    if (this.drawnLines === 0) return;
    // Move up over the live block and erase it.
    this.options.sink.write("\u001b[1A\u001b[2K".repeat(this.drawnLines) + "\r");
    this.drawnLines = 0;
  }

  private redraw(): void {
    this.clearLive();
    if (this.running.size === 0) return;
    const width = this.options.columns?.();
    const lines = [...this.running.entries()].map(([address, step]) => {
      const line = `${this.symbol(step.action)} ${address}: ${this.describeRunning(step)}`;
      return width === undefined ? line : fitWidth(line, width);
    });
    this.options.sink.write(`${lines.join("\n")}\n`);
    this.drawnLines = lines.length;
  }
}
