/** Codes of the spec rules of private dependencies (`dependencies`, `imageBuildCompute`): PFN130–PFN134. */
import type { RuleDraft } from "../catalogue.js";
import { FACTS, MANAGED_NETWORK, REST_SPEC, SEED, VNET_DOC } from "./sources.js";

export const DEPENDENCY_SPEC_RULES: readonly RuleDraft[] = [
  {
    code: "PFN130",
    severity: "error",
    phase: "spec",
    title: "Workspace dependencies pfnet cannot name",
    summary:
      "`dependencies` names no storage account, key vault or container registry (neither itself nor through a `create` block), names one of the wrong resource type, or one other than the `create` block's.",
    why: "pfnet changes only the resources the spec names: it reads each dependency by its ARM id, checks it against what the workspace reports, and turns its public access off. Without an id it would have to guess; an id of another resource type or another account would lock down the wrong resource.",
    reference: `${FACTS} a.1 (\`storageAccount\`, \`keyVault\`, \`containerRegistry\` of the workspace); ${SEED}, "Involved services"`,
    hint: "State the ids under `dependencies` (`storageAccount`, `keyVault`, `containerRegistry`: `az ml workspace show --query '[storage_account,key_vault,container_registry]'`), or keep them only in the `create` block.",
  },
  {
    code: "PFN131",
    severity: "error",
    phase: "spec",
    title: "Private container registry without an image build compute",
    summary:
      "`dependencies.private: true` names a container registry and the workspace has no `imageBuildCompute`.",
    why: "When the workspace's container registry is behind a virtual network, Azure Machine Learning cannot build Docker images on it directly; it builds them on the compute cluster the workspace's `imageBuildCompute` names. Without one, image builds (prompt flow runtimes, deployments) fail with ImageBuildComputeNotValid.",
    reference: `${VNET_DOC} ("Enable Azure Container Registry": image build compute); ${REST_SPEC} (\`imageBuildCompute\`)`,
    hint: "Set `imageBuildCompute: <compute cluster name>` on the workspace (pfnet writes it to the workspace before the registry turns private) and create that cluster; or leave the registry public (drop `dependencies.containerRegistry`).",
  },
  {
    code: "PFN132",
    severity: "warning",
    phase: "spec",
    title: "Private ingress and private storage: the prompt flow UI needs your own private endpoint",
    summary:
      "A workspace with `ingress: private` whose storage account `dependencies.private: true` makes private.",
    why: "The studio UI that authors prompt flow runs in the user's browser and reads the workspace's storage account (flow files, run outputs) from there. With the workspace private and the storage account's public access off, the browser reaches the storage account only through a private endpoint in the client's own network (with DNS for it); the managed network's private endpoints serve the workspace's computes, not the browser.",
    reference: `${MANAGED_NETWORK} (storage with public access disabled: the client VNet's private endpoint, Reader on it for the workspace identity); ${FACTS} c.5`,
    hint: "Create a private endpoint to the storage account (`blob` and `file`) in the network your users connect from, with its private DNS zones, and give the workspace identity Reader on it; or keep the storage account public.",
  },
  {
    code: "PFN133",
    severity: "warning",
    phase: "spec",
    title: "Dependencies made private under internet outbound: a short window without a path",
    summary:
      "`dependencies.private: true` in a workspace with `network: managed` and `egress: public` (AllowInternetOutbound).",
    why: "Under AllowInternetOutbound Azure creates the managed private endpoints to the workspace's storage account, key vault and registry (its Required rules) only for dependencies whose public access is disabled. pfnet turns public access off right before it provisions the managed network: between the change and the end of provisioning the workspace reaches the dependency by neither path.",
    reference: `${FACTS} c.3; ${MANAGED_NETWORK} (required outbound rules under AllowInternetOutbound)`,
    hint: "Apply when a short interruption is acceptable (the plan shows the steps), or use `egress: private`, where the private endpoints exist before public access turns off.",
  },
  {
    code: "PFN134",
    severity: "error",
    phase: "spec",
    title: "Private dependency of an own-VNet workspace without pfnet's private endpoint",
    summary:
      "`dependencies.private: true` in a workspace with `network: byo`, and a dependency it names is not reached through `reach.services` (storage: both `blob` and `file`).",
    why: "In your own VNet the workspace and its computes reach a private dependency only through a private endpoint in that VNet and its private DNS zone. pfnet orders the change after the private endpoints and DNS zone groups it creates; one it does not create it cannot read or wait for, and turning public access off first would cut the workspace off.",
    reference: `${VNET_DOC} (private endpoints for the storage account, key vault and registry; storage \`blob\` and \`file\`); ${FACTS} c.10`,
    hint: "Declare the dependency under `services` (kind `storage` twice, subresources `blob` and `file`; `keyVault`; `containerRegistry`) and add it to `reach.services`, so pfnet creates its private endpoints and DNS zone groups first.",
  },
];
