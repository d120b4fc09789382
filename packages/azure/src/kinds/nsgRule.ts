/**
 * `nsgRule` (network: byo): a required outbound security rule of the spec's NSG — Allow from
 * `VirtualNetwork` with the rule's protocol, destination prefix, ports and priority — through
 * `@azure/arm-network`.
 */
import type { ActualResource, NsgRuleIdentity, NsgRuleProperties, PlanStep, StepResult } from "@pfnet/core";
import { PfnetError } from "@pfnet/core";
import type { AzureKind, RequiredActions } from "../kind.js";
import { absentFingerprint, canonicalJson, contentHash } from "../normalize.js";
import type { ReadSession } from "../read.js";
import { on, writeActions } from "../required-actions.js";
import { withRetry } from "../retry.js";
import { deleteStep, newSession, retryContext, type StepEnv } from "../steps.js";
import { awaitSdkOperation } from "../waits.js";

export interface NsgRuleFound {
  name: string;
  direction: string;
  access: string;
  protocol: string;
  destinationAddressPrefix: string;
  destinationPortRanges: string[];
  priority: number;
  etag?: string;
}

/** `/subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}` → its parts. */
export function parseArmId(id: string): { subscriptionId: string; resourceGroup: string; name: string } {
  const match = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/[^/]+\/[^/]+\/([^/]+)/i.exec(
    id,
  );
  if (!match) throw new PfnetError("PROVIDER_ERROR", `Not an ARM resource id: ${id}`);
  return { subscriptionId: match[1]!, resourceGroup: match[2]!, name: match[3]! };
}

/** The security rules of an NSG, by lower-case name (one list per NSG and session). */
function nsgRules(session: ReadSession, nsgId: string): Promise<Map<string, NsgRuleFound>> {
  return session.cached("securityRules", nsgId.toLowerCase(), async () => {
    const nsg = parseArmId(nsgId);
    const client = await session.clients.network(nsg.subscriptionId);
    const found = new Map<string, NsgRuleFound>();
    await session.clients.sdk(async () => {
      for await (const r of client.securityRules.list(nsg.resourceGroup, nsg.name, {
        abortSignal: session.signal,
      })) {
        found.set((r.name ?? "").toLowerCase(), {
          name: r.name ?? "",
          direction: r.direction ?? "",
          access: r.access ?? "",
          protocol: r.protocol ?? "",
          destinationAddressPrefix: r.destinationAddressPrefix ?? "",
          destinationPortRanges: r.destinationPortRanges?.length
            ? [...r.destinationPortRanges]
            : r.destinationPortRange
              ? [r.destinationPortRange]
              : [],
          priority: r.priority ?? 0,
          ...(r.etag ? { etag: r.etag } : {}),
        });
      }
    });
    return found;
  });
}

async function readNsgRule(
  session: ReadSession,
  node: { address: string; identity: NsgRuleIdentity },
): Promise<ActualResource> {
  const identity = node.identity;
  const rule = (await nsgRules(session, identity.nsgId)).get(identity.ruleName.toLowerCase());
  if (!rule) return { exists: false, fingerprint: absentFingerprint(node.address) };
  const { name: _name, etag, ...properties } = rule;
  return { exists: true, properties, fingerprint: etag ? `etag:${etag}` : contentHash(properties) };
}

async function applyNsgRule(env: StepEnv, step: PlanStep): Promise<StepResult> {
  const identity = step.identity as unknown as NsgRuleIdentity;
  const nsg = parseArmId(identity.nsgId);
  const client = await env.clients.network(nsg.subscriptionId);
  if (step.action === "delete") {
    return deleteStep(env, step, {
      operation: "nsgRuleWrite",
      label: `deleting NSG rule ${identity.ruleName}`,
      begin: (options) =>
        client.securityRules.beginDelete(nsg.resourceGroup, nsg.name, identity.ruleName, options),
    });
  }
  const after = step.after as unknown as NsgRuleProperties;
  await withRetry(
    async () => {
      const current = (await nsgRules(newSession(env, step), identity.nsgId)).get(
        identity.ruleName.toLowerCase(),
      );
      if (current) {
        const { name: _n, etag: _e, ...properties } = current;
        if (canonicalJson(properties) === canonicalJson(after)) return;
      }
      await awaitSdkOperation(env, step, "nsgRuleWrite", `writing NSG rule ${identity.ruleName}`, (options) =>
        client.securityRules.beginCreateOrUpdate(
          nsg.resourceGroup,
          nsg.name,
          identity.ruleName,
          {
            direction: after.direction,
            access: after.access,
            protocol: after.protocol,
            sourceAddressPrefix: "VirtualNetwork",
            sourcePortRange: "*",
            destinationAddressPrefix: after.destinationAddressPrefix,
            destinationPortRanges: [...after.destinationPortRanges],
            priority: after.priority,
            description: "Required outbound for Azure Machine Learning (managed by pfnet)",
          },
          options,
        ),
      );
    },
    retryContext(env, step),
  );
  return { outcome: "succeeded" };
}

/** A security rule write or delete, checked on its NSG. */
async function nsgRuleActions(_session: ReadSession, step: PlanStep): Promise<RequiredActions[]> {
  const { nsgId } = step.identity as unknown as NsgRuleIdentity;
  return on(nsgId, writeActions(step, "Microsoft.Network/networkSecurityGroups/securityRules"));
}

export const nsgRule: AzureKind<"nsgRule"> = {
  kind: "nsgRule",
  read: readNsgRule,
  requiredActions: nsgRuleActions,
  apply: applyNsgRule,
};
