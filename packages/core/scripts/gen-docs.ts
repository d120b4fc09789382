/** Writes docs/reference/spec.md and docs/rules/*.md; removes rule pages whose code is gone. */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { renderAllDocs } from "./docs.js";
import { REPO_ROOT } from "./paths.js";

const files = renderAllDocs();
for (const [path, text] of files) {
  const target = join(REPO_ROOT, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
}
const rulesDir = join(REPO_ROOT, "docs/rules");
for (const name of readdirSync(rulesDir)) {
  if (/^PFN\d+\.md$/.test(name) && !files.has(`docs/rules/${name}`)) rmSync(join(rulesDir, name));
}
process.stdout.write(`wrote ${files.size} files under ${join(REPO_ROOT, "docs")}\n`);
