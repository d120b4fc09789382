/**
 * Logging the Azure SDK way: one `@azure/logger` client logger named `pfnet`, so
 * `AZURE_LOG_LEVEL=info` (or `verbose`) or `setLogLevel()` shows pfnet's lines among the SDK's,
 * through the same `AzureLogger.log` sink. Nothing here writes to the console by itself: the
 * logger prints only when a level is set, as every Azure SDK library does. Lines carry no
 * secrets (URLs are redacted as in the trace).
 */
import { createClientLogger } from "@azure/logger";

export const logger = createClientLogger("pfnet");
