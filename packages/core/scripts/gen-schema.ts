/** Writes packages/core/schema/pfnet.schema.json from the TypeBox spec definition. */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { renderJsonSchema } from "../src/spec/json-schema.js";
import { SCHEMA_FILE } from "./paths.js";

mkdirSync(dirname(SCHEMA_FILE), { recursive: true });
writeFileSync(SCHEMA_FILE, renderJsonSchema());
process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
