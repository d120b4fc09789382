/** Building blocks shared by the spec schema modules. */
import { Type } from "@sinclair/typebox";

/**
 * One ARM id segment: not empty, not `.` or `..` (a URL would resolve those to another resource).
 * The look-ahead is per segment, so the pattern still starts with `^/subscriptions/`.
 */
export const SEGMENT = "(?!\\.\\.?(?:/|$))[^/]+";
export const ArmId = (description: string) =>
  Type.String({
    pattern: `^/subscriptions/${SEGMENT}/resourceGroups/${SEGMENT}/providers(?:/${SEGMENT})+$`,
    description,
  });
