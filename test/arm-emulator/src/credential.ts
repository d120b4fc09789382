/** A TokenCredential that returns a fake token: the emulator accepts any bearer token. */
import type { AccessToken, TokenCredential } from "@azure/core-auth";

export const fakeCredential: TokenCredential = {
  async getToken(): Promise<AccessToken> {
    return { token: "emulator-fake-token", expiresOnTimestamp: Date.now() + 3600_000 };
  },
};
