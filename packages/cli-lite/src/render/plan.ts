/**
 * The plan in words, Terraform style: one block per changing step with its action symbol,
 * the changed properties as `before -> after`, the reason and the waits, then a summary line.
 */
import {
  describeAssignment,
  describeDestination,
  kindDisplay,
  type LoadedSpec,
  type Plan,
  type PlanAction,
  type PlanStep,
} from "@pfnet/core";
import { atPointer, describeWaits, plural, showValue } from "../format.js";
import type { Style } from "../style.js";
import { renderDestroyLeaves } from "./destroy.js";
import { renderDiagnostics } from "./diagnostics.js";

/** ASCII-safe symbols; documented in docs/cli.md. */
export const ACTION_SYMBOL: Record<PlanAction, string> = {
  create: "+",
  update: "~",
  replace: "-/+",
  delete: "-",
  provision: ">",
  approve: "?",
  noop: " ",
};

const ACTION_LEGEND: Record<Exclude<PlanAction, "noop">, string> = {
  create: "create",
  update: "update in place",
  replace: "replace (delete, then create)",
  delete: "delete",
  provision: "provision and wait",
  approve: "approve a private-endpoint connection",
};

const ACTION_PHRASE: Record<PlanAction, string> = {
  create: "will be created",
  update: "will be updated in place",
  replace: "must be replaced",
  delete: "will be deleted",
  provision: "will be provisioned",
  approve: "will be approved if it stays Pending",
  noop: "is unchanged",
};

/**
 * Marks a step that weakens isolation (its `weakens`), before its action symbol: `!` needs
 * consent (`--allow-weaken`), `*` widens egress under approved-only outbound (for review).
 */
export const WEAKENS_SYMBOL = { gated: "!", marked: "*" } as const;

/** Order of the summary line. */
export const ACTION_ORDER: PlanAction[] = ["create", "update", "replace", "delete", "provision", "approve"];

/** What the plan calls a kind (`outbound rule`): its display in core's kind registry. */
export const kindName = (kind: string): string => kindDisplay(kind).name;

export function colorAction(action: PlanAction, text: string, style: Style): string {
  switch (action) {
    case "create":
      return style.green(text);
    case "update":
      return style.yellow(text);
    case "replace":
    case "delete":
      return style.red(text);
    case "provision":
    case "approve":
      return style.cyan(text);
    default:
      return text;
  }
}

/** The Azure name a step acts on, for the title: "outbound rule pe-aoai on pf-ws" (its kind's display). */
export function describeTarget(step: Pick<PlanStep, "kind" | "identity">): string {
  return kindDisplay(step.kind).title(step.identity);
}

/** Leaves of a plain object as dotted names (arrays stay whole), so nested values read one per line. */
function leaves(value: Record<string, unknown>, prefix = ""): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [key, child] of Object.entries(value)) {
    const name = prefix === "" ? key : `${prefix}.${key}`;
    if (child !== null && typeof child === "object" && !Array.isArray(child)) {
      out.push(...leaves(child as Record<string, unknown>, name));
    } else out.push([name, child]);
  }
  return out;
}

const pointerLabel = (pointer: string) => pointer.replace(/^\//, "").replace(/\//g, ".");

function propertyLines(step: PlanStep, style: Style): string[] {
  const lines: string[] = [];
  const pad = "      ";
  if (step.action === "create" && step.after) {
    for (const [key, value] of leaves(step.after)) {
      lines.push(`${pad}${style.green("+")} ${key}: ${showValue(value)}`);
    }
    return lines;
  }
  if (step.action === "delete" && step.before) {
    for (const [key, value] of leaves(step.before)) {
      lines.push(`${pad}${style.red("-")} ${key}: ${showValue(value)}`);
    }
    return lines;
  }
  for (const pointer of step.changedPaths) {
    const before = step.before ? atPointer(step.before, pointer) : undefined;
    const after = step.after ? atPointer(step.after, pointer) : undefined;
    const name = pointerLabel(pointer);
    if (before === undefined) lines.push(`${pad}${style.green("+")} ${name}: ${showValue(after)}`);
    else if (after === undefined) lines.push(`${pad}${style.red("-")} ${name}: ${showValue(before)}`);
    else {
      const note = step.action === "replace" ? style.dim("  # forces replacement") : "";
      lines.push(`${pad}${style.yellow("~")} ${name}: ${showValue(before)} -> ${showValue(after)}${note}`);
    }
  }
  return lines;
}

export function renderStep(step: PlanStep, style: Style): string {
  const gated = step.weakens?.some((weakening) => weakening.gated) === true;
  const mark = step.weakens
    ? gated
      ? style.red(WEAKENS_SYMBOL.gated)
      : style.yellow(WEAKENS_SYMBOL.marked)
    : "";
  const padded = ACTION_SYMBOL[step.action].padStart(3);
  // The mark takes the first column when the symbol leaves it free (`! ~`), else goes before it.
  const symbol =
    mark === ""
      ? colorAction(step.action, padded, style)
      : `${mark}${colorAction(step.action, padded.startsWith(" ") ? padded.slice(1) : padded, style)}`;
  const lines = [
    style.dim(`  # ${step.address} ${ACTION_PHRASE[step.action]}`),
    `${symbol} ${style.bold(describeTarget(step))}`,
    `      ${style.dim("why:")} ${step.reason}`,
    ...(step.weakens ?? []).map(
      (weakening) =>
        `      ${weakening.gated ? style.red("weakens:") : style.yellow("widens:")} ${weakening.description}${weakening.gated ? " (apply needs --allow-weaken)" : ""}`,
    ),
    ...propertyLines(step, style),
  ];
  if (step.waits && step.waits.length > 0) {
    lines.push(`      ${style.dim("waits:")} ${describeWaits(step.waits)}`);
  }
  const note = kindDisplay(step.kind).note?.(step);
  if (note !== undefined) lines.push(`      ${style.yellow("note:")} ${note}`);
  return lines.join("\n");
}

export function summaryLine(plan: Plan): string {
  const counts = ACTION_ORDER.map(
    (action) => `${plan.steps.filter((s) => s.action === action).length} to ${action}`,
  );
  return `Plan: ${counts.join(", ")}.`;
}

export const NO_CHANGES = "No changes. Your network isolation matches the spec.";

/** Workspace steps that turn public ingress off (or create a workspace without it). */
function closingIngress(steps: readonly PlanStep[]): PlanStep[] {
  const access = (value: Record<string, unknown> | null | undefined) =>
    value && typeof value === "object" ? value.publicNetworkAccess : undefined;
  return steps.filter(
    (step) =>
      step.kind === "workspace" && access(step.after) === "Disabled" && access(step.before) !== "Disabled",
  );
}

export interface RenderPlanOptions {
  /** Shown under the header, e.g. where the subscription came from. */
  notes?: string[];
  /** The spec the plan was made from: warnings name its file and, where known, the line. */
  spec?: Pick<LoadedSpec, "file" | "locate">;
}

/**
 * The posture report: unlisted outbound rules with their destinations, role assignments at each
 * workspace storage account (direct ones are warnings, inherited ones information), and an own
 * VNet's outbound dependencies (what the firewall must allow). Nothing when there is nothing to
 * report.
 */
export function renderPosture(plan: Pick<Plan, "posture">, style: Style): string[] {
  const lines: string[] = [];
  for (const ws of plan.posture?.workspaces ?? []) {
    for (const rule of ws.outboundRules) {
      lines.push(
        `  ${ws.key}: outbound rule ${rule.name} (${rule.type} to ${describeDestination(rule.type, rule.destination)}) ${style.yellow("PFN205")}`,
      );
    }
    const account = ws.storageAccount?.split("/").pop() ?? "";
    if (ws.storageAccount !== undefined && ws.roleAssignments === undefined) {
      lines.push(style.dim(`  ${ws.key}: role assignments at storage account ${account} were not read`));
    }
    for (const assignment of ws.roleAssignments?.direct ?? []) {
      lines.push(
        `  ${ws.key}: at storage account ${account}: ${describeAssignment(assignment, "direct")} ${style.yellow("PFN206")}`,
      );
    }
    for (const assignment of ws.roleAssignments?.inherited ?? []) {
      lines.push(
        `  ${ws.key}: at storage account ${account}: ${describeAssignment(assignment, "inherited")} ${style.dim("(information)")}`,
      );
    } // What the user's firewall must allow (own VNet): the workspace's own list.
    for (const dependency of ws.outboundDependencies ?? []) {
      const ports = dependency.ports.length > 0 ? `:${dependency.ports.join(",")}` : "";
      lines.push(
        `  ${ws.key}: firewall must allow outbound ${dependency.domainName}${ports} (${dependency.category}) ${style.dim("(information)")}`,
      );
    }
  }
  if (lines.length === 0) return [];
  return [
    "",
    style.bold("Posture report") +
      " (pfnet does not manage these and changes or deletes none of them; review them):",
    ...lines,
  ];
}

export function renderPlan(plan: Plan, style: Style, options: RenderPlanOptions = {}): string {
  const out: string[] = [];
  for (const note of options.notes ?? []) out.push(style.dim(note));
  const changing = plan.steps.filter((step) => step.action !== "noop");
  const unchanged = plan.steps.length - changing.length;

  const destroying = plan.origin.mode === "destroy";
  if (destroying) out.push(style.bold("Destroy plan: removes what pfnet created for the spec."));
  if (changing.length === 0 && destroying) {
    out.push(style.green(style.bold("No changes. Nothing pfnet creates for this spec exists.")));
    out.push(`pfnet checked ${plural(plan.steps.length, "resource")} and found nothing to remove.`);
  } else if (changing.length === 0) {
    out.push(style.green(style.bold(NO_CHANGES)));
    out.push(
      `pfnet compared ${plural(plan.steps.length, "resource")} with what is live and found nothing to do.`,
    );
  } else {
    const used = ACTION_ORDER.filter((action) => changing.some((step) => step.action === action));
    out.push("pfnet will perform the following actions. Symbols:");
    out.push(
      `  ${used.map((action) => `${colorAction(action, ACTION_SYMBOL[action], style)} ${ACTION_LEGEND[action as Exclude<PlanAction, "noop">]}`).join("   ")}`,
    );
    const weakening = changing.filter((step) => step.weakens);
    if (weakening.length > 0) {
      const gated = weakening.filter((step) => step.weakens?.some((w) => w.gated)).length;
      out.push(
        `  ${gated > 0 ? `${style.red(WEAKENS_SYMBOL.gated)} weakens isolation: ${plural(gated, "step")} (apply needs --allow-weaken)   ` : ""}${weakening.length > gated ? `${style.yellow(WEAKENS_SYMBOL.marked)} widens egress: ${plural(weakening.length - gated, "step")} (review)` : ""}`.trimEnd(),
      );
    }
    out.push("");
    for (const step of changing) {
      out.push(renderStep(step, style));
      out.push("");
    }
    const waiting = changing.filter((step) => step.waits && step.waits.length > 0);
    if (waiting.length > 0) {
      out.push(style.bold("Expected waits (Azure time):"));
      for (const step of waiting) out.push(`  ${step.address}: ${describeWaits(step.waits ?? [])}`);
      out.push("");
    }
    out.push(style.bold(summaryLine(plan)) + (unchanged > 0 ? style.dim(` ${unchanged} unchanged.`) : ""));
    for (const step of closingIngress(changing)) {
      out.push("");
      out.push(
        `${style.yellow("note:")} ${describeTarget(step)} will accept connections only through private endpoints to it.\n` +
          "      pfnet does not create that private endpoint: add one in the virtual network your users and\n" +
          "      apps connect from (with its privatelink.api.azureml.ms and privatelink.notebooks.azure.net DNS zones).",
      );
    }
  }

  if (plan.unmanaged.length > 0) {
    out.push("");
    out.push(`pfnet leaves ${plural(plan.unmanaged.length, "resource")} alone that the spec does not list:`);
    for (const resource of plan.unmanaged) {
      out.push(`  ${resource.address} ${style.dim(`(${kindName(resource.kind)})`)}`);
    }
  }

  if (destroying) {
    out.push("");
    out.push(renderDestroyLeaves(plan.origin.topology, style));
  }

  if (plan.origin.targets && plan.origin.targets.length > 0) {
    out.push("");
    out.push(
      style.yellow(
        `Warning: this plan is partial. It holds only ${plan.origin.targets.join(", ")} and what ${plan.origin.targets.length === 1 ? "it depends" : "they depend"} on (--target);`,
      ),
    );
    out.push(
      style.yellow(
        "  other changes the spec needs are not planned. Use --target for exceptions (repairing one resource), then run a full plan.",
      ),
    );
  }

  out.push(...renderPosture(plan, style));

  const { spec } = options;
  const notes = plan.diagnostics
    .filter((d) => d.severity !== "error")
    .map((d) => {
      const location = d.location ?? (spec && d.path ? spec.locate(d.path) : undefined);
      return location ? { ...d, location } : d;
    });
  if (notes.length > 0) {
    out.push("");
    out.push(renderDiagnostics(notes, style, spec?.file));
  }
  return `${out.join("\n")}\n`;
}
