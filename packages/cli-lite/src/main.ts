/** The `pfnet` executable: the only module that touches `process`. */
import { runCli } from "./cli.js";

const controller = new AbortController();
let interrupts = 0;
process.on("SIGINT", () => {
  interrupts += 1;
  if (interrupts > 1) process.exit(130);
  // The command says what the interrupt stops (running steps, a read, a prompt): only it knows.
  controller.abort(new Error("Interrupted by the user (Ctrl-C)."));
});

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  isTTY: {
    stdin: process.stdin.isTTY === true,
    stdout: process.stdout.isTTY === true,
    stderr: process.stderr.isTTY === true,
  },
  env: process.env,
  cwd: process.cwd(),
  columns: () => process.stderr.columns,
  signal: controller.signal,
});
process.exitCode = code;
