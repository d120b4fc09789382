/** The apply confirmation: one line from stdin; only "yes" goes ahead (as in Terraform). */
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import type { TextSink } from "./io.js";

export async function confirm(
  question: string,
  input: Readable,
  output: TextSink,
  signal?: AbortSignal,
): Promise<boolean> {
  output.write(question);
  const lines = createInterface({ input, terminal: false });
  try {
    return await new Promise<boolean>((resolve) => {
      const done = (answer: boolean) => {
        signal?.removeEventListener("abort", onAbort);
        resolve(answer);
      };
      const onAbort = () => done(false);
      // Ctrl-C may come before the listener (while the question was being written).
      if (signal?.aborted) return done(false);
      signal?.addEventListener("abort", onAbort, { once: true });
      lines.once("line", (line) => done(line.trim() === "yes"));
      lines.once("close", () => done(false));
    });
  } finally {
    lines.close();
  }
}
