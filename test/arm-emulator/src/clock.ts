/** Scaled Azure time plus a lazy scheduler: due events run at the start of every request and state read. */

/** Azure durations in Azure minutes (scaled by `timeScale` ms per minute). */
export interface Delays {
  /** provisionManagedNetwork / first compute: ~30 min (azure-facts c.4). */
  provisionNetwork: number;
  /** Extra when the first FQDN rule needs the firewall: ~10 min (c.4). */
  firewall: number;
  /** A rule added to an Active network: Provisioning → Active. */
  ruleApply: number;
  /** A rule write accepted while the network is Inactive. */
  ruleAccept: number;
  /** Window of the rule-map read-modify-write (race simulation). */
  raceWindow: number;
  workspaceCreate: number;
  workspaceUpdate: number;
  workspaceDelete: number;
  computeCreate: number;
  onlineEndpoint: number;
  onlineDeployment: number;
  /** Network RP writes (VNets, PEs, NSGs, DNS). */
  networkWrite: number;
  /** A new principal is not yet visible to role assignments (PrincipalNotFound). */
  principalReplication: number;
  /** A role assignment takes effect (c.6: "several minutes"). */
  rolePropagation: number;
}

export const DEFAULT_DELAYS: Delays = {
  provisionNetwork: 30,
  firewall: 10,
  ruleApply: 1,
  ruleAccept: 0.2,
  raceWindow: 0.5,
  workspaceCreate: 2,
  workspaceUpdate: 0.3,
  workspaceDelete: 1,
  computeCreate: 5,
  onlineEndpoint: 2,
  onlineDeployment: 5,
  networkWrite: 0.3,
  principalReplication: 2,
  rolePropagation: 5,
};

interface ScheduledEvent {
  at: number;
  seq: number;
  run: () => void;
}

export class Clock {
  /** Time travel offset (ms) added to the wall clock: `advance()` moves Azure time forward. */
  private offset = 0;
  private seq = 0;
  private events: ScheduledEvent[] = [];
  private ticking = false;

  constructor(
    /** Milliseconds per Azure minute. */
    readonly timeScale: number,
    readonly delays: Delays,
  ) {}

  now(): number {
    return Date.now() + this.offset;
  }

  /** Scaled milliseconds for a number of Azure minutes. */
  ms(azureMinutes: number): number {
    return azureMinutes * this.timeScale;
  }

  after(name: keyof Delays, extraMinutes = 0): number {
    return this.now() + this.ms(this.delays[name] + extraMinutes);
  }

  schedule(at: number, run: () => void): void {
    this.events.push({ at, seq: this.seq++, run });
  }

  /** Runs every due event in time order (events may schedule more). */
  tick(): void {
    if (this.ticking) return;
    this.ticking = true;
    try {
      for (;;) {
        const now = this.now();
        let best: ScheduledEvent | undefined;
        for (const e of this.events) {
          if (e.at <= now && (!best || e.at < best.at || (e.at === best.at && e.seq < best.seq))) best = e;
        }
        if (!best) break;
        this.events.splice(this.events.indexOf(best), 1);
        best.run();
      }
    } finally {
      this.ticking = false;
    }
  }

  /** Moves Azure time forward by `azureMinutes` and runs what became due. */
  advance(azureMinutes: number): void {
    this.offset += this.ms(azureMinutes);
    this.tick();
  }

  pending(): number {
    return this.events.length;
  }
}
