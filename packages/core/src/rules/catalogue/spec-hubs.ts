/** Codes of the spec rules of hubs and projects (PFN140–PFN143), part of `SPEC_RULES`. */
import type { RuleDraft } from "../catalogue.js";
import { HUBS, REST_SPEC } from "./sources.js";

export const HUB_SPEC_RULES: readonly RuleDraft[] = [
  {
    code: "PFN140",
    severity: "error",
    phase: "spec",
    title: "Project without hub, or hub on a workspace that is not a project",
    summary: "`kind: project` without `hub`, or `hub` on a workspace whose kind is not `project`.",
    why: "A project belongs to a hub (`hubResourceId` of the 2025-12-01 workspace) and uses the hub's managed network; a workspace of another kind has no hub.",
    reference: `${REST_SPEC} (\`hubResourceId\`); ${HUBS}`,
    hint: "Give the project its `hub` (a `kind: hub` workspace's key, or the hub's ARM id), or remove `hub` from a workspace that is not a project.",
  },
  {
    code: "PFN141",
    severity: "error",
    phase: "spec",
    title: "Project with network settings of its own",
    summary:
      "A project declares `network`, `ingress`, `egress`, `firewallSku`, `provision`, `unlistedRules`, `vnet` or `serverless`, or its `create` block names a storage account, key vault, registry or Application Insights.",
    why: "A project has no managed network of its own: the hub's managed network carries its computes and outbound rules, and projects inherit the hub's security settings and shared resources. Settings of its own would be ignored or contradict the hub.",
    reference: `${HUBS}`,
    hint: "Remove the setting from the project and set it on its hub; the project's `reach` becomes outbound rules on the hub.",
  },
  {
    code: "PFN142",
    severity: "error",
    phase: "spec",
    title: "A project's hub names no hub",
    summary:
      "`hub` names neither a `kind: hub` workspace of the spec nor a workspace ARM id, names the project itself, or names by ARM id a hub whose Azure name is the key of another workspace of the spec.",
    why: "pfnet puts the project's outbound rules on its hub's managed network: it needs the hub, either as a workspace of the spec or by ARM id. A hub pfnet does not manage is addressed by its Azure name, so that name cannot also be another workspace's key.",
    reference: `${REST_SPEC} (\`hubResourceId\`, workspace ids); ${HUBS}`,
    hint: "Name the hub by its spec key (a workspace with `kind: hub`) or by its full ARM id `/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.MachineLearningServices/workspaces/<hub>`.",
  },
  {
    code: "PFN143",
    severity: "error",
    phase: "spec",
    title: "A project's outbound rule clashes with its hub's",
    summary:
      "A project's service, host or service tag gets an outbound rule name that its hub (or an earlier project of the hub, by key) already gives to another destination.",
    why: "A project's outbound rules live on its hub's managed network, whose rules are a map keyed by rule name: the second rule would overwrite the first. The same destination under the same name is one rule, shared.",
    reference: `${REST_SPEC}, managedNetwork.outboundRules (a map keyed by rule name); ${HUBS}`,
    hint: "Give the service-tag rule an explicit unique `name`, or reach the same destination as the hub does (then the rule is shared).",
  },
];
