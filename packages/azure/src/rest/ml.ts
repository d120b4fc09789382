/**
 * Azure Machine Learning 2025-12-01 operations pfnet needs that `@azure/arm-machinelearning`
 * 2.1.1 (api-version 2022-10-01) lacks: the workspace with its managed network, outbound rules and
 * provisionManagedNetwork. Paths from workspaceRP.json (see ARCHITECTURE.md).
 */
import type { WorkspaceRef } from "@pfnet/core";
import { type ArmResponse, type ArmRest, awaitOperation, type OperationHandle } from "./arm.js";
import {
  DIAGNOSE_CHECKS,
  type DiagnoseResponseResult,
  type ExternalFQDNResponse,
  type ManagedNetworkProvisionOptions,
  type ManagedNetworkProvisionStatus,
  ML_API_VERSION,
  type OutboundRule,
  type OutboundRuleBasicResource,
  type Workspace,
  type WorkspaceUpdateParameters,
} from "./types.js";

export function workspacePath(ws: Pick<WorkspaceRef, "subscriptionId" | "resourceGroup" | "name">): string {
  return `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${ws.name}`;
}

export class MachineLearningRest {
  constructor(private readonly arm: ArmRest) {}

  /** `Workspaces_Get`: GET …/workspaces/{ws}; undefined on 404. */
  getWorkspace(ws: WorkspaceRef, signal: AbortSignal): Promise<ArmResponse<Workspace> | undefined> {
    return this.arm.getOptional<Workspace>(workspacePath(ws), { apiVersion: ML_API_VERSION, signal });
  }

  /** `Workspaces_ListByResourceGroup`: GET …/resourceGroups/{rg}/providers/…/workspaces, every page. */
  listWorkspaces(subscriptionId: string, resourceGroup: string, signal: AbortSignal): Promise<Workspace[]> {
    return this.arm.listAll<Workspace>(
      `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces`,
      { apiVersion: ML_API_VERSION, signal },
    );
  }

  /** `Workspaces_CreateOrUpdate`: PUT …/workspaces/{ws} (LRO). */
  createWorkspace(
    ws: WorkspaceRef,
    body: Workspace,
    signal: AbortSignal,
    onPoll?: () => void,
  ): Promise<Workspace | undefined> {
    return this.arm.lro<Workspace>("PUT", workspacePath(ws), {
      apiVersion: ML_API_VERSION,
      body,
      signal,
      ...(onPoll ? { onPoll } : {}),
    });
  }

  /**
   * `Workspaces_Update`: PATCH …/workspaces/{ws} (LRO). No `If-Match`: the operation declares
   * none and `Workspace` has no etag (workspaceRP.json 2025-12-01); see `workspaceFingerprint`.
   */
  updateWorkspace(
    ws: WorkspaceRef,
    body: WorkspaceUpdateParameters,
    signal: AbortSignal,
    onPoll?: () => void,
  ): Promise<Workspace | undefined> {
    return this.arm.lro<Workspace>("PATCH", workspacePath(ws), {
      apiVersion: ML_API_VERSION,
      body,
      signal,
      ...(onPoll ? { onPoll } : {}),
    });
  }

  /** `ManagedNetworkSettingsRule_List`: GET …/workspaces/{ws}/outboundRules, every page. */
  listOutboundRules(ws: WorkspaceRef, signal: AbortSignal): Promise<OutboundRuleBasicResource[]> {
    return this.arm.listAll<OutboundRuleBasicResource>(`${workspacePath(ws)}/outboundRules`, {
      apiVersion: ML_API_VERSION,
      signal,
    });
  }

  /** `ManagedNetworkSettingsRule_Get`: undefined on 404. */
  async getOutboundRule(
    ws: WorkspaceRef,
    ruleName: string,
    signal: AbortSignal,
  ): Promise<OutboundRuleBasicResource | undefined> {
    const response = await this.arm.getOptional<OutboundRuleBasicResource>(
      `${workspacePath(ws)}/outboundRules/${ruleName}`,
      {
        apiVersion: ML_API_VERSION,
        signal,
      },
    );
    return response?.body;
  }

  /** `ManagedNetworkSettingsRule_CreateOrUpdate` (LRO, final state via Location). */
  putOutboundRule(
    ws: WorkspaceRef,
    ruleName: string,
    rule: OutboundRule,
    signal: AbortSignal,
    onPoll?: () => void,
  ): Promise<OutboundRuleBasicResource | undefined> {
    return this.arm.lro<OutboundRuleBasicResource>("PUT", `${workspacePath(ws)}/outboundRules/${ruleName}`, {
      apiVersion: ML_API_VERSION,
      body: { properties: rule },
      signal,
      resourceLocationConfig: "location",
      ...(onPoll ? { onPoll } : {}),
    });
  }

  /** `ManagedNetworkSettingsRule_Delete` (LRO); a 404 means already gone. */
  async deleteOutboundRule(
    ws: WorkspaceRef,
    ruleName: string,
    signal: AbortSignal,
    onPoll?: () => void,
  ): Promise<void> {
    try {
      await this.arm.lro("DELETE", `${workspacePath(ws)}/outboundRules/${ruleName}`, {
        apiVersion: ML_API_VERSION,
        signal,
        ...(onPoll ? { onPoll } : {}),
      });
    } catch (error) {
      if ((error as { status?: number }).status === 404) return;
      throw error;
    }
  }

  /** `Workspaces_ListOutboundNetworkDependenciesEndpoints`: GET …/workspaces/{ws}/outboundNetworkDependenciesEndpoints. */
  async listOutboundDependencies(ws: WorkspaceRef, signal: AbortSignal): Promise<ExternalFQDNResponse> {
    const response = await this.arm.getOptional<ExternalFQDNResponse>(
      `${workspacePath(ws)}/outboundNetworkDependenciesEndpoints`,
      { apiVersion: ML_API_VERSION, signal },
    );
    return response?.body ?? {};
  }

  /**
   * `Workspaces_Diagnose`: POST …/workspaces/{ws}/diagnose (LRO, final state via Location), asking
   * for every check as the spec's example does (each category an empty settings object).
   */
  diagnoseWorkspace(ws: WorkspaceRef, signal: AbortSignal): Promise<DiagnoseResponseResult | undefined> {
    return this.arm.lro<DiagnoseResponseResult>("POST", `${workspacePath(ws)}/diagnose`, {
      apiVersion: ML_API_VERSION,
      body: { value: Object.fromEntries(DIAGNOSE_CHECKS.map((check) => [check, {}])) },
      signal,
      resourceLocationConfig: "location",
    });
  }

  /** `ManagedNetworkProvisions_ProvisionManagedNetwork`: POST (LRO, final state via Location). */
  provisionManagedNetwork(
    ws: WorkspaceRef,
    options: ManagedNetworkProvisionOptions,
    signal: AbortSignal,
    onPoll?: () => void,
    onStarted?: (handle: OperationHandle) => Promise<void>,
  ): Promise<ManagedNetworkProvisionStatus | undefined> {
    return this.arm.lro<ManagedNetworkProvisionStatus>(
      "POST",
      `${workspacePath(ws)}/provisionManagedNetwork`,
      {
        apiVersion: ML_API_VERSION,
        body: options,
        signal,
        resourceLocationConfig: "location",
        ...(onPoll ? { onPoll } : {}),
        ...(onStarted ? { onStarted } : {}),
      },
    );
  }

  /** Wait for an ML operation started earlier through its poll URL (see `awaitOperation`). */
  awaitOperation(url: string, signal: AbortSignal, onPoll?: () => void): Promise<"done" | "gone"> {
    return awaitOperation(this.arm, url, {
      apiVersion: ML_API_VERSION,
      signal,
      defaultPollMs: this.arm.defaultPollMs,
      ...(onPoll ? { onPoll } : {}),
    });
  }
}
