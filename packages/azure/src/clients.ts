/**
 * Client construction. Every client shares: the ARM endpoint (sovereign clouds, emulator), the
 * trusted CA (`tlsOptions.ca`, the pipeline's public TLS option), the credential and its scope,
 * and no pipeline retries (src/retry.ts is the only retry layer). The ML client is never given `apiVersion`
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
import { Limiter } from "@pfnet/core";
import type { ResolvedWaits } from "./options.js";
import { Pacer, pacingPolicy, type ResolvedPacing, resolvePacing } from "./pacing.js";
import { ArmRest } from "./rest/arm.js";
import { PrivateEndpointConnections } from "./rest/connections.js";
import { MachineLearningRest } from "./rest/ml.js";
import { requestSignalPolicy } from "./signals.js";
import { type TraceSink, tracePolicy } from "./trace.js";
import { USER_AGENT_PREFIX } from "./version.js";

export interface ClientSettings {
  credential: TokenCredential;
  endpoint: string;
  credentialScope: string;
  tlsCa?: string | string[];
  waits: ResolvedWaits;
  concurrency: number;
  /** Default: ARM's published buckets. */
  pacing?: ResolvedPacing;
  privateEndpointConnectionApiVersions?: Record<string, string>;
  /** Subscription of the SDK accessors when none is passed (nodes always name theirs). */
  defaultSubscriptionId?: string;
  /** Where the redacted record of every HTTP exchange goes (`--trace`), if anywhere. */
  trace?: TraceSink;
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
  /** Requests in flight, SDK and REST alike (core's counting semaphore). */
  readonly limiter: Limiter;
  /** Token buckets and shared 429 back-off of every client's requests (src/pacing.ts). */
  readonly pacer: Pacer;
  readonly arm: ArmRest;
  readonly ml: MachineLearningRest;
  readonly connections: PrivateEndpointConnections;
  /** SDK clients by package, then by subscription (promises: the package loads once). */
  private readonly sdkClients = new Map<SdkName, Map<string, Promise<unknown>>>();

  constructor(private readonly settings: ClientSettings) {
    this.limiter = new Limiter(settings.concurrency);
    this.pacer = new Pacer(settings.pacing ?? resolvePacing(), settings.waits);
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
    const { tlsCa, trace } = this.settings;
    return {
      ...(tlsCa === undefined ? {} : { tlsOptions: { ca: tlsCa } }),
      userAgentOptions: { userAgentPrefix: USER_AGENT_PREFIX },
      // Exactly one retry layer (src/retry.ts): the pipeline's own retry policy (429, 5xx,
      // resets) would multiply pfnet's budget (a 500 once went out 28 times for a budget of 6).
      retryOptions: { maxRetries: 0 },
      additionalPolicies: [
        // First: a signal of its own per request before the pacer or the HTTP client listen to it.
        { policy: requestSignalPolicy(), position: "perCall" as const },
        { policy: pacingPolicy(this.pacer), position: "perCall" as const },
        // After the retry phase: one log line (and trace record) per attempt.
        { policy: tracePolicy(trace), position: "perRetry" as const },
      ],
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
