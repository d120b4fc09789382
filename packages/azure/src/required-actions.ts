/**
 * What the kinds' `requiredActions` share: the actions a write, a delete or a replace of a
 * resource type performs (`<type>/write`, `<type>/delete`; Azure's operation names) and the
 * scopes they are checked on. Used only by the permissions check before apply (permissions.ts).
 */
import type { PlanStep, WorkspaceRef } from "@pfnet/core";
import type { RequiredActions } from "./kind.js";
import { workspacePath } from "./rest/ml.js";

/** The ML workspaces resource type, the prefix of every workspace action. */
export const ML_WORKSPACES = "Microsoft.MachineLearningServices/workspaces";

/**
 * The actions a step performs on a resource of `type`: create and update write, delete
 * deletes, replace does both (delete first). Anything else performs none.
 */
export function writeActions(step: Pick<PlanStep, "action">, type: string): string[] {
  switch (step.action) {
    case "create":
    case "update":
      return [`${type}/write`];
    case "delete":
      return [`${type}/delete`];
    case "replace":
      return [`${type}/delete`, `${type}/write`];
    default:
      return [];
  }
}

/** `actions` on `scope`, or nothing when there are none. */
export function on(scope: string, actions: string[]): RequiredActions[] {
  return actions.length === 0 ? [] : [{ scope, actions }];
}

/** The ARM id of a workspace (the scope of every workspace action). */
export const workspaceScope = (ws: WorkspaceRef) => workspacePath(ws);

/** The ARM id of a resource group. */
export const groupScope = (subscriptionId: string, resourceGroup: string) =>
  `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
