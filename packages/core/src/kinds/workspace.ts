/** The workspace kind: which of its changes widen exposure. */
import type { WeakeningDeclaration } from "./weakening.js";

const serverlessNoPublicIp = (properties: Record<string, unknown> | null | undefined) =>
  (properties?.serverlessComputeSettings as { serverlessComputeNoPublicIP?: unknown } | undefined)
    ?.serverlessComputeNoPublicIP;

export const workspaceWeakenings: readonly WeakeningDeclaration[] = [
  {
    change: "ingressPublic",
    gated: true,
    test: ({ before, step }) =>
      before?.publicNetworkAccess === "Disabled" && step.after?.publicNetworkAccess === "Enabled"
        ? "ingress private -> public: the workspace becomes reachable from the internet"
        : undefined,
  },
  {
    change: "serverlessPublicIp",
    gated: true,
    test: ({ before, step }) =>
      serverlessNoPublicIp(before) === true && serverlessNoPublicIp(step.after) === false
        ? "serverless noPublicIp true -> false: serverless compute gets public IP addresses"
        : undefined,
  },
];
