/** Builds the emulator's Azure from a seed environment, provider by provider, in a fixed order (the seeded PRNG draws in it). */
import type { Clock } from "../clock.js";
import type { SeedEnvironment } from "../seed.js";
import { key, type Prng } from "../util.js";
import { seedWorkspace } from "./ml/workspaces.js";
import { Model } from "./model.js";
import { seedNetworkSecurityGroup, seedPrivateDnsZone, seedVirtualNetwork } from "./network.js";
import { seedTarget } from "./targets.js";

export function modelFromSeed(clock: Clock, prng: Prng, seed: SeedEnvironment): Model {
  const model = new Model(clock, prng, seed);
  const rgOf = (rg?: string) => rg ?? seed.resourceGroup;
  for (const rg of [seed.resourceGroup, ...(seed.resourceGroups ?? [])])
    model.resourceGroups.set(key(rg), rg);
  for (const t of seed.targets) {
    const rg = rgOf(t.resourceGroup);
    model.ensureResourceGroup(rg);
    seedTarget(model, t, rg, seed.location);
  }
  for (const vnet of seed.virtualNetworks ?? []) {
    const rg = rgOf(vnet.resourceGroup);
    model.ensureResourceGroup(rg);
    seedVirtualNetwork(model, vnet, rg, seed.location);
  }
  for (const nsg of seed.networkSecurityGroups ?? []) {
    const rg = rgOf(nsg.resourceGroup);
    model.ensureResourceGroup(rg);
    seedNetworkSecurityGroup(model, nsg.name, rg, seed.location);
  }
  for (const zone of seed.privateDnsZones ?? []) {
    const rg = rgOf(zone.resourceGroup);
    model.ensureResourceGroup(rg);
    seedPrivateDnsZone(model, zone.name, rg);
  }
  for (const ws of seed.workspaces) seedWorkspace(model, ws, rgOf(ws.resourceGroup), seed.location);
  return model;
}
