#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/main.js, built by `pnpm install` (root prepare script).
import module from "node:module";

// Start-up: Node 22.1+ keeps compiled code between runs (in the OS temp folder; NODE_DISABLE_COMPILE_CACHE=1
// turns it off). Node 20 has no such API.
module.enableCompileCache?.();

import { existsSync } from "node:fs";

const main = new URL("../dist/main.js", import.meta.url);
import(main.href).catch((error) => {
  // "Not built" only when the build itself is missing; any other missing module is its own error.
  if (error && error.code === "ERR_MODULE_NOT_FOUND" && !existsSync(main)) {
    process.stderr.write(
      "pfnet: the CLI is not built yet. Run `pnpm install` (or `pnpm build`) at the repository root.\n",
    );
    process.exit(1);
  }
  throw error;
});
