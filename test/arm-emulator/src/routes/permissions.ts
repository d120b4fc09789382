/**
 * Microsoft.Authorization permissions lists (2022-04-01, authorization-RoleDefinitionsCalls.json
 * excerpt): `Permissions_ListForResourceGroup` and `Permissions_ListForResource` answer the
 * caller's grants (the seed's `callerPermissions`, set by tests through the state API) made at or
 * above the scope asked, one `Permission` each, in a `PermissionGetResult` paged by `pageSize`.
 * A missing resource group is 404 ResourceGroupNotFound (ARM's scope check); a missing resource
 * 404 ResourceNotFound (assumed: the spec declares only 200 and the default error).
 */
import type { Ctx, Reply, Route } from "../http.js";
import type { SeedCallerGrant } from "../seed.js";
import { scopeCovers } from "../state/authorization.js";
import { ArmError, type JsonObject, key } from "../util.js";
import { AUTHORIZATION_VERSIONS } from "./common.js";

function permissionJson(grant: SeedCallerGrant): JsonObject {
  return {
    actions: [...grant.actions],
    notActions: [...(grant.notActions ?? [])],
    dataActions: [...(grant.dataActions ?? [])],
    notDataActions: [...(grant.notDataActions ?? [])],
  };
}

/** The grants covering `scope`, one page of them (`$skipToken` offset, as the role-assignment list). */
function listAt(ctx: Ctx, scope: string): Reply {
  const all = ctx.model.callerPermissions.filter((grant) => scopeCovers(grant.scope, scope));
  const skip = Number.parseInt(ctx.query.get("$skipToken") ?? "0", 10) || 0;
  const size = ctx.settings.pageSize;
  const body: JsonObject = { value: all.slice(skip, skip + size).map(permissionJson) };
  if (skip + size < all.length) {
    const query = new URLSearchParams({ "api-version": ctx.apiVersion, $skipToken: String(skip + size) });
    body.nextLink = `${ctx.baseUrl}${ctx.path}?${query.toString()}`;
  }
  return { status: 200, body };
}

function listForResourceGroup(ctx: Ctx): Reply {
  const [sub, rg] = [ctx.m[0]!, ctx.m[1]!];
  ctx.model.checkScope(sub, rg);
  return listAt(ctx, `/subscriptions/${sub}/resourceGroups/${rg}`);
}

function listForResource(ctx: Ctx): Reply {
  const [sub, rg, path] = [ctx.m[0]!, ctx.m[1]!, ctx.m[2]!];
  ctx.model.checkScope(sub, rg);
  const id = `/subscriptions/${sub}/resourceGroups/${rg}/providers/${path}`;
  if (!ctx.model.resource(id) && !ctx.model.workspaces.has(key(id))) {
    const segments = path.split("/");
    const type = [segments[0], ...segments.slice(1).filter((_, i) => i % 2 === 0)].join("/");
    throw new ArmError(
      404,
      "ResourceNotFound",
      `The Resource '${type}/${segments.at(-1)}' under resource group '${rg}' was not found.`,
    );
  }
  return listAt(ctx, id);
}

export function permissionRoutes(): Route[] {
  const v = AUTHORIZATION_VERSIONS;
  return [
    {
      name: "authorization.permissionsForResourceGroup",
      pattern:
        /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Authorization\/permissions$/i,
      versions: v,
      handlers: { GET: listForResourceGroup },
    },
    {
      name: "authorization.permissionsForResource",
      pattern:
        /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/(.+)\/providers\/Microsoft\.Authorization\/permissions$/i,
      versions: v,
      handlers: { GET: listForResource },
    },
  ];
}
