/**
 * Target-service `privateEndpointConnections` (rest/connections.ts): the api-version per provider
 * namespace — each one a vendored spec backs, overridable — and no made-up default for a
 * namespace outside the table; approval answered synchronously (200, whatever the connection's
 * provisioning state) or through its poll URL.
 */
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { AzureClients, PRIVATE_ENDPOINT_CONNECTION_API_VERSIONS, resolveWaits } from "@pfnet/azure";
import { isPfnetError } from "@pfnet/core";
import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

const credential: TokenCredential = {
  getToken: async (): Promise<AccessToken> => ({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }),
};
const HOST = "https://management.azure.com";
const rg = "/subscriptions/sub/resourceGroups/rg/providers";

function clients(privateEndpointConnectionApiVersions?: Record<string, string>) {
  return new AzureClients({
    credential,
    endpoint: HOST,
    credentialScope: `${HOST}/.default`,
    waits: resolveWaits({ timeScale: 100 }),
    concurrency: 4,
    ...(privateEndpointConnectionApiVersions ? { privateEndpointConnectionApiVersions } : {}),
  });
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
});

describe("api-versions of target connections", () => {
  it.each([
    [`${rg}/Microsoft.DocumentDB/databaseAccounts/cosmos`, "2024-05-15"],
    [`${rg}/Microsoft.Sql/servers/sql`, "2023-08-01"],
    [`${rg}/Microsoft.Cache/redis/cache`, "2024-03-01"],
    [`${rg}/Microsoft.Storage/storageAccounts/st`, "2023-05-01"],
  ])("%s → %s", (target, version) => {
    expect(clients().connections.apiVersionFor(target)).toBe(version);
  });

  it("an override wins, by lower-case namespace", () => {
    const c = clients({ "microsoft.sql": "2021-11-01", "microsoft.eventhub": "2024-01-01" });
    expect(c.connections.apiVersionFor(`${rg}/Microsoft.Sql/servers/sql`)).toBe("2021-11-01");
    expect(c.connections.apiVersionFor(`${rg}/Microsoft.EventHub/namespaces/eh`)).toBe("2024-01-01");
  });

  it("a namespace outside the table fails with CONNECTION_API_VERSION_UNKNOWN naming it and the override, and sends nothing", async () => {
    const target = `${rg}/Microsoft.EventHub/namespaces/eh`;
    const scope = nock(HOST).get(/.*/).reply(200, { value: [] });
    const error = await clients()
      .connections.list(target, new AbortController().signal)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isPfnetError(error)).toBe(true);
    const e = error as { code: string; message: string; hint?: string; details?: Record<string, unknown> };
    expect(e.code).toBe("CONNECTION_API_VERSION_UNKNOWN");
    expect(e.message).toContain("Microsoft.EventHub");
    expect(e.hint).toContain(
      'privateEndpointConnectionApiVersions: { "microsoft.eventhub": "<api-version>" }',
    );
    expect(e.details?.known).toEqual(Object.keys(PRIVATE_ENDPOINT_CONNECTION_API_VERSIONS));
    expect(scope.isDone()).toBe(false);
  });
});

describe("approving a connection", () => {
  const connection = `${rg}/Microsoft.Sql/servers/sql/privateEndpointConnections/c`;
  const body = {
    properties: {
      privateLinkServiceConnectionState: { status: "Approved", description: "Approved by pfnet" },
    },
  };

  it("a 200 is done even where the connection's provisioning state is not Succeeded (SQL's Ready)", async () => {
    const scope = nock(HOST)
      .put(connection, body)
      .query({ "api-version": "2023-08-01" })
      .reply(200, { id: connection, properties: { provisioningState: "Approving" } });
    await clients().connections.approve(
      connection,
      `${rg}/Microsoft.Sql/servers/sql`,
      new AbortController().signal,
    );
    expect(scope.isDone()).toBe(true);
  });

  it("a 202 is followed through its Azure-AsyncOperation URL to the end", async () => {
    const op = "/subscriptions/sub/providers/Microsoft.Sql/locations/eastus/operationStatuses/op1";
    const scope = nock(HOST)
      .put(connection, body)
      .query({ "api-version": "2023-08-01" })
      .reply(202, "", { "Azure-AsyncOperation": `${HOST}${op}` })
      .get(op)
      .query({ "api-version": "2023-08-01" })
      .reply(200, { status: "InProgress" })
      .get(op)
      .query({ "api-version": "2023-08-01" })
      .reply(200, { status: "Succeeded" });
    await clients().connections.approve(
      connection,
      `${rg}/Microsoft.Sql/servers/sql`,
      new AbortController().signal,
    );
    expect(scope.isDone()).toBe(true);
  });

  it("an operation that ends Failed fails the approval", async () => {
    const op = "/subscriptions/sub/providers/Microsoft.Sql/locations/eastus/operationStatuses/op2";
    nock(HOST)
      .put(connection, body)
      .query({ "api-version": "2023-08-01" })
      .reply(202, "", { "Azure-AsyncOperation": `${HOST}${op}` })
      .get(op)
      .query({ "api-version": "2023-08-01" })
      .reply(200, {
        status: "Failed",
        error: { code: "PrivateEndpointConnectionDoesNotExist", message: "gone" },
      });
    await expect(
      clients().connections.approve(
        connection,
        `${rg}/Microsoft.Sql/servers/sql`,
        new AbortController().signal,
      ),
    ).rejects.toThrow(/ended Failed \(PrivateEndpointConnectionDoesNotExist\)/);
  });
});
