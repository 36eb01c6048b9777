/**
 * A counting semaphore with a bounded queue: at most `limit` holders at once and at most
 * `queue` callers waiting; anyone beyond is turned away at once instead of piling up
 * (a login flood must be answered fast, not queued behind the password hashing).
 *
 * @example
 *   const slots = new Semaphore(4, 8);
 *   const waiting = slots.acquire();
 *   if (!waiting) throw new Problem('login_busy');
 *   const release = await waiting;
 *   try { await hash(); } finally { release(); }
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly limit: number,
    readonly queue: number,
  ) {}

  /** Holders right now and callers waiting (for tests and metrics). */
  get load(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }

  /**
   * A slot: resolves to its release function (call it exactly once; later calls do
   * nothing), or null at once when every slot is taken and the queue is full.
   */
  acquire(): Promise<() => void> | null {
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.queue) return null;
    return new Promise((resolve) => this.waiting.push(() => resolve(this.releaser())));
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // Hand the slot straight to the next waiter (active stays the same), else free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}
