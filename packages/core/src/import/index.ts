export { type FormatImportOptions, formatImportedSpec } from "./format.js";
export { type ImportNote, type ImportOptions, type ImportResult, importTopology } from "./import.js";
