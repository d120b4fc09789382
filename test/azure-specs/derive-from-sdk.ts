/**
 * Writes the spec files pfnet's routes need that could not be vendored from Azure/azure-rest-api-specs
 * (see SOURCES.md): Network `privateEndpoint.json` and `applicationSecurityGroup.json` 2025-05-01
 * (no public copy found) from `@azure/arm-network` 36.0.0, and the ML 2022-10-01 computes and
 * online-endpoint operations (`machineLearningServices.json`, `mfe.json`: 451 KB, too large to
 * reassemble by hand) from `@azure/arm-machinelearning` 2.1.1 — SDKs AutoRest generated from
 * those same OpenAPI files.
 * The operations (paths, methods, statuses, body models) are the SDK's operation specs, written
 * out below; the definitions are its mappers turned back into JSON Schema (flattened
 * `properties.x` names nested again). Each file says it is derived (`x-pfnet-derived`).
 *
 *   node --import tsx test/azure-specs/derive-from-sdk.ts
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";

const require = createRequire(resolve(import.meta.dirname, "../../packages/azure/package.json"));
// node:module's class (its typings are `export =`): compiles the ML SDK bundle with one extra export.
const Module = require("node:module") as new (
  id: string,
) => { exports: unknown; paths: string[]; _compile(code: string, filename: string): void };
const nodeModulePaths = (require("node:module") as { _nodeModulePaths(dir: string): string[] })
  ._nodeModulePaths;
const sdkMain = require.resolve("@azure/arm-network");
const networkMappers = require(resolve(sdkMain, "../models/mappers.js")) as Record<string, Mapper>;
/** arm-machinelearning 2.x ships one bundle: its `Mappers` namespace is module-local, so re-export it. */
function bundleMappers(file: string): Record<string, Mapper> {
  const m = new Module(file);
  m.paths = nodeModulePaths(resolve(file, ".."));
  m._compile(`${readFileSync(file, "utf8")}\nmodule.exports.__Mappers = Mappers;`, file);
  return (m.exports as { __Mappers: Record<string, Mapper> }).__Mappers;
}
const mlRequire = createRequire(resolve(import.meta.dirname, "../arm-emulator/package.json"));
let Mappers: Record<string, Mapper> = networkMappers;

interface MapperType {
  name: string;
  className?: string;
  modelProperties?: Record<string, Mapper>;
  element?: Mapper;
  value?: Mapper;
  allowedValues?: unknown[];
}
interface Mapper {
  serializedName?: string;
  required?: boolean;
  readOnly?: boolean;
  type: MapperType;
}
type Schema = Record<string, unknown>;

const definitions: Record<string, Schema> = {};

function schemaOf(mapper: Mapper): Schema {
  const t = mapper.type;
  switch (t.name) {
    case "Composite":
      define(t.className!);
      return { $ref: `#/definitions/${t.className}` };
    case "Sequence":
      return { type: "array", items: schemaOf(t.element!) };
    case "Dictionary":
      return { type: "object", additionalProperties: schemaOf(t.value!) };
    case "Enum":
      return { type: "string", enum: t.allowedValues };
    case "Boolean":
      return { type: "boolean" };
    case "Number":
      return { type: "number" };
    case "Object":
      return {};
    default:
      // DateTime, Date, DateTimeRfc1123, Uuid, TimeSpan, String: strings on the wire.
      return { type: "string" };
  }
}

function define(className: string): void {
  if (definitions[className]) return;
  const mapper = Mappers[className];
  if (!mapper) throw new Error(`no mapper ${className}`);
  const root: Schema = { type: "object", properties: {} };
  definitions[className] = root;
  for (const property of Object.values(mapper.type.modelProperties ?? {})) {
    // "properties.subnet" is the flattened `properties: { subnet }` of the wire format.
    const path = (property.serializedName ?? "").split(/(?<!\\)\./).map((p) => p.replace(/\\\./g, "."));
    let node = root;
    for (const part of path.slice(0, -1)) {
      const props = node.properties as Record<string, Schema>;
      props[part] ??= { type: "object", properties: {} };
      node = props[part]!;
    }
    const leaf = { ...schemaOf(property), ...(property.readOnly ? { readOnly: true } : {}) };
    (node.properties as Record<string, Schema>)[path[path.length - 1]!] = leaf;
    if (property.required) {
      node.required = [...((node.required as string[] | undefined) ?? []), path[path.length - 1]!];
    }
  }
}

const ref = (name: string) => ({ $ref: `#/definitions/${name}` });
const ok = (name: string) => ({ description: "OK", schema: ref(name) });

function write(
  file: string,
  paths: Record<string, unknown>,
  roots: string[],
  info = { title: "NetworkManagementClient", version: "2025-05-01", sdk: "@azure/arm-network 36.0.0" },
): void {
  for (const name of roots) define(name);
  const doc = {
    swagger: "2.0",
    info: { title: info.title, version: info.version },
    "x-pfnet-derived": `Derived from ${info.sdk} (its operation specs and model mappers), generated from this file of Azure/azure-rest-api-specs; see SOURCES.md.`,
    paths,
    definitions: Object.fromEntries(Object.entries(definitions).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
  writeFileSync(file, `${JSON.stringify(doc, null, 1)}\n`);
  for (const k of Object.keys(definitions)) delete definitions[k];
}

const dir = resolve(
  import.meta.dirname,
  "specification/network/resource-manager/Microsoft.Network/stable/2025-05-01",
);
const RG = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network";
const PE = `${RG}/privateEndpoints/{privateEndpointName}`;

write(
  resolve(dir, "privateEndpoint.json"),
  {
    [PE]: {
      get: {
        operationId: "PrivateEndpoints_Get",
        responses: { 200: ok("PrivateEndpoint"), default: ok("ErrorModel") },
      },
      put: {
        operationId: "PrivateEndpoints_CreateOrUpdate",
        parameters: [{ name: "parameters", in: "body", required: true, schema: ref("PrivateEndpoint") }],
        responses: { 200: ok("PrivateEndpoint"), 201: ok("PrivateEndpoint"), default: ok("ErrorModel") },
        "x-ms-long-running-operation": true,
        "x-ms-long-running-operation-options": { "final-state-via": "azure-async-operation" },
      },
      delete: {
        operationId: "PrivateEndpoints_Delete",
        responses: {
          200: { description: "OK" },
          202: { description: "Accepted" },
          204: { description: "No content" },
          default: ok("ErrorModel"),
        },
        "x-ms-long-running-operation": true,
        "x-ms-long-running-operation-options": { "final-state-via": "location" },
      },
    },
    [`${PE}/privateDnsZoneGroups`]: {
      get: {
        operationId: "PrivateDnsZoneGroups_List",
        responses: { 200: ok("PrivateDnsZoneGroupListResult"), default: ok("CloudError") },
        "x-ms-pageable": { nextLinkName: "nextLink" },
      },
    },
    [`${PE}/privateDnsZoneGroups/{privateDnsZoneGroupName}`]: {
      get: {
        operationId: "PrivateDnsZoneGroups_Get",
        responses: { 200: ok("PrivateDnsZoneGroup"), default: ok("CloudError") },
      },
      put: {
        operationId: "PrivateDnsZoneGroups_CreateOrUpdate",
        parameters: [{ name: "parameters", in: "body", required: true, schema: ref("PrivateDnsZoneGroup") }],
        responses: {
          200: ok("PrivateDnsZoneGroup"),
          201: ok("PrivateDnsZoneGroup"),
          default: ok("CloudError"),
        },
        "x-ms-long-running-operation": true,
        "x-ms-long-running-operation-options": { "final-state-via": "azure-async-operation" },
      },
      delete: {
        operationId: "PrivateDnsZoneGroups_Delete",
        responses: {
          200: { description: "OK" },
          202: { description: "Accepted" },
          204: { description: "No content" },
          default: ok("CloudError"),
        },
        "x-ms-long-running-operation": true,
        "x-ms-long-running-operation-options": { "final-state-via": "location" },
      },
    },
  },
  ["PrivateEndpoint", "PrivateDnsZoneGroup", "PrivateDnsZoneGroupListResult", "ErrorModel", "CloudError"],
);
write(resolve(dir, "applicationSecurityGroup.json"), {}, ["ApplicationSecurityGroup"]);

// ML 2022-10-01 through @azure/arm-machinelearning 2.1.1 (computes list, online endpoints).
Mappers = bundleMappers(mlRequire.resolve("@azure/arm-machinelearning"));
const ML_DIR = resolve(
  import.meta.dirname,
  "specification/machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/2022-10-01",
);
const WS =
  "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.MachineLearningServices/workspaces/{workspaceName}";
const mlInfo = (title: string) => ({ title, version: "2022-10-01", sdk: "@azure/arm-machinelearning 2.1.1" });
write(
  resolve(ML_DIR, "machineLearningServices.json"),
  {
    [`${WS}/computes`]: {
      get: {
        operationId: "Compute_List",
        responses: { 200: ok("PaginatedComputeResourcesList"), default: ok("ErrorResponse") },
        "x-ms-pageable": { nextLinkName: "nextLink" },
      },
    },
  },
  ["PaginatedComputeResourcesList", "ErrorResponse"],
  mlInfo("Azure Machine Learning Workspace"),
);
write(
  resolve(ML_DIR, "mfe.json"),
  {
    [`${WS}/onlineEndpoints`]: {
      get: {
        operationId: "OnlineEndpoints_List",
        responses: {
          200: ok("OnlineEndpointTrackedResourceArmPaginatedResult"),
          default: ok("ErrorResponse"),
        },
        "x-ms-pageable": { nextLinkName: "nextLink" },
      },
    },
    [`${WS}/onlineEndpoints/{endpointName}`]: {
      get: {
        operationId: "OnlineEndpoints_Get",
        responses: { 200: ok("OnlineEndpoint"), default: ok("ErrorResponse") },
      },
      put: {
        operationId: "OnlineEndpoints_CreateOrUpdate",
        parameters: [{ name: "body", in: "body", required: true, schema: ref("OnlineEndpoint") }],
        // The SDK lists 200/201/202/204 (AutoRest adds 202/204 to every LRO); the service answers 200 or 201.
        responses: { 200: ok("OnlineEndpoint"), 201: ok("OnlineEndpoint"), default: ok("ErrorResponse") },
        "x-ms-long-running-operation": true,
        "x-ms-long-running-operation-options": { "final-state-via": "original-uri" },
      },
    },
  },
  ["OnlineEndpoint", "OnlineEndpointTrackedResourceArmPaginatedResult", "ErrorResponse"],
  mlInfo("Azure Machine Learning Services"),
);
