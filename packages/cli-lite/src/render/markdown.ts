/**
 * The plan as Markdown for a pull-request comment (`pfnet plan --format markdown`), in the
 * manner of tfcmt and Atlantis: a summary table, the changes by workspace, the expected waits,
 * the warnings, a Mermaid diagram of the changed steps (GitHub and Azure DevOps render it), and
 * every changed property folded in `<details>`. Plain text only: no colours, no terminal codes.
 */
import type { Diagnostic, Plan, PlanAction, PlanStep } from "@pfnet/core";
import { describeWaits, plural } from "../format.js";
import { createStyle } from "../style.js";
import { renderMermaid } from "./graph.js";
import {
  ACTION_ORDER,
  ACTION_SYMBOL,
  describeTarget,
  kindName,
  NO_CHANGES,
  renderPosture,
  renderStep,
  WEAKENS_SYMBOL,
} from "./plan.js";

const PLAIN = createStyle(false);

/** Text in a table cell: one line, pipes escaped (also inside code spans, as GFM requires). */
function cell(value: string): string {
  return escapeHtml(value.replace(/\r?\n/g, " ")).replace(/\|/g, "\\|");
}

/** `<`, `>` and `&` as entities, so text from a spec or Azure never becomes HTML in the comment. */
function escapeHtml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Inline code with a fence longer than any backtick run inside. */
function code(value: string): string {
  const longest = Math.max(0, ...[...value.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = value.startsWith("`") || value.endsWith("`") ? " " : "";
  return `${fence}${pad}${value}${pad}${fence}`;
}

/** A fenced block whose fence is longer than any backtick run in the body. */
function fenced(info: string, body: string): string {
  const longest = Math.max(2, ...[...body.matchAll(/`{3,}/g)].map((match) => match[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${info}\n${body.replace(/\n$/, "")}\n${fence}`;
}

/** `workspace.<key>...` -> `<key>`; steps outside a workspace have none. */
function workspaceOf(address: string): string | undefined {
  return /^workspace\.([^.]+)/.exec(address)?.[1];
}

function where(diagnostic: Diagnostic): string {
  const location = diagnostic.location;
  if (!location) return diagnostic.path === "" ? "" : ` at ${code(diagnostic.path)}`;
  return ` at ${code(`${location.file ?? "spec"}:${location.line}:${location.column}`)}`;
}

export interface RenderMarkdownOptions {
  /** Shown under the title, e.g. where the subscription came from. */
  notes?: string[];
  /** Where the spec came from, for the title. */
  spec?: string;
}

export function renderPlanMarkdown(plan: Plan, options: RenderMarkdownOptions = {}): string {
  const out: string[] = [];
  const changing = plan.steps.filter((step) => step.action !== "noop");
  const unchanged = plan.steps.length - changing.length;
  const destroying = plan.origin.mode === "destroy";
  out.push(
    `## pfnet ${destroying ? "destroy plan" : "plan"}${options.spec ? ` for ${code(options.spec)}` : ""}`,
  );
  out.push("");
  for (const note of options.notes ?? []) out.push(`> ${escapeHtml(note)}`, "");
  const targets = plan.origin.targets ?? [];
  if (targets.length > 0) {
    out.push(
      `> **Partial plan** (\`--target\`): it holds only ${targets.map(code).join(", ")} and what ${targets.length === 1 ? "it depends" : "they depend"} on; other changes the spec needs are not planned.`,
      "",
    );
  }
  if (destroying) {
    out.push(
      "> Removes what pfnet created for the spec. Settings (public access, isolation mode) stay as they are, and pfnet never deletes a workspace.",
      "",
    );
  }

  if (changing.length === 0) {
    out.push(`**${NO_CHANGES}** pfnet compared ${plural(plan.steps.length, "resource")} with what is live.`);
  } else {
    out.push(summaryTable(plan, unchanged));
    out.push("");
    const weakening = weakeningSection(changing);
    if (weakening) out.push(weakening);
    out.push("### Changes by workspace");
    out.push("");
    out.push(changesByWorkspace(changing));
    const waits = waitsSection(changing);
    if (waits) out.push(waits);
    out.push("### Graph of the changes");
    out.push("");
    out.push("Each arrow points from a step to the steps that wait for it (unchanged steps are left out).");
    out.push("");
    out.push(fenced("mermaid", renderMermaid(changing)));
    out.push("");
  }

  const warnings = plan.diagnostics.filter((d) => d.severity !== "error");
  if (warnings.length > 0) {
    out.push(`### Warnings (${warnings.length})`);
    out.push("");
    for (const diagnostic of warnings) {
      const hint = diagnostic.hint ? ` — ${escapeHtml(diagnostic.hint)}` : "";
      out.push(
        `- **${diagnostic.severity}** ${code(diagnostic.code)}${where(diagnostic)}: ${escapeHtml(diagnostic.message)}${hint}`,
      );
    }
    out.push("");
  }

  if (changing.length > 0) {
    out.push("<details><summary>Details: every step with its changed properties</summary>");
    out.push("");
    out.push(fenced("text", changing.map((step) => renderStep(step, PLAIN)).join("\n\n")));
    out.push("");
    out.push("</details>");
    out.push("");
  }
  if (plan.unmanaged.length > 0) {
    out.push(
      `<details><summary>pfnet leaves ${plural(plan.unmanaged.length, "resource")} alone that the spec does not list</summary>`,
    );
    out.push("");
    for (const resource of plan.unmanaged) {
      out.push(`- ${code(resource.address)} (${escapeHtml(kindName(resource.kind))})`);
    }
    out.push("");
    out.push("</details>");
    out.push("");
  }
  // The posture report as the text plan shows it (inherited assignments appear only here).
  const posture = renderPosture(plan, PLAIN).slice(2);
  if (posture.length > 0) {
    out.push(
      "<details><summary>Posture report: what pfnet does not manage (nothing here is changed or deleted)</summary>",
    );
    out.push("");
    out.push(fenced("text", posture.map((line) => line.trimStart()).join("\n")));
    out.push("");
    out.push("</details>");
    out.push("");
  }
  return `${out.join("\n").replace(/\n+$/, "")}\n`;
}

function summaryTable(plan: Plan, unchanged: number): string {
  const rows = ["| Action | Steps |", "|---|---:|"];
  for (const action of ACTION_ORDER) {
    rows.push(`| ${code(ACTION_SYMBOL[action])} ${action} | ${count(plan.steps, action)} |`);
  }
  rows.push(`| unchanged | ${unchanged} |`);
  return rows.join("\n");
}

const count = (steps: readonly PlanStep[], action: PlanAction) =>
  steps.filter((step) => step.action === action).length;

function changesByWorkspace(changing: readonly PlanStep[]): string {
  const byWorkspace = new Map<string, PlanStep[]>();
  for (const step of changing) {
    const key = workspaceOf(step.address) ?? "";
    byWorkspace.set(key, [...(byWorkspace.get(key) ?? []), step]);
  }
  const out: string[] = [];
  for (const [workspace, steps] of [...byWorkspace].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(workspace === "" ? "#### Outside any workspace" : `#### Workspace ${code(workspace)}`);
    out.push("");
    out.push("| | Resource | Address | Why |", "|---|---|---|---|");
    for (const step of steps) {
      out.push(
        `| ${code(ACTION_SYMBOL[step.action])} ${step.action} | ${cell(describeTarget(step))} | ${cell(code(step.address))} | ${cell(step.reason)} |`,
      );
    }
    out.push("");
  }
  return out.join("\n");
}

/** What the plan weakens, above the changes: a reviewer must not find it in the folded details only. */
function weakeningSection(changing: readonly PlanStep[]): string | undefined {
  const marks = changing.flatMap((step) => (step.weakens ?? []).map((weakening) => ({ step, weakening })));
  if (marks.length === 0) return undefined;
  const out = ["### Weakens isolation or widens egress", ""];
  for (const { step, weakening } of marks) {
    const symbol = weakening.gated ? WEAKENS_SYMBOL.gated : WEAKENS_SYMBOL.marked;
    out.push(
      `- ${code(symbol)} ${code(step.address)}: ${escapeHtml(weakening.description)}${weakening.gated ? " (apply needs `--allow-weaken`)" : " (review)"}`,
    );
  }
  out.push("");
  return out.join("\n");
}

function waitsSection(changing: readonly PlanStep[]): string | undefined {
  const waiting = changing.filter((step) => step.waits && step.waits.length > 0);
  if (waiting.length === 0) return undefined;
  const out = ["### Expected waits (Azure time)", ""];
  for (const step of waiting)
    out.push(`- ${code(step.address)}: ${escapeHtml(describeWaits(step.waits ?? []))}`);
  out.push("");
  return out.join("\n");
}
