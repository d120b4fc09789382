/**
 * The catalogue of diagnostic codes. Codes are stable: never renumber, never reuse a retired one.
 *
 * - `PFN000`–`PFN009`: reading and parsing the spec, and the schema check.
 * - `PFN100`–`PFN199`: spec rules (pure functions of the topology, `checkSpec`).
 * - `PFN200`–`PFN299`: plan-time rules against what exists in Azure (`checkState`).
 *
 * Each code has a page `docs/rules/<code>.md`, generated from this catalogue and the fixtures in
 * `packages/core/test/fixtures/rules/<code>/` (`pnpm --filter @pfnet/core gen:docs`).
 */
import type { Severity } from "../diagnostics.js";

export type RulePhase = "load" | "schema" | "spec" | "state";

export interface RuleInfo {
  /** `PFN` + three digits. */
  code: string;
  severity: Severity;
  /** When the code is produced: reading the file, the schema check, the spec rules, or planning. */
  phase: RulePhase;
  /** Short title, e.g. "Kubernetes online endpoint under private egress". */
  title: string;
  /** What the diagnostic means, one or two sentences. */
  summary: string;
  /** Why Azure (or prompt flow) needs it. */
  why: string;
  /** Where the fact comes from: the seed guide or a section of azure-facts.md. */
  reference: string;
  /** What to do about it (the generic hint; diagnostics may give a more specific one). */
  hint: string;
  /** Path of the docs page, relative to the repository root. */
  docs: string;
}

const SEED =
  "Seed guide *Network isolation in prompt flow* ([Microsoft Learn](https://learn.microsoft.com/azure/machine-learning/prompt-flow/how-to-secure-prompt-flow))";
const FACTS = "pfnet's Azure facts (`azure-facts.md`)";
const MANAGED_NETWORK =
  "[Workspace managed network isolation](https://learn.microsoft.com/azure/machine-learning/how-to-managed-network)";
const REST_SPEC = "Azure REST spec `workspaceRP.json` (api-version 2025-12-01)";

type RuleDraft = Omit<RuleInfo, "docs">;

const drafts: RuleDraft[] = [
  // ------------------------------------------------------------------ load and schema
  {
    code: "PFN000",
    severity: "error",
    phase: "load",
    title: "Spec cannot be read or parsed",
    summary:
      "The spec file is missing, unreadable, empty, or not well-formed YAML/JSON. The diagnostic points at the line and column where parsing stopped.",
    why: "pfnet validates nothing and changes nothing until the whole spec parses.",
    reference: "YAML 1.2 / JSON syntax",
    hint: "Fix the syntax at the reported line and column (check indentation, quotes and brackets).",
  },
  {
    code: "PFN001",
    severity: "error",
    phase: "schema",
    title: "Unknown field",
    summary:
      "A field that the spec format does not define. Often a typo; the message suggests the closest field.",
    why: "An unknown field would otherwise be ignored silently, and the isolation you meant would not be applied.",
    reference: "[Spec reference](../reference/spec.md)",
    hint: "Remove the field or correct its name; the spec reference lists every field.",
  },
  {
    code: "PFN002",
    severity: "error",
    phase: "schema",
    title: "Wrong type",
    summary:
      "A value has the wrong type, e.g. a number where text is expected or a single value where a list is expected.",
    why: "pfnet maps every field to Azure settings; a value of the wrong type has no meaning there.",
    reference: "[Spec reference](../reference/spec.md)",
    hint: "Write the value in the expected type (quote numbers meant as text; use `[a, b]` for lists).",
  },
  {
    code: "PFN003",
    severity: "error",
    phase: "schema",
    title: "Value not allowed",
    summary:
      "A field accepts a fixed set of values and the spec uses another one. The message lists the allowed values.",
    why: "Each allowed value maps to a specific Azure setting (e.g. `egress: private` → `AllowOnlyApprovedOutbound`).",
    reference: "[Spec reference](../reference/spec.md)",
    hint: "Use one of the values listed in the message.",
  },
  {
    code: "PFN004",
    severity: "error",
    phase: "schema",
    title: "Missing required field",
    summary: "A required field is absent. The location points at the object that should contain it.",
    why: "pfnet does not guess network isolation: ingress, egress and the network model must be stated.",
    reference: "[Spec reference](../reference/spec.md)",
    hint: "Add the field named in the message.",
  },
  {
    code: "PFN005",
    severity: "error",
    phase: "schema",
    title: "Value has the wrong format",
    summary:
      "A text value does not match its expected format or length, e.g. an ARM resource id that does not start with `/subscriptions/`, or a subscription id that is not a GUID.",
    why: "Azure rejects malformed resource ids and names; pfnet catches them before any call.",
    reference: "[Spec reference](../reference/spec.md)",
    hint: "Write the value in the format given in the message.",
  },
  {
    code: "PFN006",
    severity: "error",
    phase: "load",
    title: "Duplicate key",
    summary:
      "The same key appears twice in one mapping. YAML keeps only one of them, so part of the spec would be lost.",
    why: "A silently dropped workspace or setting is worse than an error.",
    reference: "YAML 1.2: mapping keys are unique",
    hint: "Remove or rename one of the duplicate keys.",
  },
  // ------------------------------------------------------------------ spec rules
  {
    code: "PFN101",
    severity: "error",
    phase: "spec",
    title: "Kubernetes inference target under private egress",
    summary: "`inference: kubernetesOnlineEndpoint` in a workspace with `egress: private`.",
    why: "The seed's ingress/egress table lists only the managed online endpoint as the inference compute when egress is private (rows Public/Private and Private/Private). Kubernetes online endpoints are only supported with public egress.",
    reference: `${SEED}, table "Options in different network set up"; ${FACTS} c.8`,
    hint: "Use `inference: managedOnlineEndpoint` (the only private-egress inference target). Kubernetes online endpoints need an own VNet (`network: byo`) with `egress: public`.",
  },
  {
    code: "PFN102",
    severity: "error",
    phase: "spec",
    title: "Own virtual network with private egress",
    summary: "`network: byo` with `egress: private`.",
    why: "In the seed's ingress/egress table, private egress is supported only with the workspace managed virtual network (rows Public/Private and Private/Private: network option `Managed`).",
    reference: `${SEED}, table "Options in different network set up"`,
    hint: "Use `network: managed` for private egress, or keep your own VNet with `egress: public`.",
  },
  {
    code: "PFN103",
    severity: "error",
    phase: "spec",
    title: "Endpoint of kind kubernetes under private egress",
    summary: "An endpoint of `kind: kubernetes` in a workspace with `egress: private`.",
    why: "With private egress, the managed online endpoint is the only supported inference target (seed table). A Kubernetes online endpoint cannot run there.",
    reference: `${SEED}, table "Options in different network set up"`,
    hint: "Use `kind: managed` for the endpoint (the default). Kubernetes online endpoints need an own VNet (`network: byo`) with `egress: public`.",
  },
  {
    code: "PFN104",
    severity: "error",
    phase: "spec",
    title: "Managed online endpoint in an own-VNet workspace",
    summary:
      "`inference: managedOnlineEndpoint`, or an endpoint of kind `managed` (the default), in a workspace with `network: byo`.",
    why: "Managed online endpoints support network isolation only with the workspace managed virtual network; you cannot deploy prompt flow to a managed online endpoint in a workspace that uses your own virtual network.",
    reference: `${SEED}, "Known limitations" and "Options in different network set up"; ${FACTS} c.8`,
    hint: "Use the two-workspace pattern: keep this workspace for authoring on your own VNet and add a second workspace with `network: managed` for deployment to a managed online endpoint; or deploy to AKS (`inference: kubernetesOnlineEndpoint`, endpoint `kind: kubernetes`).",
  },
  {
    code: "PFN105",
    severity: "error",
    phase: "spec",
    title: "Managed and own virtual network mixed in one workspace",
    summary:
      "A workspace with `network: managed` has a `vnet` block, or one with `network: byo` has managed-network settings (`firewallSku`, `provision`, `reach.hosts`, `reach.serviceTags`).",
    why: "Azure Machine Learning does not support mixing the managed virtual network and your own virtual network in a single workspace; with a managed VNet, computes cannot be placed in your own VNet. FQDN and service-tag outbound rules, the firewall SKU and provisioning belong to the managed network only.",
    reference: `${SEED}, "Options in different network set up" (third note); ${FACTS} c.8`,
    hint: "Pick one network model per workspace: remove the `vnet` block for `network: managed`, or remove the managed-network settings for `network: byo`. Use two workspaces if you need both.",
  },
  {
    code: "PFN106",
    severity: "error",
    phase: "spec",
    title: "AI Studio hub or project with own virtual network",
    summary: "`kind: hub` or `kind: project` with `network: byo`.",
    why: "AI Studio (Foundry) does not support bringing your own virtual network; it supports only the workspace managed virtual network.",
    reference: `${SEED}, "Known limitations"; ${FACTS} c.8`,
    hint: "Use `network: managed` for hub and project workspaces, or `kind: default` for an own-VNet workspace.",
  },
  {
    code: "PFN107",
    severity: "error",
    phase: "spec",
    title: "FQDN and service-tag rules need private egress",
    summary: "`reach.hosts` or `reach.serviceTags` in a managed-network workspace with `egress: public`.",
    why: "FQDN and service-tag outbound rules are valid only when the managed network allows only approved outbound traffic (`AllowOnlyApprovedOutbound`). Under `AllowInternetOutbound` Azure offers only private-endpoint rules; outside hosts are reachable anyway.",
    reference: `${FACTS} c.2; ${MANAGED_NETWORK}`,
    hint: "Set `egress: private` to restrict outbound traffic to the listed hosts, or remove `reach.hosts`/`reach.serviceTags` (with public egress the hosts are reachable already).",
  },
  {
    code: "PFN108",
    severity: "error",
    phase: "spec",
    title: "FQDN rule port other than 80 or 443",
    summary: "A `reach.hosts` entry of the form `host:port` with a port other than 80 or 443.",
    why: "Managed-network FQDN outbound rules support only ports 80 and 443.",
    reference: `${FACTS} c.2; ${MANAGED_NETWORK}`,
    hint: "Drop the port (443 is used) or use 80/443. For another port, reach the service through a private endpoint or a service tag.",
  },
  {
    code: "PFN109",
    severity: "error",
    phase: "spec",
    title: "Host is not a valid FQDN",
    summary:
      "A `reach.hosts` entry is not a host name: it contains a scheme, a path, spaces, a wildcard that is not a leading `*.`, or a malformed port.",
    why: "An FQDN outbound rule's destination is a plain host name (optionally with a leading `*.` wildcard); Azure rejects URLs.",
    reference: `${FACTS} b (destination shapes) and c.2; ${MANAGED_NETWORK}`,
    hint: "Write only the host name, e.g. `serpapi.com` or `*.pythonhosted.org` (no `https://`, no path).",
  },
  {
    code: "PFN110",
    severity: "error",
    phase: "spec",
    title: "Storage reached by FQDN instead of a private endpoint",
    summary: "A `reach.hosts` entry names an Azure Storage endpoint (e.g. `*.blob.core.windows.net`).",
    why: "Under approved outbound, Azure Storage must be reached with a private-endpoint outbound rule, not an FQDN rule; an FQDN rule to storage does not work.",
    reference: `${FACTS} c.2; ${MANAGED_NETWORK}`,
    hint: "Declare the storage account under `services` (`kind: storage`, `subresource: blob` or `file`) and list it in `reach.services` instead.",
  },
  {
    code: "PFN111",
    severity: "error",
    phase: "spec",
    title: "Serverless custom subnet with a managed network",
    summary:
      "A `serverless` block (custom subnet for serverless compute) in a workspace with `network: managed`.",
    why: "The serverless custom subnet places serverless compute in your own virtual network; with a managed network, serverless compute runs in the managed VNet and cannot be placed in your own VNet.",
    reference: `${SEED}, "Secure prompt flow use your own virtual network"; ${FACTS} c.8 and c.9`,
    hint: "Remove the `serverless` block (the managed network isolates serverless compute), or use `network: byo`.",
  },
  {
    code: "PFN112",
    severity: "error",
    phase: "spec",
    title: "Undeclared service in reach.services",
    summary: "`reach.services` names a service that is not declared under the top-level `services`.",
    why: "pfnet needs the service's kind and ARM id to create the private-endpoint rule and approve the connection.",
    reference: "[Spec reference](../reference/spec.md)",
    hint: "Declare the service under `services` (kind and id), or correct the name.",
  },
  {
    code: "PFN113",
    severity: "error",
    phase: "spec",
    title: "Private-endpoint subresource unknown",
    summary: "A service of `kind: other` without `subresource`.",
    why: "A private-endpoint outbound rule needs the target's subresource (groupId), e.g. `sqlServer` or `redisCache`; pfnet knows it only for the named kinds.",
    reference: `${FACTS} b (subresourceTarget by target type)`,
    hint: "Add `subresource: <groupId>` to the service (see the target's private-link resources), or use a specific `kind`.",
  },
  {
    code: "PFN114",
    severity: "warning",
    phase: "spec",
    title: "Outside hosts without a firewall SKU",
    summary: "A managed-network workspace with `egress: private` and `reach.hosts`, but no `firewallSku`.",
    why: "FQDN rules are enforced by an Azure Firewall that Azure creates with the first FQDN rule. Its SKU is Standard unless you choose Basic, and it is billed from then on.",
    reference: `${FACTS} c.2 and c.11; ${MANAGED_NETWORK}`,
    hint: "Set `firewallSku: Basic` for a lower cost, or `firewallSku: Standard` to confirm the default.",
  },
  {
    code: "PFN115",
    severity: "error",
    phase: "spec",
    title: "Duplicate outbound rule name",
    summary:
      "Two outbound rules of one workspace get the same name: the same service or host listed twice, two hosts that sanitise to the same rule name, or an explicit service-tag rule name that collides with another rule.",
    why: "Outbound rules are a map keyed by rule name: the second rule would overwrite the first.",
    reference: `${REST_SPEC}, managedNetwork.outboundRules (a map keyed by rule name); ${FACTS} a.2`,
    hint: "Remove the duplicate entry, or give the service-tag rule an explicit unique `name`.",
  },
  {
    code: "PFN116",
    severity: "error",
    phase: "spec",
    title: "Name breaks Azure's naming pattern",
    summary:
      "A workspace's Azure name (`name`, or the key when `name` is absent) or an outbound rule name does not match `^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$`.",
    why: "Azure accepts workspace and outbound-rule names of 3–33 characters: letters, digits, `_` and `-`, starting with a letter or digit.",
    reference: `${REST_SPEC}, parameters workspaceName and ruleName; ${FACTS} section 0`,
    hint: "Rename to 3–33 characters of letters, digits, `-` and `_`, starting with a letter or digit.",
  },
  {
    code: "PFN117",
    severity: "error",
    phase: "spec",
    title: "Own virtual network not described",
    summary: "A workspace with `network: byo` has no `vnet` block.",
    why: "With your own VNet, pfnet creates private endpoints to the services in your subnet and keeps the required NSG rules; it needs the VNet and subnet ids.",
    reference: `${SEED}, "Secure prompt flow use your own virtual network"; ${FACTS} c.10`,
    hint: "Add `vnet: { vnetId: ..., subnetId: ... }`, or use `network: managed`.",
  },
  {
    code: "PFN118",
    severity: "error",
    phase: "spec",
    title: "Workspace creation needs a location",
    summary: "A workspace has a `create` block but the spec has no top-level `location`.",
    why: "Azure needs a region to create a workspace.",
    reference: `${REST_SPEC}, Workspace PUT body (location); ${FACTS} a.1`,
    hint: "Add `location: <region>` (e.g. `eastus`) at the top of the spec.",
  },
  {
    code: "PFN119",
    severity: "warning",
    phase: "spec",
    title: "Public endpoint in a private workspace",
    summary: "An endpoint with `ingress: public` in a workspace with `ingress: private`.",
    why: "Azure allows it (the endpoint's public access is independent of the workspace's), but scoring then stays reachable from the internet while the workspace is private, which is rarely intended. The opposite (a private endpoint in a public workspace) is fine and not reported.",
    reference: `${FACTS} c.8 (managed online endpoint inbound)`,
    hint: "Set the endpoint's `ingress: private` unless internet scoring is intended.",
  },
  {
    code: "PFN120",
    severity: "warning",
    phase: "spec",
    title: "Serverless authoring on own VNet without a custom subnet",
    summary:
      "A workspace with `network: byo` and `authoring` including `serverless` has no `serverless` block.",
    why: "With your own virtual network, serverless compute used for flow authoring must be given a custom subnet at workspace level; otherwise it does not run in your VNet and cannot reach the private resources.",
    reference: `${SEED}, "Secure prompt flow use your own virtual network"; ${FACTS} c.9`,
    hint: "Add `serverless: { subnetId: <subnet id>, noPublicIp: true }`.",
  },
  {
    code: "PFN121",
    severity: "error",
    phase: "spec",
    title: "Kubernetes online endpoint in a managed-network workspace",
    summary:
      "`inference: kubernetesOnlineEndpoint`, or an endpoint of `kind: kubernetes`, in a workspace with `network: managed` (and public egress; private egress is PFN101/PFN103).",
    why: "In workspaces that enable the managed virtual network, prompt flow can be deployed only to managed online endpoints; Kubernetes compute is not supported in a managed VNet.",
    reference: `${SEED}, "Secure prompt flow with workspace managed virtual network" (last paragraph); ${FACTS} c.8`,
    hint: "Use `inference: managedOnlineEndpoint` and endpoints of `kind: managed`, or deploy from an own-VNet workspace (`network: byo`) to AKS.",
  },
  // ------------------------------------------------------------------ plan-time rules
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
];

export const RULES: readonly RuleInfo[] = Object.freeze(
  drafts.map((draft) => Object.freeze({ ...draft, docs: `docs/rules/${draft.code}.md` })),
);

const byCode = new Map(RULES.map((rule) => [rule.code, rule]));

/** The catalogue entry of a code; throws for an unknown code (a programming error, not user input). */
export function ruleInfo(code: string): RuleInfo {
  const info = byCode.get(code);
  if (!info) throw new Error(`unknown diagnostic code ${code}`);
  return info;
}
