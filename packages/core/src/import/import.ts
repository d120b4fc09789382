/**
 * `importTopology`: existing workspaces -> the spec that describes them (Terraform import,
 * aztfexport). Reads only. The spec uses pfnet's own vocabulary, so what it writes plans to no
 * changes against the same Azure; whatever Azure holds that the spec cannot say under pfnet's
 * derived names (a rule named otherwise, a Spark-enabled endpoint, a private endpoint pfnet would
 * not have named so) is left out, stays in Azure untouched (an unlisted rule, PFN205), and is
 * reported as a note with the spec path it concerns. The result is checked twice before it is
 * returned: it validates, and a plan of it is made; every step that plan would not leave alone
 * becomes a note too. Parts: `ids.ts` (what the ids name), `found.ts` (what is read), `describe.ts`
 * (a workspace as a spec), `services.ts` (the services it reaches).
 */
import { createEmitter } from "../emitter.js";
import { PfnetError } from "../errors.js";
import type { EventListener } from "../events.js";
import type { WorkspaceRef } from "../model.js";
import { plan } from "../plan/plan.js";
import type { Provider, ProviderContext } from "../provider.js";
import type { Topology, WorkspaceSpec } from "../spec/schema.js";
import { validateTopology } from "../spec/validate.js";
import { describeWorkspace } from "./describe.js";
import { type Found, lower, pointer, probeNodes, str } from "./found.js";
import { parseIds } from "./ids.js";
import { Services } from "./services.js";

export interface ImportOptions {
  signal?: AbortSignal;
  onEvent?: EventListener;
}

/** Something Azure holds that the written spec does not (or cannot) say, at a spec path. */
export interface ImportNote {
  /** JSON pointer into the written spec (`/workspaces/pf-ws`), or `` for the whole spec. */
  path: string;
  message: string;
}

export interface ImportResult {
  topology: Topology;
  notes: ImportNote[];
}

/**
 * Read existing workspaces and write the spec that describes them. `ids` are workspace ARM ids,
 * or resource group ids (every workspace of the group); all in one subscription. The provider
 * must implement `inventory`. Throws `INVALID_ARGUMENT` for a bad id, `NOT_SUPPORTED` for a
 * provider without `inventory`, `ABORTED` on abort. Reads only.
 */
export async function importTopology(
  provider: Provider,
  ids: readonly string[],
  options: ImportOptions = {},
): Promise<ImportResult> {
  const { signal } = options;
  const aborted = () => new PfnetError("ABORTED", "Import was aborted; nothing was changed.");
  if (signal?.aborted) throw aborted();
  const wanted = parseIds(ids);
  if (!provider.inventory) {
    throw new PfnetError(
      "NOT_SUPPORTED",
      `The ${provider.name} provider cannot list resources, so it cannot import.`,
      {
        hint: "Use a provider that implements `inventory` (AzureProvider, MemoryProvider).",
      },
    );
  }
  const context: ProviderContext = {
    signal: signal ?? new AbortController().signal,
    emit: createEmitter(options.onEvent),
  };
  const notes: ImportNote[] = [];
  const found: Found[] = [];
  const usedKeys = new Set<string>();
  for (const { scope, names } of wanted) {
    const inventory = await provider.inventory(scope, context);
    if (signal?.aborted) throw aborted();
    const listed = new Set(inventory.workspaces.map((ws) => lower(ws.name)));
    if (names !== "all") {
      for (const name of names) {
        if (!listed.has(name)) {
          throw new PfnetError(
            "WORKSPACE_NOT_FOUND",
            `Workspace ${name} does not exist in resource group ${scope.resourceGroup} (subscription ${scope.subscriptionId}).`,
            { hint: "Check the workspace id (az ml workspace list -g <group>)." },
          );
        }
      }
    }
    for (const ws of [...inventory.workspaces].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (names !== "all" && !names.has(lower(ws.name))) continue;
      let key = ws.name;
      if (usedKeys.has(lower(key))) key = `${scope.resourceGroup}-${ws.name}`;
      usedKeys.add(lower(key));
      found.push({
        ref: { subscriptionId: scope.subscriptionId, resourceGroup: scope.resourceGroup, name: ws.name, key },
        location: ws.location,
        onlineEndpoints: [...ws.onlineEndpoints].sort(),
        inventory,
      });
    }
  }
  if (found.length === 0) {
    throw new PfnetError("WORKSPACE_NOT_FOUND", "No Machine Learning workspace was found to import.", {
      hint: "Check the resource group ids.",
    });
  }
  const subscriptionId = found[0]!.ref.subscriptionId;
  const topologyGroup = found[0]!.ref.resourceGroup;
  const nodes = found.flatMap((ws) => probeNodes(ws, subscriptionId));
  let read: Awaited<ReturnType<Provider["read"]>>;
  try {
    read = await provider.read(nodes, context);
  } catch (error) {
    if (signal?.aborted) throw aborted();
    throw error;
  }
  const rulesByKey = new Map<string, Array<{ ruleName: string; properties: Record<string, unknown> }>>();
  for (const rule of read.discovered) {
    if (rule.kind !== "outboundRule" || rule.properties.category !== "UserDefined") continue;
    const key = (rule.identity.workspace as WorkspaceRef | undefined)?.key;
    const ruleName = str(rule.identity.ruleName);
    if (!key || !ruleName) continue;
    rulesByKey.set(key, [...(rulesByKey.get(key) ?? []), { ruleName, properties: rule.properties }]);
  }

  const services = new Services();
  const workspaces: Record<string, WorkspaceSpec> = {};
  for (const ws of found) {
    const spec = describeWorkspace(
      ws,
      read.resources,
      rulesByKey.get(ws.ref.key) ?? [],
      services,
      topologyGroup,
      notes,
    );
    if (spec) workspaces[ws.ref.key] = spec;
  }
  const locations = [...new Set(found.map((ws) => ws.location).filter((l): l is string => !!l))];
  if (locations.length > 1) {
    notes.push({
      path: "/location",
      message: `The workspaces are in several regions (${locations.join(", ")}); the spec names ${locations[0]}.`,
    });
  }
  const topology: Topology = {
    version: 1,
    subscriptionId,
    resourceGroup: topologyGroup,
    ...(locations[0] ? { location: locations[0] } : {}),
    ...(Object.keys(services.entries).length > 0 ? { services: services.entries } : {}),
    workspaces,
  };
  if (Object.keys(services.entries).some((name) => services.entries[name]!.kind === "aiServices")) {
    notes.push({
      path: "/services",
      message:
        "Cognitive Services accounts are written as kind aiServices; azureOpenAI or contentSafety say the same to Azure (subresource account) if you prefer.",
    });
  }

  // Check what was written: it validates, and pfnet would leave Azure as it is.
  const checked = validateTopology(topology);
  for (const diagnostic of checked.diagnostics) {
    notes.push({
      path: diagnostic.path,
      message: `${diagnostic.severity} ${diagnostic.code}: ${diagnostic.message}`,
    });
  }
  if (
    checked.topology &&
    !checked.diagnostics.some((d) => d.severity === "error") &&
    Object.keys(workspaces).length > 0
  ) {
    const verify = await plan(topology, provider, { ...(signal ? { signal } : {}) });
    for (const step of verify.steps) {
      if (step.action === "noop") continue;
      const key = /^workspace\.([^.]+)/.exec(step.address)?.[1];
      notes.push({
        path: key ? pointer("workspaces", key) : "",
        message: `pfnet's plan of this spec would ${step.action} ${step.address}: ${step.reason}.`,
      });
    }
  }
  return { topology, notes };
}
