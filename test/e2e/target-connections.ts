/** What the e2e tests of a reached service check on its connection routes after an apply. */
import type { Emulator } from "@pfnet/arm-emulator";
import { expect } from "vitest";

/** pfnet listed and approved `targetId`'s connection at `apiVersion`, and the connection is Approved. */
export function expectApprovedThrough(em: Emulator, targetId: string, apiVersion: string): void {
  const calls = em.requests.entries
    .filter((e) => e.path.toLowerCase().startsWith(`${targetId.toLowerCase()}/privateendpointconnections`))
    .map((e) => `${e.method} ${e.apiVersion}`);
  expect(calls).toContain(`GET ${apiVersion}`);
  expect(calls).toContain(`PUT ${apiVersion}`);
  const [connection] = em.state.connections(targetId) as unknown as Array<{
    properties: { privateLinkServiceConnectionState: { status: string } };
  }>;
  expect(connection?.properties.privateLinkServiceConnectionState.status).toBe("Approved");
}
