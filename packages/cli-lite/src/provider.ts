/**
 * Which provider a command talks to. Default: AzureProvider with DefaultAzureCredential against
 * public Azure. `--endpoint` points it elsewhere (sovereign clouds, the emulator); `--ca-cert`
 * trusts a private CA for that endpoint. A non-Azure endpoint with a private CA is the local
 * ARM emulator, which accepts any bearer token: pfnet then sends a static token instead of
 * looking for Azure credentials, and runs its waits at the emulator's time scale.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Provider } from "@pfnet/core";
import type { Flags } from "./args.js";
import { CliError } from "./errors.js";
import type { CliInternals, CliIo, ProviderSettings } from "./io.js";

/** Resource Manager hosts of the Azure clouds; an endpoint on another host is not Azure. */
const AZURE_ARM_HOSTS = new Set([
  "management.azure.com",
  "management.usgovcloudapi.net",
  "management.chinacloudapi.cn",
  "management.microsoftazure.de",
]);

/** The emulator's default: 1 minute of Azure time takes 100 ms. */
export const EMULATOR_MS_PER_AZURE_MINUTE = 100;

export function isAzureCloudEndpoint(endpoint: string): boolean {
  return AZURE_ARM_HOSTS.has(new URL(endpoint).hostname.toLowerCase());
}

export async function providerSettings(flags: Flags, io: CliIo): Promise<ProviderSettings> {
  let tlsCa: string | undefined;
  if (flags.caCert !== undefined) {
    const file = resolve(io.cwd, flags.caCert);
    try {
      tlsCa = await readFile(file, "utf8");
    } catch (error) {
      throw new CliError(
        `Cannot read the CA certificate '${flags.caCert}': ${describeFsError(error)}.`,
        "Pass the PEM file the endpoint's certificate was issued by (the emulator prints it as caCertPath).",
        "FILE_UNREADABLE",
      );
    }
    if (!tlsCa.includes("-----BEGIN CERTIFICATE-----")) {
      throw new CliError(
        `'${flags.caCert}' is not a PEM certificate (no BEGIN CERTIFICATE line).`,
        "Pass the PEM file the endpoint's certificate was issued by (the emulator prints it as caCertPath).",
        "CA_CERT_INVALID",
      );
    }
  }
  const staticToken =
    tlsCa !== undefined && flags.endpoint !== undefined && !isAzureCloudEndpoint(flags.endpoint);
  return {
    ...(flags.endpoint === undefined ? {} : { endpoint: flags.endpoint }),
    ...(tlsCa === undefined ? {} : { tlsCa }),
    ...(flags.subscription === undefined ? {} : { subscriptionId: flags.subscription }),
    ...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
    ...traceFile(flags, io),
    ...(flags.approveConnection?.length ? { approvalConnections: flags.approveConnection } : {}),
    staticToken,
  };
}

/** `--trace FILE`, else `PFNET_TRACE`: where the redacted HTTP trace goes (relative to the cwd). */
function traceFile(flags: Flags, io: CliIo): { trace?: string } {
  const file = flags.trace ?? (io.env.PFNET_TRACE || undefined);
  return file === undefined ? {} : { trace: resolve(io.cwd, file) };
}

/**
 * The provider's time scale: wall-clock milliseconds per minute of Azure time, the unit of both
 * `AzureProvider`'s `waits.timeScale` and `pnpm emulator --time-scale`. `PFNET_TIME_SCALE` wins;
 * emulator endpoints default to the emulator's default; Azure runs in real time (undefined).
 */
export function timeScale(settings: ProviderSettings, env: CliIo["env"]): number | undefined {
  const raw = env.PFNET_TIME_SCALE;
  if (raw !== undefined && raw !== "") {
    const value = Number(raw);
    if (!(value > 0)) {
      throw new CliError(
        `PFNET_TIME_SCALE must be a positive number of milliseconds per Azure minute, not '${raw}'.`,
        undefined,
        "ENV_INVALID",
      );
    }
    return value;
  }
  return settings.staticToken ? EMULATOR_MS_PER_AZURE_MINUTE : undefined;
}

export async function createProvider(
  settings: ProviderSettings,
  io: CliIo,
  internals: CliInternals,
): Promise<Provider> {
  if (internals.createProvider) return internals.createProvider(settings);
  // Loaded on demand: `validate` never needs the Azure SDK.
  const { AzureProvider } = await import("@pfnet/azure");
  const scale = timeScale(settings, io.env);
  return new AzureProvider({
    ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
    ...(settings.tlsCa === undefined ? {} : { tlsCa: settings.tlsCa }),
    ...(settings.subscriptionId === undefined ? {} : { subscriptionId: settings.subscriptionId }),
    ...(settings.concurrency === undefined ? {} : { concurrency: settings.concurrency }),
    ...(settings.staticToken ? { credential: staticTokenCredential() } : {}),
    ...(settings.trace === undefined ? {} : { trace: settings.trace }),
    ...(settings.approvalConnections ? { approvalConnections: settings.approvalConnections } : {}),
    ...(scale === undefined ? {} : { waits: { timeScale: scale } }),
  });
}

/** A bearer token for endpoints that accept any token (the emulator). Never sent to Azure. */
function staticTokenCredential() {
  return {
    getToken: async () => ({
      token: "pfnet-emulator-token",
      expiresOnTimestamp: Date.now() + 60 * 60 * 1000,
    }),
  };
}

export function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "it is a directory";
  return error instanceof Error ? error.message : String(error);
}
