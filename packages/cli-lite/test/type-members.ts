/**
 * The fields of core's public types, read from their TypeScript source with the compiler API, so
 * the reference pages (plan format, events) can be checked field by field against the code.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { REPO_ROOT } from "./helpers.js";

export interface Member {
  name: string;
  optional: boolean;
  /** Members of an inline object type (`wait?: { kind, elapsedMs, expectedMs? }`). */
  members?: Member[];
  /** String literals of a union type (`"create" | "update"`). */
  literals?: string[];
}

function source(file: string): ts.SourceFile {
  const text = readFileSync(join(REPO_ROOT, file), "utf8");
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
}

function literalsOf(type: ts.TypeNode): string[] | undefined {
  const parts = ts.isUnionTypeNode(type) ? type.types : [type];
  const literals = parts.flatMap((part) =>
    ts.isLiteralTypeNode(part) && ts.isStringLiteral(part.literal) ? [part.literal.text] : [],
  );
  return literals.length === parts.length ? literals : undefined;
}

function membersOfElements(elements: ts.NodeArray<ts.TypeElement>): Member[] {
  return elements.filter(ts.isPropertySignature).map((property) => {
    const type = property.type;
    const members = type && ts.isTypeLiteralNode(type) ? membersOfElements(type.members) : undefined;
    const literals = type ? literalsOf(type) : undefined;
    return {
      name: property.name.getText(),
      optional: property.questionToken !== undefined,
      ...(members ? { members } : {}),
      ...(literals ? { literals } : {}),
    };
  });
}

function declaration(file: string, name: string): ts.InterfaceDeclaration | ts.TypeAliasDeclaration {
  const found = source(file).statements.find(
    (statement): statement is ts.InterfaceDeclaration | ts.TypeAliasDeclaration =>
      (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) &&
      statement.name.text === name,
  );
  if (!found) throw new Error(`${name} is not declared in ${file}`);
  return found;
}

/** The members of an interface or of a type alias to an object type. */
export function membersOf(file: string, name: string): Member[] {
  const found = declaration(file, name);
  if (ts.isInterfaceDeclaration(found)) return membersOfElements(found.members);
  if (ts.isTypeLiteralNode(found.type)) return membersOfElements(found.type.members);
  throw new Error(`${name} in ${file} is not an object type`);
}

/** The string literals of a union type alias, e.g. `PlanAction`. */
export function literalsOfType(file: string, name: string): string[] {
  const found = declaration(file, name);
  const literals = ts.isTypeAliasDeclaration(found) ? literalsOf(found.type) : undefined;
  if (!literals) throw new Error(`${name} in ${file} is not a union of string literals`);
  return literals;
}

/**
 * The variants of a discriminated union written as `(Base & { type: "x"; ... }) | ...`: for each,
 * the `type` literal and the other fields of its object part.
 */
export function unionVariants(file: string, name: string): Array<{ type: string; fields: Member[] }> {
  const found = declaration(file, name);
  if (!ts.isTypeAliasDeclaration(found) || !ts.isUnionTypeNode(found.type))
    throw new Error(`${name} in ${file} is not a union`);
  return found.type.types.map((variant) => {
    const inner = ts.isParenthesizedTypeNode(variant) ? variant.type : variant;
    const parts: readonly ts.TypeNode[] = ts.isIntersectionTypeNode(inner) ? inner.types : [inner];
    const literal = parts.find(ts.isTypeLiteralNode);
    if (!literal) throw new Error(`a variant of ${name} has no object part`);
    const fields = membersOfElements(literal.members);
    const type = fields.find((field) => field.name === "type")?.literals?.[0];
    if (type === undefined) throw new Error(`a variant of ${name} has no literal \`type\``);
    return { type, fields: fields.filter((field) => field.name !== "type") };
  });
}

/** How the reference pages write a field list: `address`, `wait?: { kind, elapsedMs, expectedMs? }`. */
export function describeMember(member: Member): string {
  const name = `${member.name}${member.optional ? "?" : ""}`;
  return member.members ? `${name}: { ${member.members.map(describeMember).join(", ")} }` : name;
}
