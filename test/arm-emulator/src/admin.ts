/** The admin routes (no auth, no api-version): request log, faults, time travel, state snapshot. */
import type { Clock } from "./clock.js";
import type { FaultRule, Faults } from "./faults.js";
import type { Method, Reply } from "./http.js";
import type { RequestLog } from "./log.js";
import type { EmulatorState } from "./stateApi.js";
import { isObject } from "./util.js";

const ADMIN_PREFIX = "/_emulator";

/** Admin requests are answered before faults, auth and routing, and are not logged. */
export function isAdminPath(path: string): boolean {
  return path.startsWith(ADMIN_PREFIX);
}

export function adminReply(
  request: { method: Method; path: string; url: URL; body: unknown },
  emulator: { requests: RequestLog; faults: Faults; clock: Clock; state: EmulatorState },
): Reply {
  const { method, path, url, body } = request;
  const { requests, faults, clock, state } = emulator;
  const sub = path.slice(ADMIN_PREFIX.length);
  if (sub === "/requests" && method === "GET") {
    if (url.searchParams.get("format") === "jsonl") {
      return { status: 200, text: requests.toJSONL(), headers: { "Content-Type": "application/x-ndjson" } };
    }
    return { status: 200, body: requests.entries };
  }
  if (sub === "/requests" && method === "DELETE") {
    requests.clear();
    return { status: 204 };
  }
  if (sub === "/faults" && method === "GET")
    return { status: 200, body: { rules: faults.list(), hits: faults.hits } };
  if (sub === "/faults" && method === "POST") {
    try {
      return { status: 201, body: { id: faults.add(body as FaultRule) } };
    } catch (error) {
      return {
        status: 400,
        body: { error: { code: "InvalidFaultRule", message: (error as Error).message } },
      };
    }
  }
  if (sub === "/faults" && method === "DELETE") {
    faults.clear();
    return { status: 204 };
  }
  if (sub === "/advance" && method === "POST") {
    const minutes = isObject(body) && typeof body.minutes === "number" ? body.minutes : Number.NaN;
    if (!Number.isFinite(minutes))
      return {
        status: 400,
        body: { error: { code: "InvalidRequestContent", message: "Body must be { minutes: number }." } },
      };
    clock.advance(minutes);
    return { status: 200, body: { advancedMinutes: minutes } };
  }
  if (sub === "/state" && method === "GET") return { status: 200, body: state.snapshot() };
  return {
    status: 404,
    body: { error: { code: "NotFound", message: `No admin route ${method} ${path}.` } },
  };
}
