/**
 * The JSON Schema of the spec, derived from the TypeBox definition (the single source). Committed
 * as `packages/core/schema/pfnet.schema.json` for editors (`pnpm --filter @pfnet/core gen:schema`).
 */
import { Topology } from "./schema.js";

export const JSON_SCHEMA_DIALECT = "http://json-schema.org/draft-07/schema#";

/** The spec's JSON Schema as plain JSON (TypeBox's symbol keys removed). */
export function topologyJsonSchema(): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(Topology)) as Record<string, unknown>;
  const { $id, title, description, ...rest } = plain;
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id,
    title,
    description: description ?? "Declarative network isolation for Azure Machine Learning prompt flow.",
    ...rest,
  };
}

/** The committed file's exact text. */
export function renderJsonSchema(): string {
  return `${JSON.stringify(topologyJsonSchema(), null, 2)}\n`;
}
