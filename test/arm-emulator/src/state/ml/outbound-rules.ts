/**
 * A workspace's outbound rules: the user-defined rule map, the service-owned (Required) rules
 * Azure adds per isolation mode, and Azure's refusals for a rule write.
 */
import { ArmError, clone, isObject, type Json, type JsonObject, key, lastSegment, str } from "../../util.js";
import type { Model } from "../model.js";
import { TARGET_TYPES } from "../targets.js";
import { provisioningUnderWay } from "./managed-network.js";
import type { WorkspaceState } from "./workspaces.js";

export type RuleStatus = "Inactive" | "Active" | "Provisioning" | "Deleting" | "Failed";
export type RuleType = "FQDN" | "PrivateEndpoint" | "ServiceTag";

export interface RuleState {
  name: string;
  type: RuleType;
  category: "Required" | "Recommended" | "UserDefined" | "Dependency";
  destination: Json;
  status: RuleStatus;
  errorInformation?: string;
}

/** Service-owned rules (azure-facts c.3): PE rules to storage/key vault/registry, service tags under approved-outbound. */
export function requiredRules(model: Model, ws: WorkspaceState): RuleState[] {
  const mode = ws.managedNetwork.isolationMode;
  if (mode === "Disabled") return [];
  const status: RuleStatus =
    ws.managedNetwork.status === "Active"
      ? "Active"
      : provisioningUnderWay(model, ws)
        ? "Provisioning"
        : "Inactive";
  const rules: RuleState[] = [];
  const pe = (refKey: "storageAccount" | "keyVault" | "containerRegistry", subresources: string[]) => {
    const id = str(ws.properties[refKey]);
    if (!id) return;
    const target = model.resource(id);
    const publicAccess = str(target?.properties.publicNetworkAccess) ?? "Enabled";
    if (mode === "AllowInternetOutbound" && publicAccess !== "Disabled") return;
    for (const sub of subresources) {
      rules.push({
        name: `__SYS_PE_${lastSegment(id)}_${sub}`,
        type: "PrivateEndpoint",
        category: "Required",
        destination: {
          serviceResourceId: target?.id ?? id,
          subresourceTarget: sub,
          sparkEnabled: false,
          sparkStatus: status,
        },
        status,
      });
    }
  };
  pe("storageAccount", ["blob", "file"]);
  pe("keyVault", ["vault"]);
  pe("containerRegistry", ["registry"]);
  if (mode === "AllowOnlyApprovedOutbound") {
    const tags: [string, string, string][] = [
      ["AzureActiveDirectory", "TCP", "80, 443"],
      ["AzureMachineLearning", "TCP", "443, 18881"],
      [`BatchNodeManagement.${ws.location}`, "TCP", "443"],
      ["AzureResourceManager", "TCP", "443"],
      ["AzureFrontDoor.FirstParty", "TCP", "443"],
      [`MicrosoftContainerRegistry.${ws.location}`, "TCP", "443"],
      ["AzureMonitor", "TCP", "443"],
    ];
    for (const [tag, protocol, portRanges] of tags) {
      rules.push({
        name: `__SYS_ST_${tag.replace(/[^A-Za-z0-9]/g, "_")}`,
        type: "ServiceTag",
        category: "Required",
        destination: { serviceTag: tag, protocol, portRanges, action: "Allow" },
        status,
      });
    }
  }
  return rules;
}

/** User-defined and required rules, sorted by name. */
export function allRules(model: Model, ws: WorkspaceState): RuleState[] {
  const required = requiredRules(model, ws);
  const user = [...ws.rules.values()].filter((r) => !required.some((q) => key(q.name) === key(r.name)));
  return [...required, ...user].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function findRule(model: Model, ws: WorkspaceState, name: string): RuleState | undefined {
  return ws.rules.get(key(name)) ?? requiredRules(model, ws).find((r) => key(r.name) === key(name));
}

export function ruleFromBody(name: string, body: JsonObject, status: RuleStatus): RuleState {
  const type = str(body.type) as RuleType;
  const category = (str(body.category) ?? "UserDefined") as RuleState["category"];
  return { name, type, category, destination: clone(body.destination ?? null), status };
}

/** Azure's refusals for a rule write (azure-facts c.2). Throws ArmError 400. */
export function validateRule(
  model: Model,
  ws: WorkspaceState,
  name: string,
  body: unknown,
  mode = ws.managedNetwork.isolationMode,
): JsonObject {
  if (!isObject(body)) throw badRule(name, "the rule must be an object with a 'type'.");
  const type = str(body.type);
  if (type !== "FQDN" && type !== "PrivateEndpoint" && type !== "ServiceTag") {
    throw badRule(
      name,
      `'type' must be FQDN, PrivateEndpoint or ServiceTag (got ${JSON.stringify(body.type)}).`,
    );
  }
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/.test(name)) {
    throw badRule(name, "the rule name must match ^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$.");
  }
  if (str(body.category) === "Required") {
    throw new ArmError(
      400,
      "CannotModifyRequiredRule",
      `Outbound rule '${name}': rules of category Required are service-owned.`,
    );
  }
  if (mode === "Disabled") {
    throw new ArmError(
      400,
      "ManagedNetworkNotEnabled",
      `Workspace '${ws.name}' has managed network isolation Disabled; outbound rules need AllowInternetOutbound or AllowOnlyApprovedOutbound.`,
    );
  }
  if ((type === "FQDN" || type === "ServiceTag") && mode === "AllowInternetOutbound") {
    throw new ArmError(
      400,
      "OutboundRuleNotAllowedInIsolationMode",
      `Outbound rule '${name}': ${type} rules are only allowed with isolation mode AllowOnlyApprovedOutbound; workspace '${ws.name}' uses AllowInternetOutbound.`,
    );
  }
  if (type === "FQDN") {
    const dest = str(body.destination);
    if (!dest) throw badRule(name, "an FQDN rule needs a string 'destination'.");
    const port = /:(\d+)$/.exec(dest)?.[1];
    if (port !== undefined && port !== "80" && port !== "443") {
      throw new ArmError(
        400,
        "InvalidFqdnRulePort",
        `Outbound rule '${name}': FQDN rules support only ports 80 and 443 (got ${port}).`,
      );
    }
  }
  if (type === "PrivateEndpoint") {
    const dest = body.destination;
    if (!isObject(dest) || !str(dest.serviceResourceId) || !str(dest.subresourceTarget)) {
      throw badRule(
        name,
        "a PrivateEndpoint rule needs destination.serviceResourceId and destination.subresourceTarget.",
      );
    }
    const target = model.resource(str(dest.serviceResourceId)!);
    const meta = Object.values(TARGET_TYPES).find((m) => key(m.type) === key(target?.type ?? ""));
    if (target && meta && meta.groupIds.length > 0 && !meta.groupIds.includes(str(dest.subresourceTarget)!)) {
      throw badRule(
        name,
        `subresourceTarget '${str(dest.subresourceTarget)}' is not valid for ${meta.type}; use one of ${meta.groupIds.join(", ")}.`,
      );
    }
  }
  if (type === "ServiceTag") {
    const dest = body.destination;
    if (!isObject(dest) || !str(dest.serviceTag))
      throw badRule(name, "a ServiceTag rule needs destination.serviceTag.");
  }
  return body;
}

function badRule(name: string, what: string): ArmError {
  return new ArmError(400, "InvalidOutboundRule", `Outbound rule '${name}': ${what}`);
}
