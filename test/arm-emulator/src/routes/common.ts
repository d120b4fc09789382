/** Path fragments, api-version sets and small helpers shared by route modules. */
import type { Ctx } from "../http.js";
import { ArmError, isObject, type JsonObject } from "../util.js";

export const SUB = "/subscriptions/([^/]+)";
export const RG = `${SUB}/resourceGroups/([^/]+)`;

export function re(source: string): RegExp {
  return new RegExp(`^${source}$`, "i");
}

/** ML api-versions: what @azure/arm-machinelearning 2.1.1 sends (2022-10-01) plus the stable line up to 2025-12-01. */
export const ML_VERSIONS = [
  "2022-10-01",
  "2023-04-01",
  "2023-10-01",
  "2024-04-01",
  "2024-10-01",
  "2025-04-01",
  "2025-06-01",
  "2025-09-01",
  "2025-12-01",
] as const;
/** Managed network (outbound rules, provisioning) first shipped in stable 2023-10-01 (azure-facts §0). */
export const ML_MANAGED_NETWORK_VERSIONS = ML_VERSIONS.filter((v) => v >= "2023-10-01");
/** @azure/arm-authorization 9.0.0 sends 2022-04-01 for role assignments and role definitions. */
export const AUTHORIZATION_VERSIONS = ["2020-04-01-preview", "2022-04-01", "2022-05-01-preview"] as const;
/** @azure/arm-network 36.0.0 sends 2025-05-01. */
export const NETWORK_VERSIONS = [
  "2023-09-01",
  "2023-11-01",
  "2024-01-01",
  "2024-03-01",
  "2024-05-01",
  "2024-07-01",
  "2024-10-01",
  "2025-01-01",
  "2025-03-01",
  "2025-05-01",
] as const;
export const PRIVATE_DNS_VERSIONS = ["2018-09-01", "2020-01-01", "2020-06-01", "2024-06-01"] as const;
/** @azure/arm-storage 20.0.0 sends 2025-08-01. */
export const STORAGE_VERSIONS = [
  "2023-01-01",
  "2023-05-01",
  "2024-01-01",
  "2025-01-01",
  "2025-06-01",
  "2025-08-01",
] as const;
export const COGNITIVE_VERSIONS = [
  "2023-05-01",
  "2024-10-01",
  "2025-04-01-preview",
  "2025-06-01",
  "2025-09-01",
] as const;
export const SEARCH_VERSIONS = [
  "2023-11-01",
  "2024-03-01-preview",
  "2024-06-01-preview",
  "2025-02-01-preview",
  "2025-05-01",
] as const;
export const KEYVAULT_VERSIONS = ["2022-07-01", "2023-02-01", "2023-07-01", "2024-11-01"] as const;
export const REGISTRY_VERSIONS = [
  "2023-07-01",
  "2023-11-01-preview",
  "2024-11-01-preview",
  "2025-04-01",
] as const;
/** The private-endpoint-connection specs vendored for these (test/azure-specs): nothing else of them is served. */
export const COSMOS_VERSIONS = ["2024-05-15"] as const;
export const SQL_VERSIONS = ["2023-08-01"] as const;
export const REDIS_VERSIONS = ["2024-03-01"] as const;
export const INSIGHTS_VERSIONS = ["2015-05-01", "2020-02-02"] as const;
export const RESOURCES_VERSIONS = ["2021-04-01", "2022-09-01", "2024-03-01", "2025-04-01"] as const;

export function bodyObject(ctx: Ctx): JsonObject {
  if (!isObject(ctx.body)) {
    throw new ArmError(
      400,
      "InvalidRequestContent",
      "The request content was invalid: a JSON object body is required.",
    );
  }
  return ctx.body;
}

/** ARM's If-Match / If-None-Match handling for a resource with `etag` (undefined = does not exist). */
export function checkPreconditions(ctx: Ctx, etag: string | undefined): void {
  const ifMatch = header(ctx, "if-match");
  const ifNoneMatch = header(ctx, "if-none-match");
  if (ifMatch !== undefined && ifMatch !== "*" && ifMatch !== etag) {
    throw new ArmError(
      412,
      "PreconditionFailed",
      `The condition specified using HTTP conditional header(s) is not met: If-Match ${ifMatch} does not match the current ETag ${etag ?? "(none)"}.`,
    );
  }
  if (ifMatch === "*" && etag === undefined) {
    throw new ArmError(412, "PreconditionFailed", "If-Match: * was given but the resource does not exist.");
  }
  if (ifNoneMatch === "*" && etag !== undefined) {
    throw new ArmError(
      412,
      "PreconditionFailed",
      "If-None-Match: * was given but the resource already exists.",
    );
  }
}

export function header(ctx: Ctx, name: string): string | undefined {
  const v = ctx.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function etagHeader(etag: string): Record<string, string> {
  return { ETag: etag };
}
