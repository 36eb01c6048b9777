import type { SyncEngine } from './engine';
import { SyncHttpError } from './transport';

export interface SchedulerOptions {
  /** Pause between syncs while all is well. */
  intervalMs?: number;
  /** First retry delay after a failure; doubles per failure up to maxBackoffMs. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  random?: () => number;
}

/**
 * When to sync: on start (app open), when the browser says it is online, on an interval,
 * and on demand. Failures back off exponentially with jitter, so fifty tablets coming back
 * online in one hotel lobby do not hit the server in lockstep. No Background Sync (iPadOS
 * has none).
 */
export class SyncScheduler {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private stopped = true;
  private readonly onOnline = () => void this.now();

  constructor(
    private readonly engine: SyncEngine,
    private readonly options: SchedulerOptions = {},
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    if (typeof window !== 'undefined') window.addEventListener('online', this.onOnline);
    void this.now();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (typeof window !== 'undefined') window.removeEventListener('online', this.onOnline);
  }

  /** "Sinkronkan sekarang": run at once, then continue the schedule. */
  async now(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    try {
      await this.engine.sync();
      this.failures = 0;
      this.schedule(this.options.intervalMs ?? 5 * 60_000);
    } catch (e) {
      this.failures++;
      // A revoked tablet or an app the server refuses will not get better by retrying.
      // Nor a tablet the server does not know (restored from an older backup): enrol again.
      if (
        e instanceof SyncHttpError &&
        (e.code === 'device_revoked' || e.code === 'device_unknown' || e.status === 426)
      )
        return;
      this.schedule(backoffDelay(this.failures, this.options));
    }
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.now(), ms);
  }
}

/** Exponential backoff with "equal jitter": half fixed, half random. */
export function backoffDelay(failures: number, o: SchedulerOptions = {}): number {
  const base = o.baseBackoffMs ?? 5_000;
  const max = o.maxBackoffMs ?? 10 * 60_000;
  const exp = Math.min(max, base * 2 ** Math.max(0, failures - 1));
  const r = (o.random ?? Math.random)();
  return exp / 2 + (exp / 2) * r;
}
