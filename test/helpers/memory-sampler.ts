import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** One memory figure in bytes: at the start, the highest sampled, and at the end. */
export interface MemoryFigure {
  start: number;
  peak: number;
  end: number;
  /** At the end after a full garbage collection (null when gc could not be reached). */
  endAfterGc: number | null;
}

/**
 * What `sampleMemory().stop()` returns, in bytes: resident set size, V8 heap in use, and the
 * ArrayBuffer memory outside the heap (Buffers, file bytes held as ArrayBuffers).
 */
export interface MemoryFigures {
  rss: MemoryFigure;
  heapUsed: MemoryFigure;
  arrayBuffers: MemoryFigure;
  samples: number;
  intervalMs: number;
}

/**
 * A full garbage collection (returns false when `gc` could not be reached), so the end figure is what is still referenced (a leak) rather
 * than garbage not collected yet. Node only exposes `gc` with --expose-gc; setting the flag at
 * run time and reading `gc` from a fresh context is the documented way round that.
 */
export function fullGc(): boolean {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as (() => void) | undefined;
    if (typeof gc !== 'function') return false;
    gc();
    gc();
    return true;
  } catch {
    return false;
  }
}

/**
 * Samples this process's `process.memoryUsage()` (RSS, heapUsed, arrayBuffers) every `intervalMs` (a
 * timer, unref'd) until `stop()`, which takes one last sample, then one after a full GC.
 * For the soak's memory figures of an in-process server (bytes; peak is the highest sample).
 */
export function sampleMemory(intervalMs = 250): { stop(): MemoryFigures } {
  const first = process.memoryUsage();
  const peak = { rss: first.rss, heapUsed: first.heapUsed, arrayBuffers: first.arrayBuffers };
  let samples = 1;
  const take = () => {
    const m = process.memoryUsage();
    samples++;
    if (m.rss > peak.rss) peak.rss = m.rss;
    if (m.heapUsed > peak.heapUsed) peak.heapUsed = m.heapUsed;
    if (m.arrayBuffers > peak.arrayBuffers) peak.arrayBuffers = m.arrayBuffers;
    return m;
  };
  const timer = setInterval(take, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      const last = take();
      const collected = fullGc() ? process.memoryUsage() : null;
      return {
        rss: {
          start: first.rss,
          peak: peak.rss,
          end: last.rss,
          endAfterGc: collected?.rss ?? null,
        },
        heapUsed: {
          start: first.heapUsed,
          peak: peak.heapUsed,
          end: last.heapUsed,
          endAfterGc: collected?.heapUsed ?? null,
        },
        arrayBuffers: {
          start: first.arrayBuffers,
          peak: peak.arrayBuffers,
          end: last.arrayBuffers,
          endAfterGc: collected?.arrayBuffers ?? null,
        },
        samples,
        intervalMs,
      };
    },
  };
}
