import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { strFromU8, strToU8 } from 'fflate';
import { expect, it } from 'vitest';
import { compareHlc, decodeHlc, type Mutation } from '../../../src/core';
import { canonicalJson } from '../../../src/server/lib/canonical-json';
import { ValidationError } from '../../../src/store';
import { declareSchema, TelusurDb } from '../../../src/store/schema';
import type { SyncEngine } from '../../../src/sync';
import { postBundle, rewrite } from '../../helpers/bundles';
import {
  cloneTablet,
  describeSync,
  enrolTablet,
  listenHttp,
  newTeam,
  photoBytes,
  seededRandom,
  syncHard,
  type Tablet,
  tabletEngine,
} from '../../helpers/sync-harness';
import { soakReport } from '../../helpers/sync-invariants';
import { NO_FAULTS, type ProxyFaults, startFaultyProxy } from '../../helpers/sync-proxy';

/**
 * The chaos sync of faults-http.test.ts with field faults mixed in, over
 * real HTTP through the fault-injecting proxy: mid-run the coordinator withdraws one of a
 * tablet's two units, a tablet's browser profile is cloned onto a second tablet (same device
 * identity and sequence), a stored photo's bytes are damaged, an older app version's outbox
 * holds a pasted U+0000, and someone imports a forged export file. Afterwards:
 *  - lost 0: every change any tablet queued is applied, the same as the server's value, a
 *    conflict shown to people, or listed in its tablet's "Ditolak server" list;
 *  - silently dropped 0: every rejection the server stored is on the tablet that sent it;
 *  - stalled tablets 0: every outbox drains;
 *  - the clone took a fresh identity and said so; the damaged file is named on its tablet
 *    and every other file is held and on the receipt; the forged bundle changed nothing.
 *
 * Quick sizes in `npm test`; `npm run soak` runs it bigger (TELUSUR_FIELD_* variables).
 */
const num = (name: string, quick: number) => Number(process.env[name] ?? quick);
/** Verifiers; each has one tablet and two units, the first verifier's tablet is cloned. */
const VERIFIERS = num('TELUSUR_FIELD_VERIFIERS', 3);
const ROUNDS = num('TELUSUR_FIELD_ROUNDS', 6);
const EDITS = num('TELUSUR_FIELD_EDITS', 3);
const INDICATORS = num('TELUSUR_FIELD_INDICATORS', 4);
const FAULT_RATE = Number(process.env.TELUSUR_FIELD_FAULT_RATE ?? 0.16);
const HEAL = process.env.TELUSUR_FIELD_HEAL !== '0';
const TIMEOUT = num('TELUSUR_FIELD_TIMEOUT_MS', 120_000);

const FAULTS: ProxyFaults = {
  drop: FAULT_RATE / 4,
  resetMidBody: FAULT_RATE / 4,
  resetResponse: FAULT_RATE / 4,
  duplicate: FAULT_RATE / 4,
  delay: 0.2,
  maxDelayMs: 30,
};

/** A queued change, recognised whatever identity or seq it is sent under later. */
const contentKey = (m: Pick<Mutation, 'entity' | 'id' | 'hlc' | 'changes'>) =>
  `${m.entity}|${m.id}|${m.hlc}|${canonicalJson(m.changes)}`;

/** Rewrite rows of a tablet's database directly, as an older app version or a bad disk would. */
async function tamper(t: Tablet, fn: (db: TelusurDb) => Promise<void>): Promise<void> {
  const db = new TelusurDb(t.store.name, { indexedDB, IDBKeyRange });
  declareSchema(db);
  await db.open();
  try {
    await fn(db);
  } finally {
    db.close();
  }
}

describeSync('field faults mixed into chaos sync', (ctx, dialect) => {
  it(
    'loses nothing, drops nothing silently, stalls no tablet; every refusal is on its tablet',
    async () => {
      const started = performance.now();
      const h = ctx();
      const server = await listenHttp(h);
      const rng = seededRandom(20261130);
      const proxy = await startFaultyProxy(server.port, rng, NO_FAULTS);
      const baseUrl = `http://127.0.0.1:${proxy.port}`;
      try {
        const coordinator = await h.base.login('coordinator');
        /** Per verifier: a team of its own (one verifier, two units). */
        const teams = [];
        const tablets: Tablet[] = [];
        for (let v = 0; v < VERIFIERS; v++) {
          const team = await newTeam(h.services, h.base, { verifiers: 1, units: 2 });
          teams.push(team);
          tablets.push(
            await enrolTablet(h.call, coordinator, team.verifiers[0]?.id as string, `Tablet ${v}`),
          );
        }
        /** Units each tablet edits (index into teams[team].assessmentIds); the clone edits team 0's. */
        const teamOf = tablets.map((_, i) => i);
        const engines: SyncEngine[] = tablets.map((t) =>
          tabletEngine(t, (url, init) => fetch(url, init), { baseUrl, uploads: true }),
        );
        for (const e of engines) await syncHard(e, 5);
        proxy.faults = FAULTS;

        /** Every change ever queued, by content; and who queued it. */
        const issued = new Map<string, { m: Mutation; tablet: number }>();
        const collect = async () => {
          for (const [i, t] of tablets.entries())
            for (const m of await t.store.outbox.peek(1_000_000))
              issued.set(contentKey(m), { m, tablet: i });
        };
        const withdrawn = { assessmentId: '', tablet: 1 % VERIFIERS };
        let damaged: { tablet: number; name: string; sha256: string } | null = null;
        let nulRefusedAtTheField = false;
        let forged: { status: number; code: string; unchanged: boolean } | null = null;
        let photo = 0;

        for (let round = 0; round < ROUNDS; round++) {
          // --- the field faults, one kind per round -----------------------------------
          if (round === 1) {
            // A browser profile copied onto a second tablet: same identity, same sequence.
            const clone = await cloneTablet(tablets[0] as Tablet);
            tablets.push(clone);
            teamOf.push(0);
            engines.push(
              tabletEngine(clone, (url, init) => fetch(url, init), { baseUrl, uploads: true }),
            );
          }
          if (round === 2) {
            // The coordinator withdraws the second unit of one tablet's verifier mid-run.
            const team = teams[withdrawn.tablet] as (typeof teams)[number];
            withdrawn.assessmentId = team.assessmentIds[1] as string;
            const list = await h.services.assignments.list({ periodId: team.periodId });
            const gone = list.find((x) => x.assessmentId === withdrawn.assessmentId);
            await h.services.assignments.delete(gone?.id as string);
          }
          if (round === 3) {
            // A pasted U+0000 is refused where it is typed, nothing saved…
            const t = tablets[2 % VERIFIERS] as Tablet;
            const a = teams[2 % VERIFIERS]?.assessmentIds[0] as string;
            await expect(
              t.store.verifications.update(a, 1, { notes: 'Salinan PDF\u0000 SK Wali Kota' }),
            ).rejects.toBeInstanceOf(ValidationError);
            nulRefusedAtTheField = true;
            // …but an older app version had queued one: the server refuses that change alone.
            const queued = await t.store.verifications.update(a, 2, { notes: 'dari versi lama' });
            expect(queued.notes).toBe('dari versi lama');
            await tamper(t, async (db) => {
              const row = await db.outbox.orderBy('seq').last();
              if (!row) throw new Error('no outbox row to tamper');
              await db.outbox.put({ ...row, changes: { notes: 'dari versi\u0000 lama' } });
            });
          }
          if (round === 4) {
            // A photo whose stored bytes were damaged after it was taken.
            const i = 2 % VERIFIERS;
            const t = tablets[i] as Tablet;
            const a = teams[i]?.assessmentIds[0] as string;
            const e = await t.store.evidence.add({
              assessmentId: a,
              indicatorNo: 3,
              blob: new Blob([photoBytes(40_000)], { type: 'image/jpeg' }),
              name: 'foto-rusak.jpg',
              width: 800,
              height: 600,
              location: null,
            });
            await tamper(t, async (db) => {
              const row = await db.blobs.get(e.sha256);
              if (!row) throw new Error('no blob to damage');
              const bytes = new Uint8Array(
                row.data instanceof Blob ? await row.data.arrayBuffer() : row.data,
              ).slice();
              bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] as number) ^ 0xff;
              await db.blobs.put({ ...row, data: bytes.buffer });
            });
            damaged = { tablet: i, name: e.name, sha256: e.sha256 };
          }
          if (round === 5) {
            // A forged export file: a tablet's real export with its changes rewritten.
            const t = tablets[0] as Tablet;
            const a = teams[0]?.assessmentIds[0] as string;
            await t.store.verifications.update(a, 4, { notes: 'untuk ekspor' });
            const real = await t.store.exportAssessment(a);
            const fake = rewrite(real, (entries) => {
              const manifest = JSON.parse(strFromU8(entries['manifest.json'] as Uint8Array));
              for (const m of manifest.outbox) m.changes = { verifiedLevel: 5 };
              entries['manifest.json'] = strToU8(JSON.stringify(manifest));
            });
            const before = await h.base.rowCounts();
            const r = await postBundle(h.app, coordinator, fake);
            forged = {
              status: r.status,
              code: r.body?.code,
              unchanged: canonicalJson(await h.base.rowCounts()) === canonicalJson(before),
            };
          }

          // --- ordinary work ------------------------------------------------------------
          for (const [i, t] of tablets.entries()) {
            const team = teams[teamOf[i] as number] as (typeof teams)[number];
            for (let k = 0; k < EDITS; k++) {
              const a = team.assessmentIds[k % 2] as string;
              const no = 1 + Math.floor(rng() * INDICATORS);
              await t.store.verifications.update(a, no, {
                verifiedLevel: 1 + Math.floor(rng() * 5),
                notes: `catatan ${round}-${i}-${k}`,
              });
            }
            if ((round + i) % 2 === 0) {
              photo++;
              await t.store.evidence.add({
                assessmentId: team.assessmentIds[0] as string,
                indicatorNo: 1 + (photo % INDICATORS),
                blob: new Blob([photoBytes(20_000 + Math.floor(rng() * 40_000))], {
                  type: 'image/jpeg',
                }),
                name: `foto-${photo}.jpg`,
                width: 800,
                height: 600,
                location: null,
              });
            }
          }
          await collect();
          await Promise.all(engines.map((e) => e.sync().catch(() => undefined)));
        }
        await collect();

        // Drain: every tablet until one whole sync gets through, twice.
        if (HEAL) proxy.faults = NO_FAULTS;
        const stalled: string[] = [];
        for (let r = 0; r < 2; r++)
          for (const [i, e] of engines.entries()) {
            try {
              await syncHard(e, HEAL ? 6 : 300);
            } catch (err) {
              // A damaged file makes its tablet's sync end in 'error' although all else went
              // through; that tablet is judged by its outbox below, not by this run.
              if (!(i === damaged?.tablet && (await tablets[i]?.store.outbox.count()) === 0))
                stalled.push(`tablet ${i}: ${(err as Error).message}`);
            }
          }
        for (const [i, t] of tablets.entries()) {
          const left = await t.store.outbox.count();
          if (left > 0) stalled.push(`tablet ${i}: ${left} changes left`);
        }

        // --- lost 0 -------------------------------------------------------------------
        const records = [...new Set([...issued.values()].map(({ m }) => m.id))];
        const logged = await h.base.db
          .selectFrom('changes')
          .select(['recordId', 'field', 'valueJson', 'hlc'])
          .where('recordId', 'in', records)
          .execute();
        const conflicts = await h.base.db
          .selectFrom('conflicts')
          .select(['recordId', 'field', 'localValueJson'])
          .where('recordId', 'in', records)
          .execute();
        const appliedKeys = new Set(logged.map((c) => `${c.recordId}|${c.field}|${c.hlc}`));
        const heldValues = new Set(logged.map((c) => `${c.recordId}|${c.field}|${c.valueJson}`));
        const conflicted = new Set(
          conflicts.map((c) => `${c.recordId}|${c.field}|${c.localValueJson}`),
        );
        const rejectedOn = new Map<number, Set<string>>();
        for (const [i, t] of tablets.entries())
          rejectedOn.set(
            i,
            new Set((await t.store.rejected.list()).map((r) => contentKey(r.mutation))),
          );
        // Per tablet, record and field, only the newest value must be accounted for: an older
        // one was superseded by that tablet's own later edit (an open conflict of a tablet keeps
        // its newest value — the one a person decides on).
        const lost: string[] = [];
        let rejectedIssued = 0;
        const newest = new Map<string, { m: Mutation; tablet: number; field: string }>();
        for (const [key, { m, tablet }] of issued) {
          if (rejectedOn.get(tablet)?.has(key)) {
            rejectedIssued++;
            continue;
          }
          for (const field of Object.keys(m.changes)) {
            const k = `${tablet}|${m.id}|${field}`;
            const prior = newest.get(k);
            if (!prior || compareHlc(decodeHlc(prior.m.hlc), decodeHlc(m.hlc)) < 0)
              newest.set(k, { m, tablet, field });
          }
        }
        for (const { m, tablet, field } of newest.values()) {
          const v = canonicalJson(m.changes[field]);
          if (appliedKeys.has(`${m.id}|${field}|${m.hlc}`)) continue;
          if (heldValues.has(`${m.id}|${field}|${v}`)) continue;
          if (conflicted.has(`${m.id}|${field}|${v}`)) continue;
          lost.push(`tablet ${tablet}: ${m.entity} ${m.id}.${field} = ${v}`);
        }

        // --- silently dropped 0: every stored rejection is on the tablet that sent it ----
        const serverRejections = (
          await h.call('GET', '/api/sync/rejections', { token: coordinator })
        ).body.rejections as { deviceId: string; seq: number; source: string; code: string }[];
        const onTablets = new Set<string>();
        for (const t of tablets) for (const r of await t.store.rejected.list()) onTablets.add(r.id);
        const pushRejections = serverRejections.filter((r) => r.source === 'push');
        const silentlyDropped = pushRejections
          .filter((r) => !onTablets.has(`${r.deviceId}:${r.seq}`))
          .map((r) => `${r.deviceId}:${r.seq} ${r.code}`);

        // --- duplicates 0 ------------------------------------------------------------------
        const own = await h.base.db
          .selectFrom('changes')
          .select(['deviceId', 'deviceSeq', 'field'])
          .where('source', '=', 'push')
          .where('recordId', 'in', records)
          .execute();
        const seen = new Map<string, number>();
        for (const c of own) {
          const k = `${c.deviceId}:${c.deviceSeq}:${c.field}`;
          seen.set(k, (seen.get(k) ?? 0) + 1);
        }
        const duplicated = [...seen].filter(([, n]) => n > 1).map(([k]) => k);

        // --- the faults each had their visible effect ------------------------------------
        const original = tablets[0] as Tablet;
        const clone = tablets[VERIFIERS] as Tablet;
        const rotated = engines.filter((e) => e.getStatus().identityChanged !== null).length;
        const codes = (i: number) =>
          tablets[i]?.store.rejected.list().then((l) => l.map((r) => r.rejection.code));
        const withdrawnRefused = (await tablets[withdrawn.tablet]?.store.rejected.list())?.filter(
          (r) => r.assessmentId === withdrawn.assessmentId,
        );
        const damagedShown = damaged
          ? engines[damaged.tablet]?.getStatus().failedFiles.find((f) => f.name === damaged?.name)
          : undefined;
        let filesMissing = 0;
        for (const [i, t] of tablets.entries()) {
          const a = teams[teamOf[i] as number]?.assessmentIds[0] as string;
          const receipt = await h.call('GET', `/api/sync/receipt/${a}`, { token: coordinator });
          const held = new Set<string>(receipt.body.hashes);
          for (const f of await t.store.evidence.listByAssessment(a))
            if (!f.deleted && f.sha256 !== damaged?.sha256 && !held.has(f.sha256)) filesMissing++;
        }

        const figures = {
          dialect,
          tablets: tablets.length,
          changesIssued: issued.size,
          rejected: rejectedIssued,
          serverRejections: pushRejections.length,
          lost: lost.length,
          silentlyDropped: silentlyDropped.length,
          stalledTablets: stalled.length,
          duplicated: duplicated.length,
          identityRotations: rotated,
          filesMissingOnReceipt: filesMissing,
          requests: proxy.stats.requests,
          faults:
            proxy.stats.dropped +
            proxy.stats.resetMidBody +
            proxy.stats.resetResponse +
            proxy.stats.duplicated,
          seconds: (performance.now() - started) / 1000,
        };
        soakReport(
          'field-faults',
          figures,
          'lost 0, silently dropped 0, stalled tablets 0, every rejection on its tablet',
          lost.length === 0 &&
            silentlyDropped.length === 0 &&
            stalled.length === 0 &&
            duplicated.length === 0,
        );

        expect(stalled, 'stalled tablets').toEqual([]);
        expect(lost, 'lost changes').toEqual([]);
        expect(silentlyDropped, 'rejections not on their tablet').toEqual([]);
        expect(duplicated, 'changes applied twice').toEqual([]);
        // Withdrawn unit: its later changes were refused, named, and kept on the tablet.
        expect(withdrawnRefused?.length).toBeGreaterThan(0);
        expect(withdrawnRefused?.every((r) => r.rejection.code === 'not_assigned')).toBe(true);
        // The older app's NUL: refused alone, on its tablet, naming the field.
        expect(nulRefusedAtTheField).toBe(true);
        const nul = (await tablets[2 % VERIFIERS]?.store.rejected.list())?.find(
          (r) => r.rejection.code === 'validation_failed',
        );
        expect(nul?.rejection).toMatchObject({ field: 'notes', indicatorNo: 2 });
        expect(await codes(2 % VERIFIERS)).toContain('validation_failed');
        // The clone: one of the pair took a fresh identity and said so; they no longer share one.
        expect(rotated).toBeGreaterThanOrEqual(1);
        expect(clone.deviceId).not.toBe(original.deviceId);
        // The damaged photo is named on its tablet; every other file is held and on the receipt.
        expect(damagedShown).toMatchObject({ name: 'foto-rusak.jpg' });
        expect(filesMissing).toBe(0);
        // The forged export file was refused and changed nothing.
        expect(forged).toMatchObject({ status: 422, unchanged: true });
        expect(forged?.code).toMatch(/^bundle_/);
        // The faults did happen.
        expect(proxy.stats.dropped + proxy.stats.resetResponse).toBeGreaterThan(0);
        // Nothing written on the withdrawn unit after the withdrawal reached the server.
        const lateOnWithdrawn = logged.filter((c) => {
          const round = /"catatan (\d+)-/.exec(c.valueJson)?.[1];
          return (
            c.recordId.startsWith(`${withdrawn.assessmentId}:`) &&
            round !== undefined &&
            Number(round) >= 2
          );
        });
        expect(lateOnWithdrawn).toEqual([]);
      } finally {
        await proxy.close();
        void server.close();
      }
    },
    TIMEOUT,
  );
});
