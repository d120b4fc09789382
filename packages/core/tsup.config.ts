import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { defineConfig } from "tsup";

const require = createRequire(import.meta.url);

export default defineConfig({
  entry: { index: "src/index.ts", "testing/index": "src/testing/index.ts" },
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  // Start-up: TypeBox is ~270 ES modules and yaml ~80; resolving each file costs more than the
  // code (`pfnet validate` went from 4x `node -e 0` to under 2x with them inlined). Their code is
  // bundled, tree-shaken; TypeBox stays a dependency for the types in index.d.ts.
  noExternal: ["@sinclair/typebox", "yaml"],
  esbuildPlugins: [
    {
      // yaml's `node` export is CommonJS (its `require("process")` does not survive bundling into
      // ESM); its ES module build is the same code.
      name: "yaml-esm",
      setup(build) {
        build.onResolve({ filter: /^yaml$/ }, () => ({
          path: join(dirname(require.resolve("yaml/package.json")), "browser/index.js"),
        }));
      },
    },
  ],
});
