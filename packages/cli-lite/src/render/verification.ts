/** Azure's workspace diagnosis in words: per workspace its findings, errors first. */
import { type DiagnosisFinding, isErrorFinding, isInformationFinding, type VerifyResult } from "@pfnet/core";
import { plural } from "../format.js";
import type { Style } from "../style.js";

const RANK = (finding: DiagnosisFinding) =>
  isErrorFinding(finding) ? 0 : isInformationFinding(finding) ? 2 : 1;

/** The stderr line when a workspace's diagnosis starts (apply and verify). */
export const diagnosisStarted = (workspace: string, style: Style) =>
  style.dim(`Running Azure's diagnosis of workspace ${workspace}...\n`);

function findingLine(finding: DiagnosisFinding, style: Style): string {
  const level = finding.level.toLowerCase();
  const tag = isErrorFinding(finding)
    ? style.red("error")
    : isInformationFinding(finding)
      ? style.dim("info")
      : style.yellow(level === "warning" ? "warning" : level);
  return `    ${tag} ${finding.category}${finding.code ? ` ${finding.code}` : ""}: ${finding.message}`;
}

export function renderVerification(result: VerifyResult, style: Style): string {
  const out: string[] = [];
  const headline =
    result.errors > 0
      ? style.red(style.bold(`Azure's diagnosis found ${plural(result.errors, "error")}.`))
      : result.notRun > 0
        ? style.yellow(style.bold("Azure's diagnosis did not run for every workspace."))
        : style.green(style.bold("Azure's diagnosis found no error."));
  out.push(headline);
  for (const workspace of result.workspaces) {
    const { findings } = workspace;
    const summary = workspace.error
      ? style.yellow(`not run: ${workspace.error.message}`)
      : findings.length === 0
        ? "no findings"
        : plural(findings.length, "finding");
    out.push(`  ${style.bold(workspace.workspace)} (${workspace.ref.name}): ${summary}`);
    if (workspace.error?.hint) out.push(`    hint: ${workspace.error.hint}`);
    for (const finding of [...findings].sort((a, b) => RANK(a) - RANK(b)))
      out.push(findingLine(finding, style));
  }
  return `${out.join("\n")}\n`;
}
