// `node --import ./register.mjs ...`: record every module the process imports (ESM resolution)
// as one URL per line in the file named by PFNET_LOAD_LOG. Used by test/startup.test.ts.
import { register } from "node:module";

register(new URL("./hooks.mjs", import.meta.url));
