/** Where the catalogue's facts come from, as its `reference` fields cite them. */
export const SEED =
  "Seed guide *Network isolation in prompt flow* ([Microsoft Learn](https://learn.microsoft.com/azure/machine-learning/prompt-flow/how-to-secure-prompt-flow))";
export const FACTS = "pfnet's Azure facts (`azure-facts.md`)";
export const MANAGED_NETWORK =
  "[Workspace managed network isolation](https://learn.microsoft.com/azure/machine-learning/how-to-managed-network)";
export const REST_SPEC = "Azure REST spec `workspaceRP.json` (api-version 2025-12-01)";
export const TRAINING_VNET =
  "[Secure an Azure Machine Learning training environment with virtual networks](https://learn.microsoft.com/azure/machine-learning/how-to-secure-training-vnet)";
export const AKS_INFERENCING =
  "[Secure an Azure Kubernetes Service inferencing environment](https://learn.microsoft.com/azure/machine-learning/how-to-secure-kubernetes-inferencing-environment)";
export const COMPUTE_SPEC =
  "Azure REST spec `machineLearningServices.json` (api-version 2022-10-01: `Compute_List`; `ComputeInstanceProperties` and `AmlComputeProperties` `subnet`, `enableNodePublicIp`; `AksNetworkingConfiguration.subnetId`)";
export const PEERING =
  "[Virtual network peering](https://learn.microsoft.com/azure/virtual-network/virtual-network-peering-overview); Azure REST spec `virtualNetwork.json` (api-version 2025-05-01: `VirtualNetworkPeerings_List`, `peeringState`)";
export const VNET_DOC =
  "[Secure an Azure Machine Learning workspace with virtual networks](https://learn.microsoft.com/azure/machine-learning/how-to-secure-workspace-vnet)";
export const ACR_PRIVATE_LINK =
  "[Connect privately to an Azure container registry using Azure Private Link](https://learn.microsoft.com/azure/container-registry/container-registry-private-link)";
export const HUBS =
  "[What is an Azure AI Foundry hub?](https://learn.microsoft.com/azure/ai-foundry/concepts/ai-resources) (projects created from a hub inherit its security settings and shared resources) and [How to configure a managed network for Azure AI Foundry hubs](https://learn.microsoft.com/azure/ai-foundry/how-to/configure-managed-network) (the managed network is created for the hub)";
