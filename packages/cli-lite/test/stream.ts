/**
 * Reading a `--json` run as the stream the machine contract promises: every line parses and
 * validates against the committed schema (schema/stream.schema.json), the first is `version`,
 * the last is `result` with the exit code, and `sequence` counts the lines from 1.
 */
import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject } from "ajv";
import { expect } from "vitest";
import type { RunOutput } from "./helpers.js";

export const STREAM_SCHEMA = JSON.parse(
  readFileSync(new URL("../schema/stream.schema.json", import.meta.url), "utf8"),
) as Record<string, unknown>;

const ajv = new Ajv({ allErrors: true, strict: true });
export const validateLine = ajv.compile(STREAM_SCHEMA);

/** Problems of one line against the schema, as readable strings (empty when it is valid). */
export function schemaProblems(line: unknown): string[] {
  if (validateLine(line)) return [];
  return (validateLine.errors ?? []).map(
    (error: ErrorObject) =>
      `${error.instancePath || "/"} ${error.message}${error.params ? ` ${JSON.stringify(error.params)}` : ""}`,
  );
}

// biome-ignore lint/suspicious/noExplicitAny: stream lines are read field by field in the tests
export type Line = { type: string; sequence: number; time: number; [field: string]: any };

/** Parse and check a whole run; returns its lines. */
export function streamOf(output: RunOutput): Line[] {
  expect(output.stdout.endsWith("\n"), "the stream ends with a newline").toBe(true);
  const texts = output.stdout.slice(0, -1).split("\n");
  const lines = texts.map((text, index) => {
    let line: Line;
    try {
      line = JSON.parse(text) as Line;
    } catch {
      throw new Error(`stdout line ${index + 1} is not JSON: ${text}`);
    }
    expect(schemaProblems(line), `line ${index + 1}: ${text}`).toEqual([]);
    return line;
  });
  expect(lines[0]?.type).toBe("version");
  expect(lines.at(-1)?.type).toBe("result");
  expect(lines.filter((line) => line.type === "version" || line.type === "result")).toHaveLength(2);
  expect(lines.map((line) => line.sequence)).toEqual(lines.map((_, index) => index + 1));
  expect(lines.at(-1)?.exitCode).toBe(output.code);
  return lines;
}

export const ofType = (lines: Line[], type: string) => lines.filter((line) => line.type === type);
