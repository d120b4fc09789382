/**
 * The state backend a command uses (`--state`, else `PFNET_STATE`): a directory (default `.pfnet` in the working
 * directory) or `azblob://account/container/prefix` (Azure Blob Storage, credentials from
 * `AZURE_STORAGE_CONNECTION_STRING` when set, else DefaultAzureCredential). The blob backend
 * loads `@pfnet/azure`'s storage client only when asked for.
 */
import { resolve } from "node:path";
import { LocalStateBackend, type StateBackend } from "@pfnet/core";
import { CliError } from "../errors.js";
import type { CommandContext } from "./context.js";
import { DOCS_URL } from "./registry.js";

export const DEFAULT_STATE = ".pfnet";

/** `--state`, else `PFNET_STATE`, else `.pfnet`. */
export function stateArgument(ctx: CommandContext): string {
  return ctx.flags.state ?? (ctx.io.env.PFNET_STATE || DEFAULT_STATE);
}

export async function stateBackendFor(ctx: CommandContext): Promise<StateBackend> {
  const where = stateArgument(ctx);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(where)) {
    if (!where.startsWith("azblob://")) {
      throw new CliError(
        `--state ${where}: pfnet keeps state in a local directory or in Azure Blob Storage (azblob://account/container/prefix).`,
      );
    }
    const lease = ctx.io.env.PFNET_STATE_LEASE_SECONDS;
    if (lease && !/^\d+$/.test(lease.trim())) {
      throw new CliError(
        `PFNET_STATE_LEASE_SECONDS=${lease}: the lease length must be a whole number of seconds, 15-60.`,
        "Unset it for the default (30 s).",
      );
    }
    const { BlobStateBackend } = await import("@pfnet/azure");
    const connectionString = ctx.io.env.AZURE_STORAGE_CONNECTION_STRING;
    return new BlobStateBackend({
      url: where,
      ...(connectionString ? { connectionString } : {}),
      ...(lease ? { leaseSeconds: Number(lease) } : {}),
    });
  }
  return new LocalStateBackend(resolve(ctx.io.cwd, where), { label: where });
}

/** The CI warning: pipelines on other machines are not locked out by a local directory. */
export function ciWarning(ctx: CommandContext, state: StateBackend): string | undefined {
  const ci = ctx.io.env.CI;
  if (!ci || ci === "false" || ci === "0" || state.shared) return undefined;
  return `Warning: CI is set, but pfnet's state is the local directory ${stateArgument(ctx)}: applies in other pipelines are not locked out of these workspaces, and a re-run on another runner cannot resume. Pass --state azblob://<account>/<container>/<prefix> (${DOCS_URL}/ci.md).`;
}
