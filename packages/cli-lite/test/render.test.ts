import type { Plan, PlanStep } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { aboutDuration, describeWaits, elapsed } from "../src/format.js";
import { renderDiagnostics } from "../src/render/diagnostics.js";
import { renderDot, renderMermaid } from "../src/render/graph.js";
import { NO_CHANGES, renderPlan, summaryLine } from "../src/render/plan.js";
import { ProgressReporter } from "../src/render/progress.js";
import { renderApplyResult } from "../src/render/result.js";
import { createStyle } from "../src/style.js";

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/;

const plain = createStyle(false);
const ws = { subscriptionId: "s", resourceGroup: "rg", name: "pf-ws", key: "pf-ws" };

function step(partial: Partial<PlanStep> & Pick<PlanStep, "address" | "kind" | "action">): PlanStep {
  return {
    identity: { workspace: ws },
    before: null,
    after: null,
    changedPaths: [],
    reason: "because",
    dependsOn: [],
    guard: true,
    ...partial,
  };
}

const plan: Plan = {
  formatVersion: 2,
  specHash: "abc",
  provider: "memory",
  origin: {
    mode: "apply",
    topology: { version: 1, subscriptionId: "s", resourceGroup: "rg", workspaces: {} },
  },
  fingerprints: {},
  unmanaged: [
    {
      kind: "outboundRule",
      address: "workspace.pf-ws.rule.old",
      identity: {},
      properties: {},
      fingerprint: "f",
    },
  ],
  diagnostics: [
    {
      code: "PFN120",
      severity: "warning",
      path: "/workspaces/pf-ws/firewallSku",
      message: "Standard is billed",
      hint: "set Basic",
    },
  ],
  summary: { create: 1, update: 1, replace: 1, delete: 1, provision: 1, approve: 1, noop: 1 },
  steps: [
    step({
      address: "workspace.pf-ws",
      kind: "workspace",
      action: "update",
      before: { publicNetworkAccess: "Enabled", isolationMode: "Disabled" },
      after: {
        publicNetworkAccess: "Disabled",
        isolationMode: "AllowOnlyApprovedOutbound",
        firewallSku: "Basic",
      },
      changedPaths: ["/publicNetworkAccess", "/isolationMode", "/firewallSku"],
      reason: "ingress private, egress private",
    }),
    step({
      address: "workspace.pf-ws.rule.fqdn-serpapi-com",
      kind: "outboundRule",
      action: "create",
      identity: { workspace: ws, ruleName: "fqdn-serpapi-com" },
      after: { type: "FQDN", category: "UserDefined", destination: "serpapi.com" },
      dependsOn: ["workspace.pf-ws"],
    }),
    step({
      address: "workspace.pf-ws.rule.pe-x",
      kind: "outboundRule",
      action: "replace",
      identity: { workspace: ws, ruleName: "pe-x" },
      before: { type: "PrivateEndpoint", destination: { subresourceTarget: "account" } },
      after: { type: "PrivateEndpoint", destination: { subresourceTarget: "searchService" } },
      changedPaths: ["/destination/subresourceTarget"],
    }),
    step({
      address: "workspace.pf-ws.rule.gone",
      kind: "outboundRule",
      action: "delete",
      identity: { workspace: ws, ruleName: "gone" },
      before: { type: "FQDN", destination: "example.com" },
    }),
    step({
      address: "workspace.pf-ws.network",
      kind: "managedNetwork",
      action: "provision",
      dependsOn: ["workspace.pf-ws", "workspace.pf-ws.rule.fqdn-serpapi-com"],
      waits: [
        { kind: "provisioning", label: "provisioning the managed network", expectedSeconds: 1800 },
        { kind: "firewall", label: "first FQDN rule", expectedSeconds: 600 },
      ],
    }),
    step({
      address: "workspace.pf-ws.approval.search",
      kind: "privateEndpointApproval",
      action: "approve",
      identity: {
        workspace: ws,
        service: "search",
        targetId: "/subscriptions/s/x/searchServices/srch-locked",
        approve: false,
        via: "managed",
      },
      dependsOn: ["workspace.pf-ws.network"],
    }),
    step({
      address: "workspace.pf-ws.storage-role",
      kind: "roleAssignment",
      action: "noop",
      dependsOn: ["workspace.pf-ws"],
    }),
  ],
};

describe("plan rendering", () => {
  const text = renderPlan(plan, plain);

  const expectLines = (lines: string[]) => {
    for (const line of lines) expect(text, line).toContain(line);
  };

  it("gives each action its symbol and the changed properties as before -> after", () => {
    expectLines([
      "  ~ workspace pf-ws",
      '~ publicNetworkAccess: "Enabled" -> "Disabled"',
      '+ firewallSku: "Basic"',
      "  + outbound rule fqdn-serpapi-com on pf-ws",
      '+ destination: "serpapi.com"',
      "-/+ outbound rule pe-x on pf-ws",
      '~ destination.subresourceTarget: "account" -> "searchService"  # forces replacement',
      "  - outbound rule gone on pf-ws",
      "  > managed network of pf-ws",
      "  ? private-endpoint approval on srch-locked",
      "the spec does not let pfnet approve",
    ]);
  });

  it("shows reasons, waits, unmanaged resources, warnings and the summary", () => {
    expectLines([
      "why: ingress private, egress private",
      "waits: provisioning the managed network: about 30 min; first FQDN rule: about 10 min more",
      "Expected waits (Azure time):",
      "workspace.pf-ws.rule.old (outbound rule)",
      "warning PFN120: Standard is billed",
      "hint: set Basic",
      "Plan: 1 to create, 1 to update, 1 to replace, 1 to delete, 1 to provision, 1 to approve. 1 unchanged.",
    ]);
    expect(text).not.toContain("storage-role");
    expect(text).not.toMatch(ANSI);
  });

  it("says no changes when every step is a noop", () => {
    const empty = {
      ...plan,
      unmanaged: [],
      diagnostics: [],
      steps: plan.steps.filter((s) => s.action === "noop"),
    };
    expect(renderPlan(empty, plain)).toContain(NO_CHANGES);
    expect(summaryLine(empty)).toBe(
      "Plan: 0 to create, 0 to update, 0 to replace, 0 to delete, 0 to provision, 0 to approve.",
    );
  });

  it("colours only when asked", () => {
    expect(renderPlan(plan, createStyle(true))).toMatch(ANSI);
  });
});

describe("formatting", () => {
  it("words durations", () => {
    expect(aboutDuration(1800)).toBe("about 30 min");
    expect(aboutDuration(30)).toBe("about 30 s");
    expect(aboutDuration(3 * 3600)).toBe("about 3 h");
    expect(elapsed(850)).toBe("850ms");
    expect(elapsed(4200)).toBe("4.2s");
    expect(elapsed(65_000)).toBe("1m 05s");
    expect(describeWaits([{ kind: "propagation", label: "role propagation", expectedSeconds: 300 }])).toBe(
      "role propagation: about 5 min",
    );
  });

  it("prints diagnostics with file:line:column, code, path and hint, errors first", () => {
    const text = renderDiagnostics(
      [
        { code: "PFN200", severity: "warning", path: "/a", message: "w" },
        {
          code: "PFN100",
          severity: "error",
          path: "/workspaces/x/egress",
          message: "bad",
          hint: "fix it",
          location: { file: "s.yaml", line: 7, column: 5 },
        },
      ],
      plain,
    );
    expect(text.split("\n")).toEqual([
      "s.yaml:7:5: error PFN100: bad",
      "  at /workspaces/x/egress",
      "  hint: fix it",
      "<spec>: warning PFN200: w",
      "  at /a",
    ]);
  });
});

describe("graph rendering", () => {
  const nodes = plan.steps.map((s) => ({
    address: s.address,
    kind: s.kind,
    identity: s.identity,
    dependsOn: s.dependsOn,
    action: s.action,
  }));

  it("draws Mermaid with one subgraph per workspace, an edge per dependency and action classes", () => {
    const text = renderMermaid(nodes);
    expect(text.startsWith("flowchart LR\n")).toBe(true);
    expect(text).toContain('subgraph ws_pf_ws["workspace pf-ws"]');
    const idOf = (label: string) =>
      text
        .split("\n")
        .find((l) => l.includes(`["${label}"]`))
        ?.trim()
        .split("[")[0];
    const wsId = idOf("~ update: workspace pf-ws");
    const networkId = idOf("> provision: managed network of pf-ws");
    expect(wsId).toBeDefined();
    expect(text).toContain(`${wsId} --> ${networkId}`);
    expect(text).toContain("classDef provision");
    expect(text.match(/-->/g)?.length).toBe(5);
  });

  it("draws DOT with clusters and quoted addresses", () => {
    const text = renderDot(nodes);
    expect(text).toContain('subgraph "cluster_pf-ws"');
    expect(text).toContain('"workspace.pf-ws" -> "workspace.pf-ws.network";');
    expect(text).toContain('"workspace.pf-ws.network" -> "workspace.pf-ws.approval.search";');
    expect(text.trim().endsWith("}")).toBe(true);
  });
});

describe("apply result", () => {
  it("summarises outcomes, root causes, skips and pending approvals with what to do", () => {
    const text = renderApplyResult(
      {
        durationMs: 1234,
        outcomes: { succeeded: 1, failed: 1, skipped: 1, pendingApproval: 1, cancelled: 0 },
        steps: [
          { address: "a", action: "create", outcome: "succeeded", durationMs: 1 },
          {
            address: "b",
            action: "create",
            outcome: "failed",
            durationMs: 1,
            error: { code: "AZURE_REQUEST_FAILED", message: "boom", hint: "retry later" },
          },
          { address: "c", action: "provision", outcome: "skipped", durationMs: 0, skippedBecause: "b" },
          {
            address: "d",
            action: "approve",
            outcome: "pendingApproval",
            durationMs: 1,
            pending: {
              connectionId: "/conn/1",
              action: "az network private-endpoint-connection approve --id /conn/1",
              permission: "Microsoft.Search/searchServices/privateEndpointConnections/write",
            },
          },
        ],
      },
      plain,
    );
    expect(text).toContain("Apply failed.");
    expect(text).toContain("1 succeeded, 1 failed, 1 skipped, 1 pending approval, 0 cancelled.");
    expect(text).toContain("b: boom [AZURE_REQUEST_FAILED]");
    expect(text).toContain("hint: retry later");
    expect(text).toContain("c (after b)");
    expect(text).toContain("to do:      az network private-endpoint-connection approve --id /conn/1");
    expect(text).toContain("needs:      Microsoft.Search/searchServices/privateEndpointConnections/write");
  });
});

describe("progress", () => {
  function collect(live: boolean) {
    let out = "";
    let now = 0;
    const reporter = new ProgressReporter({
      sink: { write: (t: string) => (out += t) },
      style: plain,
      live,
      intervalMs: 1_000_000,
      now: () => now,
    });
    const at = (ms: number) => (now = ms);
    return { reporter, at, text: () => out };
  }
  const base = { sequence: 0, time: 0 };

  it("prints plain lines off a terminal, with wait elapsed times, retries and outcomes", () => {
    const { reporter, at, text } = collect(false);
    reporter.onEvent({ ...base, type: "apply.started", steps: 2, concurrency: 10 });
    reporter.onEvent({
      ...base,
      type: "step.started",
      address: "workspace.pf-ws.network",
      action: "provision",
      kind: "managedNetwork",
    });
    reporter.onEvent({
      ...base,
      type: "step.started",
      address: "workspace.pf-ws.storage-role",
      action: "noop",
      kind: "roleAssignment",
    });
    at(2000);
    reporter.onEvent({
      ...base,
      type: "step.progress",
      address: "workspace.pf-ws.network",
      message: "provisioning the managed network",
      wait: { kind: "provisioning", elapsedMs: 2000, expectedMs: 3000 },
    });
    reporter.onEvent({
      ...base,
      type: "step.progress",
      address: "workspace.pf-ws.network",
      message: "provisioning the managed network",
      wait: { kind: "provisioning", elapsedMs: 2100 },
    });
    reporter.onEvent({
      ...base,
      type: "step.retrying",
      address: "workspace.pf-ws.network",
      attempt: 2,
      reason: "429 TooManyRequests",
      delayMs: 1500,
    });
    reporter.onEvent({
      ...base,
      type: "step.finished",
      address: "workspace.pf-ws.network",
      outcome: "succeeded",
      durationMs: 3100,
    });
    reporter.onEvent({
      ...base,
      type: "step.finished",
      address: "workspace.pf-ws.storage-role",
      outcome: "succeeded",
      durationMs: 1,
    });
    reporter.stop();
    const lines = text().trim().split("\n");
    expect(lines).toEqual([
      "Applying 2 steps (up to 10 at a time)...",
      "  > workspace.pf-ws.network: provisioning...",
      "  workspace.pf-ws.network: provisioning the managed network - 2.0s elapsed, expected ~3.0s",
      "  workspace.pf-ws.network: retrying (attempt 2, 429 TooManyRequests) in 1.5s",
      "ok  workspace.pf-ws.network: provisioned (3.1s)",
    ]);
  });

  it("keeps a live line per running step on a terminal and erases it when the step ends", () => {
    const { reporter, at, text } = collect(true);
    reporter.onEvent({
      ...base,
      type: "step.started",
      address: "w.network",
      action: "provision",
      kind: "managedNetwork",
    });
    at(5000);
    reporter.onEvent({
      ...base,
      type: "step.progress",
      address: "w.network",
      message: "waiting",
      wait: { kind: "provisioning", elapsedMs: 5000 },
    });
    expect(text()).toContain("  > w.network: waiting - 5.0s elapsed\n");
    reporter.onEvent({
      ...base,
      type: "step.finished",
      address: "w.network",
      outcome: "pendingApproval",
      durationMs: 5000,
    });
    reporter.stop();
    expect(text()).toContain("\u001b[1A\u001b[2K");
    expect(text().endsWith("..  w.network: pending approval by the service owner\n")).toBe(true);
  });
});
