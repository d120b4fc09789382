/**
 * Every command in one table: its line in `pfnet --help`, its own help, its options, what its
 * argument is, and how to load it. Adding a command is one entry here plus its module.
 *
 * The table is read on every start (for `--help`, argument checks and dispatch), so it holds
 * text and data only: a command's module, and with it `@pfnet/core` or the Azure SDK, is
 * imported by `load` only when that command runs (`pfnet --version` and `--help` load neither).
 * Keep it that way: import nothing here but types and `../errors.js`.
 */
import type { OptionSpec } from "../args.js";
import { CliUsageError } from "../errors.js";
import type { CommandContext } from "./context.js";

/**
 * Where the docs live for someone who installed the package (no repository at hand): help texts
 * link here, never to repository paths.
 */
export const DOCS_URL = "https://github.com/pfnet-dev/pfnet/blob/main/docs";

const TRACE_HELP = `  --trace FILE        Write a redacted JSON-lines record of every HTTP exchange with Azure
                      (also PFNET_TRACE=FILE; ${DOCS_URL}/azure-assumptions.md)
  --approve-connection ID
                      The private-endpoint connection (ARM id) that is the workspace's, when
                      pfnet lists several candidates; repeat for several services`;

/** `--approve-connection`: the ARM id of a private-endpoint connection on a service. */
function connectionId(value: string): string {
  if (!/^\/subscriptions\/.+\/privateEndpointConnections\/[^/]+$/i.test(value)) {
    throw new CliUsageError(
      `--approve-connection must be the ARM id of a private-endpoint connection (…/privateEndpointConnections/NAME), not '${value}'`,
    );
  }
  return value;
}
export type CommandRunner = (ctx: CommandContext) => Promise<number>;

export interface CommandSpec {
  /** `pfnet --help`'s command list: the synopsis (`plan <spec>`) and one line after it. */
  synopsis: string;
  summary: string;
  /** `pfnet <command> --help` above the shared options. */
  help: string;
  /** Options of this command besides the shared ones (name without `--` -> spec). */
  options: Record<string, OptionSpec>;
  /**
   * The command's one positional argument, as the "needs ..." message names it ("a spec file"),
   * or `undefined` when it takes none.
   */
  input: string | undefined;
  /** True when the command takes one or more such arguments (`pfnet import ID...`). */
  manyInputs?: boolean;
  /** Whether the exit codes block belongs under this command's help. */
  exitCodesInHelp?: boolean;
  /** Import the command's module (only when it runs). */
  load: () => Promise<CommandRunner>;
}

export const COMMAND_SPECS = {
  validate: {
    synopsis: "validate <spec>",
    summary: "Check a spec offline: every problem with file:line:column, code and hint",
    input: "a spec file",
    options: { json: { type: "boolean" }, format: { type: "string", choices: ["text", "sarif"] } },
    help: `Usage: pfnet validate <spec> [options]

Check a spec without calling Azure: the schema, then every rule (what Azure supports for
prompt flow). Prints every diagnostic as file:line:column, severity, code, message and hint.
Exits 0 when there is no error (warnings allowed), 1 otherwise.

Options:
  --json              JSON Lines on stdout (${DOCS_URL}/events.md): a line per diagnostic, then the result
                      with valid, the counts and the exit code
  --format FORMAT     text (default) or sarif: SARIF 2.1.0 for code scanning (${DOCS_URL}/ci.md)`,
    load: async () => (await import("./validate.js")).runValidate,
  },
  plan: {
    synopsis: "plan <spec>",
    summary: "Read Azure and show what apply would change",
    input: "a spec file",
    options: {
      out: { type: "string" },
      json: { type: "boolean" },
      format: { type: "string", choices: ["text", "markdown"] },
      "detailed-exitcode": { type: "boolean" },
      "plan-key-file": { type: "string" },
      strict: { type: "boolean" },
      trace: { type: "string" },
      "approve-connection": { type: "string", multiple: true, parse: connectionId },
      destroy: { type: "boolean" },
      target: { type: "string", multiple: true },
    },
    help: `Usage: pfnet plan <spec> [options]

Read what exists in Azure and print what apply would do: each step with its action symbol,
the changed properties as before -> after, the reason, warnings and the expected waits.
Nothing is changed.

Options:
  --out FILE          Save the plan as JSON; apply it later with \`pfnet apply FILE\`
  --json              JSON Lines on stdout (${DOCS_URL}/events.md): planning events, diagnostics,
                      the plan (${DOCS_URL}/plan-format.md) and the result
  --format FORMAT     text (default) or markdown: for a pull-request comment (${DOCS_URL}/ci.md)
  --detailed-exitcode Exit 0 when there are no changes, 2 when there are, 1 on error
  --plan-key-file F   Sign the saved plan with the key in file F (default: PFNET_PLAN_KEY, if set)
  --destroy           Plan what \`pfnet destroy\` would remove (save it with --out, apply it later)
  --target ADDRESS    Plan only this step and what it depends on (repeatable; the plan is partial)
  --strict            Fail (exit 1, no plan saved) on posture findings made directly at a
                      workspace: unlisted outbound rules, role assignments at its storage account,
                      computes outside the stated subnets or with public IPs
                      (${DOCS_URL}/security.md#posture-report)
${TRACE_HELP}`,
    load: async () => (await import("./plan.js")).runPlan,
  },
  apply: {
    synopsis: "apply <spec | plan file>",
    summary: "Make Azure match the spec (asks first unless --auto-approve)",
    input: "a spec or saved plan file",
    options: {
      "auto-approve": { type: "boolean" },
      concurrency: { type: "string", parse: wholeNumber("--concurrency", 1, 64) },
      json: { type: "boolean" },
      spec: { type: "string" },
      "plan-key-file": { type: "string" },
      "trust-plan-file": { type: "boolean" },
      "allow-weaken": { type: "boolean" },
      strict: { type: "boolean" },
      trace: { type: "string" },
      "approve-connection": { type: "string", multiple: true, parse: connectionId },
      state: { type: "string" },
      target: { type: "string", multiple: true },
      "skip-verify": { type: "boolean" },
    },
    exitCodesInHelp: true,
    help: `Usage: pfnet apply <spec | plan file> [options]

Plan (or load a saved plan), show it, ask for confirmation, then apply it. A saved plan is
applied only when it is one pfnet makes from the spec it embeds and a witness vouches for that
spec (the spec file, or a signature); one whose resources changed in Azure since it was made is
refused. Refused plans write nothing.
Progress goes to stderr; the summary to stdout.

Options:
  --auto-approve      Do not ask; needed when stdin is not a terminal (CI) and with --json
  --concurrency N     Steps run at the same time, 1-64 (default 10; writes to one workspace never overlap)
  --json              JSON Lines on stdout (${DOCS_URL}/events.md): planning and apply events,
                      diagnostics, the plan, errors and the result with the exit code
  --spec FILE         A saved plan must have been made from this spec (default: the spec at the
                      path the plan records, when it is there)
  --plan-key-file F   A saved plan must be signed with the key in file F (default: PFNET_PLAN_KEY)
  --trust-plan-file   Apply a saved plan that no spec or signature vouches for (${DOCS_URL}/security.md)
  --allow-weaken      Consent to steps marked ! that weaken isolation (also needed with --auto-approve)
  --state DIR|URL     Journal and workspace locks: a directory (default .pfnet) or
                      azblob://account/container/prefix (shared by CI runners; ${DOCS_URL}/ci.md)
  --target ADDRESS    Apply only this step and what it depends on (repeatable; specs only: a saved
                      plan holds its targets)
  --strict            With a spec: refuse (exit 1, nothing written) on posture findings made
                      directly at a workspace, as \`pfnet plan --strict\` does
  --skip-verify       Do not end with Azure's diagnosis of the changed workspaces (\`pfnet verify\`);
                      by default an error it finds makes the exit code 1
${TRACE_HELP}`,
    load: async () => (await import("./apply.js")).runApply,
  },
  destroy: {
    synopsis: "destroy <spec>",
    summary: "Remove what pfnet created for the spec (asks first); settings and workspaces stay",
    input: "a spec file",
    options: {
      "auto-approve": { type: "boolean" },
      concurrency: { type: "string", parse: wholeNumber("--concurrency", 1, 64) },
      json: { type: "boolean" },
      "allow-weaken": { type: "boolean" },
      target: { type: "string", multiple: true },
      trace: { type: "string" },
      state: { type: "string" },
    },
    exitCodesInHelp: true,
    help: `Usage: pfnet destroy <spec> [options]

Plan the removal of what pfnet created for the spec — its user-defined outbound rules, the
storage role assignment, own-VNet private endpoints, DNS zone groups and NSG rules — show it,
ask, and apply it. Settings stay as they are (public access, isolation mode: pfnet keeps no
record of earlier values, and isolation modes only tighten); workspaces and online endpoints are
never deleted. Removing a private path while the service may still be reachable publicly
(a private-endpoint rule under internet outbound, an own-VNet private endpoint or its DNS zone
group) weakens isolation: such steps are marked ! and need --allow-weaken. To review first:
\`pfnet plan --destroy --out FILE\`, then \`pfnet apply FILE\`.

Options:
  --auto-approve      Do not ask; needed when stdin is not a terminal (CI) and with --json
  --concurrency N     Steps run at the same time, 1-64 (default 10)
  --json              JSON Lines on stdout (${DOCS_URL}/events.md): planning and apply events,
                      diagnostics, the plan, errors and the result with the exit code
  --allow-weaken      Consent to steps marked ! that weaken isolation (also needed with --auto-approve)
  --target ADDRESS    Remove only this step's resource and what it depends on (repeatable)
  --state DIR|URL     Journal and workspace locks, as for apply (default .pfnet; ${DOCS_URL}/ci.md)
  --trace FILE        Write a redacted JSON-lines record of every HTTP exchange with Azure
                      (also PFNET_TRACE=FILE; ${DOCS_URL}/azure-assumptions.md)`,
    load: async () => (await import("./apply.js")).runDestroy,
  },
  graph: {
    synopsis: "graph <spec>",
    summary: "Print the dependency graph of the plan (Mermaid or DOT)",
    input: "a spec file",
    options: {
      format: { type: "string", choices: ["mermaid", "dot"] },
      offline: { type: "boolean" },
      json: { type: "boolean" },
    },
    help: `Usage: pfnet graph <spec> [options]

Print the dependency graph of the plan: one node per step (with its action), an edge from
each step to the steps that wait for it, grouped by workspace.

Options:
  --format FORMAT     mermaid (default) or dot
  --offline           Graph the spec alone, without reading Azure (no actions shown)
  --json              JSON Lines on stdout (${DOCS_URL}/events.md): the nodes with their dependencies`,
    load: async () => (await import("./graph.js")).runGraph,
  },
  show: {
    synopsis: "show <plan file>",
    summary: "Print a saved plan as `plan` printed it (or its JSON), without reading Azure",
    input: "a saved plan file",
    options: { json: { type: "boolean" } },
    help: `Usage: pfnet show <plan file> [options]

Print a plan saved by \`pfnet plan --out\`: the same text \`pfnet plan\` printed when it made the
file. Nothing is read from Azure and nothing is changed; a damaged or edited file is refused.

Options:
  --json              JSON Lines on stdout (${DOCS_URL}/events.md): the plan
                      (${DOCS_URL}/plan-format.md) and the result`,
    load: async () => (await import("./show.js")).runShow,
  },
  output: {
    synopsis: "output <spec>",
    summary: "After apply: the firewall's public IP, private endpoints, how clients get in",
    input: "a spec file",
    options: { json: { type: "boolean" } },
    help: `Usage: pfnet output <spec> [options]

Read Azure for the workspaces of the spec and print what you need after apply: the managed
network's Azure Firewall public IP (allow-list it at outside hosts), each reached service's
private endpoint and connection status, and, when ingress is private, the private endpoint
clients need to reach the workspace. Nothing is changed.

Options:
  --json              JSON Lines on stdout (${DOCS_URL}/events.md): the outputs
                      (${DOCS_URL}/cli.md#output) and the result`,
    load: async () => (await import("./output.js")).runOutput,
  },
  verify: {
    synopsis: "verify <spec>",
    summary: "Run Azure's own diagnosis of each workspace (DNS, NSG, routes, dependencies)",
    input: "a spec file",
    options: { json: { type: "boolean" }, trace: { type: "string" } },
    exitCodesInHelp: true,
    help: `Usage: pfnet verify <spec> [options]

Ask Azure to diagnose the setup of every workspace of the spec (Workspaces_Diagnose: DNS
resolution, network security rules, user-defined routes, resource locks, the storage account,
key vault, container registry and Application Insights) and print its findings. \`pfnet apply\`
runs the same diagnosis for the workspaces it changed. Exits 1 when a finding is an error.
Nothing is changed.

Options:
  --json              JSON Lines on stdout (${DOCS_URL}/events.md): the diagnosis and the result
  --trace FILE        Write a redacted JSON-lines record of every HTTP exchange with Azure
                      (also PFNET_TRACE=FILE; ${DOCS_URL}/azure-assumptions.md)`,
    load: async () => (await import("./verify.js")).runVerify,
  },
  import: {
    synopsis: "import <ARM id>...",
    summary: "Write the spec that describes existing workspaces (by id, or all in a resource group)",
    input: "a workspace or resource group ARM id",
    manyInputs: true,
    options: { out: { type: "string" }, json: { type: "boolean" } },
    help: `Usage: pfnet import <ARM id>... [options]

Read existing workspaces and write the spec that describes them: network, ingress, egress,
firewall SKU, outbound rules as services / hosts / service tags (with the services declared),
online endpoints, the storage role. Give workspace ids
(/subscriptions/SUB/resourceGroups/RG/providers/Microsoft.MachineLearningServices/workspaces/NAME)
or resource group ids (/subscriptions/SUB/resourceGroups/RG: every workspace in it). What the spec
cannot say is left out and marked with a \`# pfnet import:\` comment; \`pfnet plan\` of the written
spec shows no changes. Nothing is changed in Azure.

Options:
  --out FILE          Write the spec to FILE (refused when FILE exists) instead of stdout
  --json              JSON Lines on stdout (${DOCS_URL}/events.md): the topology and its notes,
                      then the result, instead of YAML`,
    load: async () => (await import("./import.js")).runImport,
  },
  "force-unlock": {
    synopsis: "force-unlock <lock id>",
    summary: "Break the workspace lock of an apply that is gone (the LOCKED error names the id)",
    input: "a lock id",
    options: { state: { type: "string" } },
    help: `Usage: pfnet force-unlock <lock id> [options]

Break the workspace lock with this id, whoever holds it. The LOCKED error of a refused apply
names the id and the holder. Only for an apply that is gone and will not come back: a lock left
by a dead process on the same machine, or a blob lease (once it expires), frees itself.
Nothing in Azure is changed; the next apply resumes from the journal.

Options:
  --state DIR|URL     Where the locks live: a directory (default .pfnet) or
                      azblob://account/container/prefix (${DOCS_URL}/ci.md)`,
    load: async () => (await import("./force-unlock.js")).runForceUnlock,
  },
} satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMAND_SPECS;

/** The commands in help order. */
export const COMMANDS = Object.keys(COMMAND_SPECS) as CommandName[];

export function commandSpec(name: CommandName): CommandSpec {
  return COMMAND_SPECS[name];
}

export function isCommand(value: string): value is CommandName {
  return Object.hasOwn(COMMAND_SPECS, value);
}

/** A `parse` for whole-number options in [min, max]. */
function wholeNumber(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new CliUsageError(`${flag} must be a whole number from ${min} to ${max}, not '${value}'`);
    }
    return n;
  };
}
