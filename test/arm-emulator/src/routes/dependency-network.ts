/**
 * The network settings of a workspace's key vault and container registry, as pfnet writes them
 * when it makes a workspace dependency private (the storage account's PATCH is the shared
 * synchronous one of targets.ts, `StorageAccounts_Update`: 200 only):
 * - key vault `Vaults_Update` (keyvault.json 2023-07-01): synchronous, 200 (201 is declared too;
 *   the emulator answers 200); `publicNetworkAccess` is a free string whose description names
 *   `enabled` / `disabled` — the emulator takes either spelling and keeps what it was sent
 *   (refusing other values is assumed);
 * - container registry `Registries_Update` (containerregistry.json 2023-07-01): long-running, 200
 *   or 201 + Azure-AsyncOperation with the registry (seeded form); `publicNetworkAccess`
 *   `Enabled|Disabled`, `networkRuleBypassOptions` `AzureServices|None`. A registry below Premium
 *   refuses `publicNetworkAccess: Disabled` (the Private Link docs: private endpoints need the
 *   Premium tier; the status and code are assumed).
 */
import type { Ctx, Reply } from "../http.js";
import type { ArmResource } from "../state/model.js";
import { ArmError, clone, isObject, type JsonObject, str } from "../util.js";
import { bodyObject } from "./common.js";
import { badContent, landNetworkSettings, propertiesOf } from "./network-settings.js";

/** Azure minutes an accepted registry update takes (assumed; no source gives a figure). */
const REGISTRY_UPDATE_MINUTES = 0.5;

const bad = badContent;

/** The key vault PATCH: synchronous; `publicNetworkAccess` enabled/disabled in either case. */
export function patchKeyVault(ctx: Ctx, r: ArmResource, json: (r: ArmResource) => JsonObject): Reply {
  const props = propertiesOf(ctx);
  const pna = props.publicNetworkAccess;
  if (pna !== undefined && (typeof pna !== "string" || !["enabled", "disabled"].includes(pna.toLowerCase())))
    throw bad("properties.publicNetworkAccess must be enabled or disabled.");
  const body = bodyObject(ctx);
  if (pna !== undefined) r.properties.publicNetworkAccess = pna;
  if (props.networkAcls !== undefined) {
    if (!isObject(props.networkAcls)) throw bad("properties.networkAcls must be an object.");
    r.properties.networkAcls = clone(props.networkAcls);
  }
  if (body.tags !== undefined) r.tags = clone(body.tags);
  r.etag = ctx.model.newEtag();
  return { status: 200, body: json(r) };
}

/** The registry PATCH: 200 at once or 201 + Azure-AsyncOperation (the change lands at the operation's end). */
export function patchRegistry(ctx: Ctx, r: ArmResource, json: (r: ArmResource) => JsonObject): Reply {
  const props = propertiesOf(ctx);
  const pna = props.publicNetworkAccess;
  if (pna !== undefined && pna !== "Enabled" && pna !== "Disabled")
    throw bad("properties.publicNetworkAccess must be Enabled or Disabled.");
  const bypass = props.networkRuleBypassOptions;
  if (bypass !== undefined && bypass !== "AzureServices" && bypass !== "None")
    throw bad("properties.networkRuleBypassOptions must be AzureServices or None.");
  const sku = isObject(r.sku) ? str(r.sku.name) : undefined;
  if (pna === "Disabled" && sku !== "Premium") {
    throw new ArmError(
      400,
      "PublicNetworkAccessNotSupported",
      `Registry '${r.name}' has the ${sku ?? "unknown"} SKU: disabling public network access needs the Premium SKU.`,
    );
  }
  return landNetworkSettings(ctx, r, {
    json,
    apply: () => {
      if (pna !== undefined) r.properties.publicNetworkAccess = pna;
      if (bypass !== undefined) r.properties.networkRuleBypassOptions = bypass;
    },
    accepted: {
      namespace: "Microsoft.ContainerRegistry",
      minutes: REGISTRY_UPDATE_MINUTES,
      state: "Updating",
      status: 201,
    },
  });
}
