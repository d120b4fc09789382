/** The version of @pfnet/azure (test/version.test.ts keeps it equal to package.json's). */
export const PFNET_VERSION = "0.1.0";

/** `userAgentPrefix` of every client: Azure's logs name pfnet as the caller. */
export const USER_AGENT_PREFIX = `pfnet/${PFNET_VERSION}`;
