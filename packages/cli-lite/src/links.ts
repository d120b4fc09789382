/**
 * Where pfnet's documentation lives, for links that leave the terminal (SARIF help URIs).
 * `PFNET_DOCS_URL` points them at a mirror or fork (the URL of its `docs` folder).
 */
import { DOCS_URL } from "./commands/registry.js";

/** The docs the help texts link to. */
export const DEFAULT_DOCS_URL = DOCS_URL;

export function docsUrl(env: Record<string, string | undefined>): string {
  const configured = env.PFNET_DOCS_URL;
  return (configured === undefined || configured === "" ? DEFAULT_DOCS_URL : configured).replace(/\/+$/, "");
}
