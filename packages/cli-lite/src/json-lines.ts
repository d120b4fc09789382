/**
 * The machine contract of `--json`: JSON Lines on stdout, one object per line, described by
 * `schema/stream.schema.json` and docs/events.md. The first line is `version`, the last is
 * `result` (with the exit code); `sequence` counts every line of the stream from 1, across the
 * plan and the apply of one command; every diagnostic and every error is a line.
 *
 * `runCli` opens the stream, writes the first line, turns a thrown error into its lines and
 * writes the last one. A command only writes what it has to say in between:
 *
 *     ctx.json?.event                      // pass as onEvent to plan()/apply(): library events
 *     ctx.json?.diagnostics(list)          // a `diagnostic` line each
 *     ctx.json?.line("plan", { plan })     // a line of the command's own type
 *     ctx.json?.resultFields({ changes })  // extra fields of the last line
 *
 * and never formats JSON itself.
 */
import type { Diagnostic, PfnetEvent, SerializedError } from "@pfnet/core";
import { EXIT } from "./errors.js";
import type { TextSink } from "./io.js";

/**
 * Version of the stream format. Bumped when a line type or a field is removed or changes
 * meaning; new line types and new optional fields do not bump it (consumers ignore what they
 * do not know).
 */
export const STREAM_FORMAT_VERSION = 1;

/** The name of an exit code (`ok`, `error`, `changes`, `pendingApproval`), in the result line. */
export type ExitStatus = keyof typeof EXIT;

export function exitStatus(code: number): ExitStatus {
  const found = (Object.keys(EXIT) as ExitStatus[]).find((name) => EXIT[name] === code);
  return found ?? "error";
}

export class JsonLines {
  #sequence = 0;
  #result: Record<string, unknown> = {};
  #finished = false;

  constructor(
    /** The command as typed (`plan`, `apply`, ...), repeated in the first and last line. */
    readonly command: string,
    private readonly sink: TextSink,
    private readonly now: () => number = Date.now,
  ) {}

  /** The first line: which pfnet wrote the stream and in which format. */
  start(pfnetVersion: string): void {
    this.line("version", {
      pfnet: pfnetVersion,
      formatVersion: STREAM_FORMAT_VERSION,
      command: this.command,
    });
  }

  /**
   * One line: `type` first, then the fields, `sequence` and `time` (milliseconds since the epoch;
   * a `time` among the fields is kept, so library events keep the moment they happened).
   */
  line(type: string, fields: Record<string, unknown> = {}): void {
    if (this.#finished) throw new Error(`JsonLines: '${type}' written after the result line`);
    const { time, sequence: _library, type: _type, ...rest } = fields;
    this.#sequence += 1;
    const stamp = typeof time === "number" ? time : this.now();
    this.sink.write(`${JSON.stringify({ type, ...rest, sequence: this.#sequence, time: stamp })}\n`);
  }

  /** A library event (plan, apply) with its own fields, numbered in the stream. Pass it as `onEvent`. */
  readonly event = (event: PfnetEvent): void => {
    this.line(event.type, event as unknown as Record<string, unknown>);
  };

  /** A `diagnostic` line for each. */
  diagnostics(diagnostics: readonly Diagnostic[]): void {
    for (const diagnostic of diagnostics) this.line("diagnostic", { diagnostic });
  }

  /** An `error` line: what stopped the command (its diagnostics go out first, as lines of their own). */
  error(error: SerializedError): void {
    this.line("error", { error });
  }

  /** Fields the last line carries besides the exit code, e.g. `{ changes: 3 }`. Later calls add to earlier ones. */
  resultFields(fields: Record<string, unknown>): void {
    this.#result = { ...this.#result, ...fields };
  }

  /** The last line. Written once, by runCli. */
  finish(exitCode: number): void {
    this.line("result", {
      command: this.command,
      exitCode,
      status: exitStatus(exitCode),
      ...this.#result,
    });
    this.#finished = true;
  }
}
