import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Tests run against the TypeScript sources of the workspace packages, never their dist/.
const alias = [
  { find: /^@pfnet\/core\/testing$/, replacement: here("./packages/core/src/testing/index.ts") },
  { find: /^@pfnet\/core$/, replacement: here("./packages/core/src/index.ts") },
  { find: /^@pfnet\/azure$/, replacement: here("./packages/azure/src/index.ts") },
  { find: /^@pfnet\/cli-lite$/, replacement: here("./packages/cli-lite/src/index.ts") },
  { find: /^@pfnet\/arm-emulator$/, replacement: here("./test/arm-emulator/src/index.ts") },
];

export default defineConfig({
  resolve: { alias },
  test: {
    // One ledger of the routes every emulator log of the run produced (test/route-ledger.setup.ts).
    globalSetup: ["./test/route-ledger.setup.ts"],
    projects: [
      {
        resolve: { alias },
        test: {
          name: "core",
          include: ["packages/core/src/**/*.test.ts", "packages/core/test/**/*.test.ts"],
          // A guard against hangs, not a timing check: property tests run a fixed number of cases,
          // which on a loaded 2-core runner took over the 5 s default.
          testTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "azure",
          include: ["packages/azure/src/**/*.test.ts", "packages/azure/test/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "cli",
          include: ["packages/cli-lite/src/**/*.test.ts", "packages/cli-lite/test/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "emulator",
          include: ["test/arm-emulator/**/*.test.ts"],
          exclude: ["**/node_modules/**"],
          testTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts", "test/chaos/**/*.test.ts"],
          testTimeout: 300_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
