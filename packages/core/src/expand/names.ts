/**
 * Naming: addresses of nodes and Azure names of the outbound rules pfnet derives. Shared by
 * expansion and the rules (duplicate-name and name-pattern checks see the same names).
 */
import { createHash } from "node:crypto";
import type { ServiceKind } from "../spec/schema.js";

/** Azure's pattern for workspace and outbound-rule names (3–33 characters). */
export const AZURE_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/;
const MAX_NAME = 33;

/*
 * Addresses are built with `join`, which makes one flat string, where a template literal makes a
 * chain of concatenation cells (and flattening it later a copy): a fleet's plan holds hundreds of
 * thousands of addresses. The workspace's own address, which every node of it names in its
 * dependencies and lane, is one string per workspace (the last one is kept: expansion goes
 * workspace by workspace).
 */
let lastKey: string | undefined;
let lastWorkspace = "";
const workspaceAddress = (key: string): string => {
  if (key !== lastKey) {
    lastKey = key;
    lastWorkspace = ["workspace.", key].join("");
  }
  return lastWorkspace;
};
const under = (key: string, ...rest: string[]) => ["workspace.", key, ...rest].join("");

let lastDependency: string | undefined;
let lastDependencies: string[] = [];

/**
 * The dependency list `[dependency]`, one frozen list shared by consecutive nodes that name the
 * same one (every rule and the storage role of a workspace depend on the workspace alone, its
 * approvals on its network): a fleet of 200,000 rules otherwise holds 200,000 equal lists. Frozen,
 * so no step can change its neighbours' dependencies; a change assigns a new list.
 */
export function dependsOnOnly(dependency: string): string[] {
  if (dependency !== lastDependency) {
    lastDependency = dependency;
    lastDependencies = Object.freeze([dependency]) as unknown as string[];
  }
  return lastDependencies;
}

export const address = {
  workspace: workspaceAddress,
  rule: (key: string, ruleName: string) => under(key, ".rule.", ruleName),
  network: (key: string) => under(key, ".network"),
  storageRole: (key: string) => under(key, ".storage-role"),
  approval: (key: string, service: string) => under(key, ".approval.", service),
  endpoint: (key: string, endpoint: string) => under(key, ".endpoint.", endpoint),
  privateEndpoint: (key: string, service: string) => under(key, ".pe.", service),
  dnsZoneGroup: (key: string, service: string) => under(key, ".pe.", service, ".dns"),
  nsgRule: (key: string, ruleName: string) => under(key, ".nsg.", ruleName),
  dependency: (key: string, dependency: string) => under(key, ".dependency.", dependency),
  /** The lane shared by every write to one workspace (parallel rule writes lose rules). */
  lane: workspaceAddress,
} as const;

/**
 * The spec key of the workspace a node, step or discovered resource belongs to: from its
 * identity's `workspace` when it has one, else from a `workspace.<key>…` address.
 */
export function workspaceKeyOf(identity: unknown, addr?: string): string | undefined {
  const workspace = (identity as { workspace?: { key?: unknown } } | undefined)?.workspace;
  if (typeof workspace?.key === "string") return workspace.key;
  return addr === undefined ? undefined : /^workspace\.([^.]+)/.exec(addr)?.[1];
}

const fitted = new Map<string, string>();

/** Fit a derived name into Azure's pattern: sanitise, and shorten with a stable hash suffix. */
export function fitName(raw: string): string {
  let name = fitted.get(raw);
  if (name === undefined) {
    name = computeFitName(raw);
    // Bounded memo: large specs derive the same names on every plan.
    if (fitted.size > 10_000) fitted.clear();
    fitted.set(raw, name);
  }
  return name;
}

function computeFitName(raw: string): string {
  let name = raw
    .replace(/[^a-zA-Z0-9_-]/g, "-")
    .replace(/-+/g, "-")
    .replace(/^[-_]+/, "")
    .replace(/[-_]+$/, "");
  if (name.length < 3) name = `${name}-rule`.replace(/^-/, "");
  if (name.length <= MAX_NAME) return name;
  const suffix = createHash("sha256").update(raw).digest("hex").slice(0, 6);
  return `${name.slice(0, MAX_NAME - 7).replace(/[-_]+$/, "")}-${suffix}`;
}

/** A bounded memo of a pure naming function, keyed by the spec's own strings. */
function memoByInput(derive: (input: string) => string): (input: string) => string {
  const names = new Map<string, string>();
  return (input) => {
    let name = names.get(input);
    if (name === undefined) {
      name = derive(input);
      if (names.size > 10_000) names.clear();
      names.set(input, name);
    }
    return name;
  };
}

/** Outbound rule name for a private endpoint to a declared service. */
export const privateEndpointRuleName = memoByInput((service) => fitName(`pe-${service}`));

/** Split `host[:port]` into its parts (port undefined when absent or not a number). */
export function parseHost(entry: string): { fqdn: string; port?: number } {
  // Most hosts have no port: skip the regular expression for them.
  if (!entry.includes(":")) return { fqdn: entry.trim().toLowerCase() };
  const match = /^(.*?):(\d+)$/.exec(entry.trim());
  if (!match) return { fqdn: entry.trim().toLowerCase() };
  return { fqdn: match[1]!.toLowerCase(), port: Number(match[2]) };
}

/** Outbound rule name for an outside host. */
export const fqdnRuleName = memoByInput((host) =>
  fitName(`fqdn-${parseHost(host).fqdn.replace(/^\*\./, "wildcard-")}`),
);

/** Outbound rule name for a service tag (explicit name wins). */
export const serviceTagRuleName = (tag: string, explicit?: string) => explicit ?? fitName(`tag-${tag}`);

/** Private-endpoint subresource (groupId) per service kind; undefined for `other`. */
export const DEFAULT_SUBRESOURCE: Record<ServiceKind, string | undefined> = {
  azureOpenAI: "account",
  aiServices: "account",
  contentSafety: "account",
  aiSearch: "searchService",
  storage: "blob",
  keyVault: "vault",
  containerRegistry: "registry",
  other: undefined,
};

/** Private DNS zones a private endpoint of a subresource needs (own VNet). */
export const PRIVATE_DNS_ZONES: Record<string, string[]> = {
  account: ["privatelink.cognitiveservices.azure.com", "privatelink.openai.azure.com"],
  searchService: ["privatelink.search.windows.net"],
  blob: ["privatelink.blob.core.windows.net"],
  file: ["privatelink.file.core.windows.net"],
  queue: ["privatelink.queue.core.windows.net"],
  table: ["privatelink.table.core.windows.net"],
  dfs: ["privatelink.dfs.core.windows.net"],
  vault: ["privatelink.vaultcore.azure.net"],
  registry: ["privatelink.azurecr.io"],
  amlworkspace: ["privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"],
};

/** Azure name of the private endpoint pfnet creates in an own VNet for a reached service. */
export const privateEndpointName = (workspaceName: string, service: string) =>
  `pe-${workspaceName}-${service}`;
