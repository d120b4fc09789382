export {
  type ConnectionOutput,
  type Outputs,
  type OutputsOptions,
  readOutputs,
  type ServiceEndpointOutput,
  type WorkspaceOutputs,
} from "./outputs.js";
