/** `pfnet graph <spec>`: the plan's dependency graph as Mermaid or DOT. */
import { expand } from "@pfnet/core";
import { EXIT } from "../errors.js";
import { type GraphNode, renderGraph } from "../render/graph.js";
import { type CommandContext, loadValidSpec, planProgress, planSpecText, readInput } from "./context.js";

export async function runGraph(ctx: CommandContext): Promise<number> {
  const text = await readInput(ctx);
  let nodes: GraphNode[];
  if (ctx.flags.offline) {
    const { topology } = loadValidSpec(text, ctx).spec;
    nodes = topology
      ? expand(topology).map((node) => ({
          address: node.address,
          kind: node.kind,
          identity: node.identity as unknown as Record<string, unknown>,
          dependsOn: node.dependsOn,
        }))
      : [];
  } else {
    nodes = (await planSpecText(ctx, text, planProgress(ctx))).plan.steps;
  }
  if (ctx.json) {
    ctx.json.line("graph", {
      nodes: nodes.map(({ address, kind, action, dependsOn }) => ({
        address,
        kind,
        ...(action ? { action } : {}),
        dependsOn,
      })),
    });
    return EXIT.ok;
  }
  ctx.io.stdout.write(renderGraph(nodes, ctx.flags.format === "dot" ? "dot" : "mermaid"));
  return EXIT.ok;
}
