/**
 * Fuzz: 5,000 seeded random mutations of the example specs through loadSpec (YAML text),
 * validateTopology and plan (in-memory provider). Nothing may throw except a PfnetError from
 * plan. Structural mutations keep most specs close to valid so that many reach the rules and
 * the planner; a share of text mutations exercises the parser.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isPfnetError, loadSpec, plan, validateTopology } from "@pfnet/core";
import { MemoryProvider, memoryWorkspace, seededRandom } from "@pfnet/core/testing";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { topologyJsonSchema } from "../src/spec/json-schema.js";

const ITERATIONS = 5_000;
const SEED = 20_261_126;
const EXAMPLES_DIR = fileURLToPath(new URL("./fixtures/examples/", import.meta.url));
const SUBSCRIPTION = "11111111-2222-3333-4444-555555555555";
const RG = "rg-promptflow";
const ARM = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers`;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Field names, literal values (per field) and required fields the schema knows, so mutations stay plausible. */
function schemaVocabulary(): {
  fields: string[];
  literals: Json[];
  byField: Map<string, Json[]>;
  required: Set<string>;
} {
  const fields = new Set<string>();
  const literals: Json[] = [];
  const byField = new Map<string, Json[]>();
  const required = new Set<string>();
  const constsOf = (schema: Record<string, unknown>): Json[] =>
    Array.isArray(schema.anyOf)
      ? (schema.anyOf as Array<Record<string, unknown>>)
          .filter((v) => "const" in v)
          .map((v) => v.const as Json)
      : [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const record = node as Record<string, unknown>;
    if ("const" in record) literals.push(record.const as Json);
    if (Array.isArray(record.required)) for (const name of record.required as string[]) required.add(name);
    if (typeof record.properties === "object" && record.properties !== null) {
      for (const [key, property] of Object.entries(
        record.properties as Record<string, Record<string, unknown>>,
      )) {
        fields.add(key);
        const consts = constsOf(property);
        if (consts.length > 0) byField.set(key, [...(byField.get(key) ?? []), ...consts]);
      }
    }
    Object.values(record).forEach(visit);
  };
  visit(topologyJsonSchema());
  return { fields: [...fields], literals, byField, required };
}

const vocabulary = schemaVocabulary();
const FIELDS = [...vocabulary.fields, "colour", "__proto__", "constructor", "", "a/b", "~0"];
const VALUES: Json[] = [
  ...vocabulary.literals,
  "",
  " ",
  "x",
  "pf-ws",
  "pf-byo",
  "pf-deploy",
  "aoai",
  "search",
  "nonexistent",
  "a".repeat(40),
  "serpapi.com",
  "serpapi.com:8080",
  "https://serpapi.com/x",
  "*.blob.core.windows.net",
  "a.*.com",
  "AzureMonitor",
  "Storage.eastus",
  "443",
  "80, 8080-8089",
  "eastus",
  "🙂",
  `${ARM}/Microsoft.Network/virtualNetworks/vnet-pf/subnets/snet-compute`,
  `${ARM}/Microsoft.CognitiveServices/accounts/aoai-pf`,
  `${ARM}/Microsoft.Storage/storageAccounts/stpfdeploy`,
  "/subscriptions/x",
  0,
  1,
  -1,
  443,
  1.5,
  true,
  false,
  null,
  [],
  {},
  ["aoai"],
  ["serpapi.com", "serpapi.com"],
  [{ serviceTag: "AzureMonitor" }],
  { ingress: "private" },
  { kind: "kubernetes", ingress: "public" },
  { network: "managed", ingress: "private", egress: "private" },
  { network: "byo", ingress: "public", egress: "public" },
];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** Every container (object or array) in the document with its path, for picking a target. */
function containers(root: Json): Array<Json[] | { [key: string]: Json }> {
  const found: Array<Json[] | { [key: string]: Json }> = [];
  const walk = (node: Json): void => {
    if (Array.isArray(node)) {
      found.push(node);
      node.forEach(walk);
    } else if (typeof node === "object" && node !== null) {
      found.push(node);
      Object.values(node).forEach(walk);
    }
  };
  walk(root);
  return found;
}

const STRING_LITERALS = vocabulary.literals.filter((value): value is string => typeof value === "string");

/** Mostly a value of the same kind (an enum literal for a string, the flipped boolean), else anything. */
function similarValue(current: Json, random: () => number): Json {
  if (random() < 0.3) return pick(random, VALUES);
  if (typeof current === "string")
    return pick(random, random() < 0.7 ? STRING_LITERALS : VALUES.filter((v) => typeof v === "string"));
  if (typeof current === "boolean") return !current;
  return pick(random, VALUES);
}

function mutateStructure(root: Json, random: () => number): Json {
  const targets = containers(root);
  const target = pick(random, targets);
  const clone = <T>(value: T): T => structuredClone(value);
  if (Array.isArray(target)) {
    const op = random();
    if (op < 0.3 && target.length > 0) target.splice(Math.floor(random() * target.length), 1);
    else if (op < 0.6) target.push(clone(pick(random, VALUES)));
    else if (op < 0.8 && target.length > 0) target.push(clone(target[Math.floor(random() * target.length)]!));
    else if (target.length > 0) target[Math.floor(random() * target.length)] = clone(pick(random, VALUES));
    return root;
  }
  const keys = Object.keys(target);
  const op = random();
  if (op < 0.2 && keys.length > 0) {
    delete target[pick(random, keys)];
  } else if (op < 0.55 && keys.length > 0) {
    const key = pick(random, keys);
    target[key] = clone(similarValue(target[key]!, random));
  } else if (op < 0.7 && keys.length > 0) {
    const from = pick(random, keys);
    const value = target[from]!;
    delete target[from];
    Object.defineProperty(target, pick(random, FIELDS), {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else if (op < 0.85) {
    Object.defineProperty(target, pick(random, FIELDS), {
      value: clone(pick(random, VALUES)),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else if (keys.length > 0) {
    // Copy an entry under a new name (a second workspace, endpoint, service ...).
    target[`${pick(random, keys)}-copy`] = clone(target[pick(random, keys)]!);
  }
  return root;
}

const LIST_ITEMS = [
  "aoai",
  "search",
  "safety",
  "files",
  "locked",
  "nonexistent",
  "serpapi.com",
  "*.pythonhosted.org",
  "api.example.com:80",
  "x.blob.core.windows.net",
  "a.com:8080",
  "a-b.com",
  "a.b.com",
  "serverless",
  "computeInstance",
];

/** Rule-level mutations: the schema stays valid, the combination may not be (reaches rules and plan). */
function mutateGently(root: Json, random: () => number): Json {
  const objects = containers(root).filter((node): node is { [key: string]: Json } => !Array.isArray(node));
  const arrays = containers(root).filter((node): node is Json[] => Array.isArray(node));
  const op = random();
  if (op < 0.4) {
    const candidates = objects.flatMap((object) =>
      Object.keys(object)
        .filter((key) => vocabulary.byField.has(key) && typeof object[key] !== "object")
        .map((key) => ({ object, key })),
    );
    if (candidates.length > 0) {
      const { object, key } = pick(random, candidates);
      object[key] = pick(random, vocabulary.byField.get(key)!);
    }
  } else if (op < 0.6) {
    const candidates = objects.flatMap((object) =>
      Object.keys(object)
        .filter((key) => !vocabulary.required.has(key))
        .map((key) => ({ object, key })),
    );
    if (candidates.length > 0) {
      const { object, key } = pick(random, candidates);
      delete object[key];
    }
  } else if (op < 0.8) {
    const maps = objects.filter((object) =>
      Object.values(object).every((v) => typeof v === "object" && v !== null),
    );
    const map = maps.length > 0 ? pick(random, maps) : undefined;
    const keys = map ? Object.keys(map) : [];
    if (map && keys.length > 0) {
      const key = pick(random, keys);
      map[`${key}-2`] = structuredClone(map[key]!);
    }
  } else {
    const lists = arrays.filter((array) => array.every((item) => typeof item === "string"));
    if (lists.length > 0) pick(random, lists).push(pick(random, LIST_ITEMS));
  }
  return root;
}

function mutateText(text: string, random: () => number): string {
  const at = Math.floor(random() * (text.length + 1));
  const op = random();
  if (op < 0.25) return text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 5));
  if (op < 0.5)
    return (
      text.slice(0, at) +
      pick(random, [":", "-", " ", "\n", "[", "{", "'", '"', "&a", "*a", "\t", "#", "!"]) +
      text.slice(at)
    );
  if (op < 0.7) return text.slice(0, at);
  const lines = text.split("\n");
  const i = Math.floor(random() * lines.length);
  const j = Math.floor(random() * lines.length);
  [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  return lines.join("\n");
}

function provider(): MemoryProvider {
  return new MemoryProvider({
    state: {
      workspaces: [
        memoryWorkspace({ subscriptionId: SUBSCRIPTION, resourceGroup: RG, name: "pf-ws" }),
        memoryWorkspace({
          subscriptionId: SUBSCRIPTION,
          resourceGroup: RG,
          name: "pf-byo",
          publicNetworkAccess: "Disabled",
          computes: ["aks-pf"],
        }),
      ],
    },
  });
}

describe("fuzz: load + validate + plan never throw on user input", () => {
  const examples = readdirSync(EXAMPLES_DIR)
    .filter((name) => name.endsWith(".yaml"))
    .sort()
    .map((name) => ({ name, value: parse(readFileSync(`${EXAMPLES_DIR}${name}`, "utf8")) as Json }));

  it("the examples themselves are valid and plan", async () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const example of examples) {
      const loaded = loadSpec(stringify(example.value), { file: example.name });
      expect(
        loaded.diagnostics.filter((d) => d.severity === "error"),
        example.name,
      ).toEqual([]);
      const result = await plan(loaded, provider()).catch((error: unknown) => error);
      // The two-workspace example may stop at a plan-time rule (pf-byo has a compute); nothing else.
      if (isPfnetError(result))
        expect(result.code, `${example.name}: ${result.message}`).toBe("SPEC_INVALID");
    }
  });

  it(`${ITERATIONS} seeded mutations`, { timeout: 120_000 }, async () => {
    const random = seededRandom(SEED);
    const stats = { planned: 0, rejected: 0, loadErrors: 0, textMutations: 0 };
    for (let i = 0; i < ITERATIONS; i++) {
      const example = examples[i % examples.length]!;
      let value = structuredClone(example.value);
      const gentle = random() < 0.6;
      const rounds = 1 + Math.floor(random() * 3);
      for (let r = 0; r < rounds; r++)
        value = gentle ? mutateGently(value, random) : mutateStructure(value, random);
      let text = stringify(value);
      if (random() < 0.15) {
        text = mutateText(text, random);
        stats.textMutations++;
      }
      const context = `iteration ${i} (seed ${SEED}, example ${example.name})\n${text}`;

      let loaded: ReturnType<typeof loadSpec>;
      try {
        loaded = loadSpec(text, { file: `fuzz-${i}.yaml` });
        validateTopology(value);
      } catch (error) {
        throw new Error(`loadSpec/validateTopology threw at ${context}\n${String(error)}`);
      }
      for (const diagnostic of loaded.diagnostics) {
        if (!diagnostic.location || diagnostic.message.includes("internal error")) {
          throw new Error(`bad diagnostic ${JSON.stringify(diagnostic)} at ${context}`);
        }
      }
      if (loaded.diagnostics.some((d) => d.severity === "error")) stats.loadErrors++;

      try {
        await plan(loaded, provider());
        stats.planned++;
      } catch (error) {
        if (!isPfnetError(error))
          throw new Error(`plan threw a non-PfnetError at ${context}\n${String(error)}`);
        stats.rejected++;
      }
    }
    // The fuzz must exercise both sides: specs that plan and specs that are rejected.
    expect(stats.planned).toBeGreaterThan(ITERATIONS * 0.1);
    expect(stats.loadErrors).toBeGreaterThan(ITERATIONS * 0.2);
    expect(stats.textMutations).toBeGreaterThan(0);
  });
});
