/**
 * The REST layer against recorded-shape responses (nock): LRO polling by Location with the
 * api-version appended, Retry-After read in Azure time, paging, and error shapes.
 */
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { AzureClients, AzureRequestError, resolveWaits } from "@pfnet/azure";
import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

const credential: TokenCredential = {
  getToken: async (): Promise<AccessToken> => ({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }),
};
const HOST = "https://management.azure.com";
const ws = { subscriptionId: "sub", resourceGroup: "rg", name: "pf", key: "pf" };
const base = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/pf";

function clients(timeScale = 100) {
  return new AzureClients({
    credential,
    endpoint: HOST,
    credentialScope: `${HOST}/.default`,
    waits: resolveWaits({ timeScale }),
    concurrency: 4,
  });
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
});

describe("MachineLearningRest", () => {
  it("lists every page of outbound rules with api-version 2025-12-01", async () => {
    const scope = nock(HOST)
      .get(`${base}/outboundRules`)
      .query({ "api-version": "2025-12-01" })
      .reply(200, {
        value: [{ name: "a", properties: { type: "FQDN", category: "UserDefined", destination: "a.com" } }],
        nextLink: `${HOST}${base}/outboundRules?api-version=2025-12-01&skip=1`,
      })
      .get(`${base}/outboundRules`)
      .query({ "api-version": "2025-12-01", skip: "1" })
      .reply(200, {
        value: [{ name: "b", properties: { type: "FQDN", category: "Required", destination: "b.com" } }],
      });
    const rules = await clients().ml.listOutboundRules(ws, new AbortController().signal);
    expect(rules.map((r) => r.name)).toEqual(["a", "b"]);
    expect(scope.isDone()).toBe(true);
  });

  it("polls a 202 Location until done, appending a missing api-version, honouring Retry-After", async () => {
    const scope = nock(HOST)
      .post(`${base}/provisionManagedNetwork`, { includeSpark: false })
      .query({ "api-version": "2025-12-01" })
      .reply(202, "", { Location: `${HOST}/subscriptions/sub/providers/op/1`, "Retry-After-Ms": "20" })
      .get("/subscriptions/sub/providers/op/1")
      .query({ "api-version": "2025-12-01" })
      .reply(202, "", { Location: `${HOST}/subscriptions/sub/providers/op/1` })
      .get("/subscriptions/sub/providers/op/1")
      .query({ "api-version": "2025-12-01" })
      .reply(200, { status: "Active", sparkReady: false });
    const result = await clients().ml.provisionManagedNetwork(
      ws,
      { includeSpark: false },
      new AbortController().signal,
    );
    expect(result).toEqual({ status: "Active", sparkReady: false });
    expect(scope.isDone()).toBe(true);
  });

  it("turns an ARM error body into an AzureRequestError with status and code", async () => {
    nock(HOST)
      .get(base)
      .query(true)
      .reply(403, { error: { code: "AuthorizationFailed", message: "no" } });
    const error = await clients()
      .ml.getWorkspace(ws, new AbortController().signal)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AzureRequestError);
    expect(error).toMatchObject({
      status: 403,
      armCode: "AuthorizationFailed",
      code: "AZURE_REQUEST_FAILED",
    });
  });

  it("maps 404 on a workspace GET to undefined", async () => {
    nock(HOST)
      .get(base)
      .query(true)
      .reply(404, { error: { code: "ResourceNotFound", message: "gone" } });
    expect(await clients().ml.getWorkspace(ws, new AbortController().signal)).toBeUndefined();
  });

  it("sends a request once: the pipeline does not retry a 429 (src/retry.ts is the one retry layer)", async () => {
    const scope = nock(HOST)
      .get(base)
      .query(true)
      .reply(429, { error: { code: "TooManyRequests", message: "slow down" } }, { "Retry-After": "0" })
      .get(base)
      .query(true)
      .reply(200, { name: "pf", etag: "e1", properties: {} });
    await expect(clients().ml.getWorkspace(ws, new AbortController().signal)).rejects.toMatchObject({
      status: 429,
      retryAfterMs: 0,
    });
    // The second answer is still waiting: only one request went out.
    expect(scope.isDone()).toBe(false);
    nock.cleanAll();
  });
});
