/** Saved plans: re-derivation, provenance (--spec, recorded path, signature, --trust-plan-file) on the command line. */
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hashJson, type Plan, parsePlan, serializePlan, type Topology } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { EXAMPLES, run, tempDir } from "./helpers.js";
import { inject, seededProvider } from "./memory.js";
import { ofType, streamOf } from "./stream.js";

const KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f0-plan-key";

/** A temp dir with the demo spec at `spec.yaml`, and a plan of it saved as `plan.json` (recorded path `spec.yaml`). */
async function savedPlan(env: Record<string, string> = {}) {
  const dir = tempDir();
  copyFileSync(join(EXAMPLES, "managed-private-private.yaml"), join(dir, "spec.yaml"));
  const made = await run(["plan", "spec.yaml", "--out", "plan.json"], {
    cwd: dir,
    env,
    internals: inject(seededProvider()),
  });
  expect(made.code, made.stderr).toBe(0);
  return { dir, plan: parsePlan(readFileSync(join(dir, "plan.json"), "utf8")) };
}

/** The forger's coherent edit: an FQDN rule to another host in topology, steps and hash alike. */
function coherentForgery(plan: Plan): Plan {
  const p = JSON.parse(JSON.stringify(plan)) as Plan;
  const topology = p.origin.topology as Topology;
  topology.workspaces["pf-ws"]!.reach!.hosts = [
    ...(topology.workspaces["pf-ws"]!.reach!.hosts ?? []),
    "evil.example.net",
  ];
  p.specHash = hashJson(topology);
  const serp = p.steps.find((s) => s.address === "workspace.pf-ws.rule.fqdn-serpapi-com")!;
  const evil = JSON.parse(JSON.stringify(serp)) as Plan["steps"][number];
  evil.address = "workspace.pf-ws.rule.fqdn-evil-example-net";
  evil.identity.ruleName = "fqdn-evil-example-net";
  evil.after!.destination = "evil.example.net";
  evil.action = "create";
  evil.before = null;
  for (const weakening of evil.weakens ?? [])
    weakening.description = weakening.description.replace("serpapi.com", "evil.example.net");
  p.steps.splice(p.steps.indexOf(serp) + 1, 0, evil);
  p.steps.find((s) => s.address === "workspace.pf-ws.network")!.dependsOn.push(evil.address);
  return p;
}

describe("pfnet apply <saved plan>: provenance", () => {
  it("records the spec path relative to the working directory and applies with it as the witness", async () => {
    const { dir, plan } = await savedPlan();
    expect(plan.origin).toMatchObject({ mode: "apply", specPath: "spec.yaml" });
    const provider = seededProvider();
    const applied = await run(["apply", "plan.json", "--auto-approve"], {
      cwd: dir,
      internals: inject(provider),
    });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain(
      "Saved plan verified: pfnet makes exactly these steps from the spec it embeds; it was made from spec.yaml.",
    );
  });

  it("refuses an edited step (re-checksummed) with PLAN_TAMPERED before any provider exists", async () => {
    const { dir, plan } = await savedPlan();
    const forged = JSON.parse(JSON.stringify(plan)) as Plan;
    forged.steps.find((s) => s.address === "workspace.pf-ws.rule.fqdn-serpapi-com")!.after!.destination =
      "evil.example.net";
    writeFileSync(join(dir, "forged.json"), serializePlan(forged));
    const internals = inject(seededProvider());
    const refused = await run(["apply", "forged.json", "--auto-approve"], { cwd: dir, internals });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "Step workspace.pf-ws.rule.fqdn-serpapi-com differs from what the spec makes",
    );
    expect(refused.stderr).toContain("[PLAN_TAMPERED]");
    expect(internals.settings).toEqual([]);
  });

  it("a coherent forgery is refused by the spec at the recorded path, by --spec, and without a witness", async () => {
    const { dir, plan } = await savedPlan();
    writeFileSync(join(dir, "forged.json"), serializePlan(coherentForgery(plan)));
    const provider = seededProvider();

    const recorded = await run(["apply", "forged.json", "--auto-approve"], {
      cwd: dir,
      internals: inject(provider),
    });
    expect(recorded.code).toBe(1);
    expect(recorded.stderr).toContain("The plan was not made from spec.yaml");
    expect(recorded.stderr).toContain("[PLAN_TAMPERED]");

    const elsewhere = tempDir();
    copyFileSync(join(dir, "forged.json"), join(elsewhere, "forged.json"));
    copyFileSync(join(dir, "spec.yaml"), join(elsewhere, "reviewed.yaml"));
    const given = await run(["apply", "forged.json", "--auto-approve", "--spec", "reviewed.yaml"], {
      cwd: elsewhere,
      internals: inject(provider),
    });
    expect(given.code).toBe(1);
    expect(given.stderr).toContain("The plan was not made from reviewed.yaml");

    const none = await run(["apply", "forged.json", "--auto-approve"], {
      cwd: elsewhere,
      internals: inject(provider),
    });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("Nothing vouches for this saved plan");
    expect(none.stderr).toContain("[PLAN_UNVERIFIED]");
    expect(none.stderr).toContain("--trust-plan-file");
    expect(provider.calls).toEqual({ read: 0, apply: 0 });

    // Only with the user's explicit trust does it apply (re-derivation still ran).
    const trusted = await run(["apply", "forged.json", "--auto-approve", "--trust-plan-file"], {
      cwd: elsewhere,
      internals: inject(provider),
    });
    expect(trusted.code, trusted.stderr).toBe(0);
    expect(trusted.stdout).toContain("trusted with --trust-plan-file");
  });

  it("signs with PFNET_PLAN_KEY; with a key, unsigned and wrongly signed plans are refused; the key is printed nowhere", async () => {
    const env = { PFNET_PLAN_KEY: KEY };
    const { dir, plan } = await savedPlan(env);
    const text = readFileSync(join(dir, "plan.json"), "utf8");
    expect(plan.signature).toMatch(/^hmac-sha256:/);
    writeFileSync(
      join(dir, "unsigned.json"),
      serializePlan({ ...plan, signature: undefined } as unknown as Plan),
    );
    writeFileSync(join(dir, "other.json"), serializePlan(plan, { planKey: "another key" }));
    writeFileSync(join(dir, "plan.key"), `${KEY}\n`);
    const outputs: string[] = [text];

    // The coherent forgery re-signed is impossible without the key; unsigned it is refused.
    for (const [file, pattern] of [
      ["unsigned.json", /The plan is not signed, and a plan key is set/],
      ["other.json", /signature does not match the plan key/],
    ] as const) {
      const provider = seededProvider();
      const refused = await run(["apply", file, "--auto-approve"], {
        cwd: dir,
        env,
        internals: inject(provider),
      });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(pattern);
      expect(refused.stderr).toContain("[PLAN_SIGNATURE]");
      expect(provider.calls).toEqual({ read: 0, apply: 0 });
      outputs.push(refused.stdout, refused.stderr);
    }
    const viaFile = await run(["apply", "plan.json", "--auto-approve", "--plan-key-file", "plan.key"], {
      cwd: tempDir({ "plan.json": text, "plan.key": `${KEY}\n` }),
      internals: inject(seededProvider()),
    });
    expect(viaFile.code, viaFile.stderr).toBe(0);
    expect(viaFile.stdout).toContain("its signature matches the plan key");
    const json = await run(["apply", "plan.json", "--auto-approve", "--json"], {
      cwd: dir,
      env,
      internals: inject(seededProvider()),
    });
    expect(json.code, json.stderr).toBe(0);
    outputs.push(viaFile.stdout, viaFile.stderr, json.stdout, json.stderr);
    for (const output of outputs) expect(output).not.toContain(KEY);
  });

  it("--spec and --trust-plan-file are for saved plans only", async () => {
    const result = await run(["apply", join(EXAMPLES, "managed-private-private.yaml"), "--spec", "x.yaml"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("apply to saved plans only");
  });
});

describe("pfnet apply: weakening needs --allow-weaken", () => {
  it("private -> public ingress: marked in text and JSON plans, refused under --auto-approve with nothing written, applied with --allow-weaken", async () => {
    const dir = tempDir();
    const privateSpec = readFileSync(join(EXAMPLES, "managed-private-private.yaml"), "utf8");
    writeFileSync(join(dir, "spec.yaml"), privateSpec);
    const provider = seededProvider();
    const first = await run(["apply", "spec.yaml", "--auto-approve"], {
      cwd: dir,
      internals: inject(provider),
    });
    expect(first.code, first.stderr).toBe(0);

    writeFileSync(
      join(dir, "spec.yaml"),
      privateSpec.replace("    ingress: private\n    egress", "    ingress: public\n    egress"),
    );
    const text = await run(["plan", "spec.yaml"], { cwd: dir, internals: inject(provider) });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain("! weakens isolation: 1 step (apply needs --allow-weaken)");
    expect(text.stdout).toMatch(/\n! ~ workspace pf-ws\n/);
    expect(text.stdout).toContain(
      "weakens: ingress private -> public: the workspace becomes reachable from the internet (apply needs --allow-weaken)",
    );
    const json = await run(["plan", "spec.yaml", "--json"], { cwd: dir, internals: inject(provider) });
    const planLine = ofType(streamOf(json), "plan")[0]?.plan;
    const step = parsePlan(JSON.stringify(planLine)).steps.find((s) => s.address === "workspace.pf-ws")!;
    expect(step.weakens).toEqual([
      { change: "ingressPublic", gated: true, description: expect.stringContaining("private -> public") },
    ]);

    const writes = provider.calls.apply;
    const refused = await run(["apply", "spec.yaml", "--auto-approve"], {
      cwd: dir,
      internals: inject(provider),
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("[WEAKENING_NOT_ALLOWED]");
    expect(refused.stderr).toContain("workspace.pf-ws (ingress private -> public");
    expect(provider.calls.apply).toBe(writes);

    const allowed = await run(["apply", "spec.yaml", "--auto-approve", "--allow-weaken"], {
      cwd: dir,
      internals: inject(provider),
    });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(provider.calls.apply).toBeGreaterThan(writes);
  });
});
