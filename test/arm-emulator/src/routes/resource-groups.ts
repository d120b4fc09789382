/** Microsoft.Resources resource groups: get and put. */
import type { Route } from "../http.js";
import type { Model } from "../state/model.js";
import { key } from "../util.js";
import { RESOURCES_VERSIONS, re, SUB } from "./common.js";

function resourceGroupJson(model: Model, rg: string) {
  const name = model.resourceGroups.get(key(rg))!;
  return {
    id: model.rgId(name),
    name,
    type: "Microsoft.Resources/resourceGroups",
    location: model.location,
    properties: { provisioningState: "Succeeded" },
  };
}

export function resourceGroupRoutes(): Route[] {
  return [
    {
      name: "resources.resourceGroup",
      pattern: re(`${SUB}/resourcegroups/([^/]+)`),
      versions: RESOURCES_VERSIONS,
      handlers: {
        GET: (ctx) => {
          const [sub, rg] = ctx.m as [string, string];
          ctx.model.checkScope(sub, rg);
          return { status: 200, body: resourceGroupJson(ctx.model, rg) };
        },
        PUT: (ctx) => {
          const [sub, rg] = ctx.m as [string, string];
          ctx.model.checkScope(sub);
          const existed = ctx.model.resourceGroups.has(key(rg));
          if (!existed) ctx.model.resourceGroups.set(key(rg), rg);
          return { status: existed ? 200 : 201, body: resourceGroupJson(ctx.model, rg) };
        },
      },
    },
  ];
}
