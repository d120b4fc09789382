/** `--state`, `LOCKED`, `pfnet force-unlock` and the CI warning, in-process with the memory provider. */
import { LocalStateBackend } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { run, SUBSCRIPTION, tempDir } from "./helpers.js";
import { inject, seededProvider } from "./memory.js";

const DEMO = "examples/managed-private-private.yaml";
const KEY = `${SUBSCRIPTION}/rg-promptflow/pf-ws`;

describe("state and locks on the command line", () => {
  it("apply takes the workspace lock in --state and leaves nothing when it succeeds", async () => {
    const state = tempDir();
    const result = await run(["apply", DEMO, "--auto-approve", "--state", state], {
      internals: inject(seededProvider()),
    });
    expect(result.code, result.stderr).toBe(0);
    const backend = new LocalStateBackend(state);
    expect(await backend.listLocks()).toEqual([]);
    expect(await backend.readJournal(KEY)).toEqual([]);
  });

  it("a locked workspace: LOCKED naming holder and the force-unlock command, exit 1, nothing applied", async () => {
    const state = tempDir();
    const held = await new LocalStateBackend(state).acquireLock(KEY, {
      host: "runner-9",
      pid: 4242,
      user: "ci",
    });
    const provider = seededProvider();
    const result = await run(["apply", DEMO, "--auto-approve", "--state", state], {
      internals: inject(provider),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `Workspace ${KEY} is locked by another pfnet apply (ci@runner-9, pid 4242)`,
    );
    expect(result.stderr).toContain("[LOCKED]");
    expect(result.stderr).toContain(`pfnet force-unlock ${held.info.id} --state ${state}`);
    expect(provider.calls.apply).toBe(0);

    const wrong = await run(["force-unlock", "no-such-lock", "--state", state]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("[LOCK_NOT_FOUND]");
    expect(wrong.stderr).toContain(held.info.id);
    const broken = await run(["force-unlock", held.info.id, "--state", state]);
    expect(broken.code, broken.stderr).toBe(0);
    expect(broken.stdout).toContain(
      `Broke lock ${held.info.id} of workspace ${KEY} (held by ci@runner-9, pid 4242`,
    );
    const again = await run(["apply", DEMO, "--auto-approve", "--state", state], {
      internals: inject(seededProvider()),
    });
    expect(again.code, again.stderr).toBe(0);
  });

  it("warns in CI when the state is a local directory, naming the option; not outside CI", async () => {
    const inCi = await run(["apply", DEMO, "--auto-approve"], {
      env: { CI: "true" },
      internals: inject(seededProvider()),
    });
    expect(inCi.code, inCi.stderr).toBe(0);
    expect(inCi.stderr).toContain("Warning: CI is set, but pfnet's state is the local directory");
    expect(inCi.stderr).toContain("--state azblob://<account>/<container>/<prefix>");
    const local = await run(["apply", DEMO, "--auto-approve"], { internals: inject(seededProvider()) });
    expect(local.stderr).not.toContain("Warning: CI is set");
  });

  it("refuses a --state that is neither a directory nor azblob://", async () => {
    const result = await run(["apply", DEMO, "--auto-approve", "--state", "s3://bucket/x"], {
      internals: inject(seededProvider()),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("pfnet keeps state in a local directory or in Azure Blob Storage");
    const blob = await run(["force-unlock", "x", "--state", "azblob://Bad_Account/c"]);
    expect(blob.code).toBe(1);
    expect(blob.stderr).toContain("is not a usable state location");
    const lease = await run(["force-unlock", "x", "--state", "azblob://pfnetstate/c"], {
      env: { PFNET_STATE_LEASE_SECONDS: "half a minute" },
    });
    expect(lease.code).toBe(1);
    expect(lease.stderr).toContain("PFNET_STATE_LEASE_SECONDS=half a minute: the lease length must be");
  });
});
