/**
 * The docs stay true: generated sections are current, relative links point at files, and the
 * reference pages (CLI, plan format, events) name exactly what the code has.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { PLAN_ACTIONS, PLAN_FORMAT_VERSION, PlanSchema, RESOURCE_KINDS } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { renderReadmeValidate, renderScenarioPage, SCENARIOS } from "../scripts/docs.js";
import { COMMANDS, optionNames, USAGE } from "../src/args.js";
import { EXIT } from "../src/errors.js";
import { REPO_ROOT } from "./helpers.js";
import { describeMember, literalsOfType, membersOf, unionVariants } from "./type-members.js";

const read = (file: string) => readFileSync(join(REPO_ROOT, file), "utf8");

/** The rows (cells, header and separator dropped) of the first table under a heading. */
function table(doc: string, heading: string): string[][] {
  const from = doc.indexOf(`\n${heading}\n`);
  if (from < 0) throw new Error(`no heading ${heading}`);
  const lines = doc.slice(from).split("\n");
  const first = lines.findIndex((line) => line.startsWith("|"));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(
      line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((cell) => cell.trim().replace(/\\\|/g, "|")),
    );
  }
  return rows;
}

/** The text inside each pair of backticks. */
const ticks = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((match) => match[1]!);
const names = (rows: string[][]) => rows.map((row) => ticks(row[0]!)[0]);

describe("generated sections", () => {
  // On failure: run `pnpm --filter @pfnet/cli-lite docs:generate` and commit the result.
  it.each(SCENARIOS)(
    "$page shows its example and the graph pfnet draws for it",
    async ({ page, example }) => {
      const current = read(page);
      expect(current).toBe(await renderScenarioPage(page, example));
      expect(current).toContain("```mermaid\nflowchart LR\n");
    },
  );

  it("the README's validate example is what pfnet prints", async () => {
    const readme = read("README.md");
    expect(await renderReadmeValidate(readme)).toBe(readme);
  });
});

describe("links", () => {
  it("has no broken relative links in the README and the user docs", () => {
    const pages = [
      "README.md",
      ...readdirSync(join(REPO_ROOT, "docs"))
        .filter((f) => f.endsWith(".md"))
        .map((f) => `docs/${f}`),
      ...readdirSync(join(REPO_ROOT, "docs/scenarios")).map((f) => `docs/scenarios/${f}`),
    ];
    const broken: string[] = [];
    for (const page of pages) {
      for (const match of read(page).matchAll(/\]\(([^)\s#]+)(#[^)]*)?\)/g)) {
        const target = match[1]!;
        if (/^[a-z]+:/.test(target)) continue;
        if (!existsSync(join(REPO_ROOT, dirname(page), target))) broken.push(`${page} -> ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe("the CLI reference (docs/cli.md)", () => {
  const doc = read("docs/cli.md");
  const options = table(doc, "## Options").map(([flag, commands]) => ({
    name: /--([a-z-]+)/.exec(flag!)?.[1],
    commands: commands!,
  }));

  it("documents every option of every command, and only those", () => {
    for (const command of COMMANDS) {
      for (const name of optionNames(command)) {
        const row = options.find((option) => option.name === name);
        expect(row, `--${name}`).toBeDefined();
        expect(
          row!.commands.startsWith("all") || row!.commands.includes(command),
          `--${name} ${command}`,
        ).toBe(true);
        expect(USAGE[command], `pfnet ${command} --help`).toContain(`--${name}`);
      }
    }
    for (const option of options) {
      if (option.name === "version") continue;
      const takers = COMMANDS.filter((command) => optionNames(command).includes(option.name!));
      expect(takers.length, `--${option.name}`).toBeGreaterThan(0);
      if (!option.commands.startsWith("all")) expect(option.commands.split(", ")).toEqual(takers);
    }
  });

  it("documents every exit code", () => {
    const codes = table(doc, "## Exit codes").map((row) => Number(row[0]));
    expect(codes.sort()).toEqual(Object.values(EXIT).sort());
    for (const code of Object.values(EXIT)) expect(USAGE.main).toContain(`${code} `);
  });

  it("documents every environment variable the CLI reads", () => {
    const documented = names(table(doc, "## Environment"));
    const sources = readdirSync(join(REPO_ROOT, "packages/cli-lite/src"), { recursive: true })
      .filter((file) => String(file).endsWith(".ts"))
      .map((file) => read(`packages/cli-lite/src/${file}`))
      .join("\n");
    const used = new Set([...sources.matchAll(/env\.([A-Z_]+)/g)].map((match) => match[1]!));
    expect(used.size).toBeGreaterThan(0);
    for (const variable of used) expect(documented, variable).toContain(variable);
  });
});

describe("the plan format (docs/plan-format.md) matches the plan file schema (packages/core/src/plan/schema.ts)", () => {
  const doc = read("docs/plan-format.md");
  const stepSchema = PlanSchema.properties.steps.items;
  const actions = [...PLAN_ACTIONS];

  type TObject = { properties: Record<string, unknown>; required?: string[] };
  type TSchema = unknown;
  /** The fields of a TypeBox object schema, in order; optional when not required. */
  const fieldsOf = (schema: TObject) =>
    Object.keys(schema.properties).map((name) => ({
      name,
      optional: !(schema.required ?? []).includes(name),
    }));
  /** The string literals of a TypeBox union of literals. */
  const literalsOf = (schema: TSchema) =>
    ((schema as { anyOf?: Array<{ const: string }> }).anyOf ?? []).map((s) => s.const);

  /** Every field of the schema has a row, in order; a field is optional exactly when its type ends in `?`. */
  function expectSchemaRows(heading: string, schema: TObject, extra: string[] = []) {
    const rows = table(doc, heading);
    const members = fieldsOf(schema);
    expect(names(rows)).toEqual([...members.map((member) => member.name), ...extra]);
    for (const member of members) {
      const row = rows.find((cells) => ticks(cells[0]!)[0] === member.name)!;
      expect(row[1]!.endsWith("?"), `${heading} ${member.name}`).toBe(member.optional);
    }
    return rows;
  }
  /** Every field of the type has a row, in order; a field is optional exactly when its type ends in `?`. */
  function expectRows(heading: string, file: string, type: string, extra: string[] = []) {
    const rows = table(doc, heading);
    const members = membersOf(file, type);
    expect(names(rows)).toEqual([...members.map((member) => member.name), ...extra]);
    for (const member of members) {
      const row = rows.find((cells) => ticks(cells[0]!)[0] === member.name)!;
      expect(row[1]!.endsWith("?"), `${type}.${member.name}`).toBe(member.optional);
    }
    return rows;
  }
  const rowOf = (rows: string[][], name: string) =>
    rows.find((cells) => ticks(cells[0]!)[0] === name)!.join(" ");

  it("top level: every field of Plan, and the file's checksum", () => {
    const rows = expectSchemaRows("## Top level", PlanSchema, ["checksum"]);
    const summary = /\{ ([a-z, ]+) \}/.exec(rowOf(rows, "summary"))?.[1]?.split(", ");
    expect(summary?.sort()).toEqual([...actions].sort());
    expect(rowOf(rows, "formatVersion")).toContain(`\`${PLAN_FORMAT_VERSION}\``);
  });

  it("origin: every field, every mode", () => {
    const origin = PlanSchema.properties.origin;
    const rows = expectSchemaRows("## Origin", origin);
    const modes = literalsOf(origin.properties.mode);
    expect(modes).toEqual(["apply", "destroy"]);
    expect(ticks(rowOf(rows, "mode")).filter((t) => /^[a-z]+$/.test(t))).toEqual(
      expect.arrayContaining(modes),
    );
  });

  it("steps: every field of PlanStep, every kind, action and wait", () => {
    const rows = expectSchemaRows("## Steps", stepSchema);
    const kinds = [...RESOURCE_KINDS];
    const listed = (name: string) => ticks(rows.find((cells) => cells[0] === `\`${name}\``)![2]!).sort();
    expect(listed("kind")).toEqual([...kinds].sort());
    expect(listed("action")).toEqual([...actions].sort());
    const waits = rowOf(rows, "waits");
    const waitSchema = stepSchema.properties.waits.items;
    for (const member of fieldsOf(waitSchema)) expect(waits).toContain(member.name);
    const waitKinds = literalsOf(waitSchema.properties.kind);
    expect(waitKinds.length).toBeGreaterThan(0);
    for (const literal of waitKinds) expect(waits).toContain(`"${literal}"`);
  });

  it("posture: every field of a workspace's posture and of a posture assignment", () => {
    const workspace = PlanSchema.properties.posture.properties.workspaces.items;
    const rows = expectSchemaRows("## Posture", workspace);
    const rule = workspace.properties.outboundRules.items;
    expect(rowOf(rows, "outboundRules")).toContain(
      `{ ${fieldsOf(rule)
        .map((f) => f.name)
        .join(", ")} }`,
    );
    const assignment = workspace.properties.roleAssignments.properties.direct.items;
    const assignmentRows = expectSchemaRows("### Posture assignments", assignment);
    for (const why of literalsOf(assignment.properties.why.items))
      expect(rowOf(assignmentRows, "why")).toContain(`\`${why}\``);
  });

  it("diagnostics and unmanaged resources: every field", () => {
    const rows = expectRows("## Diagnostics", "packages/core/src/diagnostics.ts", "Diagnostic");
    const location = membersOf("packages/core/src/diagnostics.ts", "SourceLocation").map(describeMember);
    expect(rowOf(rows, "location")).toContain(`{ ${location.join(", ")} }`);
    expect(rowOf(rows, "severity")).toContain(
      literalsOfType("packages/core/src/diagnostics.ts", "Severity")
        .map((s) => `\`${s}\``)
        .join(", ")
        .replace(/, (?=[^,]*$)/, " or "),
    );
    expectRows("## Unmanaged resources", "packages/core/src/model.ts", "DiscoveredResource");
  });
});

describe("the events (docs/events.md) match packages/core/src/events.ts", () => {
  const doc = read("docs/events.md");
  const EVENTS = "packages/core/src/events.ts";

  it("lists every event type with exactly its fields", () => {
    const rows = table(doc, "## Event types");
    const documented = rows.map(([type, fields]) => ({
      type: ticks(type!)[0],
      fields: ticks(fields!).join(", "),
    }));
    const actual = unionVariants(EVENTS, "PfnetEvent").map(({ type, fields }) => ({
      type,
      fields: fields.map(describeMember).join(", "),
    }));
    expect(documented).toEqual(actual);
  });

  it("names the common fields, every outcome, and the fields of errors and pending approvals", () => {
    for (const member of membersOf(EVENTS, "EventBase")) expect(doc).toContain(`\`${member.name}\``);
    const outcomes = doc.slice(doc.indexOf("\nOutcomes:"));
    for (const outcome of literalsOfType(EVENTS, "StepOutcome")) expect(outcomes).toContain(`\`${outcome}\``);
    const fields = (file: string, type: string) => membersOf(file, type).map(describeMember).join(", ");
    expect(outcomes).toContain(`\`error: { ${fields("packages/core/src/errors.ts", "SerializedError")} }\``);
    expect(outcomes).toContain(`\`pending: { ${fields(EVENTS, "PendingApproval")} }\``);
  });
});

describe("the --json stream (docs/events.md) matches the schema and the CLI's error codes", () => {
  const doc = read("docs/events.md");
  const schema = JSON.parse(read("packages/cli-lite/schema/stream.schema.json")) as {
    properties: { type: { enum: string[] } };
  };

  it("lists every line type of the schema", () => {
    const listed = table(doc, "## The stream").flatMap((row) => ticks(row[0]!));
    const events = unionVariants("packages/core/src/events.ts", "PfnetEvent").map((event) => event.type);
    const own = schema.properties.type.enum.filter((type) => !events.includes(type));
    expect(own.length).toBeGreaterThan(3);
    for (const type of own) expect(listed, type).toContain(type);
    for (const type of listed.filter((t) => !t.includes(".")))
      expect(schema.properties.type.enum).toContain(type);
  });

  it("explains every error code of the CLI", () => {
    const codes = names(table(doc, "### Error codes"));
    expect(codes.sort()).toEqual(literalsOfType("packages/cli-lite/src/errors.ts", "CliErrorCode").sort());
  });
});
