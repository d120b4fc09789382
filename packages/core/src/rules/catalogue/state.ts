/** Codes of the plan-time rules against what exists in Azure, `checkState` (`PFN200`–`PFN299`). */
import type { RuleDraft } from "../catalogue.js";
import { FACTS, MANAGED_NETWORK, REST_SPEC, SEED } from "./sources.js";

export const STATE_RULES: readonly RuleDraft[] = [
  {
    code: "PFN201",
    severity: "error",
    phase: "state",
    title: "Isolation mode would loosen",
    summary:
      "The spec maps to an isolation mode looser than the workspace already has (egress public → AllowInternetOutbound, private → AllowOnlyApprovedOutbound, own VNet → Disabled).",
    why: "Managed-network isolation modes only tighten: Disabled → AllowInternetOutbound → AllowOnlyApprovedOutbound. Once on, managed isolation cannot be turned off, and approved-outbound cannot go back to internet-outbound.",
    reference: `${FACTS} c.1; ${MANAGED_NETWORK}`,
    hint: "Keep the current isolation (e.g. `egress: private`), or create a new workspace with the looser setting.",
  },
  {
    code: "PFN202",
    severity: "error",
    phase: "state",
    title: "Managed isolation on a workspace with computes or endpoints",
    summary:
      "The spec enables the managed network on an existing workspace (isolation mode Disabled) that still has computes or online endpoints. The message lists them.",
    why: "Enabling the managed virtual network on an existing workspace requires deleting all compute instances, compute clusters and managed online endpoints first; there is no migration path.",
    reference: `${FACTS} c.1; ${MANAGED_NETWORK}`,
    hint: "Delete the listed computes and online endpoints first (pfnet never deletes them), or use a new workspace with a `create` block.",
  },
  {
    code: "PFN203",
    severity: "error",
    phase: "state",
    title: "Workspace does not exist",
    summary: "The workspace is not in Azure and the spec has no `create` block for it.",
    why: "pfnet configures existing workspaces; it creates one only when the spec names the storage account and key vault the new workspace uses.",
    reference: `${FACTS} a.1 (workspace create body)`,
    hint: "Add a `create` block (storageAccount, keyVault, optional containerRegistry and applicationInsights) and a top-level `location`, or correct `name`/`resourceGroup`.",
  },
  {
    code: "PFN204",
    severity: "error",
    phase: "state",
    title: "Workspace kind differs",
    summary: "The workspace exists with another kind (default, hub or project) than the spec states.",
    why: "A workspace's kind is fixed when it is created; pfnet cannot change it.",
    reference: `${FACTS} a.1 (workspace body: kind)`,
    hint: "Set `kind` to the workspace's actual kind, or use another workspace.",
  },
  {
    code: "PFN205",
    severity: "warning",
    phase: "state",
    title: "User-defined outbound rules not in the spec",
    summary:
      "The workspace's managed network has user-defined outbound rules (category UserDefined) that the spec does not describe, and `unlistedRules` is `keep` (the default). The message names them with their destinations; the plan lists them under `unmanaged` and in its posture report (`posture`). A posture finding: `--strict` (library `strict: true`) makes it an error.",
    why: "Outbound rules are independent child resources of the workspace, so rules added by hand (portal, CLI, another tool) stay in force alongside the ones pfnet manages and widen what the managed network can reach. pfnet never deletes what it does not manage unless told to; service-owned rules (Required, Recommended, Dependency) are never reported or touched.",
    reference: `${FACTS} a.2 (outbound rules), b (rule category), c.3 (required rules); ${MANAGED_NETWORK}`,
    hint: "Add the rules to the spec (`reach`), or set `unlistedRules: delete` to have pfnet remove them.",
  },
  {
    code: "PFN206",
    severity: "warning",
    phase: "state",
    title: "Role assignment made directly at the workspace storage account",
    summary:
      "A role assignment pfnet does not manage is made directly at the scope of the workspace's storage account: the workspace identity holds a role there beyond the Storage File Data Privileged Contributor pfnet grants, or anyone holds Owner, Contributor or User Access Administrator there. One finding per assignment; the plan lists them in its posture report (`posture`). Assignments inherited from the resource group, subscription or a management group are listed apart there, as information, and are never reported as findings. A posture finding: `--strict` (library `strict: true`) makes it an error.",
    why: "The storage account holds the workspace's flows, data and secrets; network isolation does not stop a principal with a management role there from opening its network rules, reading its keys or granting others access. pfnet grants one role there and never deletes what it does not manage, so it shows the rest for a reviewer to judge. The role-assignment list for a scope returns the assignments at or above it; each one's `scope` tells a direct assignment from an inherited one.",
    reference: `${FACTS} a.6 (role assignments); [List Azure role assignments using the REST API](https://learn.microsoft.com/azure/role-based-access-control/role-assignments-list-rest)`,
    hint: "Review the assignment; remove it in Azure (portal, `az role assignment delete`) if it is not intended. pfnet never deletes role assignments it does not manage.",
  },
  {
    code: "PFN207",
    severity: "warning",
    phase: "state",
    title: "Own-VNet outbound dependency on a port pfnet's NSG rules do not open",
    summary:
      "An own-VNet workspace with `vnet.nsgId` reports an outbound dependency (a host and port it must reach) on a TCP port that none of the required outbound NSG rules pfnet writes opens. The plan lists every dependency in its posture report (`posture.workspaces[].outboundDependencies`): what the firewall must allow.",
    why: "With your own virtual network and strict outbound, prompt flow works only when the required public internet access is open. The workspace reports its outbound dependencies itself; pfnet writes service-tag NSG rules for the documented required ones (TCP 80, 443, 18881), so a dependency on another port stays blocked unless the NSG or firewall allows it.",
    reference: `${SEED}, "Secure prompt flow use your own virtual network"; ${REST_SPEC} (\`Workspaces_ListOutboundNetworkDependenciesEndpoints\`); ${FACTS} c.10`,
    hint: "Allow the listed host and port in your firewall (or add an NSG rule for it); `pfnet plan --json` lists every dependency under `posture`.",
  },
];
