/**
 * `pnpm bench`: runs every `test/bench/*.bench.ts` module that exports `run(): Promise<void>`,
 * in name order. Benchmarks print figures; they assert nothing. Pass names to run a subset:
 * `pnpm bench core`.
 */
import { readdir } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const only = process.argv.slice(2);
const files = (await readdir(here)).filter((file) => file.endsWith(".bench.ts")).sort();
const selected = files.filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)));
if (selected.length === 0) {
  console.error(`No benchmark matches ${only.join(", ")}. Available: ${files.join(", ")}`);
  process.exit(2);
}

let failed = false;
for (const file of selected) {
  const module = (await import(pathToFileURL(`${here}${file}`).href)) as { run?: () => Promise<void> };
  if (typeof module.run !== "function") {
    console.log(`- ${file}: no run() export, skipped`);
    continue;
  }
  console.log(`\n== ${file.replace(/\.bench\.ts$/, "")} ==`);
  try {
    await module.run();
  } catch (error) {
    failed = true;
    console.error(`${file} failed:`, error);
  }
}
process.exit(failed ? 1 : 0);
