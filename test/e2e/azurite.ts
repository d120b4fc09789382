/**
 * Azurite (the official Azure Storage emulator, npm `azurite`, a root devDependency) for tests:
 * its blob service on a free loopback port, in memory, telemetry off; `close()` stops it. The
 * connection string uses Azurite's well-known development account — tests only.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";

export const AZURITE_ACCOUNT = "devstoreaccount1";
/** Azurite's published development key (not a secret: every Azurite has it). */
const AZURITE_DEV_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface Azurite {
  blobEndpoint: string;
  connectionString: string;
  close(): Promise<void>;
}

export async function startAzurite(): Promise<Azurite> {
  const main = createRequire(import.meta.url).resolve("azurite/dist/src/blob/main.js");
  const child: ChildProcess = spawn(
    process.execPath,
    [
      main,
      "--blobHost",
      "127.0.0.1",
      "--blobPort",
      "0",
      "--inMemoryPersistence",
      "--disableTelemetry",
      "--skipApiVersionCheck",
      "--loose",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const blobEndpoint = await new Promise<string>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(
      () => reject(new Error(`Azurite did not start within 20 s:\n${output}`)),
      20_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listens on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(`${match[1]}/${AZURITE_ACCOUNT}`);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with ${code}:\n${output}`));
    });
  });
  child.stdout?.resume();
  child.stderr?.resume();
  return {
    blobEndpoint,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_DEV_KEY};BlobEndpoint=${blobEndpoint};`,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
