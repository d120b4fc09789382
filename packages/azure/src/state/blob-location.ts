/** Where the Blob Storage state backend keeps its blobs: `azblob://account/container/prefix`. */
import { PfnetError } from "@pfnet/core";

export interface BlobStateLocation {
  account: string;
  container: string;
  /** Blob name prefix without leading or trailing slash ("" for none). */
  prefix: string;
}

/** Parse `azblob://account/container[/prefix]`; a malformed one throws `INVALID_ARGUMENT` saying why. */
export function parseBlobStateUrl(url: string): BlobStateLocation {
  const match = /^azblob:\/\/([^/]+)\/([^/]+)(?:\/(.*))?$/.exec(url.trim());
  const fail = (why: string) =>
    new PfnetError("INVALID_ARGUMENT", `'${url}' is not a usable state location: ${why}.`, {
      hint: "Write it as azblob://<storage account>/<container>/<prefix>, e.g. azblob://pfnetstate/pfnet/prod.",
    });
  if (!match) throw fail("expected azblob://<storage account>/<container>[/<prefix>]");
  const [, account, container, rest] = match as unknown as [string, string, string, string | undefined];
  if (!/^[a-z0-9]{3,24}$/.test(account))
    throw fail(`storage account '${account}' must be 3-24 lower-case letters and digits`);
  if (!/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/.test(container))
    throw fail(`container '${container}' must be 3-63 lower-case letters, digits and single hyphens`);
  const prefix = (rest ?? "").replace(/^\/+|\/+$/g, "");
  if (prefix.split("/").some((part) => part === "." || part === ".."))
    throw fail("the prefix may not contain . or .. segments");
  return { account, container, prefix };
}
