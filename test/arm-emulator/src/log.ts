/** The request log: every request with its answer, from the API or as JSONL. */

export interface RequestRecord {
  seq: number;
  /** ISO time the request arrived. */
  at: string;
  method: string;
  path: string;
  query: string;
  apiVersion: string | null;
  status: number;
  requestBody: unknown;
  responseBody: unknown;
  durationMs: number;
  /** The long-running-operation headers of the answer (Location, Azure-AsyncOperation), when sent. */
  responseHeaders?: Record<string, string>;
  /** Fault kind applied to this request, if any. */
  fault?: string;
}

export class RequestLog {
  private records: RequestRecord[] = [];
  private seq = 0;

  /** Every record so far (a copy). */
  get entries(): RequestRecord[] {
    return [...this.records];
  }

  get length(): number {
    return this.records.length;
  }

  add(record: Omit<RequestRecord, "seq">): RequestRecord {
    const r = { seq: ++this.seq, ...record };
    this.records.push(r);
    return r;
  }

  /** Records matching a method (or "*") and a path regex (case-insensitive). */
  find(method: string, path: RegExp | string): RequestRecord[] {
    const re = typeof path === "string" ? new RegExp(path, "i") : path;
    return this.records.filter(
      (r) => (method === "*" || r.method === method.toUpperCase()) && re.test(r.path),
    );
  }

  toJSONL(): string {
    return this.records.map((r) => JSON.stringify(r)).join("\n") + (this.records.length ? "\n" : "");
  }

  clear(): void {
    this.records = [];
  }
}
