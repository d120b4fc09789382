/** Public functions take the Azure SDK's `abortSignal` as well as `signal`. */
import { apply, loadSpecFile, plan } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { managedPrivate, seededProvider, topology } from "./support.js";

const aborted = () => {
  const controller = new AbortController();
  controller.abort();
  return controller.signal;
};

describe("abortSignal is accepted as well as signal", () => {
  it("plan", async () => {
    const spec = topology({ "pf-ws": managedPrivate() });
    await expect(plan(spec, seededProvider(), { abortSignal: aborted() })).rejects.toMatchObject({
      code: "ABORTED",
    });
  });
  it("apply", async () => {
    const provider = seededProvider();
    const planned = await plan(topology({ "pf-ws": managedPrivate() }), provider);
    await expect(apply(planned, provider, { abortSignal: aborted() })).rejects.toMatchObject({
      code: "ABORTED",
    });
  });
  it("loadSpecFile", async () => {
    await expect(
      loadSpecFile("examples/managed-public-public.yaml", { abortSignal: aborted() }),
    ).rejects.toMatchObject({
      code: "ABORTED",
    });
  });
});
