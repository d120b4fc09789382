/** Codes of the plan-time rules against what exists in Azure, `checkState` (`PFN200`–`PFN299`). */
import type { RuleDraft } from "../catalogue.js";
import {
  AKS_INFERENCING,
  COMPUTE_SPEC,
  FACTS,
  MANAGED_NETWORK,
  PEERING,
  REST_SPEC,
  SEED,
  TRAINING_VNET,
} from "./sources.js";

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
  {
    code: "PFN220",
    severity: "warning",
    phase: "state",
    title: "Compute outside the own VNet's compute subnets",
    summary:
      "An own-VNet workspace has a compute instance or compute cluster that sits outside the subnets `computes.subnetIds` states, or, without that list, outside `vnet.vnetId` (or in no virtual network at all). One finding per compute. A posture finding: `--strict` (library `strict: true`) makes it an error.",
    why: 'The guide asks to "limit inbound and outbound rule of compute resource in the workspace". With your own VNet, a compute reaches the workspace\'s private endpoints and is held to its NSG and routes only inside that VNet; one created elsewhere (or without a subnet) is outside the isolation the spec describes. pfnet creates no computes, so it reports them.',
    reference: `${SEED}, "Involved services"; ${TRAINING_VNET}; ${COMPUTE_SPEC}`,
    hint: "Recreate the compute in one of the stated subnets (a compute's subnet is fixed when it is created), or add its subnet to `computes.subnetIds` if it is meant to be there.",
  },
  {
    code: "PFN221",
    severity: "warning",
    phase: "state",
    title: "Compute with a public IP where the spec says none",
    summary:
      "A compute instance or compute cluster has public IP addresses (`enableNodePublicIp`) while the spec says none: `computes.noPublicIp: true`, or by default an own VNet or `ingress: private`. One finding per compute. A posture finding: `--strict` (library `strict: true`) makes it an error.",
    why: "A compute with a public IP is reachable from the internet (Azure Machine Learning's inbound management traffic, SSH when enabled) and sends its outbound traffic past the VNet's private paths; with private ingress or your own VNet that is the exposure the spec rules out. The no-public-IP setting is fixed when the compute is created.",
    reference: `${TRAINING_VNET} (no public IP); ${COMPUTE_SPEC}; ${FACTS} c.10 (inbound 44224 for computes with a public IP)`,
    hint: "Recreate the compute without a public IP (`enableNodePublicIp: false`), or set `computes.noPublicIp: false` if public IPs are intended.",
  },
  {
    code: "PFN222",
    severity: "error",
    phase: "state",
    title: "AKS cluster cannot reach the own-VNet workspace",
    summary:
      "An own-VNet workspace deploys to Kubernetes online endpoints, and the AKS cluster's subnet (what the attached compute reports, else `vnet.aksSubnetId`) is in a VNet that is not `vnet.vnetId`, is not peered with it (peering connected) and holds no approved private endpoint of the workspace.",
    why: 'The guide: deploy to an "AKS cluster which is in the same virtual network", or "create private endpoint to the same virtual network or leverage virtual network peering to make them communicate with each other". A cluster in an unconnected VNet cannot reach the private workspace, so deployments fail after apply.',
    reference: `${SEED}, "Secure prompt flow use your own virtual network"; ${AKS_INFERENCING}; ${PEERING}`,
    hint: "Peer the AKS cluster's VNet with the workspace's VNet, or create a private endpoint of the workspace in the cluster's VNet, or use an AKS cluster in the workspace's VNet.",
  },
  {
    code: "PFN223",
    severity: "warning",
    phase: "state",
    title: "AKS subnet differs from the spec",
    summary:
      "The attached AKS compute (`vnet.aksComputeName`, else every one) reports another subnet (`aksNetworkingConfiguration.subnetId`) than `vnet.aksSubnetId`. The reachability rule (PFN222) judges the reported subnet. A posture finding: `--strict` (library `strict: true`) makes it an error.",
    why: "The spec states where the inference cluster sits so that a reviewer can judge it; a cluster attached from elsewhere makes that statement untrue, and the network paths the review approved are not the ones in use.",
    reference: `${AKS_INFERENCING}; ${COMPUTE_SPEC}`,
    hint: "Correct `vnet.aksSubnetId` to the subnet the cluster uses, or attach the cluster the spec describes.",
  },
  {
    code: "PFN216",
    severity: "warning",
    phase: "state",
    title: "The caller may not make a planned write",
    summary:
      "Before apply, `plan` asks Azure which actions the caller (the identity pfnet runs as) holds on each scope the plan writes to — the permissions list of each resource group, then of a resource for the actions still missing — and finds one it lacks. One warning per workspace: it names the workspace, each scope and the missing actions (e.g. `Microsoft.Authorization/roleAssignments/write` on the storage account, `…/privateEndpointConnections/write` on a service the plan approves). A scope whose permissions cannot be read (it does not exist yet) is unknown and reported as nothing. Only the plan's writes are checked (steps other than `noop`, after `--target`).",
    why: "An apply can run for 40 minutes (managed network provisioning, role propagation) before reaching the write the caller may not make, and then fails with `AuthorizationFailed` after the steps before it ran. Azure's permissions list (`Permissions_ListForResourceGroup`, `Permissions_ListForResource`, authorization 2022-04-01) returns the caller's effective actions and not-actions at a scope; an action is allowed when one entry's actions match it (wildcards included) and that entry's not-actions do not.",
    reference: `${FACTS} a.6, c.5 (RBAC the engine must arrange); [Permissions - List For Resource Group](https://learn.microsoft.com/rest/api/authorization/permissions/list-for-resource-group); docs/permissions.md`,
    hint: "Grant the caller the built-in role the message names (Role Based Access Control Administrator on the storage account for the storage role, Azure AI Enterprise Network Connection Approver on a service for approvals, Contributor on the workspace, Network Contributor for own-VNet writes) or a custom role with the listed actions, then plan again.",
  },
  {
    code: "PFN217",
    severity: "error",
    phase: "state",
    title: "The spec's user-assigned identity is not the workspace's",
    summary:
      "The workspace spec names `identity.userAssigned`, but the workspace does not have that user-assigned identity attached (`identity.userAssignedIdentities` of the 2025-12-01 workspace), or does not exist yet and pfnet would create it (pfnet creates workspaces with a system-assigned identity only). pfnet grants the storage role, and with a managed network the approver role, to that identity's principal, which it reads from the workspace; without it apply has no one to grant to.",
    why: "A user-assigned identity is a separate resource attached to the workspace; its principal id is known only from the workspace's `identity.userAssignedIdentities` map. Granting roles to an identity the workspace does not use gives the workspace nothing and someone else access.",
    reference: `${REST_SPEC} (\`Workspace.identity\`, \`primaryUserAssignedIdentity\`); ${FACTS} a.1, c.5`,
    hint: "Correct `identity.userAssigned` to an identity attached to the workspace (its `primaryUserAssignedIdentity`), attach the identity to the workspace first, or drop `identity` to grant the system-assigned identity.",
  },
  {
    code: "PFN218",
    severity: "warning",
    phase: "state",
    title: "The workspace uses a user-assigned identity the spec does not name",
    summary:
      "The workspace's `primaryUserAssignedIdentity` (the identity it accesses its resources with) is set, but the spec's grants go elsewhere: it names no `identity` (so the storage role goes to the system-assigned identity) or names another attached identity.",
    why: "The prompt flow guide grants the workspace identity Storage File Data Privileged Contributor on the workspace storage; when the workspace's identity is user-assigned, that grant must go to the user-assigned identity, and the managed-network docs add the Azure AI Enterprise Network Connection Approver role for it. A grant to an identity the workspace does not use leaves prompt flow without access.",
    reference: `${SEED}; ${MANAGED_NETWORK}; ${REST_SPEC} (\`primaryUserAssignedIdentity\`: "the user assigned identity resource id that represents the workspace identity"); ${FACTS} c.5`,
    hint: "Set `identity: { userAssigned: <the workspace's primaryUserAssignedIdentity> }` on the workspace.",
  },
];
