/**
 * pfnet as a library: load a spec, plan against Azure, show the plan, apply it.
 *
 *   node --import tsx examples/typescript/plan-and-apply.ts [spec.yaml]
 *   node --import tsx examples/typescript/plan-and-apply.ts [spec.yaml] --endpoint URL --ca-cert FILE
 *
 * Run it from the repository root (tsx resolves `@pfnet/*` through tsconfig paths). Against
 * Azure it uses DefaultAzureCredential (az login, environment, managed identity). Against the
 * local ARM emulator (`pnpm -s emulator` prints its endpoint and caCertPath), pass both flags:
 * the emulator accepts any token, so the script sends a fixed one. Ctrl-C stops it cleanly.
 */
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { AzureProvider } from "@pfnet/azure";
import {
  type ApplyResult,
  apply,
  isPfnetError,
  loadSpecFile,
  type PfnetEvent,
  type Provider,
  plan,
  planHasChanges,
} from "@pfnet/core";

export interface PlanAndApplyOptions {
  signal?: AbortSignal;
  /** Where the lines go (default: stdout). */
  log?: (line: string) => void;
}

/** Plan the spec; apply it when there are changes. Returns undefined when there was nothing to do. */
export async function planAndApply(
  specFile: string,
  provider: Provider,
  options: PlanAndApplyOptions = {},
): Promise<ApplyResult | undefined> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const spec = await loadSpecFile(specFile, options.signal ? { signal: options.signal } : {});
  for (const d of spec.diagnostics)
    log(
      `${specFile}${d.location ? `:${d.location.line}:${d.location.column}` : ""}: ${d.severity} ${d.code}: ${d.message}`,
    );

  // plan() validates again and throws PfnetError SPEC_INVALID / PLAN_FORBIDDEN with details.diagnostics.
  const thePlan = await plan(spec, provider, options.signal ? { signal: options.signal } : {});
  if (!planHasChanges(thePlan)) {
    log("No changes. Your network isolation matches the spec.");
    return undefined;
  }
  for (const step of thePlan.steps.filter((s) => s.action !== "noop")) {
    log(`${step.action.padEnd(9)} ${step.address}: ${step.reason}`);
  }

  const lastMessage = new Map<string, string>();
  const onEvent = (event: PfnetEvent) => {
    if (event.type === "step.finished")
      log(`${event.outcome.padEnd(15)} ${event.address} (${Math.round(event.durationMs)} ms)`);
    // Waits report progress on every poll; show each new message once.
    if (event.type === "step.progress" && lastMessage.get(event.address) !== event.message) {
      lastMessage.set(event.address, event.message);
      log(`  ${event.address}: ${event.message}`);
    }
  };
  const result = await apply(thePlan, provider, {
    concurrency: 10,
    onEvent,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  for (const step of result.steps) {
    if (step.outcome === "pendingApproval" && step.pending) log(`approve by hand: ${step.pending.action}`);
    if (step.outcome === "failed" && step.error)
      log(`failed ${step.address}: [${step.error.code}] ${step.error.message}`);
  }
  return result;
}

/** Azure (DefaultAzureCredential), or the emulator when its endpoint and CA certificate are given. */
export async function providerFromArgs(args: {
  endpoint?: string;
  caCert?: string;
  /** Milliseconds per Azure minute, as the emulator's `--time-scale`. Default 100 (its default). */
  timeScale?: number;
}): Promise<AzureProvider> {
  if (args.endpoint === undefined) return new AzureProvider({});
  if (args.caCert === undefined) return new AzureProvider({ endpoint: args.endpoint });
  return new AzureProvider({
    endpoint: args.endpoint,
    tlsCa: await readFile(args.caCert, "utf8"),
    // The emulator accepts any bearer token; never use this credential against Azure.
    credential: {
      getToken: async () => ({ token: "emulator", expiresOnTimestamp: Date.now() + 3_600_000 }),
    },
    // The emulator runs a minute of Azure time in 100 ms unless started with another --time-scale.
    waits: { timeScale: args.timeScale ?? 100 },
  });
}

// Run as a script.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort());
  const { values, positionals } = parseArgs({
    options: { endpoint: { type: "string" }, "ca-cert": { type: "string" } },
    allowPositionals: true,
  });
  const specFile = positionals[0] ?? "examples/managed-private-private.yaml";
  try {
    const provider = await providerFromArgs({
      ...(values.endpoint === undefined ? {} : { endpoint: values.endpoint }),
      ...(values["ca-cert"] === undefined ? {} : { caCert: values["ca-cert"] }),
      ...(process.env.PFNET_TIME_SCALE ? { timeScale: Number(process.env.PFNET_TIME_SCALE) } : {}),
    });
    const result = await planAndApply(specFile, provider, { signal: controller.signal });
    process.exitCode = result && (result.outcomes.failed > 0 || result.outcomes.cancelled > 0) ? 1 : 0;
  } catch (error) {
    // Branch on the stable code; a PfnetError's message (and hint) is meant for people, not a stack trace.
    if (!isPfnetError(error)) throw error;
    process.stderr.write(`${error.message} [${error.code}]\n${error.hint ? `${error.hint}\n` : ""}`);
    process.exitCode = 1;
  }
}
