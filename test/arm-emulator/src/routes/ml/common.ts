/**
 * What every Microsoft.MachineLearningServices route module shares: the path of a workspace, the
 * workspace a request names, and the ML RP's long-running operations (Location style; child
 * resources in the Azure-AsyncOperation style), plus the storage role a workspace identity needs.
 */
import type { Ctx, Reply } from "../../http.js";
import { acceptedAsync } from "../../http.js";
import { hasEffectiveRole, STORAGE_FILE_PRIVILEGED_CONTRIBUTOR } from "../../state/authorization.js";
import { ML, type WorkspaceState, workspaceAt, workspacePrincipal } from "../../state/ml/workspaces.js";
import type { Operation } from "../../state/model.js";
import { ArmError, type JsonObject, str } from "../../util.js";
import { RG } from "../common.js";

export const WS = `${RG}/providers/Microsoft\\.MachineLearningServices/workspaces/([^/]+)`;

export function wsFromCtx(ctx: Ctx): WorkspaceState {
  const [sub, rg, name] = ctx.m as [string, string, string];
  return workspaceAt(ctx.model, sub, rg, name);
}

/**
 * A project has no managed network of its own: its hub's carries its rules (assumed from the
 * Foundry docs, "a managed virtual network is created for the hub"; the REST spec says nothing).
 */
export function refuseProjectNetwork(ws: WorkspaceState, what: string): void {
  if (ws.kind?.toLowerCase() !== "project") return;
  throw new ArmError(
    400,
    "ProjectHasNoManagedNetwork",
    `Workspace '${ws.name}' is a project: ${what} belongs on its hub's managed network (${String(ws.properties.hubResourceId ?? "")}).`,
  );
}

/** Azure time `minutes` from now, in clock milliseconds. */
export function after(ctx: Ctx, minutes: number): number {
  return ctx.clock.now() + ctx.clock.ms(minutes);
}

export const EMPTY_RESULT = () => ({ status: 200 });

/** A child-resource PUT in the Azure-AsyncOperation style: 201 (200 when it existed) with the body so far. */
export function asyncPut(
  ctx: Ctx,
  ws: WorkspaceState,
  doneAt: number,
  tracked: { provisioningState: string },
  json: () => JsonObject,
  existed: boolean,
): Reply {
  const op = mlOperation(ctx, ws, doneAt, () => ({ status: 200, body: json() }), { tracked });
  return acceptedAsync(ctx, op, existed ? 200 : 201, json());
}

/**
 * Starts an ML RP long-running operation that ends at `doneAt` (Failed when a fault asked for it).
 * The provisioningState of `tracked` follows it: Succeeded or Failed at the end.
 */
export function mlOperation(
  ctx: Ctx,
  ws: WorkspaceState,
  doneAt: number,
  result: Operation["result"],
  hooks: {
    tracked?: { provisioningState: string };
    onDone?: () => void;
    onFail?: () => void;
    failAtEnd?: boolean;
  } = {},
): Operation {
  const { tracked, onDone, onFail } = hooks;
  return ctx.model.createOperation({
    namespace: ML,
    location: ws.location,
    apiVersion: ctx.apiVersion,
    doneAt,
    failAtEnd: hooks.failAtEnd ?? ctx.failLro,
    result,
    onDone: () => {
      if (tracked) tracked.provisioningState = "Succeeded";
      onDone?.();
    },
    onFail: () => {
      if (tracked) tracked.provisioningState = "Failed";
      onFail?.();
    },
  });
}

/** The synchronous form of an LRO: the operation ends now and the first answer is its result. */
export function finishNow(ctx: Ctx, op: Operation): Reply {
  ctx.clock.tick();
  return op.result();
}

/** The workspace identity needs its storage role in effect (propagated) for sessions and deployments. */
export function requireStorageRole(ctx: Ctx, ws: WorkspaceState, action: string): void {
  const storage = str(ws.properties.storageAccount);
  // The identity the workspace uses: its primary user-assigned one when set (workspaceRP.json).
  const principalId = workspacePrincipal(ws);
  if (!principalId || !storage) return;
  if (!hasEffectiveRole(ctx.model, principalId, STORAGE_FILE_PRIVILEGED_CONTRIBUTOR, storage)) {
    throw new ArmError(
      403,
      "AuthorizationFailed",
      `The client '${principalId}' with object id '${principalId}' does not have authorization to perform action '${action}' over scope '${storage}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
  }
}
