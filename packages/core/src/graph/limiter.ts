/** The counting limiter the walk and the Azure provider share (one semaphore). */
import { PfnetError } from "../errors.js";

interface Waiter {
  grant(): void;
  fail(): void;
  signal?: AbortSignal;
}

/** A counting semaphore: at most `limit` holders at once. */
export class Limiter {
  #active = 0;
  readonly #waiters: Waiter[] = [];
  /**
   * One abort listener per signal for all its waiters, not one each: a run's hundreds of reads
   * wait on one signal, and more than 10 listeners on it make Node warn of a leak.
   */
  readonly #bySignal = new Map<AbortSignal, { waiters: Set<Waiter>; onAbort: () => void }>();

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new PfnetError("INVALID_ARGUMENT", `Concurrency must be a positive integer, got ${limit}.`);
    }
  }

  get active(): number {
    return this.#active;
  }

  tryAcquire(): boolean {
    if (this.#active >= this.limit) return false;
    this.#active++;
    return true;
  }

  /** Wait for a slot; rejects with `ABORTED` when the signal fires first. */
  acquire({ signal }: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new PfnetError("ABORTED", "Aborted while waiting for a slot."));
        return;
      }
      const waiter: Waiter = {
        grant: () => {
          this.#forget(waiter);
          this.#active++;
          resolve();
        },
        fail: () => reject(new PfnetError("ABORTED", "Aborted while waiting for a slot.")),
        ...(signal ? { signal } : {}),
      };
      this.#waiters.push(waiter);
      if (signal) this.#watch(signal, waiter);
    });
  }

  release(): void {
    if (this.#active === 0) throw new Error("Limiter released more often than acquired");
    this.#active--;
    const next = this.#waiters.shift();
    if (next) next.grant();
  }

  #watch(signal: AbortSignal, waiter: Waiter): void {
    let entry = this.#bySignal.get(signal);
    if (!entry) {
      const waiters = new Set<Waiter>();
      const onAbort = () => {
        this.#bySignal.delete(signal);
        for (const aborted of waiters) {
          const index = this.#waiters.indexOf(aborted);
          if (index >= 0) this.#waiters.splice(index, 1);
          aborted.fail();
        }
      };
      entry = { waiters, onAbort };
      this.#bySignal.set(signal, entry);
      signal.addEventListener("abort", onAbort, { once: true });
    }
    entry.waiters.add(waiter);
  }

  /** A granted waiter no longer listens; the last one of its signal removes the listener. */
  #forget(waiter: Waiter): void {
    if (!waiter.signal) return;
    const entry = this.#bySignal.get(waiter.signal);
    if (!entry) return;
    entry.waiters.delete(waiter);
    if (entry.waiters.size === 0) {
      waiter.signal.removeEventListener("abort", entry.onAbort);
      this.#bySignal.delete(waiter.signal);
    }
  }

  /** Run `task` holding a slot (waiting for one first); the slot is released however it ends. */
  async run<T>(task: () => Promise<T>, options: { signal?: AbortSignal } = {}): Promise<T> {
    await this.acquire(options);
    try {
      return await task();
    } finally {
      this.release();
    }
  }
}
