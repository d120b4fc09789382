/** The online endpoint kind: which of its changes widen exposure. */
import type { WeakeningDeclaration } from "./weakening.js";

export const onlineEndpointWeakenings: readonly WeakeningDeclaration[] = [
  {
    change: "endpointIngressPublic",
    gated: true,
    test: ({ before, step }) =>
      before?.publicNetworkAccess === "Disabled" && step.after?.publicNetworkAccess === "Enabled"
        ? "endpoint ingress private -> public: the online endpoint becomes reachable from the internet"
        : undefined,
  },
];
