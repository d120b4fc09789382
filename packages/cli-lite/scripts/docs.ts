/**
 * Regenerates the generated sections of the scenario pages: the example spec and its topology
 * diagram (`pfnet graph --offline`, Mermaid). Run `pnpm --filter @pfnet/cli-lite docs:graphs`;
 * a test fails when a page is stale.
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
  "byo-public-public",
  "byo-private-public",
  "two-workspace",
].map((name) => ({ page: `docs/scenarios/${name}.md`, example: `examples/${name}.yaml` }));

export async function graphOf(example: string): Promise<string> {
  let out = "";
  let err = "";
  const code = await runCli(["graph", example, "--offline"], {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    isTTY: false,
    env: {},
    cwd: REPO_ROOT,
  });
  if (code !== 0) throw new Error(`pfnet graph ${example} failed (${code}): ${err}`);
  return out;
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
  const withExample = replaceSection(doc, "example", `\`\`\`yaml\n${spec}\n\`\`\`\n`);
  return replaceSection(withExample, "graph", `\`\`\`mermaid\n${await graphOf(example)}\`\`\`\n`);
}

/** The README's spec (its first YAML block). */
export function readmeSpec(readme: string): string {
  const spec = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
  if (spec === undefined) throw new Error("README.md has no ```yaml block");
  return spec;
}

/** The README with its plan block replaced by what `pfnet plan` prints for its spec against the emulator. */
export async function renderReadme(): Promise<string> {
  const { startEmulator } = await import("@pfnet/arm-emulator");
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const emulator = await startEmulator({ timeScale: 5 });
  const dir = mkdtempSync(join(tmpdir(), "pfnet-readme-"));
  try {
    writeFileSync(join(dir, "my.yaml"), readmeSpec(readme));
    writeFileSync(join(dir, "ca.pem"), emulator.caCert);
    let out = "";
    const code = await runCli(["plan", "my.yaml", "--endpoint", emulator.endpoint, "--ca-cert", "ca.pem"], {
      stdout: { write: (text: string) => (out += text) },
      stderr: { write: () => true },
      isTTY: false,
      env: { PFNET_TIME_SCALE: "5" },
      cwd: dir,
    });
    if (code !== 0) throw new Error(`pfnet plan of the README spec exited ${code}`);
    return replaceSection(readme, "readme-plan", `\`\`\`\n${out}\`\`\`\n`);
  } finally {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const { page, example } of SCENARIOS) {
    writeFileSync(join(REPO_ROOT, page), await renderScenarioPage(page, example));
    console.log(`updated ${page}`);
  }
  writeFileSync(join(REPO_ROOT, "README.md"), await renderReadme());
  console.log("updated README.md");
}
