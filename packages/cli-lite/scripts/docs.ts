/**
 * Regenerates the generated sections of the docs from what pfnet really prints: each scenario
 * page's example spec and topology diagram (`pfnet graph --offline`, Mermaid), and the README's
 * `pfnet validate` and `pfnet plan` output. Run `pnpm --filter @pfnet/cli-lite docs:generate`;
 * tests fail when a section is stale.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { runCli } from "../src/cli.js";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Scenario page -> example spec (both relative to the repository root). */
export const SCENARIOS = [
  "managed-public-public",
  "managed-private-public",
  "managed-public-private",
  "managed-private-private",
  "managed-private-private-services",
  "byo-public-public",
  "byo-private-public",
  "two-workspace",
  "hub-project",
].map((name) => ({
  page: `docs/scenarios/${name === "hub-project" ? "hubs-and-projects" : name}.md`,
  example: `examples/${name}.yaml`,
}));

/** The README's `pfnet validate` example: an own-VNet example asked for what only a managed VNet does. */
export const README_MISTAKE = {
  example: "examples/byo-public-public.yaml",
  edits: [
    ["egress: public", "egress: private"],
    ["inference: kubernetesOnlineEndpoint", "inference: managedOnlineEndpoint"],
  ],
} as const;

/** Run the CLI in-process in `cwd`; stdout is what the docs show. */
async function pfnet(argv: string[], cwd: string, env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    isTTY: false,
    env,
    cwd,
  });
  return { code, stdout, stderr };
}

/** Replace the text between `<!-- pfnet:NAME:start -->` and `<!-- pfnet:NAME:end -->`. */
export function replaceSection(doc: string, name: string, content: string): string {
  const start = `<!-- pfnet:${name}:start -->`;
  const end = `<!-- pfnet:${name}:end -->`;
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) throw new Error(`missing ${start} ... ${end}`);
  return `${doc.slice(0, from + start.length)}\n${content}${doc.slice(to)}`;
}

/** The page as it should be: its generated sections filled from the example. */
export async function renderScenarioPage(page: string, example: string): Promise<string> {
  const doc = readFileSync(join(REPO_ROOT, page), "utf8");
  const spec = readFileSync(join(REPO_ROOT, example), "utf8").trimEnd();
  const graph = await pfnet(["graph", example, "--offline"], REPO_ROOT);
  if (graph.code !== 0) throw new Error(`pfnet graph ${example} failed (${graph.code}): ${graph.stderr}`);
  const withExample = replaceSection(doc, "example", `\`\`\`yaml\n${spec}\n\`\`\`\n`);
  return replaceSection(withExample, "graph", `\`\`\`mermaid\n${graph.stdout}\`\`\`\n`);
}

/** The README's spec (its first YAML block). */
export function readmeSpec(readme: string): string {
  const spec = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
  if (spec === undefined) throw new Error("README.md has no ```yaml block");
  return spec;
}

/** Run `pfnet <argv> my.yaml` on `spec` saved as my.yaml in a scratch directory. */
async function onScratchSpec(spec: string, files: Record<string, string>, argv: (file: string) => string[]) {
  const dir = mkdtempSync(join(tmpdir(), "pfnet-docs-"));
  try {
    writeFileSync(join(dir, "my.yaml"), spec);
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    return await pfnet(argv("my.yaml"), dir, { PFNET_TIME_SCALE: "5" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The README with its `pfnet validate` block filled in (no Azure needed). */
export async function renderReadmeValidate(readme: string): Promise<string> {
  let spec = readFileSync(join(REPO_ROOT, README_MISTAKE.example), "utf8");
  for (const [from, to] of README_MISTAKE.edits) spec = spec.replace(from, to);
  const result = await onScratchSpec(spec, {}, (file) => ["validate", file]);
  if (result.code !== 1) throw new Error(`pfnet validate of the README's mistake exited ${result.code}`);
  return replaceSection(
    readme,
    "readme-validate",
    `\`\`\`\n$ pnpm pfnet validate my.yaml\n${result.stdout}\`\`\`\n`,
  );
}

/** The README with its plan block filled in from `pfnet plan` of its spec against a fresh emulator. */
export async function renderReadmePlan(
  readme: string,
  emulator: { endpoint: string; caCert: string },
): Promise<string> {
  const result = await onScratchSpec(readmeSpec(readme), { "ca.pem": emulator.caCert }, (file) => [
    "plan",
    file,
    "--endpoint",
    emulator.endpoint,
    "--ca-cert",
    "ca.pem",
  ]);
  if (result.code !== 0)
    throw new Error(`pfnet plan of the README spec exited ${result.code}: ${result.stderr}`);
  return replaceSection(readme, "readme-plan", `\`\`\`\n${result.stdout}\`\`\`\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const { page, example } of SCENARIOS) {
    writeFileSync(join(REPO_ROOT, page), await renderScenarioPage(page, example));
    console.log(`updated ${page}`);
  }
  const { startEmulator } = await import("@pfnet/arm-emulator");
  const emulator = await startEmulator({ timeScale: 5 });
  try {
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    const updated = await renderReadmePlan(await renderReadmeValidate(readme), emulator);
    writeFileSync(join(REPO_ROOT, "README.md"), updated);
    console.log("updated README.md");
  } finally {
    await emulator.close();
  }
}
