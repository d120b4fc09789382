/** What every command gets, and the steps they share: read the input, load and check the spec, plan. */
import { readFile, stat } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import {
  type Diagnostic,
  describeBytes,
  isPfnetError,
  type LoadedSpec,
  loadSpec,
  MAX_SPEC_BYTES,
  PfnetError,
  type PfnetEvent,
  type Plan,
  type Provider,
  plan,
  pointer,
  validate,
} from "@pfnet/core";
import type { CommandName, Flags } from "../args.js";
import { CliError } from "../errors.js";
import type { CliInternals, CliIo, TtyFlags } from "../io.js";
import type { JsonLines } from "../json-lines.js";
import { createProvider, describeFsError, providerSettings } from "../provider.js";
import { sortDiagnostics } from "../render/diagnostics.js";
import type { Style } from "../style.js";

export interface CommandContext {
  command: CommandName;
  io: CliIo;
  internals: CliInternals;
  flags: Flags;
  /** The positional arguments, as many as the command's registry entry allows. */
  positionals: string[];
  /** The first positional argument: a spec file (or, for apply, a saved plan); "" when none. */
  input: string;
  /** Styles for stdout and stderr (colour decided per stream). */
  out: Style;
  err: Style;
  tty: TtyFlags;
  signal: AbortSignal;
  /**
   * With `--json`: the stream to write to (stdout is the stream's alone). runCli has written its
   * first line and writes errors and the last line; the command writes what it has in between.
   */
  json?: JsonLines;
}

/** A saved plan for a fleet is a few MB; anything this large is not a pfnet file. */
const MAX_PLAN_BYTES = 100 * 1024 * 1024;

export async function readInput(ctx: CommandContext): Promise<string> {
  const file = resolve(ctx.io.cwd, ctx.input);
  try {
    // Refuse an oversized file before reading it. apply may be given a saved plan, which may be
    // larger than a spec; the spec loader still applies the spec limit to what it reads.
    const { size } = await stat(file);
    const limit = ctx.command === "apply" ? MAX_PLAN_BYTES : MAX_SPEC_BYTES;
    if (size > limit) {
      throw new CliError(
        `'${ctx.input}' is ${describeBytes(size)}; pfnet reads ${ctx.command === "apply" ? "plan files" : "specs"} up to ${describeBytes(limit)}. Nothing was read or changed.`,
        "Check that this is the right file: a spec for a whole fleet is well under 1 MB.",
      );
    }
    return await readFile(file, "utf8");
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      `Cannot read '${ctx.input}': ${describeFsError(error)}.`,
      `Check the path${isAbsolute(ctx.input) ? "" : ` (relative to ${ctx.io.cwd})`}. The examples/ folder has a spec per scenario.`,
      "FILE_UNREADABLE",
    );
  }
}

const key = (d: Diagnostic) => `${d.code}\u0000${d.path}\u0000${d.message}`;

/**
 * Load a spec and run every check (schema and rules), with file positions. Applies
 * `--subscription` first, so the checks see the subscription pfnet will use.
 */
export function loadAndCheck(text: string, file: string, subscription?: string): CheckedSpec {
  const loaded = loadSpec(text, { file });
  if (!loaded.topology) return { spec: loaded };
  const specSubscription = loaded.topology.subscriptionId;
  const topology =
    subscription === undefined ? loaded.topology : { ...loaded.topology, subscriptionId: subscription };
  const checked = validate(topology);
  // The loader has checked the file as written; checking again matters when --subscription changed
  // it, and repeats the loader's findings (without positions), which are dropped.
  const seen = new Set(loaded.diagnostics.map(key));
  const merged = [...loaded.diagnostics];
  for (const diagnostic of checked.diagnostics) {
    if (seen.has(key(diagnostic))) continue;
    seen.add(key(diagnostic));
    const location = diagnostic.location ?? loaded.locate(diagnostic.path);
    merged.push(location ? { ...diagnostic, location } : diagnostic);
  }
  return {
    spec: {
      file: loaded.file,
      topology,
      diagnostics: sortDiagnostics(merged),
      locate: (path: string) => loaded.locate(path),
    },
    specSubscription,
  };
}

export interface CheckedSpec {
  /** The spec as plan takes it (with `--subscription` applied) and every diagnostic. */
  spec: LoadedSpec;
  /** The subscription the spec file names (before `--subscription`). */
  specSubscription?: string;
}

/** Load and check; a spec with errors ends the command with its diagnostics (nothing read or changed). */
export function loadValidSpec(text: string, ctx: CommandContext): CheckedSpec {
  const checked = loadAndCheck(text, ctx.input, ctx.flags.subscription);
  const loaded = checked.spec;
  const errors = loaded.diagnostics.filter((d) => d.severity === "error");
  if (!loaded.topology || errors.length > 0) {
    throw new PfnetError(
      "SPEC_INVALID",
      `${ctx.input} has ${errors.length || 1} error${errors.length === 1 ? "" : "s"}.`,
      { details: { diagnostics: loaded.diagnostics } },
    );
  }
  return checked;
}

/** The provider the command line asks for (Azure, another cloud, or the emulator). */
export async function providerFor(ctx: CommandContext): Promise<Provider> {
  return createProvider(await providerSettings(ctx.flags, ctx.io), ctx.io, ctx.internals);
}

export interface PlannedSpec {
  plan: Plan;
  provider: Provider;
  /** Printed above the plan: where the subscription came from. */
  notes: string[];
  /** The spec the plan was made from: its warnings are shown with its file and line. */
  spec?: LoadedSpec;
}

/** The spec file relative to the working directory, with `/` separators (recorded in plans). */
export function specPathOf(ctx: CommandContext): string {
  return relative(ctx.io.cwd, resolve(ctx.io.cwd, ctx.input)).split(sep).join("/");
}

/**
 * The shared path of plan, apply and graph: check the spec text (stop on errors, before any
 * Azure call), build the provider, read Azure and plan.
 */
export async function planSpecText(
  ctx: CommandContext,
  text: string,
  onEvent: ((event: PfnetEvent) => void) | undefined,
): Promise<PlannedSpec> {
  const { spec, specSubscription } = loadValidSpec(text, ctx);
  const provider = await providerFor(ctx);
  const destroy = ctx.command === "destroy" || ctx.flags.destroy === true;
  const thePlan = await plan(spec, provider, {
    signal: ctx.signal,
    specPath: specPathOf(ctx),
    ...(ctx.flags.strict === true ? { strict: true } : {}),
    ...(onEvent ? { onEvent } : {}),
    ...(destroy ? { mode: "destroy" as const } : {}),
    ...(ctx.flags.target ? { targets: ctx.flags.target } : {}),
  }).catch((error: unknown) => {
    throw locatedInSpec(error, spec);
  });
  const { subscription } = ctx.flags;
  const notes =
    subscription !== undefined && specSubscription !== undefined && specSubscription !== subscription
      ? [`Subscription ${subscription} (from --subscription; the spec says ${specSubscription}).`]
      : [];
  return { plan: thePlan, provider, notes, spec };
}

/**
 * Point plan-time spec mistakes at the spec file: the diagnostics of a change Azure cannot make,
 * and a missing workspace.
 */
function locatedInSpec(error: unknown, spec: LoadedSpec): unknown {
  if (!isPfnetError(error)) return error;
  const diagnostics = error.details?.diagnostics;
  if ((error.code === "PLAN_FORBIDDEN" || error.code === "POSTURE_STRICT") && Array.isArray(diagnostics)) {
    const located = (diagnostics as Diagnostic[]).map((d) => {
      const location = d.location ?? (d.path ? spec.locate(d.path) : undefined);
      return location ? { ...d, location } : d;
    });
    return new PfnetError(error.code, error.message, {
      ...(error.address ? { address: error.address } : {}),
      ...(error.hint ? { hint: error.hint } : {}),
      details: { ...error.details, diagnostics: located },
      cause: error,
    });
  }
  // An error that names its spec path (a service id nothing has), or a missing workspace.
  let path = error.path;
  if (path === undefined && error.code === "WORKSPACE_NOT_FOUND" && error.address) {
    const key = error.address.split(".")[1];
    if (key && spec.topology?.workspaces[key]) path = pointer("workspaces", key);
  }
  if (path === undefined || error.details?.location !== undefined) return error;
  const location = spec.locate(path);
  if (!location) return error;
  return new PfnetError(error.code, error.message, {
    ...(error.address ? { address: error.address } : {}),
    path,
    ...(error.hint ? { hint: error.hint } : {}),
    details: { ...error.details, location },
    cause: error,
  });
}

/**
 * Where planning reports: the `--json` stream, or stderr lines, so a slow read does not look
 * like a hang.
 */
export function planProgress(ctx: CommandContext): (event: PfnetEvent) => void {
  if (ctx.json) return ctx.json.event;
  const where = ctx.flags.endpoint ?? "Azure";
  return (event) => {
    if (event.type === "plan.started") {
      ctx.io.stderr.write(
        ctx.err.dim(`Reading the live state of ${event.nodes} resources from ${where}...\n`),
      );
    } else if (event.type === "step.retrying") {
      ctx.io.stderr.write(ctx.err.yellow(`  ${event.address}: retrying (${event.reason})\n`));
    }
  };
}
