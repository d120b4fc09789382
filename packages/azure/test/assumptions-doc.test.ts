/**
 * docs/azure-assumptions.md covers every UNCONFIRMED item of pfnet's Azure research notes. The
 * list is vendored here (the notes live outside the repository): each item must have its section,
 * say what pfnet does and what happens if the assumption is wrong, and tell how to confirm it.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

/** The consolidated UNCONFIRMED list of the research notes (azure-facts, "UNCONFIRMED list"). */
const UNCONFIRMED: [number, string, RegExp][] = [
  [
    1,
    "V2 managedNetworks/{name} API shape and the exact OutboundRules_Post URL",
    /managedNetworks\/default[\s\S]*OutboundRules_Post/,
  ],
  [
    2,
    "Whether ML LROs also return Azure-AsyncOperation; cause of MissingApiVersionParameter when polling",
    /Azure-AsyncOperation[\s\S]*MissingApiVersionParameter/,
  ],
  [3, "ipAllowlist property name / api-version", /ipAllowlist/],
  [
    4,
    "API behaviour for FQDN/ServiceTag rules under AllowInternetOutbound; limits on number of rules / wildcard depth",
    /AllowInternetOutbound[\s\S]*wildcard/,
  ],
  [5, "Internet-outbound -> approved-outbound allowed or not (resolved: allowed)", /resolved/i],
  [6, "2025-04-30 change to PE auto-approval permissions", /2025-04-30/],
  [
    7,
    "Official current RBAC propagation figure; HTTP status of the AML 'operation in progress' conflict",
    /propagation[\s\S]*conflict/i,
  ],
  [
    8,
    "Names of PE connections created on target resources; api-versions for Search/Storage/KV/ACR PE-connection APIs",
    /name of the private endpoint[\s\S]*api-versions/,
  ],
  [9, "azurerm lacks firewall_sku", /firewall SKU/i],
  [
    10,
    "Partial-map PATCH semantics for managedNetwork.outboundRules; legacy online-endpoint egress flag name",
    /outboundRules[\s\S]*egress flag/,
  ],
];

const page = readFileSync(resolve(import.meta.dirname, "../../../docs/azure-assumptions.md"), "utf8");
/** The text of each "### UNCONFIRMED n — …" section. */
function section(n: number): string {
  const start = page.indexOf(`### UNCONFIRMED ${n} —`);
  if (start < 0) return "";
  const next = page.indexOf("\n### ", start + 1);
  return page.slice(start, next < 0 ? undefined : next);
}

describe("docs/azure-assumptions.md", () => {
  it("explains how to confirm with pfnet plan --trace and PFNET_TRACE", () => {
    expect(page).toContain("pfnet plan spec.yaml --trace trace.jsonl");
    expect(page).toContain("PFNET_TRACE");
    expect(page).toContain("[redacted]");
  });

  it.each(UNCONFIRMED)("item %i (%s) has its section", (n, _item, subject) => {
    const text = section(n);
    expect(text, `### UNCONFIRMED ${n}`).not.toBe("");
    expect(text).toMatch(subject);
    if (n === 5 || n === 9) return; // resolved / not an Azure behaviour: nothing to act on
    expect(text).toContain("**pfnet:**");
    expect(text).toContain("**If wrong:**");
    expect(text).toContain("**Confirm:**");
  });
});
