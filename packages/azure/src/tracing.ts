/**
 * Spans through `@azure/core-tracing`, as the Azure SDKs make them: with an instrumenter
 * registered (e.g. `@azure/opentelemetry-instrumentation-azure-sdk`), every provider read and
 * step is a span (`AzureProvider.read`, `AzureProvider.apply` with the step's address and kind),
 * and the SDK clients' own spans nest under it. Without one, the calls cost nothing.
 */
import { createTracingClient } from "@azure/core-tracing";
import { PFNET_VERSION } from "./version.js";

export const tracingClient = createTracingClient({
  namespace: "Microsoft.MachineLearningServices",
  packageName: "@pfnet/azure",
  packageVersion: PFNET_VERSION,
});
