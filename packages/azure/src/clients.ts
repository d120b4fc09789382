/**
 * Client construction. Every client shares: the ARM endpoint (sovereign clouds, emulator), the
 * trusted CA (`tlsOptions.ca`, the pipeline's public TLS option), the credential and its scope,
 * and the pipeline's retry back-off expressed in Azure time (Retry-After stays the server's). The ML client is never given `apiVersion`
 * (that would rewrite the api-version of raw requests as well).
 *
 * Each SDK client package is imported on the first request of its kind: loading them all costs
 * more than a small plan (`@azure/arm-network` alone ~0.4 s), and a plan without an own VNet
 * never needs arm-network.
 */
import type { AuthorizationManagementClient } from "@azure/arm-authorization";
import type { AzureMachineLearningWorkspaces } from "@azure/arm-machinelearning";
import type { NetworkManagementClient } from "@azure/arm-network";
import type { StorageManagementClient } from "@azure/arm-storage";
import type { TokenCredential } from "@azure/core-auth";
import { getClient } from "@azure-rest/core-client";
import { type ResolvedWaits, wallMs } from "./options.js";
import { ArmRest, Semaphore } from "./rest/arm.js";
import { PrivateEndpointConnections } from "./rest/connections.js";
import { MachineLearningRest } from "./rest/ml.js";

export interface ClientSettings {
  credential: TokenCredential;
  endpoint: string;
  credentialScope: string;
  tlsCa?: string | string[];
  waits: ResolvedWaits;
  concurrency: number;
  privateEndpointConnectionApiVersions?: Record<string, string>;
  /** Subscription of the SDK accessors when none is passed (nodes always name theirs). */
  defaultSubscriptionId?: string;
}

/** The SDK client class of each package, loaded on first use. */
const SDK_CLASSES = {
  machineLearning: async () => (await import("@azure/arm-machinelearning")).AzureMachineLearningWorkspaces,
  authorization: async () => (await import("@azure/arm-authorization")).AuthorizationManagementClient,
  storage: async () => (await import("@azure/arm-storage")).StorageManagementClient,
  network: async () => (await import("@azure/arm-network")).NetworkManagementClient,
};
type SdkName = keyof typeof SDK_CLASSES;
type SdkClient<N extends SdkName> = InstanceType<Awaited<ReturnType<(typeof SDK_CLASSES)[N]>>>;
type SdkClass<C> = new (credential: TokenCredential, subscriptionId: string, options: object) => C;

export class AzureClients {
  readonly limiter: Semaphore;
  readonly arm: ArmRest;
  readonly ml: MachineLearningRest;
  readonly connections: PrivateEndpointConnections;
  /** SDK clients by package, then by subscription (promises: the package loads once). */
  private readonly sdkClients = new Map<SdkName, Map<string, Promise<unknown>>>();

  constructor(private readonly settings: ClientSettings) {
    this.limiter = new Semaphore(settings.concurrency);
    const rest = getClient(settings.endpoint, settings.credential, {
      ...this.pipelineOptions(),
      credentials: { scopes: [settings.credentialScope] },
    });
    this.arm = new ArmRest(rest, settings.waits, this.limiter);
    this.ml = new MachineLearningRest(this.arm);
    this.connections = new PrivateEndpointConnections(
      this.arm,
      settings.privateEndpointConnectionApiVersions,
    );
  }

  /** Options every client's pipeline shares (public pipeline options only). */
  private pipelineOptions() {
    const { tlsCa, waits } = this.settings;
    return {
      ...(tlsCa === undefined ? {} : { tlsOptions: { ca: tlsCa } }),
      // The pipeline's exponential back-off (1 s base, 64 s cap) in Azure time.
      retryOptions: {
        maxRetries: 3,
        retryDelayInMs: Math.max(1, wallMs(1, waits)),
        maxRetryDelayInMs: Math.max(1, wallMs(64, waits)),
      },
    };
  }

  private sdkOptions() {
    return {
      ...this.pipelineOptions(),
      endpoint: this.settings.endpoint,
      $host: this.settings.endpoint,
      credentialScopes: [this.settings.credentialScope],
      credentials: { scopes: [this.settings.credentialScope] },
    };
  }

  /** `@azure/arm-machinelearning` 2.1.1 (api-version 2022-10-01): computes and online endpoints. */
  machineLearning(
    subscriptionId: string = this.defaultSubscription(),
  ): Promise<AzureMachineLearningWorkspaces> {
    return this.sdkClient("machineLearning", subscriptionId);
  }

  /** `@azure/arm-authorization` (role assignments, api-version 2022-04-01). */
  authorization(subscriptionId: string = this.defaultSubscription()): Promise<AuthorizationManagementClient> {
    return this.sdkClient("authorization", subscriptionId);
  }

  /** `@azure/arm-storage` (the workspace storage account). */
  storage(subscriptionId: string = this.defaultSubscription()): Promise<StorageManagementClient> {
    return this.sdkClient("storage", subscriptionId);
  }

  /** `@azure/arm-network` (own VNet: private endpoints, DNS zone groups, NSG rules). */
  network(subscriptionId: string = this.defaultSubscription()): Promise<NetworkManagementClient> {
    return this.sdkClient("network", subscriptionId);
  }

  /** One SDK client per (package, subscription), built on the shared pipeline options. */
  private sdkClient<N extends SdkName>(name: N, subscriptionId: string): Promise<SdkClient<N>> {
    const bySubscription = this.sdkClients.get(name) ?? new Map<string, Promise<unknown>>();
    this.sdkClients.set(name, bySubscription);
    let client = bySubscription.get(subscriptionId) as Promise<SdkClient<N>> | undefined;
    if (!client) {
      client = SDK_CLASSES[name]().then(
        (Client) =>
          new (Client as SdkClass<SdkClient<N>>)(this.settings.credential, subscriptionId, this.sdkOptions()),
      );
      bySubscription.set(subscriptionId, client);
      // A failed import is not cached: the next request tries again.
      client.catch(() => bySubscription.delete(subscriptionId));
    }
    return client;
  }

  private defaultSubscription(): string {
    if (!this.settings.defaultSubscriptionId) {
      throw new RangeError("No subscription given: pass one, or set the provider's subscriptionId option.");
    }
    return this.settings.defaultSubscriptionId;
  }

  /** Run an SDK call under the shared request limit. */
  sdk<T>(call: () => Promise<T>): Promise<T> {
    return this.limiter.run(call);
  }
}
