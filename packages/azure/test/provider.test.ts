import { AzureMachineLearningWorkspaces } from "@azure/arm-machinelearning";
import { DefaultAzureCredential } from "@azure/identity";
import {
  AzureProvider,
  DEFAULT_RETRY,
  DEFAULT_WAITS,
  ML_API_VERSION,
  PRIVATE_ENDPOINT_CONNECTION_API_VERSIONS,
} from "@pfnet/azure";
import { describe, expect, it } from "vitest";
import { DefaultCredentialOnDemand } from "../src/provider.js";

describe("AzureProvider options", () => {
  it("is named azure and defaults to public Azure, real time and the documented budgets", () => {
    const provider = new AzureProvider();
    expect(provider.name).toBe("azure");
    expect(provider.endpoint).toBe("https://management.azure.com");
    expect(provider.waits).toEqual(DEFAULT_WAITS);
    expect(provider.waits.timeScale).toBe(60_000);
    expect(provider.retry).toEqual(DEFAULT_RETRY);
    expect(provider.retry.propagation.budgetSeconds).toBe(600);
  });

  it("builds clients lazily, with DefaultAzureCredential when none is given (no request is sent)", async () => {
    const provider = new AzureProvider({ endpoint: "https://management.usgovcloudapi.net/" });
    expect(provider.endpoint).toBe("https://management.usgovcloudapi.net");
    const clients = provider.clients;
    expect(clients.machineLearning("sub")).toBe(clients.machineLearning("sub"));
    expect(await clients.machineLearning("sub")).toBeInstanceOf(AzureMachineLearningWorkspaces);
    expect(await clients.machineLearning("other")).not.toBe(await clients.machineLearning("sub"));
    // The credential loads @azure/identity on the first token request and then is DefaultAzureCredential.
    const credential = (clients as unknown as { settings: { credential: unknown } }).settings.credential;
    expect(credential).toBeInstanceOf(DefaultCredentialOnDemand);
    expect(await (credential as DefaultCredentialOnDemand).resolve()).toBeInstanceOf(DefaultAzureCredential);
    expect((clients as unknown as { settings: { credentialScope: string } }).settings.credentialScope).toBe(
      "https://management.usgovcloudapi.net/.default",
    );
  });

  it("uses the subscriptionId option for the client accessors when none is passed", () => {
    const clients = new AzureProvider({ subscriptionId: "s1" }).clients;
    expect(clients.machineLearning()).toBe(clients.machineLearning("s1"));
    expect(() => new AzureProvider().clients.authorization()).toThrow(RangeError);
  });

  it("merges partial waits and retry budgets, and rejects a non-positive time scale", () => {
    const provider = new AzureProvider({
      waits: { timeScale: 100 },
      retry: { throttled: { maxRetries: 2 } },
    });
    expect(provider.waits.timeScale).toBe(100);
    expect(provider.waits.provisioningTimeoutSeconds).toBe(DEFAULT_WAITS.provisioningTimeoutSeconds);
    expect(provider.retry.throttled).toEqual({ ...DEFAULT_RETRY.throttled, maxRetries: 2 });
    expect(() => new AzureProvider({ waits: { timeScale: 0 } })).toThrow(RangeError);
  });

  it("speaks ML 2025-12-01 and a stable api-version per target namespace", () => {
    expect(ML_API_VERSION).toBe("2025-12-01");
    expect(PRIVATE_ENDPOINT_CONNECTION_API_VERSIONS["microsoft.cognitiveservices"]).toBe("2024-10-01");
    expect(PRIVATE_ENDPOINT_CONNECTION_API_VERSIONS["microsoft.search"]).toBeDefined();
  });
});
