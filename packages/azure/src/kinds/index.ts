/**
 * The registry of the Azure provider's resource kinds: one module per `ResourceKind`, named after
 * it, holding the kind's read, its apply and its normalisation (the model is
 * terraform-provider-azurerm's `internal/services/<service>/registration.go`). `AZURE_KINDS` is
 * generated from the modules (`registry.generated.ts`, `pnpm gen:kinds`) and typed over core's
 * `ResourceKind`, so a kind without its module is a compile error; the provider dispatches through it.
 */
import type { ActualResource, DiscoveredResource, ResourceKind, ResourceNode } from "@pfnet/core";
import { NotSupportedError } from "../errors.js";
import type { AzureKind } from "../kind.js";
import type { ReadSession } from "../read.js";
import { AZURE_KINDS } from "./registry.generated.js";

export { AZURE_KINDS };

/** The module of a kind; `NotSupportedError` for a kind this provider does not know. */
export function azureKind(kind: string, address: string): AzureKind<ResourceKind> {
  if (!Object.hasOwn(AZURE_KINDS, kind)) throw new NotSupportedError(kind, address);
  return AZURE_KINDS[kind as ResourceKind] as AzureKind<ResourceKind>;
}

/**
 * Read every node through its kind (concurrently, sharing the session's caches), then what the
 * kinds discover beside them; see the Provider port contract.
 */
export async function readNodes(
  session: ReadSession,
  nodes: readonly ResourceNode[],
  /** Skip discovery (`ProviderContext.resourcesOnly`): the caller uses only `resources`. */
  resourcesOnly = session.resourcesOnly,
): Promise<{ resources: Record<string, ActualResource>; discovered: DiscoveredResource[] }> {
  const resources: Record<string, ActualResource> = {};
  await Promise.all(
    nodes.map(async (node) => {
      resources[node.address] = await azureKind(node.kind, node.address).read(session, node);
    }),
  );
  const discovered: DiscoveredResource[] = [];
  if (resourcesOnly) return { resources, discovered };
  for (const kind of Object.values(AZURE_KINDS) as AzureKind<ResourceKind>[]) {
    if (kind.discover) discovered.push(...(await kind.discover(session, nodes)));
  }
  discovered.sort((a, b) => (a.address < b.address ? -1 : 1));
  return { resources, discovered };
}
