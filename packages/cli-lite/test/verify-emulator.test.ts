/**
 * Proof after apply end to end: the real AzureProvider against the ARM emulator, through
 * `runCli`. The emulator's `Workspaces_Diagnose` reports what the test sets; apply ends with it
 * and fails on an error, `--skip-verify` leaves it out, `pfnet verify` runs it alone.
 */
import type { Emulator } from "@pfnet/arm-emulator";
import { describe, expect, it } from "vitest";
import { run } from "./helpers.js";
import { ofType, streamOf } from "./stream.js";
import { env, withEmulator } from "./with-emulator.js";

const SPEC = "examples/managed-private-private.yaml";
const NSG_ERROR = {
  code: "NsgRuleBlocksAzureMachineLearning",
  level: "Error",
  message: "An outbound rule of nsg-pf denies the AzureMachineLearning service tag.",
};

const diagnosePosts = (em: Emulator) =>
  em.requests.entries.filter((e) => e.method === "POST" && e.path.toLowerCase().endsWith("/diagnose"));

describe("apply ends with Azure's diagnosis", () => {
  it("an error finding fails the apply (exit 1) and is named; every step succeeded", async () => {
    await withEmulator(async (em, target) => {
      em.state.setDiagnosis("pf-ws", { networkSecurityRuleResults: [NSG_ERROR] });
      const result = await run(["apply", SPEC, "--auto-approve", "--allow-weaken", ...target], { env });
      expect(result.code, result.stdout + result.stderr).toBe(1);
      expect(result.stdout).toContain("Apply complete.");
      expect(result.stdout).toContain("Azure's diagnosis found 1 error.");
      expect(result.stdout).toContain(`error networkSecurityRule ${NSG_ERROR.code}: ${NSG_ERROR.message}`);
      expect(diagnosePosts(em)).toHaveLength(1);
      // The request asks for every check, as the spec's example does.
      expect(Object.keys((diagnosePosts(em)[0]!.requestBody as { value: object }).value).sort()).toEqual(
        [
          "applicationInsights",
          "containerRegistry",
          "dnsResolution",
          "keyVault",
          "nsg",
          "others",
          "resourceLock",
          "storageAccount",
          "udr",
        ].sort(),
      );
    });
  });

  it("--skip-verify leaves it out; a warning alone does not fail; pfnet verify runs it alone", async () => {
    await withEmulator(async (em, target) => {
      em.state.setDiagnosis("pf-ws", { networkSecurityRuleResults: [NSG_ERROR] });
      const skipped = await run(
        ["apply", SPEC, "--auto-approve", "--allow-weaken", "--skip-verify", ...target],
        { env },
      );
      expect(skipped.code, skipped.stdout + skipped.stderr).toBe(0);
      expect(skipped.stdout).not.toContain("diagnosis");
      expect(diagnosePosts(em)).toHaveLength(0);

      const writes = () =>
        em.requests.entries.filter((e) => e.method !== "GET" && e.method !== "POST").length;
      const writesBefore = writes();
      const verify = await run(["verify", SPEC, "--json", ...target], { env });
      expect(verify.code, verify.stdout + verify.stderr).toBe(1);
      const [line] = ofType(streamOf(verify), "verification");
      expect(line?.verification).toMatchObject({
        errors: 1,
        notRun: 0,
        workspaces: [{ workspace: "pf-ws", findings: [{ category: "networkSecurityRule", ...NSG_ERROR }] }],
      });
      expect(writes()).toBe(writesBefore);

      em.state.setDiagnosis("pf-ws", {
        dnsResolutionResults: [{ code: "CustomDNSInUse", level: "Warning", message: "Custom DNS in use." }],
      });
      const warned = await run(["verify", SPEC, ...target], { env });
      expect(warned.code, warned.stdout + warned.stderr).toBe(0);
      expect(warned.stdout).toContain("Azure's diagnosis found no error.");
      expect(warned.stdout).toContain("warning dnsResolution CustomDNSInUse: Custom DNS in use.");
    });
  });
});
