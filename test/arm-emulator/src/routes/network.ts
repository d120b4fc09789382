/**
 * Microsoft.Network (VNets + subnets, NSGs + security rules, private endpoints + private DNS zone
 * groups) and Microsoft.Network/privateDnsZones (+ virtualNetworkLinks), in the Network RP's
 * Azure-AsyncOperation style: PUT → 201/200 + Azure-AsyncOperation, DELETE → 202 + both headers.
 * A private endpoint creates a connection on its target resource.
 */
import type { Ctx, Reply, Route } from "../http.js";
import { acceptedAsync } from "../http.js";
import type { ArmResource, Model } from "../state/model.js";
import { connectPrivateEndpoint, disconnectPrivateEndpoint } from "../state/network.js";
import { ArmError, clone, isObject, type Json, type JsonObject, key, lastSegment, str } from "../util.js";
import { bodyObject, NETWORK_VERSIONS, PRIVATE_DNS_VERSIONS, RG, re } from "./common.js";

interface NetType {
  /** Path after the provider namespace, e.g. "virtualNetworks" or "virtualNetworks/subnets". */
  type: string;
  /** Child collection embedded in the parent's properties (subnets, securityRules). */
  inlineChild?: string;
  versions: readonly string[];
}

const NS = "Microsoft.Network";
const TYPES: NetType[] = [
  { type: "virtualNetworks", inlineChild: "subnets", versions: NETWORK_VERSIONS },
  { type: "virtualNetworks/subnets", versions: NETWORK_VERSIONS },
  { type: "networkSecurityGroups", inlineChild: "securityRules", versions: NETWORK_VERSIONS },
  { type: "networkSecurityGroups/securityRules", versions: NETWORK_VERSIONS },
  { type: "privateEndpoints", versions: NETWORK_VERSIONS },
  { type: "privateEndpoints/privateDnsZoneGroups", versions: NETWORK_VERSIONS },
  { type: "privateDnsZones", versions: PRIVATE_DNS_VERSIONS },
  { type: "privateDnsZones/virtualNetworkLinks", versions: PRIVATE_DNS_VERSIONS },
];

const READ_ONLY = [
  "provisioningState",
  "resourceGuid",
  "networkInterfaces",
  "customDnsConfigs",
  "privateEndpointConnections",
];

function netJson(model: Model, r: ArmResource): JsonObject {
  const properties: JsonObject = clone(r.properties);
  const t = TYPES.find((x) => `${NS}/${x.type}`.toLowerCase() === r.type.toLowerCase());
  if (t?.inlineChild) {
    properties[t.inlineChild] = model.children(r.id, t.inlineChild).map((c) => netJson(model, c));
  }
  if (key(r.type) === key(`${NS}/privateEndpoints`)) decoratePrivateEndpoint(model, r, properties);
  return {
    id: r.id,
    name: r.name,
    // PrivateDnsZoneGroup (privateEndpoint.json 2025-05-01) declares no `type`.
    ...(key(r.type) === key(`${NS}/privateEndpoints/privateDnsZoneGroups`) ? {} : { type: r.type }),
    ...(r.type.split("/").length === 2 ? { location: r.location } : {}),
    ...(r.tags !== undefined ? { tags: clone(r.tags) } : {}),
    etag: `W/${r.etag}`,
    properties,
  };
}

/** The PE shows its connections' live state as the target sees it. */
function decoratePrivateEndpoint(model: Model, pe: ArmResource, properties: JsonObject): void {
  for (const field of ["privateLinkServiceConnections", "manualPrivateLinkServiceConnections"]) {
    const list = properties[field];
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (!isObject(item) || !isObject(item.properties)) continue;
      const target = model.resource(str(item.properties.privateLinkServiceId) ?? "");
      const conn = target
        ? [...target.connections.values()].find((c) => key(c.privateEndpointId) === key(pe.id))
        : undefined;
      item.properties.privateLinkServiceConnectionState = conn
        ? { status: conn.status, description: conn.description, actionsRequired: "None" }
        : { status: "Pending", description: "Creating", actionsRequired: "None" };
      item.properties.provisioningState = str(pe.properties.provisioningState) ?? "Succeeded";
    }
  }
}

function idFromPath(ctx: Ctx, t: NetType, provider: string): string {
  const [sub, rg, ...names] = ctx.m as string[];
  const segments = t.type.split("/");
  let id = `/subscriptions/${sub}/resourceGroups/${rg}/providers/${provider}`;
  segments.forEach((s, i) => {
    id += `/${s}/${names[i]}`;
  });
  return id;
}

function canonicalRg(ctx: Ctx): string {
  const rg = ctx.m[1]!;
  return ctx.model.resourceGroups.get(key(rg)) ?? rg;
}

function getNet(ctx: Ctx, t: NetType): Reply {
  const [sub, rg] = ctx.m as [string, string];
  ctx.model.checkScope(sub, rg);
  const r = ctx.model.resource(idFromPath(ctx, t, NS));
  if (!r)
    throw new ArmError(
      404,
      "ResourceNotFound",
      `The Resource '${NS}/${t.type}/${lastSegment(idFromPath(ctx, t, NS))}' under resource group '${rg}' was not found.`,
    );
  return { status: 200, body: netJson(ctx.model, r) };
}

function validate(ctx: Ctx, t: NetType, props: JsonObject): void {
  const { model } = ctx;
  if (t.type === "privateEndpoints") {
    const subnetId = isObject(props.subnet) ? str(props.subnet.id) : undefined;
    if (!subnetId || !model.resource(subnetId)) {
      throw new ArmError(
        400,
        "InvalidResourceReference",
        `Resource '${subnetId ?? "(none)"}' referenced by properties.subnet.id was not found.`,
      );
    }
    const conns = [
      ...(Array.isArray(props.privateLinkServiceConnections) ? props.privateLinkServiceConnections : []),
      ...(Array.isArray(props.manualPrivateLinkServiceConnections)
        ? props.manualPrivateLinkServiceConnections
        : []),
    ];
    if (conns.length !== 1) {
      throw new ArmError(
        400,
        "InvalidRequestContent",
        "A private endpoint needs exactly one private link service connection.",
      );
    }
    for (const c of conns) {
      const target =
        isObject(c) && isObject(c.properties) ? str(c.properties.privateLinkServiceId) : undefined;
      if (!target || !model.resource(target)) {
        throw new ArmError(
          400,
          "PrivateLinkServiceNotFound",
          `Private link resource '${target ?? "(none)"}' was not found.`,
        );
      }
      const groupIds = isObject(c) && isObject(c.properties) ? c.properties.groupIds : undefined;
      if (!Array.isArray(groupIds) || groupIds.length === 0) {
        throw new ArmError(
          400,
          "InvalidRequestContent",
          "privateLinkServiceConnections[].properties.groupIds is required.",
        );
      }
    }
  }
  if (t.type === "privateEndpoints/privateDnsZoneGroups") {
    const configs = Array.isArray(props.privateDnsZoneConfigs) ? props.privateDnsZoneConfigs : [];
    for (const c of configs) {
      const zone = isObject(c) && isObject(c.properties) ? str(c.properties.privateDnsZoneId) : undefined;
      if (!zone || !model.resource(zone)) {
        throw new ArmError(
          400,
          "InvalidPrivateDnsZoneIds",
          `Private DNS zone '${zone ?? "(none)"}' was not found.`,
        );
      }
    }
  }
  if (t.type === "privateDnsZones/virtualNetworkLinks") {
    const vnet = isObject(props.virtualNetwork) ? str(props.virtualNetwork.id) : undefined;
    if (!vnet || !model.resource(vnet)) {
      throw new ArmError(
        400,
        "InvalidResourceReference",
        `Virtual network '${vnet ?? "(none)"}' was not found.`,
      );
    }
  }
}

function storedProperties(props: Json | undefined): JsonObject {
  const out: JsonObject = {};
  if (!isObject(props)) return out;
  for (const [k, v] of Object.entries(props)) if (!READ_ONLY.includes(k)) out[k] = clone(v);
  return out;
}

function putNet(ctx: Ctx, t: NetType): Reply {
  const { model, clock } = ctx;
  const [sub, rg] = ctx.m as [string, string];
  model.checkScope(sub, rg);
  const provider = NS;
  const id = idFromPath(ctx, t, provider);
  const segments = t.type.split("/");
  if (segments.length > 1) {
    const parentId = id.slice(0, id.lastIndexOf(`/${segments[1]}/`));
    if (!model.resource(parentId)) {
      throw new ArmError(
        404,
        "ParentResourceNotFound",
        `Failed to perform 'write' on resource(s) of type '${t.type}', because the parent resource '${parentId}' could not be found.`,
      );
    }
  }
  const body = bodyObject(ctx);
  const props = storedProperties(body.properties);
  validate(ctx, t, props);
  const existing = model.resource(id);
  const location =
    str(body.location) ??
    existing?.location ??
    (t.type.startsWith("privateDnsZones") ? "global" : model.location);
  const inline = t.inlineChild ? props[t.inlineChild] : undefined;
  if (t.inlineChild) delete props[t.inlineChild];
  const resource = model.putResource({
    id,
    name: lastSegment(id),
    type: `${provider}/${t.type}`,
    resourceGroup: canonicalRg(ctx),
    location,
    ...(body.tags !== undefined
      ? { tags: clone(body.tags) }
      : existing?.tags !== undefined
        ? { tags: existing.tags }
        : {}),
    properties: { ...props, provisioningState: "Updating" },
  });
  // A PUT with the inline child list replaces the children (a VNet PUT without subnets deletes them).
  if (t.inlineChild && Array.isArray(inline)) {
    const keep = new Set<string>();
    for (const child of inline) {
      if (!isObject(child) || !str(child.name)) continue;
      const childId = `${id}/${t.inlineChild}/${str(child.name)}`;
      keep.add(key(childId));
      model.putResource({
        id: childId,
        name: str(child.name)!,
        type: `${provider}/${t.type}/${t.inlineChild}`,
        resourceGroup: resource.resourceGroup,
        location,
        properties: { ...storedProperties(child.properties), provisioningState: "Succeeded" },
      });
    }
    for (const c of model.children(id, t.inlineChild)) if (!keep.has(key(c.id))) model.deleteResource(c.id);
  }
  const op = model.createOperation({
    namespace: provider,
    location: location === "global" ? model.location : location,
    apiVersion: ctx.apiVersion,
    doneAt: clock.now() + clock.ms(clock.delays.networkWrite),
    failAtEnd: ctx.failLro,
    result: () => ({ status: 200, body: netJson(model, resource) }),
    onDone: () => {
      resource.properties.provisioningState = "Succeeded";
      if (t.type === "privateEndpoints" && !existing) connectPrivateEndpoint(model, resource);
    },
    onFail: () => {
      resource.properties.provisioningState = "Failed";
    },
  });
  return acceptedAsync(ctx, op, existing ? 200 : 201, netJson(model, resource));
}

function deleteNet(ctx: Ctx, t: NetType): Reply {
  const { model, clock } = ctx;
  const [sub, rg] = ctx.m as [string, string];
  model.checkScope(sub, rg);
  const id = idFromPath(ctx, t, NS);
  const r = model.resource(id);
  if (!r) return { status: 204 };
  r.properties.provisioningState = "Deleting";
  const op = model.createOperation({
    namespace: NS,
    location: r.location === "global" ? model.location : r.location,
    apiVersion: ctx.apiVersion,
    doneAt: clock.now() + clock.ms(clock.delays.networkWrite),
    failAtEnd: ctx.failLro,
    result: () => ({ status: 204 }),
    onDone: () => {
      if (t.type === "privateEndpoints") disconnectPrivateEndpoint(model, r.id);
      model.deleteResource(id);
    },
  });
  return acceptedAsync(ctx, op, 202, undefined, true);
}

function listNet(ctx: Ctx, t: NetType): Reply {
  const [sub, rg] = ctx.m as [string, string];
  ctx.model.checkScope(sub, rg);
  const segments = t.type.split("/");
  let value: ArmResource[];
  if (segments.length === 1) {
    value = [...ctx.model.resources.values()].filter(
      (r) => key(r.type) === key(`${NS}/${t.type}`) && key(r.resourceGroup) === key(rg),
    );
  } else {
    const parentId = `/subscriptions/${sub}/resourceGroups/${rg}/providers/${NS}/${segments[0]}/${ctx.m[2]}`;
    if (!ctx.model.resource(parentId))
      throw new ArmError(404, "ResourceNotFound", `The Resource '${parentId}' was not found.`);
    value = ctx.model.children(parentId, segments[1]!);
  }
  return { status: 200, body: { value: value.map((r) => netJson(ctx.model, r)) } };
}

/** Peerings are only listed (`VirtualNetworkPeerings_List`); seeded with their VNet (state/network.ts). */
const PEERINGS: NetType = { type: "virtualNetworks/virtualNetworkPeerings", versions: NETWORK_VERSIONS };

export function networkRoutes(): Route[] {
  const routes: Route[] = [
    {
      name: "network.virtualNetworks/virtualNetworkPeerings.list",
      pattern: re(`${RG}/providers/Microsoft\\.Network/virtualNetworks/([^/]+)/virtualNetworkPeerings`),
      versions: NETWORK_VERSIONS,
      handlers: { GET: (ctx) => listNet(ctx, PEERINGS) },
    },
  ];
  for (const t of TYPES) {
    const segments = t.type.split("/");
    const path = segments.map((s) => `${s}/([^/]+)`).join("/");
    routes.push({
      name: `network.${t.type}`,
      pattern: re(`${RG}/providers/Microsoft\\.Network/${path}`),
      versions: t.versions,
      handlers: {
        GET: (ctx) => getNet(ctx, t),
        PUT: (ctx) => putNet(ctx, t),
        DELETE: (ctx) => deleteNet(ctx, t),
      },
    });
    const listPath = segments.length === 1 ? segments[0] : `${segments[0]}/([^/]+)/${segments[1]}`;
    routes.push({
      name: `network.${t.type}.list`,
      pattern: re(`${RG}/providers/Microsoft\\.Network/${listPath}`),
      versions: t.versions,
      handlers: { GET: (ctx) => listNet(ctx, t) },
    });
  }
  return routes;
}
