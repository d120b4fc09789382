/** The in-memory provider seeded like the emulator's default environment (the parts the tests touch). */
import { MemoryProvider, type MemoryProviderOptions, memoryWorkspace } from "@pfnet/core/testing";
import type { CliInternals, ProviderSettings } from "../src/index.js";
import { ARM, SUBSCRIPTION } from "./helpers.js";

export function seededProvider(
  options: MemoryProviderOptions = {},
  subscriptionId = SUBSCRIPTION,
): MemoryProvider {
  return new MemoryProvider({
    ...options,
    state: {
      workspaces: [
        memoryWorkspace({
          subscriptionId,
          resourceGroup: "rg-promptflow",
          name: "pf-ws",
          location: "eastus",
          storageAccount: `${ARM.replace(SUBSCRIPTION, subscriptionId)}/Microsoft.Storage/storageAccounts/stpfws`,
        }),
      ],
      ...options.state,
    },
  });
}

/** Internals that hand the CLI this provider and record the settings it asked for. */
export function inject(provider: MemoryProvider): CliInternals & { settings: ProviderSettings[] } {
  const settings: ProviderSettings[] = [];
  return {
    settings,
    createProvider: (asked) => {
      settings.push(asked);
      return provider;
    },
    progressIntervalMs: 5,
  };
}
