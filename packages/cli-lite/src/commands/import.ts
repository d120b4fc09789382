/** `pfnet import <ARM id>...`: the spec that describes existing workspaces (reads only). */
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { formatImportedSpec, importTopology } from "@pfnet/core";
import { CliError, CliUsageError, EXIT } from "../errors.js";
import { describeFsError } from "../provider.js";
import { type CommandContext, providerFor } from "./context.js";

export async function runImport(ctx: CommandContext): Promise<number> {
  const { flags, io } = ctx;
  if (flags.subscription !== undefined) {
    throw new CliUsageError("--subscription does not apply to import: the ARM ids name the subscription");
  }
  const ids = ctx.positionals;
  const provider = await providerFor(ctx);
  const result = await importTopology(provider, ids, { signal: ctx.signal });
  const yaml = formatImportedSpec(result, {
    header: [
      `Written by \`pfnet import\` from ${ids.join(" ")}.`,
      "Check it with `pfnet plan <this file>`: the plan shows no changes.",
    ],
  });
  if (flags.out !== undefined) {
    try {
      // "wx": never overwrite a spec someone may have edited.
      await writeFile(resolve(io.cwd, flags.out), yaml, { encoding: "utf8", flag: "wx" });
    } catch (error) {
      const exists = (error as { code?: unknown }).code === "EEXIST";
      throw new CliError(
        `Cannot write the spec to '${flags.out}': ${exists ? "the file exists" : describeFsError(error)}. Nothing was written.`,
        exists ? "Choose another file name, or remove the file first." : undefined,
      );
    }
  }
  if (ctx.json) {
    ctx.json.line("import", { topology: result.topology, notes: result.notes });
    return EXIT.ok;
  }
  const workspaces = Object.keys(result.topology.workspaces);
  const summary = [
    `Imported ${workspaces.length} workspace${workspaces.length === 1 ? "" : "s"}${workspaces.length > 0 ? ` (${workspaces.join(", ")})` : ""}.`,
    ...(result.notes.length > 0
      ? [`${result.notes.length} note${result.notes.length === 1 ? "" : "s"} on what the spec does not say:`]
      : []),
    ...result.notes.map((note) => `  ${note.path || "/"}: ${note.message}`),
  ];
  if (flags.out !== undefined) {
    io.stdout.write(
      `${summary.join("\n")}\nWrote ${flags.out}. Run \`pfnet plan ${flags.out}\` to check it.\n`,
    );
  } else {
    io.stdout.write(yaml);
    io.stderr.write(`${ctx.err.dim(summary.join("\n"))}\n`);
  }
  return EXIT.ok;
}
