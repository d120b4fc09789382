/**
 * `dependencyNetworkAccess`: the public network access of a workspace's storage account, key
 * vault or container registry, read and PATCHed on the dependency itself (rest/network-access.ts).
 * The read reports the SKU as a fact (a registry must be Premium to be private, PFN213).
 */
import type {
  ActualResource,
  DependencyNetworkAccessIdentity,
  PlanStep,
  ResourceNode,
  StepResult,
} from "@pfnet/core";
import { PfnetError } from "@pfnet/core";
import type { AzureKind, RequiredActions } from "../kind.js";
import { absentFingerprint, contentHash } from "../normalize.js";
import type { ReadSession } from "../read.js";
import { on, writeActions } from "../required-actions.js";
import { resourceType } from "../rest/connections.js";
import { getNetworkAccess, normalisedAccess, patchPublicNetworkAccess } from "../rest/network-access.js";
import { retrying, type StepEnv } from "../steps.js";

async function readDependency(
  session: ReadSession,
  node: ResourceNode<"dependencyNetworkAccess">,
): Promise<ActualResource> {
  const { id } = node.identity;
  const found = await session.cached("dependency", id.toLowerCase(), () =>
    getNetworkAccess(session.clients.arm, id, session.signal),
  );
  if (!found) return { exists: false, fingerprint: absentFingerprint(node.address) };
  const properties = { publicNetworkAccess: normalisedAccess(found.body.properties?.publicNetworkAccess) };
  const sku = found.body.sku?.name ?? found.body.properties?.sku?.name;
  return {
    exists: true,
    properties,
    ...(sku ? { facts: { sku } } : {}),
    fingerprint: contentHash(properties),
  };
}

async function applyDependency(env: StepEnv, step: PlanStep): Promise<StepResult> {
  const identity = step.identity as unknown as DependencyNetworkAccessIdentity;
  if (step.action !== "update") {
    throw new PfnetError(
      "PLAN_FORBIDDEN",
      `pfnet only changes the public network access of ${identity.id}; it never creates or deletes it.`,
      { address: step.address },
    );
  }
  const wanted = String(step.after?.publicNetworkAccess ?? "Disabled");
  await retrying(env, step, async () => {
    // Idempotent per attempt: read, then write only when it differs.
    const current = await getNetworkAccess(env.clients.arm, identity.id, env.signal);
    if (!current) {
      throw new PfnetError("PROVIDER_ERROR", `${identity.id} does not exist.`, { address: step.address });
    }
    if (normalisedAccess(current.body.properties?.publicNetworkAccess) === wanted) return;
    await patchPublicNetworkAccess(env.clients.arm, identity.id, wanted, env.signal);
  });
  return { outcome: "succeeded" };
}

/** An update writes the dependency itself (`<type>/write`, a PATCH of its public access). */
async function dependencyActions(_session: ReadSession, step: PlanStep): Promise<RequiredActions[]> {
  const { id } = step.identity as unknown as DependencyNetworkAccessIdentity;
  return on(id, writeActions(step, resourceType(id)));
}

export const dependencyNetworkAccess: AzureKind<"dependencyNetworkAccess"> = {
  kind: "dependencyNetworkAccess",
  read: readDependency,
  apply: applyDependency,
  requiredActions: dependencyActions,
};
