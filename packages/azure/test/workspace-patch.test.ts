/**
 * The workspace PATCH (nock): every `managedNetwork` PATCH carries the complete settings pfnet
 * owns — isolation mode together with the firewall SKU — and never the `outboundRules` map; no
 * `If-Match` (workspaceRP.json 2025-12-01 declares none); and the workspace fingerprint is a
 * content hash that ignores provisioning progress but sees a changed setting.
 */
import { AzureProvider } from "@pfnet/azure";
import type { PfnetEventInput } from "@pfnet/core";
import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { workspaceFingerprint as fingerprintOf } from "../src/kinds/workspace.js";
import type { Workspace } from "../src/rest/types.js";
import { credentialWith, HOST, step, WS_PATH } from "./nock-fixtures.js";

const provider = () =>
  new AzureProvider({ credential: credentialWith("t"), endpoint: HOST, waits: { timeScale: 1 } });
const context = () => ({ signal: new AbortController().signal, emit: (_: PfnetEventInput) => {} });

const workspace = (managedNetwork: Record<string, unknown>, publicNetworkAccess = "Disabled") => ({
  name: "pf",
  location: "eastus",
  identity: { type: "SystemAssigned", principalId: "p1" },
  properties: {
    publicNetworkAccess,
    storageAccount: "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st",
    managedNetwork: {
      status: { status: "Active", sparkReady: false },
      outboundRules: { "fqdn-a": { type: "FQDN", category: "UserDefined", destination: "a.example.com" } },
      ...managedNetwork,
    } as Record<string, unknown>,
  },
});

const workspaceStep = (after: Record<string, unknown>) =>
  step({
    address: "workspace.pf",
    kind: "workspace",
    action: "update",
    after: { publicNetworkAccess: "Disabled", isolationMode: "AllowOnlyApprovedOutbound", ...after },
  });

/** Serve the GET, capture the PATCH (answered 200: done) and its headers. */
function patchCapture(current: Record<string, unknown>) {
  const seen: { body?: unknown; headers?: Record<string, unknown> } = {};
  const scope = nock(HOST)
    .get(WS_PATH)
    .query(true)
    .reply(200, current)
    .patch(WS_PATH)
    .query(true)
    .reply(function (_uri, body) {
      seen.body = body;
      seen.headers = this.req.headers;
      return [200, current];
    });
  return { scope, seen };
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe("workspace PATCH", () => {
  it("a change of the firewall SKU alone still sends the isolation mode, never the rule map, no If-Match", async () => {
    const { scope, seen } = patchCapture(
      workspace({ isolationMode: "AllowOnlyApprovedOutbound", firewallSku: "Standard" }),
    );
    await provider().apply(workspaceStep({ firewallSku: "Basic" }), context());
    expect(scope.isDone()).toBe(true);
    expect(seen.body).toEqual({
      properties: { managedNetwork: { isolationMode: "AllowOnlyApprovedOutbound", firewallSku: "Basic" } },
    });
    expect(seen.headers?.["if-match"]).toBeUndefined();
  });

  it("a change of the isolation mode alone sends the SKU Azure reports (else Standard)", async () => {
    const reported = patchCapture(
      workspace({ isolationMode: "AllowInternetOutbound", firewallSku: "Basic" }),
    );
    await provider().apply(workspaceStep({}), context());
    expect(reported.seen.body).toEqual({
      properties: { managedNetwork: { isolationMode: "AllowOnlyApprovedOutbound", firewallSku: "Basic" } },
    });
    nock.cleanAll();
    const unset = patchCapture(workspace({ isolationMode: "AllowInternetOutbound" }));
    await provider().apply(workspaceStep({}), context());
    expect(unset.seen.body).toEqual({
      properties: { managedNetwork: { isolationMode: "AllowOnlyApprovedOutbound", firewallSku: "Standard" } },
    });
  });

  it("a change of public access alone sends no managedNetwork at all", async () => {
    const { seen } = patchCapture(
      workspace({ isolationMode: "AllowOnlyApprovedOutbound", firewallSku: "Basic" }, "Enabled"),
    );
    await provider().apply(workspaceStep({ firewallSku: "Basic" }), context());
    expect(seen.body).toEqual({ properties: { publicNetworkAccess: "Disabled" } });
  });
});

const workspaceFingerprint = (ws: unknown) => fingerprintOf(ws as Workspace);

describe("workspace fingerprint (content hash, no etag)", () => {
  const base = workspace({ isolationMode: "AllowOnlyApprovedOutbound", firewallSku: "Basic" });
  it("is a sha256 that ignores the managed network's provisioning progress", () => {
    const inactive = structuredClone(base);
    inactive.properties.managedNetwork.status = { status: "Inactive", sparkReady: false };
    expect(workspaceFingerprint(base)).toMatch(/^sha256:/);
    expect(workspaceFingerprint(inactive)).toBe(workspaceFingerprint(base));
  });
  it("changes when a setting pfnet owns changes, or the identity it grants to", () => {
    const sku = structuredClone(base);
    sku.properties.managedNetwork.firewallSku = "Standard";
    const identity = structuredClone(base);
    identity.identity.principalId = "p2";
    expect(workspaceFingerprint(sku)).not.toBe(workspaceFingerprint(base));
    expect(workspaceFingerprint(identity)).not.toBe(workspaceFingerprint(base));
  });
});
