/**
 * The permissions check before apply (`AzureProvider.missingPermissions`, core's PFN216): each
 * planned write's kind says which actions it performs where (`AzureKind.requiredActions`); the
 * caller's permissions are read once per resource group (`Permissions_ListForResourceGroup`,
 * authorization 2022-04-01), and a resource's own list (`Permissions_ListForResource`) only for
 * the actions still missing at its group — a grant made directly at a resource shows there only.
 * A list answered 404 (the group or resource does not exist yet) is unknown: no finding. Reads go
 * through the session's `cached` (the one retry layer, pacing), one request per scope per plan.
 */
import type { Permission } from "@azure/arm-authorization";
import type { PermissionGap, PlanStep } from "@pfnet/core";
import type { RequiredActions } from "./kind.js";
import { azureKind } from "./kinds/index.js";
import type { ReadSession } from "./read.js";

/** An action pattern (`*` any characters, case-insensitive) as a regex. */
function actionPattern(pattern: string): RegExp {
  const source = pattern.replace(/[.+?^${}()|[\]\\/]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${source}$`, "i");
}

const compiled = new Map<string, RegExp>();
function matches(pattern: string, action: string): boolean {
  let regex = compiled.get(pattern);
  if (!regex) {
    regex = actionPattern(pattern);
    compiled.set(pattern, regex);
  }
  return regex.test(action);
}

/**
 * Whether the permissions allow `action`: Azure RBAC's rule — some entry (one role's
 * permissions) lists it among its `actions` and not among that same entry's `notActions`
 * (a not-action removes only from its own entry, never from another role's grant).
 */
export function allows(permissions: readonly Permission[], action: string): boolean {
  return permissions.some(
    (entry) =>
      (entry.actions ?? []).some((pattern) => matches(pattern, action)) &&
      !(entry.notActions ?? []).some((pattern) => matches(pattern, action)),
  );
}

/** The parts of a resource id the resource-level list takes; undefined for anything else. */
export function resourcePathOf(id: string):
  | {
      subscriptionId: string;
      resourceGroup: string;
      namespace: string;
      parentResourcePath: string;
      resourceType: string;
      resourceName: string;
    }
  | undefined {
  const match = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/(.+)$/i.exec(id);
  if (!match) return undefined;
  const segments = match[4]!.split("/").filter(Boolean);
  if (segments.length < 2 || segments.length % 2 !== 0 || segments.includes("providers")) return undefined;
  return {
    subscriptionId: match[1]!,
    resourceGroup: match[2]!,
    namespace: match[3]!,
    parentResourcePath: segments.slice(0, -2).join("/"),
    resourceType: segments.at(-2)!,
    resourceName: segments.at(-1)!,
  };
}

/** The resource group an ARM id lies in. */
function groupOf(scope: string): { subscriptionId: string; resourceGroup: string } | undefined {
  const match = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)/i.exec(scope);
  return match ? { subscriptionId: match[1]!, resourceGroup: match[2]! } : undefined;
}

const notFound = (error: unknown) =>
  (error as { statusCode?: number }).statusCode === 404 || (error as { status?: number }).status === 404;

/** Every entry of one paged permissions list, or undefined when it answers 404. */
async function listed(
  session: ReadSession,
  subscriptionId: string,
  list: (client: Awaited<ReturnType<ReadSession["clients"]["authorization"]>>) => AsyncIterable<Permission>,
): Promise<Permission[] | undefined> {
  const client = await session.clients.authorization(subscriptionId);
  try {
    return await session.clients.sdk(async () => {
      const found: Permission[] = [];
      for await (const entry of list(client)) found.push(entry);
      return found;
    });
  } catch (error) {
    if (notFound(error)) return undefined;
    throw error;
  }
}

function groupPermissions(session: ReadSession, subscriptionId: string, resourceGroup: string) {
  return session.cached(
    "permissions",
    `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`.toLowerCase(),
    () =>
      listed(session, subscriptionId, (client) =>
        client.permissions.listForResourceGroup(resourceGroup, { abortSignal: session.signal }),
      ),
  );
}

function resourcePermissions(session: ReadSession, scope: string) {
  const path = resourcePathOf(scope);
  if (!path) return Promise.resolve(undefined);
  return session.cached("permissions", scope.toLowerCase(), () =>
    listed(session, path.subscriptionId, (client) =>
      client.permissions.listForResource(
        path.resourceGroup,
        path.namespace,
        path.parentResourcePath,
        path.resourceType,
        path.resourceName,
        { abortSignal: session.signal },
      ),
    ),
  );
}

/** The actions of `need` the caller lacks: first at its resource group, then at the resource itself. */
async function missingAt(session: ReadSession, need: RequiredActions): Promise<string[]> {
  const group = groupOf(need.scope);
  if (!group) return [];
  const atGroup = await groupPermissions(session, group.subscriptionId, group.resourceGroup);
  if (atGroup === undefined) return [];
  const missing = need.actions.filter((action) => !allows(atGroup, action));
  if (missing.length === 0 || resourcePathOf(need.scope) === undefined) return missing;
  const atResource = await resourcePermissions(session, need.scope);
  if (atResource === undefined) return [];
  return missing.filter((action) => !allows(atResource, action));
}

/** What the caller lacks for `steps` (the plan's writes), by step and scope. Reads only. */
export async function missingPermissions(
  session: ReadSession,
  steps: readonly PlanStep[],
): Promise<PermissionGap[]> {
  const needs = await Promise.all(
    steps.map(async (step) => ({
      step,
      needs: (await azureKind(step.kind, step.address).requiredActions?.(session, step)) ?? [],
    })),
  );
  // Groups first, all at once (one list each), then the resources still missing something.
  const gaps = await Promise.all(
    needs.flatMap(({ step, needs: required }) =>
      required.map(async (need): Promise<PermissionGap | undefined> => {
        const actions = await missingAt(session, need);
        return actions.length === 0 ? undefined : { step: step.address, scope: need.scope, actions };
      }),
    ),
  );
  return gaps.filter((gap): gap is PermissionGap => gap !== undefined);
}
