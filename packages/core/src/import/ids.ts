/** The ARM ids `pfnet import` is given: workspaces, or resource groups (all their workspaces), in one subscription. */
import { PfnetError } from "../errors.js";
import type { ResourceGroupScope } from "../provider.js";

const WORKSPACE_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)\/?$/i;
const RESOURCE_GROUP_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/?$/i;

/** One resource group to list, and which of its workspaces are wanted. */
export type Wanted = { scope: ResourceGroupScope; names: Set<string> | "all" };

export function parseIds(ids: readonly string[]): Wanted[] {
  if (ids.length === 0) {
    throw new PfnetError("INVALID_ARGUMENT", "importTopology needs at least one ARM id.", {
      hint: "Pass workspace ids (/subscriptions/…/resourceGroups/…/providers/Microsoft.MachineLearningServices/workspaces/NAME) or resource group ids (/subscriptions/…/resourceGroups/NAME).",
    });
  }
  const byGroup = new Map<string, Wanted>();
  let subscription: string | undefined;
  for (const raw of ids) {
    const id = raw.trim();
    const ws = WORKSPACE_ID.exec(id);
    const rg = ws ? undefined : RESOURCE_GROUP_ID.exec(id);
    const match = ws ?? rg;
    if (!match) {
      throw new PfnetError(
        "INVALID_ARGUMENT",
        `'${raw}' is neither a workspace nor a resource group ARM id.`,
        {
          hint: "Workspace: /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.MachineLearningServices/workspaces/NAME; all workspaces of a group: /subscriptions/SUB/resourceGroups/RG.",
        },
      );
    }
    const subscriptionId = match[1]!;
    if (subscription !== undefined && subscription.toLowerCase() !== subscriptionId.toLowerCase()) {
      throw new PfnetError(
        "INVALID_ARGUMENT",
        `The ids name two subscriptions (${subscription} and ${subscriptionId}); a spec describes one.`,
        { hint: "Import each subscription into its own spec." },
      );
    }
    subscription = subscriptionId;
    const key = `${subscriptionId}/${match[2]!}`.toLowerCase();
    const wanted = byGroup.get(key) ?? {
      scope: { subscriptionId, resourceGroup: match[2]! },
      names: new Set<string>(),
    };
    if (ws && wanted.names !== "all") wanted.names.add(ws[3]!.toLowerCase());
    if (rg) wanted.names = "all";
    byGroup.set(key, wanted);
  }
  return [...byGroup.values()];
}
