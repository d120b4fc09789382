/**
 * Shared by the nock-based tests: a fake Azure workspace's coordinates and a plan-step builder.
 */
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import type { PlanStep } from "@pfnet/core";

export const HOST = "https://management.azure.com";
export const ws = { subscriptionId: "sub", resourceGroup: "rg", name: "pf", key: "pf" };
export const WS_PATH =
  "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/pf";
export const STORAGE =
  "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stpf";
export const PRINCIPAL = "aaaaaaaa-0000-0000-0000-000000000001";

/** A credential that hands out `token`. */
export function credentialWith(token: string): TokenCredential {
  return {
    getToken: async (): Promise<AccessToken> => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
}

/** A plan step of the workspace `pf` with the defaults a test does not care about. */
export function step(partial: Partial<PlanStep> & Pick<PlanStep, "address" | "kind" | "action">): PlanStep {
  return {
    identity: { workspace: ws },
    before: null,
    after: null,
    changedPaths: [],
    reason: "",
    dependsOn: [],
    guard: false,
    ...partial,
  };
}
