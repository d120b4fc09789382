/**
 * What ajv alone cannot check in a body: fields its schema does not declare (swagger objects are
 * open, so ajv accepts any extra field) and swagger `discriminator` subtypes (the outbound rules,
 * the listed computes).
 */
import { absolute, type Json, type SpecIndex } from "./spec-index.js";

export class SchemaChecks {
  constructor(private readonly index: SpecIndex) {}

  /**
   * Fields of `value` that its schema does not declare. Swagger objects are open unless they say
   * otherwise, so ajv accepts any extra field; an emulator (or pfnet) that sends a field the spec
   * lacks (a workspace `etag`, `changeableIsolationModes`) is inventing it. Follows `$ref`,
   * `allOf`, `additionalProperties`, `items` and `x-ms-discriminator-value` subtypes.
   */
  undeclared(ref: string, value: unknown, at = ""): string[] {
    const node = this.resolve(ref);
    if (!node || value === null || typeof value !== "object") return [];
    if (Array.isArray(value)) {
      const items = node.schema.items as Json | undefined;
      if (!items) return [];
      return value.flatMap((v, i) => this.undeclared(this.refOf(items, node.base), v, `${at}/${i}`));
    }
    const declared = new Map<string, string>();
    let open = false;
    let additional: string | undefined;
    const collect = (n: { schema: Json; base: string }, seen: Set<string>) => {
      // A definition an excerpt does not vendor (storage.json NotVendored_*, the Network stubs
      // marked x-pfnet-not-vendored) is open.
      if (n.schema["x-pfnet-ref"] !== undefined || n.schema["x-pfnet-not-vendored"] !== undefined)
        open = true;
      for (const [name, prop] of Object.entries((n.schema.properties as Record<string, Json>) ?? {}))
        declared.set(name, this.refOf(prop, n.base));
      const ap = n.schema.additionalProperties;
      if (ap === true || (ap && typeof ap === "object" && Object.keys(ap).length === 0)) open = true;
      else if (ap && typeof ap === "object") additional = this.refOf(ap as Json, n.base);
      for (const part of (n.schema.allOf as Json[] | undefined) ?? []) {
        const r = this.refOf(part, n.base);
        if (seen.has(r)) continue;
        seen.add(r);
        const resolved = this.resolve(r);
        if (resolved) collect(resolved, seen);
      }
    };
    collect(node, new Set([ref]));
    // Discriminated subtypes declare the rest (swagger `discriminator` + `x-ms-discriminator-value`).
    const disc = node.schema.discriminator;
    if (typeof disc === "string") {
      const sub = this.subtypeOf(ref, String((value as Json)[disc] ?? ""));
      if (sub) {
        const resolved = this.resolve(sub);
        if (resolved) collect(resolved, new Set([sub, ref]));
      }
    }
    const hasShape = declared.size > 0 || additional !== undefined || node.schema.type === "object";
    if (open || !hasShape) return [];
    const out: string[] = [];
    for (const [key, v] of Object.entries(value as Json)) {
      const propRef = declared.get(key) ?? additional;
      if (propRef === undefined) {
        out.push(`${at}/${key} is not declared by ${ref.split("/").pop()}`);
        continue;
      }
      out.push(...this.undeclared(propRef, v, `${at}/${key}`));
    }
    return out;
  }

  /** A schema node as an absolute ref: its own `$ref`, or an inline node addressed by identity. */
  private refOf(schema: Json, base: string): string {
    const ref = schema.$ref as string | undefined;
    if (ref) return absolute(base, ref);
    const id = `inline:${this.inline.size}`;
    this.inline.set(id, { schema, base });
    return id;
  }

  private readonly inline = new Map<string, { schema: Json; base: string }>();

  private resolve(ref: string): { schema: Json; base: string } | undefined {
    if (ref.startsWith("inline:")) return this.inline.get(ref);
    const [file, pointer] = ref.split("#");
    const doc = this.index.docs.get(file!);
    let node: unknown = doc;
    for (const part of (pointer ?? "").split("/").filter(Boolean)) node = (node as Json | undefined)?.[part];
    if (!node || typeof node !== "object") return undefined;
    const inner = (node as Json).$ref as string | undefined;
    // A property that is only a `$ref` (plus annotations) is that definition.
    if (
      inner &&
      Object.keys(node as Json).every(
        (k) => k === "$ref" || k === "readOnly" || k.startsWith("x-") || k === "description",
      )
    )
      return this.resolve(absolute(file!, inner));
    return { schema: node as Json, base: file! };
  }

  /** The definition whose `x-ms-discriminator-value` (or name) is `value` and that extends `ref`. */
  private subtypeOf(ref: string, value: string): string | undefined {
    const [file, pointer] = ref.split("#");
    const base = pointer?.split("/").pop();
    const defs = (this.index.docs.get(file!)?.definitions as Record<string, Json> | undefined) ?? {};
    for (const [name, def] of Object.entries(defs)) {
      const tag = (def["x-ms-discriminator-value"] as string | undefined) ?? name;
      if (tag !== value) continue;
      const parents = ((def.allOf as Json[] | undefined) ?? []).map((p) => String(p.$ref ?? ""));
      if (parents.some((p) => p.endsWith(`/definitions/${base}`))) return `${file}#/definitions/${name}`;
    }
    return undefined;
  }

  /** Each listed compute against its `computeType` subtype (ComputeInstance, AmlCompute, AKS, …). */
  private computeSubtypes(ref: string, value: unknown): string[] {
    const base = `${ref.split("#")[0]!}#/definitions/Compute`;
    const out: string[] = [];
    for (const item of ((value as Json | null)?.value as Json[] | undefined) ?? []) {
      const compute = item?.properties as Json | undefined;
      const type = compute?.computeType;
      const sub = typeof type === "string" ? this.subtypeOf(base, type) : undefined;
      if (sub) out.push(...this.index.validate(sub, compute).map((e) => `compute ${item.name}: ${e}`));
    }
    return out;
  }

  /**
   * ajv does not follow swagger's `discriminator`: the outbound rules (the one polymorphic shape
   * pfnet writes) are checked against their `x-ms-discriminator-value` subtype as well.
   */
  subtypes(ref: string, value: unknown): string[] {
    if (ref.includes("machineLearningServices.json") && ref.endsWith("/PaginatedComputeResourcesList"))
      return this.computeSubtypes(ref, value);
    if (!ref.includes("workspaceRP.json")) return [];
    const file = ref.split("#")[0]!;
    const sub: Record<string, string> = {
      FQDN: "FqdnOutboundRule",
      PrivateEndpoint: "PrivateEndpointOutboundRule",
      ServiceTag: "ServiceTagOutboundRule",
    };
    const check = (rule: unknown, at: string): string[] => {
      const type = (rule as Json | null)?.type;
      if (typeof type !== "string" || !sub[type]) return [];
      return this.index.validate(`${file}#/definitions/${sub[type]}`, rule).map((e) => `${at}: ${e}`);
    };
    const v = value as Json;
    const out: string[] = [];
    const props = v?.properties as Json | undefined;
    if (ref.endsWith("/OutboundRuleBasicResource")) out.push(...check(props, "rule"));
    if (ref.endsWith("/OutboundRuleListResult"))
      for (const item of (v.value as Json[] | undefined) ?? [])
        out.push(...check(item.properties, `rule ${item.name}`));
    const lists = ref.endsWith("/WorkspaceListResult") ? ((v.value as Json[]) ?? []) : [v];
    if (/\/(Workspace|WorkspaceUpdateParameters|WorkspaceListResult)$/.test(ref)) {
      for (const ws of lists) {
        const rules = ((ws?.properties as Json | undefined)?.managedNetwork as Json | undefined)
          ?.outboundRules;
        for (const [name, rule] of Object.entries((rules as Json | undefined) ?? {}))
          if (rule !== null) out.push(...check(rule, `rule ${name}`));
      }
    }
    return out;
  }
}

const checks = new WeakMap<SpecIndex, SchemaChecks>();
/** The checks of one index (kept with it: inline schema nodes are addressed by identity). */
export function schemaChecks(index: SpecIndex): SchemaChecks {
  let c = checks.get(index);
  if (!c) {
    c = new SchemaChecks(index);
    checks.set(index, c);
  }
  return c;
}
