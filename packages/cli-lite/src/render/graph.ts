/**
 * The dependency graph as Mermaid (GitHub renders it) or Graphviz DOT. An edge points from a
 * step to the steps that wait for it. Nodes are grouped by workspace.
 */
import type { PlanAction, PlanStep } from "@pfnet/core";
import { ACTION_SYMBOL, describeTarget } from "./plan.js";

export type GraphFormat = "mermaid" | "dot";

export interface GraphNode {
  address: string;
  kind: PlanStep["kind"];
  identity: Record<string, unknown>;
  dependsOn: readonly string[];
  /** Absent for a graph of the spec alone (`--offline`). */
  action?: PlanAction;
}

/** `workspace.<key>...` → `<key>`; other addresses have no group. */
function groupOf(address: string): string | undefined {
  const match = /^workspace\.([^.]+)/.exec(address);
  return match?.[1];
}

function labelOf(node: GraphNode): string {
  const target = describeTarget(node);
  if (!node.action) return target;
  if (node.action === "noop") return `${target} (no change)`;
  return `${ACTION_SYMBOL[node.action]} ${node.action}: ${target}`;
}

const mermaidText = (value: string) => value.replace(/"/g, "#quot;");
const dotText = (value: string) => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"');

const MERMAID_CLASSES: Record<PlanAction, string> = {
  create: "fill:#e6ffed,stroke:#2da44e",
  update: "fill:#fff8c5,stroke:#bf8700",
  replace: "fill:#ffebe9,stroke:#cf222e",
  delete: "fill:#ffebe9,stroke:#cf222e",
  provision: "fill:#ddf4ff,stroke:#0969da",
  approve: "fill:#ddf4ff,stroke:#0969da",
  noop: "fill:#f6f8fa,stroke:#8c959f",
};

const DOT_COLORS: Record<PlanAction, string> = {
  create: "#2da44e",
  update: "#bf8700",
  replace: "#cf222e",
  delete: "#cf222e",
  provision: "#0969da",
  approve: "#0969da",
  noop: "#8c959f",
};

function sorted(nodes: readonly GraphNode[]): GraphNode[] {
  return [...nodes].sort((a, b) => a.address.localeCompare(b.address));
}

function groups(nodes: readonly GraphNode[]): Map<string | undefined, GraphNode[]> {
  const byGroup = new Map<string | undefined, GraphNode[]>();
  for (const node of nodes) {
    const key = groupOf(node.address);
    byGroup.set(key, [...(byGroup.get(key) ?? []), node]);
  }
  return byGroup;
}

export function renderMermaid(input: readonly GraphNode[]): string {
  const nodes = sorted(input);
  const ids = new Map(nodes.map((node, index) => [node.address, `n${index}`]));
  const lines = ["flowchart LR"];
  for (const [group, members] of groups(nodes)) {
    const indent = group === undefined ? "  " : "    ";
    if (group !== undefined)
      lines.push(`  subgraph ws_${group.replace(/[^a-zA-Z0-9_]/g, "_")}["workspace ${mermaidText(group)}"]`);
    for (const node of members) {
      const cls = node.action ? `:::${node.action}` : "";
      lines.push(`${indent}${ids.get(node.address)}["${mermaidText(labelOf(node))}"]${cls}`);
    }
    if (group !== undefined) lines.push("  end");
  }
  for (const node of nodes) {
    for (const dependency of [...node.dependsOn].sort()) {
      const from = ids.get(dependency);
      if (from) lines.push(`  ${from} --> ${ids.get(node.address)}`);
    }
  }
  const actions = new Set(nodes.map((node) => node.action).filter((action) => action !== undefined));
  for (const action of [...actions].sort()) lines.push(`  classDef ${action} ${MERMAID_CLASSES[action]}`);
  return `${lines.join("\n")}\n`;
}

export function renderDot(input: readonly GraphNode[]): string {
  const nodes = sorted(input);
  const lines = [
    "digraph pfnet {",
    "  rankdir=LR;",
    '  node [shape=box, style="rounded", fontname="Helvetica"];',
  ];
  for (const [group, members] of groups(nodes)) {
    const indent = group === undefined ? "  " : "    ";
    if (group !== undefined) {
      lines.push(`  subgraph "cluster_${dotText(group)}" {`);
      lines.push(`    label="workspace ${dotText(group)}";`);
    }
    for (const node of members) {
      const color = node.action ? `, color="${DOT_COLORS[node.action]}"` : "";
      lines.push(`${indent}"${dotText(node.address)}" [label="${dotText(labelOf(node))}"${color}];`);
    }
    if (group !== undefined) lines.push("  }");
  }
  const known = new Set(nodes.map((node) => node.address));
  for (const node of nodes) {
    for (const dependency of [...node.dependsOn].sort()) {
      if (known.has(dependency)) lines.push(`  "${dotText(dependency)}" -> "${dotText(node.address)}";`);
    }
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

export function renderGraph(nodes: readonly GraphNode[], format: GraphFormat): string {
  return format === "dot" ? renderDot(nodes) : renderMermaid(nodes);
}
