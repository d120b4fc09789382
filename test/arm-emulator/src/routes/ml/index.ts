/**
 * Microsoft.MachineLearningServices: one module per resource — workspaces, outbound rules, the
 * managed network (provisionManagedNetwork), computes, online endpoints/deployments, the
 * workspace diagnosis — and their
 * shared path and long-running-operation helpers (`common.ts`).
 */
import type { Route } from "../../http.js";
import { computeRoutes } from "./computes.js";
import { managedNetworkRoutes } from "./managed-network.js";
import { onlineEndpointRoutes } from "./online-endpoints.js";
import { outboundRuleRoutes } from "./outbound-rules.js";
import { workspaceReportRoutes } from "./workspace-reports.js";
import { workspaceConnectionRoutes, workspaceRoutes } from "./workspaces.js";

export function mlRoutes(): Route[] {
  return [
    ...workspaceRoutes(),
    ...outboundRuleRoutes(),
    ...managedNetworkRoutes(),
    ...computeRoutes(),
    ...onlineEndpointRoutes(),
    ...workspaceConnectionRoutes(),
    ...workspaceReportRoutes(),
  ];
}
