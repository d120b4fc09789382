/** Codes of reading and parsing the spec, and of the schema check (`PFN000`–`PFN009`). */
import type { RuleDraft } from "../catalogue.js";

export const LOAD_RULES: readonly RuleDraft[] = [
  {
    code: "PFN000",
    severity: "error",
    phase: "load",
    title: "Spec cannot be read or parsed",
    summary:
      "The spec file is missing, unreadable, empty, or not well-formed YAML/JSON. The diagnostic points at the line and column where parsing stopped.",
    why: "pfnet validates nothing and changes nothing until the whole spec parses.",
    reference: "YAML 1.2 / JSON syntax",
    hint: "Fix the syntax at the reported line and column (check indentation, quotes and brackets).",
  },
  {
    code: "PFN001",
    severity: "error",
    phase: "schema",
    title: "Unknown field",
    summary:
      "A field that the spec format does not define. Often a typo; the message suggests the closest field.",
    why: "An unknown field would otherwise be ignored silently, and the isolation you meant would not be applied.",
    reference: "[Spec reference](../reference/spec.md)",
    hint: "Remove the field or correct its name; the spec reference lists every field.",
  },
  {
    code: "PFN002",
    severity: "error",
    phase: "schema",
    title: "Wrong type",
    summary:
      "A value has the wrong type, e.g. a number where text is expected or a single value where a list is expected.",
    why: "pfnet maps every field to Azure settings; a value of the wrong type has no meaning there.",
    reference: "[Spec reference](../reference/spec.md)",
    hint: "Write the value in the expected type (quote numbers meant as text; use `[a, b]` for lists).",
  },
  {
    code: "PFN003",
    severity: "error",
    phase: "schema",
    title: "Value not allowed",
    summary:
      "A field accepts a fixed set of values and the spec uses another one. The message lists the allowed values.",
    why: "Each allowed value maps to a specific Azure setting (e.g. `egress: private` → `AllowOnlyApprovedOutbound`).",
    reference: "[Spec reference](../reference/spec.md)",
    hint: "Use one of the values listed in the message.",
  },
  {
    code: "PFN004",
    severity: "error",
    phase: "schema",
    title: "Missing required field",
    summary: "A required field is absent. The location points at the object that should contain it.",
    why: "pfnet does not guess network isolation: ingress, egress and the network model must be stated.",
    reference: "[Spec reference](../reference/spec.md)",
    hint: "Add the field named in the message.",
  },
  {
    code: "PFN005",
    severity: "error",
    phase: "schema",
    title: "Value has the wrong format",
    summary:
      "A text value does not match its expected format or length, e.g. an ARM resource id that does not start with `/subscriptions/`, or a subscription id that is not a GUID.",
    why: "Azure rejects malformed resource ids and names; pfnet catches them before any call.",
    reference: "[Spec reference](../reference/spec.md)",
    hint: "Write the value in the format given in the message.",
  },
  {
    code: "PFN006",
    severity: "error",
    phase: "load",
    title: "Duplicate key",
    summary:
      "The same key appears twice in one mapping. YAML keeps only one of them, so part of the spec would be lost.",
    why: "A silently dropped workspace or setting is worse than an error.",
    reference: "YAML 1.2: mapping keys are unique",
    hint: "Remove or rename one of the duplicate keys.",
  },
];
