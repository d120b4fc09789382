import { fileURLToPath } from "node:url";

/** Repository root and the core package directory, independent of the current directory. */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const CORE_DIR = fileURLToPath(new URL("../", import.meta.url));
export const SCHEMA_FILE = `${CORE_DIR}schema/pfnet.schema.json`;
