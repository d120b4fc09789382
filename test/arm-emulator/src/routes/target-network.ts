/**
 * The network settings of the two target types whose specs pfnet writes them through: a
 * CognitiveServices account (`Accounts_Update`, cognitiveservices.json 2024-10-01: long-running,
 * 200 or 202 with the account; `publicNetworkAccess` `Enabled|Disabled`, `networkAcls` a
 * `NetworkRuleSet` of `defaultAction` `Allow|Deny`, `bypass` `None|AzureServices`, `ipRules`
 * `[{value}]`, `virtualNetworkRules` `[{id}]`) and a Search service (`Services_Update`,
 * search.json 2023-11-01: synchronous, 200 only; `publicNetworkAccess` lowercase
 * `enabled|disabled`, `networkRuleSet.ipRules` `[{value}]`). Every other field of the body is
 * taken as given only where the emulator keeps it (tags); the rest of the resource is unchanged.
 */
import type { Ctx, Reply } from "../http.js";
import type { ArmResource } from "../state/model.js";
import { clone, isObject, type JsonObject } from "../util.js";
import { bodyObject } from "./common.js";
import { badContent, landNetworkSettings, propertiesOf } from "./network-settings.js";

/** Azure minutes an accepted account update takes (assumed; no source gives a figure). */
const ACCOUNT_UPDATE_MINUTES = 0.5;

const bad = badContent;

function oneOf(value: unknown, allowed: readonly string[], field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !allowed.includes(value))
    throw bad(`${field} must be one of ${allowed.join(", ")}.`);
  return value;
}

/** `ipRules` of either spec: an array of `{value}` with a string value. */
function ipRules(value: unknown, field: string): JsonObject[] {
  if (!Array.isArray(value)) throw bad(`${field} must be an array.`);
  return value.map((rule, i) => {
    if (!isObject(rule) || typeof rule.value !== "string" || rule.value.length === 0)
      throw bad(`${field}[${i}].value must be an IPv4 address or CIDR range.`);
    return { value: rule.value };
  });
}

/**
 * The CognitiveServices account PATCH. `networkAcls` is merged key by key into what the account
 * has (a key the body leaves out keeps its value; arrays are replaced): assumed, the spec does
 * not say how a partial `NetworkRuleSet` is read. The change lands at the operation's end; the
 * account reads `provisioningState: Accepted` meanwhile (assumed; `Accepted` is in the spec's enum).
 */
export function patchCognitiveAccount(ctx: Ctx, r: ArmResource, json: (r: ArmResource) => JsonObject): Reply {
  const props = propertiesOf(ctx);
  const pna = oneOf(props.publicNetworkAccess, ["Enabled", "Disabled"], "properties.publicNetworkAccess");
  let acls: JsonObject | undefined;
  if (props.networkAcls !== undefined) {
    if (!isObject(props.networkAcls)) throw bad("properties.networkAcls must be an object.");
    const given = props.networkAcls;
    acls = isObject(r.properties.networkAcls) ? clone(r.properties.networkAcls) : {};
    const action = oneOf(given.defaultAction, ["Allow", "Deny"], "properties.networkAcls.defaultAction");
    const bypass = oneOf(given.bypass, ["None", "AzureServices"], "properties.networkAcls.bypass");
    if (action !== undefined) acls.defaultAction = action;
    if (bypass !== undefined) acls.bypass = bypass;
    if (given.ipRules !== undefined) acls.ipRules = ipRules(given.ipRules, "properties.networkAcls.ipRules");
    if (given.virtualNetworkRules !== undefined) {
      if (!Array.isArray(given.virtualNetworkRules))
        throw bad("properties.networkAcls.virtualNetworkRules must be an array.");
      acls.virtualNetworkRules = clone(given.virtualNetworkRules);
    }
  }
  // examples/UpdateAccount.json: the 202 carries the account, Location and Azure-AsyncOperation.
  return landNetworkSettings(ctx, r, {
    json,
    apply: () => {
      if (pna !== undefined) r.properties.publicNetworkAccess = pna;
      if (acls !== undefined) r.properties.networkAcls = acls;
    },
    accepted: {
      namespace: "Microsoft.CognitiveServices",
      minutes: ACCOUNT_UPDATE_MINUTES,
      state: "Accepted",
      status: 202,
      withLocation: true,
    },
  });
}

/** The Search service PATCH: synchronous; `networkRuleSet` replaced as a whole when given (assumed). */
export function patchSearchService(ctx: Ctx, r: ArmResource, json: (r: ArmResource) => JsonObject): Reply {
  const props = propertiesOf(ctx);
  const pna = oneOf(props.publicNetworkAccess, ["enabled", "disabled"], "properties.publicNetworkAccess");
  let ruleSet: JsonObject | undefined;
  if (props.networkRuleSet !== undefined) {
    if (!isObject(props.networkRuleSet)) throw bad("properties.networkRuleSet must be an object.");
    ruleSet = {
      ipRules:
        props.networkRuleSet.ipRules === undefined
          ? []
          : ipRules(props.networkRuleSet.ipRules, "properties.networkRuleSet.ipRules"),
    };
  }
  const body = bodyObject(ctx);
  if (pna !== undefined) r.properties.publicNetworkAccess = pna;
  if (ruleSet !== undefined) r.properties.networkRuleSet = ruleSet;
  if (body.tags !== undefined) r.tags = clone(body.tags);
  return { status: 200, body: json(r) };
}
