/** The services an imported spec declares: named after the rule or endpoint that reaches them. */
import { subresourceOf } from "../expand/expand.js";
import { DEFAULT_SUBRESOURCE } from "../expand/names.js";
import type { ServiceKind, ServiceSpec } from "../spec/schema.js";
import { lower } from "./found.js";

/** The service kind an ARM resource type suggests (Cognitive Services accounts: aiServices). */
function serviceKindOf(targetId: string): ServiceKind {
  const type = /\/providers\/([^/]+\/[^/]+)\//i.exec(`${targetId}/`)?.[1]?.toLowerCase();
  switch (type) {
    case "microsoft.cognitiveservices/accounts":
      return "aiServices";
    case "microsoft.search/searchservices":
      return "aiSearch";
    case "microsoft.storage/storageaccounts":
      return "storage";
    case "microsoft.keyvault/vaults":
      return "keyVault";
    case "microsoft.containerregistry/registries":
      return "containerRegistry";
    default:
      return "other";
  }
}

/** A name for a service that reaches `targetId`: from the rule or endpoint name, unique in `services`. */
export class Services {
  readonly entries: Record<string, ServiceSpec> = {};

  /** Declare `name` for the target; false when the name is taken by another target or subresource. */
  claim(name: string, targetId: string, subresource: string): boolean {
    const existing = this.entries[name];
    if (existing) return lower(existing.id) === lower(targetId) && subresourceOf(existing) === subresource;
    const kind = serviceKindOf(targetId);
    const service: ServiceSpec = { kind, id: targetId };
    if (DEFAULT_SUBRESOURCE[kind] !== subresource) service.subresource = subresource;
    this.entries[name] = service;
    return true;
  }
}
