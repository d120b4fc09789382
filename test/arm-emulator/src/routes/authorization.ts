/**
 * Microsoft.Authorization role assignments (2022-04-01) and read-only built-in role definitions.
 * PrincipalNotFound for principals younger than the replication delay (unless principalType is
 * ServicePrincipal), RoleAssignmentExists for the same (scope, role, principal) under another
 * name, tenant-scoped roleDefinitionId in answers, propagation before the assignment takes effect.
 */
import type { Ctx, Reply, Route } from "../http.js";
import {
  BUILTIN_ROLES,
  normalizeScope,
  type RoleAssignmentState,
  roleName,
  scopeCovers,
} from "../state/authorization.js";
import { ArmError, isObject, type JsonObject, key, lastSegment, str } from "../util.js";
import { AUTHORIZATION_VERSIONS, bodyObject } from "./common.js";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function roleAssignmentJson(a: RoleAssignmentState): JsonObject {
  return {
    id: a.id,
    name: a.name,
    type: "Microsoft.Authorization/roleAssignments",
    properties: {
      roleDefinitionId: a.roleDefinitionId,
      principalId: a.principalId,
      principalType: a.principalType,
      scope: a.scope,
      ...(a.description !== undefined ? { description: a.description } : {}),
      ...(a.condition !== undefined ? { condition: a.condition } : {}),
      ...(a.conditionVersion !== undefined ? { conditionVersion: a.conditionVersion } : {}),
      createdOn: a.createdOn,
      updatedOn: a.updatedOn,
      createdBy: "emulator-caller",
      updatedBy: "emulator-caller",
    },
  };
}

function checkScopeExists(ctx: Ctx, scope: string): void {
  const m = /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+))?/i.exec(scope);
  if (!m)
    throw new ArmError(400, "InvalidScope", `The scope '${scope}' is not a valid role assignment scope.`);
  ctx.model.checkScope(m[1]!, m[2]);
}

function putAssignment(ctx: Ctx): Reply {
  const { model, clock } = ctx;
  const scope = normalizeScope(ctx.m[0]!);
  const name = ctx.m[1]!;
  checkScopeExists(ctx, scope);
  if (!GUID.test(name)) {
    throw new ArmError(
      400,
      "InvalidRoleAssignmentId",
      `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`,
    );
  }
  const body = bodyObject(ctx);
  const props = isObject(body.properties) ? body.properties : undefined;
  const roleDefinitionId = str(props?.roleDefinitionId);
  const principalId = str(props?.principalId);
  if (!props || !roleDefinitionId || !principalId) {
    throw new ArmError(
      400,
      "InvalidRequestContent",
      "properties.roleDefinitionId and properties.principalId are required.",
    );
  }
  const roleGuid = lastSegment(roleDefinitionId);
  if (!GUID.test(roleGuid) || !roleName(model, roleGuid)) {
    throw new ArmError(
      400,
      "RoleDefinitionDoesNotExist",
      `The specified role definition with ID '${roleGuid}' does not exist.`,
    );
  }
  const principalType = str(props.principalType) ?? "User";
  if (!["User", "Group", "ServicePrincipal", "ForeignGroup"].includes(principalType)) {
    throw new ArmError(400, "InvalidPrincipalType", `principalType '${principalType}' is not valid.`);
  }
  const createdAt = model.principals.get(key(principalId));
  const replicationMs = clock.ms(clock.delays.principalReplication);
  if (
    createdAt !== undefined &&
    clock.now() - createdAt < replicationMs &&
    principalType !== "ServicePrincipal"
  ) {
    throw new ArmError(
      400,
      "PrincipalNotFound",
      `Principal ${principalId.replace(/-/g, "")} does not exist in the directory ${model.tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`,
    );
  }
  const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
  const tenantRoleId = `/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;
  const existing = model.roleAssignments.get(key(id));
  if (existing) {
    if (
      key(existing.principalId) !== key(principalId) ||
      key(lastSegment(existing.roleDefinitionId)) !== key(roleGuid)
    ) {
      throw new ArmError(
        409,
        "RoleAssignmentUpdateNotPermitted",
        "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
      );
    }
    existing.description = str(props.description) ?? existing.description;
    existing.updatedOn = new Date(clock.now()).toISOString();
    return { status: 200, body: roleAssignmentJson(existing) };
  }
  const duplicate = [...model.roleAssignments.values()].find(
    (a) =>
      key(a.scope) === key(scope) &&
      key(a.principalId) === key(principalId) &&
      key(lastSegment(a.roleDefinitionId)) === key(roleGuid),
  );
  if (duplicate) {
    throw new ArmError(409, "RoleAssignmentExists", "The role assignment already exists.", {}, [
      {
        code: "RoleAssignmentExists",
        message: `The role assignment already exists with id '${duplicate.name}'.`,
      },
    ]);
  }
  const now = new Date(clock.now()).toISOString();
  const assignment: RoleAssignmentState = {
    id,
    name,
    scope,
    roleDefinitionId: tenantRoleId,
    principalId,
    principalType,
    ...(str(props.description) !== undefined ? { description: str(props.description) } : {}),
    ...(str(props.condition) !== undefined ? { condition: str(props.condition) } : {}),
    ...(str(props.conditionVersion) !== undefined ? { conditionVersion: str(props.conditionVersion) } : {}),
    createdOn: now,
    updatedOn: now,
    effectiveAt: clock.now() + clock.ms(clock.delays.rolePropagation),
  };
  model.roleAssignments.set(key(id), assignment);
  return { status: 201, body: roleAssignmentJson(assignment) };
}

function getAssignment(ctx: Ctx): Reply {
  const scope = normalizeScope(ctx.m[0]!);
  const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${ctx.m[1]}`;
  const a = ctx.model.roleAssignments.get(key(id));
  if (!a)
    throw new ArmError(404, "RoleAssignmentNotFound", `The role assignment '${ctx.m[1]}' is not found.`);
  return { status: 200, body: roleAssignmentJson(a) };
}

function deleteAssignment(ctx: Ctx): Reply {
  const scope = normalizeScope(ctx.m[0]!);
  const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${ctx.m[1]}`;
  const a = ctx.model.roleAssignments.get(key(id));
  if (!a) return { status: 204 };
  ctx.model.roleAssignments.delete(key(id));
  return { status: 200, body: roleAssignmentJson(a) };
}

/**
 * `RoleAssignments_ListForScope` (and the subscription / resource group / resource lists, which
 * share the route). `$filter` as the spec's parameter description defines it: `atScope()` → the
 * assignments at or above the scope; `principalId eq '{id}'` → at, above or below the scope for
 * that principal; `assignedTo('{id}')` treated like `principalId eq` (the emulator has no
 * groups); clauses joined by `and`. No filter → at, above and below (assumed, as the REST docs
 * describe it; the spec says only "all role assignments that apply to a scope"). A provider-level
 * call (the subscription's list, or the root's) is paged by the emulator's `pageSize` with
 * `nextLink` (`RoleAssignmentListResult`, `x-ms-pageable`), the nextLink carrying the filter and a
 * `$skipToken` offset (its format is assumed); a resource group's or resource's list comes in one
 * response, since the spec's `$skipToken` is "only supported on provider level calls" (assumed to
 * mean Azure pages nothing else).
 */
function listAssignments(ctx: Ctx): Reply {
  const scope = normalizeScope(ctx.m[0]!);
  checkScopeExists(ctx, scope);
  const filter = ctx.query.get("$filter") ?? "";
  const clauses = filter
    .split(/\s+and\s+/i)
    .map((c) => c.trim())
    .filter(Boolean);
  let atScope = false;
  let principal: string | undefined;
  for (const c of clauses) {
    const byPrincipal = /^principalId\s+eq\s+'([^']+)'$/i.exec(c) ?? /^assignedTo\('([^']+)'\)$/i.exec(c);
    if (/^atScope\(\)$/i.test(c)) atScope = true;
    else if (byPrincipal) principal = byPrincipal[1];
    else throw new ArmError(400, "InvalidFilterInQueryString", `The filter '${filter}' is not supported.`);
  }
  const all = [...ctx.model.roleAssignments.values()]
    .filter((a) => scopeCovers(a.scope, scope) || (!atScope && scopeCovers(scope, a.scope)))
    .filter((a) => principal === undefined || key(a.principalId) === key(principal));
  const skip = Number.parseInt(ctx.query.get("$skipToken") ?? "0", 10) || 0;
  const providerLevel = scope === "" || /^\/subscriptions\/[^/]+$/i.test(scope);
  const size = providerLevel ? ctx.settings.pageSize : Math.max(all.length, 1);
  const body: JsonObject = { value: all.slice(skip, skip + size).map(roleAssignmentJson) };
  if (skip + size < all.length) {
    const query = new URLSearchParams({ "api-version": ctx.apiVersion });
    if (filter !== "") query.set("$filter", filter);
    query.set("$skipToken", String(skip + size));
    body.nextLink = `${ctx.baseUrl}${ctx.path}?${query.toString()}`;
  }
  return { status: 200, body };
}

function roleDefinitionJson(scope: string, guid: string, roleName: string): JsonObject {
  return {
    id: `${scope === "/" ? "" : scope}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
    name: guid,
    type: "Microsoft.Authorization/roleDefinitions",
    properties: {
      roleName,
      type: "BuiltInRole",
      description: roleName,
      assignableScopes: ["/"],
      permissions: [],
    },
  };
}

export function authorizationRoutes(): Route[] {
  const v = AUTHORIZATION_VERSIONS;
  return [
    {
      name: "authorization.roleAssignment",
      pattern: /^(.*)\/providers\/Microsoft\.Authorization\/roleAssignments\/([^/]+)$/i,
      versions: v,
      handlers: { GET: getAssignment, PUT: putAssignment, DELETE: deleteAssignment },
    },
    {
      name: "authorization.roleAssignments",
      pattern: /^(.*)\/providers\/Microsoft\.Authorization\/roleAssignments$/i,
      versions: v,
      handlers: { GET: listAssignments },
    },
    {
      name: "authorization.roleDefinition",
      pattern: /^(.*)\/providers\/Microsoft\.Authorization\/roleDefinitions\/([^/]+)$/i,
      versions: v,
      handlers: {
        GET: (ctx) => {
          const guid = ctx.m[1]!;
          const name = roleName(ctx.model, guid);
          if (!name)
            throw new ArmError(
              404,
              "RoleDefinitionDoesNotExist",
              `The role definition '${guid}' could not be found.`,
            );
          return {
            status: 200,
            body: roleDefinitionJson(normalizeScope(ctx.m[0]!), guid.toLowerCase(), name),
          };
        },
      },
    },
    {
      name: "authorization.roleDefinitions",
      pattern: /^(.*)\/providers\/Microsoft\.Authorization\/roleDefinitions$/i,
      versions: v,
      handlers: {
        GET: (ctx) => {
          const filter = ctx.query.get("$filter") ?? "";
          const wanted = /roleName\s+eq\s+'([^']+)'/i.exec(filter)?.[1];
          const roles = { ...BUILTIN_ROLES, ...Object.fromEntries(ctx.model.customRoles) };
          const value = Object.entries(roles)
            .filter(([, n]) => wanted === undefined || key(n) === key(wanted))
            .map(([g, n]) => roleDefinitionJson(normalizeScope(ctx.m[0]!), g, n));
          return { status: 200, body: { value } };
        },
      },
    },
  ];
}
