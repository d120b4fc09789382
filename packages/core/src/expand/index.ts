export { expand, requiredNsgRules, subresourceOf, workspaceDefaults, workspaceRef } from "./expand.js";
export {
  AZURE_NAME_PATTERN,
  address,
  DEFAULT_SUBRESOURCE,
  fitName,
  fqdnRuleName,
  PRIVATE_DNS_ZONES,
  parseHost,
  privateEndpointName,
  privateEndpointRuleName,
  serviceTagRuleName,
  workspaceKeyOf,
} from "./names.js";
