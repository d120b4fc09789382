/** @pfnet/arm-emulator — a local, stateful Azure Resource Manager for the slice pfnet touches. */

export { DEFAULT_DELAYS, type Delays } from "./clock.js";
export { fakeCredential } from "./credential.js";
export { type FaultHit, type FaultKind, type FaultRule, Faults, loadFaultsFile } from "./faults.js";
export type { RaceMode } from "./http.js";
export { RequestLog, type RequestRecord } from "./log.js";
export {
  DEFAULT_SUBSCRIPTION_ID,
  DEFAULT_TENANT_ID,
  defaultSeed,
  type IsolationMode,
  loadSeedFile,
  type SeedCompute,
  type SeedEnvironment,
  type SeedOnlineEndpoint,
  type SeedTarget,
  type SeedVirtualNetwork,
  type SeedWorkspace,
} from "./seed.js";
export { type Emulator, type EmulatorOptions, startEmulator } from "./server.js";
export { BUILTIN_ROLES, STORAGE_FILE_PRIVILEGED_CONTRIBUTOR } from "./state/authorization.js";
export {
  ENDPOINT_ID_SHAPES,
  type EndpointIdShape,
  MICROSOFT_MANAGED_SUBSCRIPTION,
  managedNetworkResourceGroup,
} from "./state/ml/managed-network.js";
export { EmulatorState, type WorkspaceDrift } from "./stateApi.js";
