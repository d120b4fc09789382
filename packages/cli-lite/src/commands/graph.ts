/** `pfnet graph <spec>`: the plan's dependency graph as Mermaid or DOT. */
import { expand } from "@pfnet/core";
import { EXIT } from "../errors.js";
import { createProvider, providerSettings } from "../provider.js";
import { type GraphNode, renderGraph } from "../render/graph.js";
import { type CommandContext, loadValidSpec, makePlan, planProgress, readInput } from "./context.js";

export async function runGraph(ctx: CommandContext): Promise<number> {
  const text = await readInput(ctx);
  const { spec } = loadValidSpec(text, ctx);
  let nodes: GraphNode[];
  if (ctx.flags.offline && spec.topology) {
    nodes = expand(spec.topology).map((node) => ({
      address: node.address,
      kind: node.kind,
      identity: node.identity as unknown as Record<string, unknown>,
      dependsOn: node.dependsOn,
    }));
  } else {
    const provider = await createProvider(await providerSettings(ctx.flags, ctx.io), ctx.io, ctx.internals);
    const thePlan = await makePlan(ctx, spec, provider, planProgress(ctx));
    nodes = thePlan.steps.map((step) => ({
      address: step.address,
      kind: step.kind,
      identity: step.identity,
      dependsOn: step.dependsOn,
      action: step.action,
    }));
  }
  ctx.io.stdout.write(renderGraph(nodes, ctx.flags.format));
  return EXIT.ok;
}
