/**
 * `pnpm demo`: pfnet's main job on a machine without an Azure account.
 *
 * Starts the bundled ARM emulator seeded with an existing environment (workspace pf-ws open to
 * the internet, its storage, Azure OpenAI, AI Search, Content Safety), then runs the pfnet CLI
 * the way a user would (`--endpoint` and `--ca-cert` point it at the emulator):
 *   validate -> plan -> apply --auto-approve -> plan --detailed-exitcode (no changes, exit 0)
 * of examples/managed-private-private.yaml. Exits 0 when every command did what it should.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator } from "@pfnet/arm-emulator";
import { runCli } from "@pfnet/cli-lite";

const root = fileURLToPath(new URL("../../", import.meta.url));
const spec = "examples/managed-private-private.yaml";
const started = Date.now();
const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
const bold = (text: string) => (color ? `\u001b[1m${text}\u001b[22m` : text);

// PFNET_TIME_SCALE (ms per Azure minute) speeds up the emulator and pfnet's waits alike (tests).
const timeScale = Number(process.env.PFNET_TIME_SCALE) || 100;
const emulator = await startEmulator({ timeScale });
// The CA goes where a user would keep it: .pfnet/ in the repository (git-ignored).
const caCertFile = ".pfnet/emulator-ca.pem";
mkdirSync(join(root, ".pfnet"), { recursive: true });
writeFileSync(join(root, caCertFile), emulator.caCert);
const target = ["--endpoint", emulator.endpoint, "--ca-cert", caCertFile];

console.log(bold("pfnet demo: make the internet-facing prompt flow workspace pf-ws fully private"));
console.log(`ARM emulator on ${emulator.endpoint} (1 minute of Azure time takes ${timeScale} ms).`);
console.log("Seeded: workspace pf-ws (public, no managed network), Azure OpenAI aoai-pf, AI Search srch-pf,");
console.log(`Content Safety cs-pf. Spec: ${spec}\n`);

async function pfnet(
  args: string[],
  expectedExitCode: number,
  check?: (stdout: string) => string | undefined,
) {
  console.log(bold(`$ pfnet ${args.join(" ")}`));
  let stdout = "";
  const code = await runCli(args, {
    stdout: {
      write: (text: string) => {
        stdout += text;
        return process.stdout.write(text);
      },
    },
    stderr: process.stderr,
    isTTY: { stdin: false, stdout: process.stdout.isTTY === true, stderr: process.stderr.isTTY === true },
    env: process.env,
    cwd: root,
  });
  const problem =
    code !== expectedExitCode ? `exit code ${code}, expected ${expectedExitCode}` : check?.(stdout);
  console.log(`${bold(`[exit ${code}]`)}\n`);
  if (problem) throw new Error(`pfnet ${args[0]}: ${problem}`);
}

let failure: unknown;
try {
  await pfnet(["validate", spec], 0);
  await pfnet(["plan", spec, ...target], 0, (out) => (out.includes("Plan:") ? undefined : "no plan printed"));
  await pfnet(["apply", spec, "--auto-approve", ...target], 0, (out) =>
    out.includes("Apply complete.") ? undefined : "the apply did not complete",
  );
  await pfnet(["plan", spec, "--detailed-exitcode", ...target], 0, (out) =>
    out.includes("No changes.") ? undefined : "the plan after apply is not empty",
  );
} catch (error) {
  failure = error;
} finally {
  await emulator.close();
  rmSync(join(root, caCertFile), { force: true });
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (failure) {
  console.error(
    `Demo failed after ${seconds}s: ${failure instanceof Error ? failure.message : String(failure)}`,
  );
  process.exitCode = 1;
} else {
  console.log(
    bold(`Demo finished in ${seconds}s: pf-ws is private, egress approved-only, and a second plan is empty.`),
  );
  console.log(
    `The emulator has stopped, and ${caCertFile} (its CA, new at every start) is removed with it. To run these\ncommands yourself, start one with \`pnpm -s emulator\` and pass its endpoint and caCertPath.`,
  );
}
