/** No usable credentials: one typed error whose message says what to do, in one line. */
import { AggregateAuthenticationError, CredentialUnavailableError } from "@azure/identity";
import { AzureProvider } from "@pfnet/azure";
import { expand, loadSpec } from "@pfnet/core";
import { describe, expect, it } from "vitest";

const SPEC = `version: 1
subscriptionId: 11111111-2222-3333-4444-555555555555
resourceGroup: rg
workspaces:
  pf-ws: { network: managed, ingress: public, egress: public }
`;

describe("missing credentials", () => {
  it("the provider's error is AZURE_CREDENTIALS_UNAVAILABLE, one line: az login, AZURE_*, or the emulator's CA", async () => {
    const chain = new AggregateAuthenticationError(
      [
        new CredentialUnavailableError("EnvironmentCredential is unavailable."),
        new CredentialUnavailableError("ManagedIdentityCredential: Network unreachable."),
        new CredentialUnavailableError("Azure CLI could not be found."),
      ],
      "ChainedTokenCredential authentication failed.",
    );
    const provider = new AzureProvider({
      // A port nothing listens on: the token is asked for before any connection.
      endpoint: "https://127.0.0.1:9",
      credential: {
        getToken: async () => {
          throw chain;
        },
      },
      retry: { connection: { maxRetries: 0 } },
    });
    const topology = loadSpec(SPEC).topology!;
    const error = await provider
      .read(expand(topology), { signal: new AbortController().signal, emit: () => {} })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toMatchObject({ code: "AZURE_CREDENTIALS_UNAVAILABLE" });
    const message = (error as Error).message;
    expect(message).not.toContain("\n");
    expect(message).not.toContain("CredentialUnavailableError");
    expect(message).toMatch(
      /^No usable Azure credentials: run `az login`, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET; for the local ARM emulator, pass its CA certificate/,
    );
    expect(message).toContain("--ca-cert");
    expect((error as Error).cause).toBe(chain);
  });
});
