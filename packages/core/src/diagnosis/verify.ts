/**
 * Proof after apply: Azure's own diagnosis of each workspace's setup (DNS resolution, NSG, UDR,
 * storage, key vault, registry, resource locks — `Workspaces_Diagnose` in Azure), so that
 * "applied" also means "works". `verify` runs it alone for a spec; `apply` runs it for the
 * workspaces it changed (`ApplyOptions.verify`). Reads only; a provider without `diagnose`
 * cannot verify, which the result says instead of claiming success.
 */
import { createEmitter } from "../emitter.js";
import { PfnetError, type SerializedError, serializeError } from "../errors.js";
import type { EventListener } from "../events.js";
import { workspaceRef } from "../expand/expand.js";
import { Limiter } from "../graph/limiter.js";
import type { WorkspaceRef } from "../model.js";
import { resolveSpec } from "../plan/spec-input.js";
import type { Provider, ProviderContext } from "../provider.js";
import type { LoadedSpec } from "../spec/load.js";
import type { Topology } from "../spec/schema.js";

/** Which check of the diagnosis found it (Azure's result lists, one per category). */
export type DiagnosisCategory =
  | "userDefinedRoute"
  | "networkSecurityRule"
  | "resourceLock"
  | "dnsResolution"
  | "storageAccount"
  | "keyVault"
  | "containerRegistry"
  | "applicationInsights"
  | "other";

export interface DiagnosisFinding {
  category: DiagnosisCategory;
  /** Azure's code, e.g. `CustomDNSInUse`. */
  code: string;
  /** Azure's level; a level Azure adds later is kept as it came and counts as a warning. */
  level: "Error" | "Warning" | "Information" | (string & {});
  message: string;
}

export interface WorkspaceDiagnosis {
  /** Spec key of the workspace. */
  workspace: string;
  /** Azure name, resource group and subscription of the workspace. */
  ref: WorkspaceRef;
  findings: DiagnosisFinding[];
  /** Set when the diagnosis could not run (the findings are then empty, not "all good"). */
  error?: SerializedError;
}

export interface VerifyResult {
  workspaces: WorkspaceDiagnosis[];
  /** Findings of level Error, over all workspaces. */
  errors: number;
  /** Findings of any other level but Information, over all workspaces. */
  warnings: number;
  /** Workspaces whose diagnosis could not run. */
  notRun: number;
}

export interface VerifyOptions {
  signal?: AbortSignal;
  /** The same as `signal`, under the Azure SDK's name (`signal` wins when both are given). */
  abortSignal?: AbortSignal;
  onEvent?: EventListener;
  /** Spec keys of the workspaces to diagnose; default every workspace of the spec. */
  workspaces?: readonly string[];
  /** Diagnoses running at once (default 10). */
  concurrency?: number;
}

/** Diagnoses running at once (like apply's default concurrency). */
export const DEFAULT_DIAGNOSIS_CONCURRENCY = 10;

export const isErrorFinding = (finding: DiagnosisFinding) => finding.level.toLowerCase() === "error";
export const isInformationFinding = (finding: DiagnosisFinding) =>
  finding.level.toLowerCase() === "information";

/** Run Azure's diagnosis for every workspace of a spec (or the ones named). Never writes. */
export async function verify(
  spec: Topology | LoadedSpec,
  provider: Provider,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const { topology } = resolveSpec(spec);
  const keys = options.workspaces ?? Object.keys(topology.workspaces);
  const refs = keys.map((key) => {
    const workspace = topology.workspaces[key];
    if (workspace === undefined)
      throw new PfnetError("WORKSPACE_NOT_FOUND", `The spec has no workspace "${key}".`, {
        hint: `Name one of: ${Object.keys(topology.workspaces).join(", ")}.`,
      });
    return workspaceRef(topology, key, workspace);
  });
  return diagnoseWorkspaces(
    refs,
    provider,
    {
      signal: options.signal ?? options.abortSignal ?? new AbortController().signal,
      emit: createEmitter(options.onEvent),
    },
    options.concurrency,
  );
}

/**
 * The diagnosis of each workspace, up to `concurrency` at once: each is a long-running operation
 * in Azure (about a minute), so a fleet one after another would take as many minutes as it has
 * workspaces. Results keep the order of `refs`.
 */
export async function diagnoseWorkspaces(
  refs: readonly WorkspaceRef[],
  provider: Provider,
  context: ProviderContext,
  concurrency = DEFAULT_DIAGNOSIS_CONCURRENCY,
): Promise<VerifyResult> {
  if (provider.diagnose === undefined)
    throw new PfnetError(
      "VERIFY_UNSUPPORTED",
      `The ${provider.name} provider cannot run the workspace diagnosis.`,
      { hint: "Use a provider that implements `diagnose` (the Azure provider does)." },
    );
  const diagnose = provider.diagnose.bind(provider);
  const limiter = new Limiter(concurrency);
  const one = async (ref: WorkspaceRef): Promise<WorkspaceDiagnosis> => {
    if (context.signal.aborted) throw new PfnetError("ABORTED", "Verification was aborted.");
    context.emit({ type: "verify.started", workspace: ref.key });
    let diagnosis: WorkspaceDiagnosis;
    try {
      diagnosis = { workspace: ref.key, ref, findings: await diagnose(ref, context) };
    } catch (error) {
      if (context.signal.aborted) throw error;
      diagnosis = { workspace: ref.key, ref, findings: [], error: serializeError(error) };
    }
    context.emit({
      type: "verify.finished",
      workspace: ref.key,
      errors: diagnosis.findings.filter(isErrorFinding).length,
      findings: diagnosis.findings.length,
      ...(diagnosis.error ? { error: diagnosis.error } : {}),
    });
    return diagnosis;
  };
  const workspaces = await Promise.all(
    refs.map((ref) => limiter.run(() => one(ref), { signal: context.signal })),
  );
  const all = workspaces.flatMap((workspace) => workspace.findings);
  return {
    workspaces,
    errors: all.filter(isErrorFinding).length,
    warnings: all.filter((finding) => !isErrorFinding(finding) && !isInformationFinding(finding)).length,
    notRun: workspaces.filter((workspace) => workspace.error !== undefined).length,
  };
}
