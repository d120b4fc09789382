/** Small readers the kinds' plan titles share: plan identities are loose records. */

export const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** The Azure name of the step's workspace, when its identity carries one. */
export const workspaceNameOf = (identity: Record<string, unknown>): string | undefined =>
  (identity.workspace as { name?: string } | undefined)?.name;

/** ` on <workspace>`, or nothing when the identity names no workspace. */
export function onWorkspace(identity: Record<string, unknown>): string {
  const name = workspaceNameOf(identity);
  return name ? ` on ${name}` : "";
}
