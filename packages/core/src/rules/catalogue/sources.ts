/** Where the catalogue's facts come from, as its `reference` fields cite them. */
export const SEED =
  "Seed guide *Network isolation in prompt flow* ([Microsoft Learn](https://learn.microsoft.com/azure/machine-learning/prompt-flow/how-to-secure-prompt-flow))";
export const FACTS = "pfnet's Azure facts (`azure-facts.md`)";
export const MANAGED_NETWORK =
  "[Workspace managed network isolation](https://learn.microsoft.com/azure/machine-learning/how-to-managed-network)";
export const REST_SPEC = "Azure REST spec `workspaceRP.json` (api-version 2025-12-01)";
