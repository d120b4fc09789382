/** A test against the ARM emulator through the CLI: the emulator, and the flags that point pfnet at it. */
import { join } from "node:path";
import type { Emulator } from "@pfnet/arm-emulator";
// Closing it checks the whole request log against the official specs (test/azure-specs).
import { startTestEmulator } from "../../../test/e2e/fixtures.js";
import { tempDir } from "./helpers.js";

/** Milliseconds per Azure minute: provisioning (30 min) takes 150 ms. */
export const TIME_SCALE = 5;
export const env = { PFNET_TIME_SCALE: String(TIME_SCALE) };

export async function withEmulator(test: (em: Emulator, target: string[]) => Promise<void>): Promise<void> {
  const emulator = await startTestEmulator({ timeScale: TIME_SCALE });
  try {
    const dir = tempDir({ "ca.pem": emulator.caCert });
    await test(emulator, ["--endpoint", emulator.endpoint, "--ca-cert", join(dir, "ca.pem")]);
  } finally {
    await emulator.close();
  }
}
