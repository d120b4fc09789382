// Module customization hooks (they run off the main thread): log each resolved URL.
import { appendFileSync } from "node:fs";

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  const log = process.env.PFNET_LOAD_LOG;
  if (log) appendFileSync(log, `${result.url}\n`);
  return result;
}
