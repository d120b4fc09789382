/**
 * What a workspace reports of itself (workspaceRP.json 2025-12-01).
 *
 * `Workspaces_ListOutboundNetworkDependenciesEndpoints`: GET …/outboundNetworkDependenciesEndpoints,
 * 200 with `ExternalFQDNResponse`. The list Azure computes per workspace is unknown here: the
 * emulator answers the two categories of the spec's example (examples/ExternalFQDN/get.json)
 * unless a test set another (`state.setOutboundDependencies`) — assumed, see the README.
 *
 * `Workspaces_Diagnose`: POST …/workspaces/{ws}/diagnose, answered
 * 200 with the `DiagnoseResponseResult` or 202 + Location (both declared; the seeded RNG picks),
 * the final result via Location. The emulator does not diagnose anything itself: every result
 * list is empty unless a test set findings (`state.setDiagnosis`) — assumed, see the README.
 */
import type { Ctx, Reply, Route } from "../../http.js";
import { acceptedLocation, lroForm } from "../../http.js";
import { ML_VERSIONS, re } from "../common.js";
import { after, mlOperation, WS, wsFromCtx } from "./common.js";

/** The result lists of `DiagnoseResponseResult.value`, in the spec's order. */
export const DIAGNOSE_RESULT_LISTS = [
  "userDefinedRouteResults",
  "networkSecurityRuleResults",
  "resourceLockResults",
  "dnsResolutionResults",
  "storageAccountResults",
  "keyVaultResults",
  "containerRegistryResults",
  "applicationInsightsResults",
  "otherResults",
] as const;

function diagnose(ctx: Ctx): Reply {
  const ws = wsFromCtx(ctx);
  const result = () => ({
    status: 200,
    body: {
      value: Object.fromEntries(
        DIAGNOSE_RESULT_LISTS.map((list) => [list, structuredClone(ws.diagnosis?.[list] ?? [])]),
      ),
    },
  });
  if (lroForm(ctx, ["sync", "accepted"]) === "sync") return result();
  // The checks take about a minute of Azure time (assumed).
  return acceptedLocation(ctx, mlOperation(ctx, ws, after(ctx, 1), result));
}

/** examples/ExternalFQDN/get.json's answer. */
export const EXAMPLE_OUTBOUND_DEPENDENCIES = [
  {
    properties: {
      category: "Azure Active Directory",
      endpoints: [{ domainName: "login.microsoftonline.com", endpointDetails: [{ port: 443 }] }],
    },
  },
  {
    properties: {
      category: "Azure portal",
      endpoints: [{ domainName: "management.azure.com", endpointDetails: [{ port: 443 }] }],
    },
  },
];

function outboundDependencies(ctx: Ctx): Reply {
  const ws = wsFromCtx(ctx);
  return {
    status: 200,
    body: { value: structuredClone(ws.outboundDependencies ?? EXAMPLE_OUTBOUND_DEPENDENCIES) },
  };
}

export function workspaceReportRoutes(): Route[] {
  return [
    {
      name: "ml.outboundNetworkDependenciesEndpoints",
      pattern: re(`${WS}/outboundNetworkDependenciesEndpoints`),
      versions: ML_VERSIONS,
      handlers: { GET: outboundDependencies },
    },
    {
      name: "ml.diagnose",
      pattern: re(`${WS}/diagnose`),
      versions: ML_VERSIONS,
      handlers: { POST: diagnose },
    },
  ];
}
