#!/usr/bin/env node
/**
 * `pnpm check:packages` (part of `pnpm test`): packs each published package as `pnpm publish`
 * would (workspace: and catalog: ranges replaced) and checks the tarball:
 * - LICENSE (the root's), README.md, CHANGELOG.md and the built entry points are in it;
 * - the manifest has repository, homepage, bugs, keywords, license MIT, engines.node >=20,
 *   a prepack build, and every dependency is a caret range (an app's own copy of the Azure SDK
 *   can then be shared instead of installed twice);
 * - publint (warnings are errors) and `attw --profile esm-only` report nothing, and every subpath
 *   also resolves under TypeScript's node10 resolution.
 * Packs without lifecycle scripts: `pnpm install` has built dist/ already.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PUBLISHED = ["packages/core", "packages/azure", "packages/cli-lite"];
const bin = (name) => join(ROOT, "node_modules/.bin", name);
const license = readFileSync(join(ROOT, "LICENSE"), "utf8");
const out = mkdtempSync(join(tmpdir(), "pfnet-packages-"));
const problems = [];

try {
  for (const dir of PUBLISHED) {
    const problem = (text) => problems.push(`${dir}: ${text}`);
    execFileSync("pnpm", ["--config.ignore-scripts=true", "pack", "--pack-destination", out], {
      cwd: join(ROOT, dir),
      stdio: "ignore",
    });
    const { name, version } = JSON.parse(readFileSync(join(ROOT, dir, "package.json"), "utf8"));
    const tarball = join(out, `${name.replace(/^@/, "").replace("/", "-")}-${version}.tgz`);
    const entries = new Set(execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n"));
    const read = (file) => execFileSync("tar", ["-xzOf", tarball, `package/${file}`], { encoding: "utf8" });

    for (const file of [
      "LICENSE",
      "README.md",
      "CHANGELOG.md",
      "package.json",
      "dist/index.js",
      "dist/index.d.ts",
    ]) {
      if (!entries.has(`package/${file}`)) problem(`${file} is not in the tarball`);
    }
    if (entries.has("package/LICENSE") && read("LICENSE") !== license)
      problem("LICENSE differs from the root's");

    const manifest = JSON.parse(read("package.json"));
    if (manifest.license !== "MIT") problem(`license is ${manifest.license}, not MIT`);
    if (manifest.engines?.node !== ">=20") problem(`engines.node is ${manifest.engines?.node}, not >=20`);
    if (!manifest.repository?.url || manifest.repository.directory !== dir) {
      problem(`repository needs url and directory "${dir}"`);
    }
    if (!manifest.homepage) problem("no homepage");
    if (!manifest.bugs?.url) problem("no bugs.url");
    if (!(manifest.keywords?.length > 0)) problem("no keywords");
    // pnpm leaves the lifecycle scripts out of the packed manifest: read the source one.
    const source = JSON.parse(readFileSync(join(ROOT, dir, "package.json"), "utf8"));
    if (!source.scripts?.prepack) problem("no prepack script (a publish must build first)");
    for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
      for (const [dependency, range] of Object.entries(manifest[field] ?? {})) {
        if (!/^\^\d+\.\d+\.\d+$/.test(range))
          problem(`${field} ${dependency} is "${range}", not a caret range`);
      }
    }

    const publint = spawnSync(bin("publint"), ["run", tarball, "--strict"], { encoding: "utf8" });
    const attw = spawnSync(
      bin("attw"),
      [tarball, "--profile", "esm-only", "--format", "ascii", "--no-emoji"],
      {
        encoding: "utf8",
      },
    );
    // esm-only skips TypeScript's node10 resolution; check it too (every subpath must resolve),
    // allowing only what an ES-module-only package is: `require` from CommonJS fails.
    const node10 = spawnSync(
      bin("attw"),
      [tarball, "--ignore-rules", "cjs-resolves-to-esm", "--format", "ascii", "--no-emoji"],
      { encoding: "utf8" },
    );
    if (publint.status !== 0) problem(`publint:\n${publint.stdout}${publint.stderr}`);
    if (attw.status !== 0) problem(`attw --profile esm-only:\n${attw.stdout}${attw.stderr}`);
    if (node10.status !== 0) problem(`attw (node10 resolution):\n${node10.stdout}${node10.stderr}`);
    console.log(
      `${name}@${version}: ${entries.size - 1} files; publint ${publint.status === 0 ? "clean" : "FAILED"}; attw --profile esm-only ${attw.status === 0 ? "clean" : "FAILED"}; node10 types ${node10.status === 0 ? "resolve" : "FAILED"}`,
    );
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}

if (problems.length > 0) {
  console.error(`\nPackaging problems:\n${problems.map((p) => `- ${p}`).join("\n")}`);
  process.exit(1);
}
