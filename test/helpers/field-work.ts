import { expect } from 'vitest';
import type { SyncEngine } from '../../src/sync';
import { photoBytes, syncHard, type Tablet, tabletEngine } from './sync-harness';
import { IssuedLog } from './sync-invariants';

/**
 * A verifier working on a real tablet engine against a real server process over HTTP, for the
 * suites that do something to the server while the field keeps pushing (backup, restore,
 * going live): values, notes and a photo every other edit, synced after each edit, with every
 * issued change logged and the server's acknowledgements counted.
 */
export interface FieldWork {
  engine: SyncEngine;
  /** The tablet's first assessment (after the first sync). */
  assessmentId: string;
  /** Every change the tablet issued, by `deviceId:seq`. */
  issued: IssuedLog;
  /** 200 answers to a push so far. */
  acks(): number;
  /** The highest seq the server acknowledged (appliedThrough of a 200 to a push). */
  ackedThrough(): number;
  /** Resolve once at least `n` pushes have been acknowledged. */
  untilAcks(n: number): Promise<void>;
  /** Start editing in the background (indicators 1..`indicators`, round robin). */
  start(indicators: number): void;
  /** Stop editing and wait for the current round to end. */
  stop(): Promise<void>;
}

/**
 * Sync `tablet` once against `baseUrl` (uploads on) and make it ready to keep working.
 * @throws when the first sync never succeeds or the tablet has no assessment.
 */
export async function fieldWork(tablet: Tablet, baseUrl: string): Promise<FieldWork> {
  let acks = 0;
  let ackedThrough = 0;
  const engine = tabletEngine(
    tablet,
    async (u, i) => {
      const res = await fetch(u, i);
      if (String(u).endsWith('/api/sync/push') && res.status === 200) {
        const body = (await res.clone().json()) as { appliedThrough?: number };
        ackedThrough = Math.max(ackedThrough, Number(body.appliedThrough ?? 0));
        acks++;
      }
      return res;
    },
    { baseUrl, uploads: true },
  );
  await syncHard(engine);
  const [first] = await tablet.store.assessments.list();
  const assessmentId = first?.id as string;
  expect(assessmentId).toBeTruthy();
  const issued = new IssuedLog();
  let working = false;
  let loop: Promise<void> = Promise.resolve();
  return {
    engine,
    assessmentId,
    issued,
    acks: () => acks,
    ackedThrough: () => ackedThrough,
    async untilAcks(n) {
      while (acks < n) await new Promise((r) => setTimeout(r, 50));
    },
    start(indicators) {
      working = true;
      loop = (async () => {
        for (let i = 0; working; i++) {
          const no = 1 + (i % indicators);
          await tablet.store.verifications.update(assessmentId, no, {
            verifiedLevel: 1 + (i % 5),
            notes: `Dokumen diperiksa (${i})`,
          });
          if (i % 2 === 0)
            await tablet.store.evidence.add({
              assessmentId,
              indicatorNo: no,
              blob: new Blob([photoBytes(50_000 + (i % 7) * 10_000)], { type: 'image/jpeg' }),
              name: `dokumen-${i}.jpg`,
              width: 1024,
              height: 768,
              location: null,
            });
          await issued.collect([tablet.store]);
          // A failed round (the server stopping, a timeout) is retried by the next one.
          await engine.sync().catch(() => undefined);
        }
      })();
    },
    async stop() {
      working = false;
      await loop;
    },
  };
}
