/** @pfnet/cli-lite: the pfnet command as a library (`runCli`), for tests and wrappers. */
export { runCli, VERSION } from "./cli.js";
export { EXIT } from "./errors.js";
export type { CliInternals, CliIo, ProviderSettings, TextSink } from "./io.js";
