/**
 * The emulator's request log of every example, plan → apply → plan (emulator seed pinned), in a
 * form two runs can be compared by: a restructuring that changes no behaviour leaves these files
 * identical (`diff -r before/ after/`).
 *
 *   node --import tsx scripts/request-logs.ts OUT_DIR
 *
 * What is normalised, and why: requests of one resource keep their order, but resources are
 * written in parallel, so the log is grouped by path instead of time-ordered; repeats of one
 * request with the same answer collapse into one line. During apply, reads are polls and waits
 * whose number and answers depend on the wall clock and on which parallel write landed first, so
 * apply keeps every write with its body and only the distinct reads (path and query);
 * timestamps, operation ids and the emulator's generated UUIDs in answers become placeholders,
 * and so does the random suffix of a managed private endpoint's name (drawn from the seeded RNG,
 * whose draws interleave with the parallel applies of several workspaces).
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fakeCredential, type RequestRecord, startEmulator } from "@pfnet/arm-emulator";
import { AzureProvider } from "@pfnet/azure";
import { apply, loadSpecFile, type Plan, plan } from "@pfnet/core";

const TIME_SCALE = 5;
const RANDOM_SEED = 7;
const EXAMPLES = "examples";

const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z?/g;
const OPERATION = /\/(operations|operationResults|operationStatuses)\/[^/?"]+/gi;
const MANAGED_ENDPOINT_SUFFIX = /(\/privateEndpoints\/[A-Za-z0-9-]+?)-[0-9a-f]{8}\b/g;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/gi;

function normalise(value: unknown, answer: boolean): unknown {
  let text = JSON.stringify(value ?? null)
    .replace(ISO_TIME, "<time>")
    .replace(OPERATION, "/$1/<op>")
    .replace(MANAGED_ENDPOINT_SUFFIX, "$1-<hex>");
  if (answer) text = text.replace(UUID, "<uuid>");
  return JSON.parse(text);
}

function lines(records: readonly RequestRecord[], writesOnly: boolean): string[] {
  const byResource = new Map<string, string[]>();
  for (const r of records) {
    const key = r.path
      .replace(OPERATION, "/$1/<op>")
      .replace(MANAGED_ENDPOINT_SUFFIX, "$1-<hex>")
      .toLowerCase();
    const read = r.method === "GET";
    const line = JSON.stringify({
      method: r.method,
      query: r.query.replace(ISO_TIME, "<time>"),
      ...(read && writesOnly
        ? {}
        : {
            status: r.status,
            request: normalise(r.requestBody, false),
            response: normalise(r.responseBody, true),
          }),
    });
    const seq = byResource.get(key) ?? [];
    if (read && writesOnly ? !seq.includes(line) : seq[seq.length - 1] !== line) seq.push(line);
    byResource.set(key, seq);
  }
  return [...byResource.keys()].sort().flatMap((key) => [`# ${key}`, ...byResource.get(key)!]);
}

async function record(example: string, out: string): Promise<void> {
  const emulator = await startEmulator({ timeScale: TIME_SCALE, randomSeed: RANDOM_SEED });
  try {
    const provider = new AzureProvider({
      credential: fakeCredential,
      endpoint: emulator.endpoint,
      tlsCa: emulator.caCert,
      waits: { timeScale: TIME_SCALE },
    });
    const spec = await loadSpecFile(join(EXAMPLES, example));
    if (!spec.topology) throw new Error(`${example}: the spec does not validate`);
    const topology = spec.topology;
    let first: Plan | undefined;
    const phases: [string, () => Promise<unknown>][] = [
      ["plan", async () => (first = await plan(topology, provider))],
      ["apply", async () => apply(first!, provider, { checkStale: false, allowWeaken: true })],
      ["plan again", async () => plan(topology, provider)],
    ];
    const text: string[] = [];
    for (const [name, run] of phases) {
      emulator.requests.clear();
      await run();
      text.push(`## ${name}`, ...lines(emulator.requests.entries, name === "apply"));
    }
    writeFileSync(join(out, example.replace(/\.yaml$/, ".log")), `${text.join("\n")}\n`);
  } finally {
    await emulator.close();
  }
}

const out = process.argv[2];
if (!out) {
  console.error("usage: node --import tsx scripts/request-logs.ts OUT_DIR");
  process.exit(2);
}
mkdirSync(out, { recursive: true });
for (const example of readdirSync(EXAMPLES)
  .filter((f) => f.endsWith(".yaml"))
  .sort()) {
  await record(example, out);
  console.log(`${example}: recorded`);
}
