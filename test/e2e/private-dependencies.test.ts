/**
 * Workspace dependencies made private (`dependencies.private`), against the ARM emulator with the
 * real clients: the order per egress mode in the request log (AllowOnlyApprovedOutbound: the
 * PATCHes after provisioning has made the network Active; AllowInternetOutbound: right before
 * provisionManagedNetwork, and the plan names the window), the dependencies' Required
 * private-endpoint rules afterwards, a plan after apply with no changes, and the refusals (a
 * registry below Premium, a private registry without `imageBuildCompute`).
 */
import { defaultSeed, type RequestRecord } from "@pfnet/arm-emulator";
import { apply, PfnetError, plan, planHasChanges, type Topology } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { renderPlan } from "../../packages/cli-lite/src/render/plan.js";
import { createStyle } from "../../packages/cli-lite/src/style.js";
import { providerFor, RG, ROWS, type Row, rowSpec, SUB, startTestEmulator } from "./harness.js";

const id = (provider: string, name: string) =>
  `/subscriptions/${SUB}/resourceGroups/${RG}/providers/${provider}/${name}`;
const STORAGE = id("Microsoft.Storage/storageAccounts", "stpfws");
const VAULT = id("Microsoft.KeyVault/vaults", "kv-pf-ws");
const REGISTRY = id("Microsoft.ContainerRegistry/registries", "crpfws");
const DEPENDENCY_PATHS = ["/storageAccounts/stpfws", "/vaults/kv-pf-ws", "/registries/crpfws"];

/** pf-ws reaching AOAI, its three dependencies made private, images built on `cpu-cluster`. */
function spec(row: Row, imageBuildCompute: string | null = "cpu-cluster"): Topology {
  const topology = rowSpec(row, { services: ["aoai"], endpoints: false });
  const ws = topology.workspaces["pf-ws"]!;
  ws.dependencies = { private: true, storageAccount: STORAGE, keyVault: VAULT, containerRegistry: REGISTRY };
  if (imageBuildCompute !== null) ws.imageBuildCompute = imageBuildCompute;
  return topology;
}

const line = (entry: RequestRecord) => `${entry.method} ${entry.path.split("?")[0]}`;
const isDependencyPatch = (entry: RequestRecord) =>
  entry.method === "PATCH" && DEPENDENCY_PATHS.some((path) => entry.path.split("?")[0]!.endsWith(path));
const networkStatusIn = (entry: RequestRecord) =>
  (entry.responseBody as { properties?: { managedNetwork?: { status?: { status?: string } } } } | null)
    ?.properties?.managedNetwork?.status?.status;

describe("workspace dependencies made private", () => {
  it("AllowOnlyApprovedOutbound: the dependencies' PATCHes come after provisioning made the network Active; their Required rules exist; the next plan is empty", async () => {
    const em = await startTestEmulator();
    try {
      const provider = providerFor(em);
      const planned = await plan(spec(ROWS[2]!), provider);
      const steps = planned.steps.filter((step) => step.kind === "dependencyNetworkAccess");
      expect(steps.map((step) => [step.address, step.action])).toEqual([
        ["workspace.pf-ws.dependency.containerRegistry", "update"],
        ["workspace.pf-ws.dependency.keyVault", "update"],
        ["workspace.pf-ws.dependency.storageAccount", "update"],
      ]);
      for (const step of steps) expect(step.dependsOn).toContain("workspace.pf-ws.network");
      // cpu-cluster does not exist yet: a warning, not a refusal.
      expect(planned.diagnostics.map((d) => `${d.code} ${d.severity}`)).toContain("PFN214 warning");

      const from = em.requests.entries.length;
      const result = await apply(planned, provider);
      expect(result.errors).toEqual([]);
      const log = em.requests.entries.slice(from);
      const provision = log.findIndex((entry) => line(entry).endsWith("/provisionManagedNetwork"));
      const patches = log.flatMap((entry, at) => (isDependencyPatch(entry) ? [at] : []));
      expect(provision).toBeGreaterThanOrEqual(0);
      expect(patches).toHaveLength(3);
      // Every PATCH after the provisioning and after a workspace read showing the network Active.
      const activeAt = log.findIndex(
        (entry, at) => at > provision && entry.method === "GET" && networkStatusIn(entry) === "Active",
      );
      expect(activeAt).toBeGreaterThan(provision);
      for (const at of patches) expect(at).toBeGreaterThan(activeAt);

      for (const name of ["stpfws", "kv-pf-ws", "crpfws"])
        expect(
          (em.state.resource(name)?.properties as { publicNetworkAccess?: string } | undefined)
            ?.publicNetworkAccess,
        ).toBe("Disabled");
      expect(
        (em.state.workspace("pf-ws") as { properties?: { imageBuildCompute?: string } }).properties
          ?.imageBuildCompute,
      ).toBe("cpu-cluster");
      const required = Object.entries(em.state.rules("pf-ws"))
        .filter(([, rule]) => (rule as { category: string }).category === "Required")
        .filter(([name]) => name.startsWith("__SYS_PE_"))
        .map(([name, rule]) => `${name} ${(rule as { status: string }).status}`);
      expect(required.sort()).toEqual([
        "__SYS_PE_crpfws_registry Active",
        "__SYS_PE_kv-pf-ws_vault Active",
        "__SYS_PE_stpfws_blob Active",
        "__SYS_PE_stpfws_file Active",
      ]);
      expect(planHasChanges(await plan(spec(ROWS[2]!), provider))).toBe(false);
    } finally {
      await em.close();
    }
  });

  it("AllowInternetOutbound: the PATCHes come right before provisionManagedNetwork, the plan names the window, Azure then has the Required rules; the next plan is empty", async () => {
    const em = await startTestEmulator();
    try {
      const provider = providerFor(em);
      const planned = await plan(spec(ROWS[0]!), provider);
      const network = planned.steps.find((step) => step.address === "workspace.pf-ws.network")!;
      expect(network.action).toBe("provision");
      for (const dependency of ["storageAccount", "keyVault", "containerRegistry"])
        expect(network.dependsOn).toContain(`workspace.pf-ws.dependency.${dependency}`);
      const window = planned.diagnostics.find((d) => d.code === "PFN133")!;
      expect(window.severity).toBe("warning");
      const text = renderPlan(planned, createStyle(false));
      expect(text).toContain("no path to it (a short window)");

      const from = em.requests.entries.length;
      const result = await apply(planned, provider);
      expect(result.errors).toEqual([]);
      const writes = em.requests.entries
        .slice(from)
        .filter((entry) => entry.method !== "GET")
        .map((entry) => (isDependencyPatch(entry) ? "PATCH dependency" : line(entry)));
      const provision = writes.findIndex((write) => write.endsWith("/provisionManagedNetwork"));
      // The three PATCHes are the writes right before the provisioning.
      expect(writes.slice(provision - 3, provision)).toEqual([
        "PATCH dependency",
        "PATCH dependency",
        "PATCH dependency",
      ]);
      expect(
        Object.keys(em.state.rules("pf-ws"))
          .filter((name) => name.startsWith("__SYS_PE_"))
          .sort(),
      ).toEqual([
        "__SYS_PE_crpfws_registry",
        "__SYS_PE_kv-pf-ws_vault",
        "__SYS_PE_stpfws_blob",
        "__SYS_PE_stpfws_file",
      ]);
      expect(planHasChanges(await plan(spec(ROWS[0]!), provider))).toBe(false);
    } finally {
      await em.close();
    }
  });

  it("a registry below Premium is refused at plan time (PFN213), before any write", async () => {
    const seed = defaultSeed();
    seed.targets = seed.targets.map((target) =>
      target.name === "crpfws" ? { ...target, sku: "Standard" } : target,
    );
    const em = await startTestEmulator({ seed });
    try {
      const failure = await plan(spec(ROWS[2]!), providerFor(em)).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(PfnetError);
      const diagnostics = (failure as PfnetError).details?.diagnostics as Array<{
        code: string;
        hint?: string;
      }>;
      const sku = diagnostics.find((d) => d.code === "PFN213")!;
      expect(sku.hint).toContain("--sku Premium");
      expect(em.requests.entries.filter((entry) => entry.method !== "GET")).toEqual([]);
    } finally {
      await em.close();
    }
  });

  it("a private registry without imageBuildCompute is refused (PFN131) with the ImageBuildComputeNotValid hint", async () => {
    const em = await startTestEmulator();
    try {
      const failure = await plan(spec(ROWS[2]!, null), providerFor(em)).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(PfnetError);
      expect((failure as PfnetError).code).toBe("SPEC_INVALID");
      const diagnostics = (failure as PfnetError).details?.diagnostics as Array<{
        code: string;
        message: string;
        hint?: string;
      }>;
      const missing = diagnostics.find((d) => d.code === "PFN131")!;
      expect(missing.message).toContain("ImageBuildComputeNotValid");
      expect(missing.hint).toContain("imageBuildCompute");
      expect(em.requests.entries).toEqual([]);
    } finally {
      await em.close();
    }
  });
});
