/**
 * The plan file schema: one TypeBox definition gives the TypeScript types of a plan (`Static`)
 * and the runtime shape check of `parsePlan`. Objects pfnet defines are closed
 * (`additionalProperties: false`): an unknown field in a plan file is refused, never ignored.
 * Identities and desired values are open records here; re-derivation (`verify.ts`) checks them
 * against what expansion makes from the embedded topology.
 */
import { type Static, type TLiteral, type TUnion, Type } from "@sinclair/typebox";
import type { Diagnostic } from "../diagnostics.js";
import { type DiscoveredResource, RESOURCE_KINDS } from "../model.js";
import type { Posture } from "../rules/posture.js";
import type { Topology } from "../spec/schema.js";

/**
 * Version of the plan file format. 2: the plan embeds its origin (topology, spec path, mode),
 * `specHash` is the embedded topology's hash, optional `signature`, `weakens` on steps.
 */
export const PLAN_FORMAT_VERSION = 2;

const closed = { additionalProperties: false } as const;
/** A union of string literals (TypeBox names the allowed values in its errors). */
function literals<const T extends readonly string[]>(
  values: T,
): TUnion<{ -readonly [K in keyof T]: TLiteral<T[K]> }> {
  return Type.Union(values.map((value) => Type.Literal(value))) as never;
}

export const PLAN_ACTIONS = [
  "create",
  "update",
  "delete",
  "replace",
  "provision",
  "approve",
  "noop",
] as const;
export const PlanActionSchema = literals(PLAN_ACTIONS);

const JsonObject = Type.Record(Type.String(), Type.Unknown());

export const PlanWaitSchema = Type.Object(
  {
    kind: literals(["provisioning", "propagation", "approval", "firewall"] as const),
    /** Human label, e.g. "provisioning the managed network". Display only. */
    label: Type.String(),
    /** Expected duration in seconds of Azure time (before any emulator time scale). */
    expectedSeconds: Type.Number({ minimum: 0 }),
  },
  closed,
);

/** A change a step makes that widens exposure (declared per kind, kinds/<kind>.ts). */
export const WeakeningSchema = Type.Object(
  {
    /** Stable name of the change, e.g. `ingressPublic`. */
    change: Type.String(),
    /** Apply needs the user's consent (`--allow-weaken`, `allowWeaken`). */
    gated: Type.Boolean(),
    /** The change in words. */
    description: Type.String(),
  },
  closed,
);

export const PlanStepSchema = Type.Object(
  {
    address: Type.String({ minLength: 1 }),
    kind: literals(RESOURCE_KINDS),
    action: PlanActionSchema,
    /** The node identity (how the provider finds the resource). */
    identity: JsonObject,
    /** Actual properties (null when absent). */
    before: Type.Union([JsonObject, Type.Null()]),
    /** Desired properties (null for delete). */
    after: Type.Union([JsonObject, Type.Null()]),
    /** JSON pointers of the properties that differ, e.g. `/publicNetworkAccess`. */
    changedPaths: Type.Array(Type.String()),
    /** Why this step exists, in words. Display only. */
    reason: Type.String(),
    dependsOn: Type.Array(Type.String()),
    lane: Type.Optional(Type.String()),
    /** Estimated duration range in seconds (Azure time). */
    estimatedSeconds: Type.Optional(
      Type.Object({ min: Type.Number({ minimum: 0 }), max: Type.Number({ minimum: 0 }) }, closed),
    ),
    waits: Type.Optional(Type.Array(PlanWaitSchema)),
    /**
     * Check the step's fingerprint against a fresh read right before its write. False for steps
     * whose resource an earlier step of this plan is expected to change (e.g. an approval after
     * provisioning).
     */
    guard: Type.Boolean(),
    /** What the step widens (absent when nothing): re-derived from `before` and `after` by apply. */
    weakens: Type.Optional(Type.Array(WeakeningSchema, { minItems: 1 })),
  },
  closed,
);

/**
 * The embedded topology. Its shape and rules are checked by re-derivation (`SPEC_INVALID` with
 * the diagnostics), so the file schema only requires an object here.
 */
const TopologySchema = Type.Unsafe<Topology>(Type.Object({}, { additionalProperties: true }));

/**
 * How a plan was made. `mode` says which derivation re-makes its steps (`origin.ts`); `targets`
 * restricts any mode to those steps and what they depend on. New modes and restrictions add
 * their literal or optional field here (see docs/plan-format.md "Extending the format").
 */
export const PlanOriginSchema = Type.Object(
  {
    /**
     * `apply`: make the resources match the topology (deletes only unlisted rules on request).
     * `destroy`: remove what pfnet creates for the topology (rules, storage role, own-VNet
     * private endpoints, DNS zone groups, NSG rules); workspaces and settings stay.
     */
    mode: literals(["apply", "destroy"] as const),
    /** The validated topology the plan was made from, as canonical JSON (sorted keys). */
    topology: TopologySchema,
    /** The spec file, relative to the working directory of `pfnet plan` (`/` separators). */
    specPath: Type.Optional(Type.String({ minLength: 1 })),
    /**
     * `--target`: the step addresses the plan was restricted to; it holds them and every step
     * they depend on, nothing else (a partial plan). Absent: the whole mode.
     */
    targets: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
  },
  closed,
);

const LocationSchema = Type.Object(
  { file: Type.Optional(Type.String()), line: Type.Integer(), column: Type.Integer() },
  closed,
);
export const DiagnosticSchema = Type.Object(
  {
    code: Type.String(),
    severity: literals(["error", "warning", "info"] as const),
    path: Type.String(),
    message: Type.String(),
    hint: Type.Optional(Type.String()),
    location: Type.Optional(LocationSchema),
  },
  closed,
);

export const DiscoveredResourceSchema = Type.Object(
  {
    kind: literals(RESOURCE_KINDS),
    address: Type.String(),
    identity: JsonObject,
    properties: JsonObject,
    fingerprint: Type.String(),
  },
  closed,
);

const PostureAssignmentSchema = Type.Object(
  {
    id: Type.String(),
    scope: Type.String(),
    roleDefinitionId: Type.String(),
    role: Type.Optional(Type.String()),
    principalId: Type.String(),
    principalType: Type.String(),
    why: Type.Array(literals(["workspaceIdentity", "privilegedRole"] as const), { minItems: 1 }),
  },
  closed,
);

/**
 * The posture report (rules/posture.ts): what pfnet does not manage but a reviewer must see.
 * Informational: read from Azure like `before` and `unmanaged`, covered by the checksum and the
 * signature, never re-derived, and never read by apply.
 */
export const PostureSchema = Type.Object(
  {
    workspaces: Type.Array(
      Type.Object(
        {
          key: Type.String(),
          name: Type.String(),
          outboundRules: Type.Array(
            Type.Object(
              {
                name: Type.String(),
                address: Type.String(),
                type: Type.String(),
                destination: Type.Unknown(),
              },
              closed,
            ),
          ),
          outboundDependencies: Type.Optional(
            Type.Array(
              Type.Object(
                {
                  category: Type.String(),
                  domainName: Type.String(),
                  ports: Type.Array(Type.Integer({ minimum: 0, maximum: 65535 })),
                },
                closed,
              ),
            ),
          ),
          storageAccount: Type.Optional(Type.String()),
          roleAssignments: Type.Optional(
            Type.Object(
              { direct: Type.Array(PostureAssignmentSchema), inherited: Type.Array(PostureAssignmentSchema) },
              closed,
            ),
          ),
        },
        closed,
      ),
    ),
  },
  closed,
);

export const PlanSchema = Type.Object(
  {
    formatVersion: Type.Literal(PLAN_FORMAT_VERSION),
    /** sha256 of the canonical JSON of `origin.topology`. */
    specHash: Type.String({ pattern: "^[0-9a-f]{64}$" }),
    /** Name of the provider the plan was made with (e.g. `azure`, `memory`). */
    provider: Type.String(),
    origin: PlanOriginSchema,
    steps: Type.Array(PlanStepSchema),
    diagnostics: Type.Array(DiagnosticSchema),
    /** Fingerprint of every resource read while planning, by address. */
    fingerprints: Type.Record(Type.String(), Type.String()),
    /** Resources found that the spec does not list and that pfnet leaves alone. */
    unmanaged: Type.Array(DiscoveredResourceSchema),
    /** The posture report; absent in plans made before it existed. Informational, never acted on. */
    posture: Type.Optional(PostureSchema),
    summary: Type.Object(
      Object.fromEntries(PLAN_ACTIONS.map((action) => [action, Type.Integer({ minimum: 0 })])) as {
        [A in (typeof PLAN_ACTIONS)[number]]: ReturnType<typeof Type.Integer>;
      },
      closed,
    ),
    /** Plan files only: `hmac-sha256:<hex>` over the canonical JSON of the rest (see sign.ts). */
    signature: Type.Optional(Type.String({ pattern: "^hmac-sha256:[0-9a-f]{64}$" })),
  },
  closed,
);

export type PlanAction = Static<typeof PlanActionSchema>;
export type PlanWait = Static<typeof PlanWaitSchema>;
export type PlanOrigin = Static<typeof PlanOriginSchema>;
export type PlanMode = PlanOrigin["mode"];
export type PlanStep = Static<typeof PlanStepSchema>;
export type Weakening = Static<typeof WeakeningSchema>;
export type Plan = Static<typeof PlanSchema>;

// The schema and the contracts elsewhere describe the same shapes (compile-time check).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShapes: [
  Same<Static<typeof DiagnosticSchema>, Diagnostic>,
  Same<Static<typeof DiscoveredResourceSchema>, DiscoveredResource>,
  Same<Static<typeof PostureSchema>, Posture>,
] = [true, true, true];
void sameShapes;
