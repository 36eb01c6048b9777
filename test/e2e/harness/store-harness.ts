/**
 * Browser entry of the store durability e2e (served by Vite from the repo root): exposes a
 * tiny API on `window.storeHarness` that drives the real src/store in real Chromium.
 */
import { type EvidenceFile, openStore, sha256Hex, type TelusurStore } from '../../../src/store';

export const HARNESS_ASSESSMENT = '0190a6f2-5c3e-7b1a-8f00-00000000e2e1';
const DB_NAME = 'telusur-e2e';

let store: TelusurStore | null = null;

async function current(): Promise<TelusurStore> {
  store ??= await openStore({ name: DB_NAME });
  return store;
}

export interface HarnessState {
  deviceId: string;
  blobMode: string;
  notes: Record<number, string>;
  seqs: number[];
  lastSeq: number;
  files: { sha256: string; intact: boolean }[];
}

/** What this tab's live view of the assessment's notes showed last (store.watch), and how often it changed. */
const view: { notes: Record<number, string>; updates: number; stop: (() => void) | null } = {
  notes: {},
  updates: 0,
  stop: null,
};

const api = {
  /** Save one indicator's notes; resolves when the store says saved, with the new seq. */
  async save(indicatorNo: number, notes: string): Promise<number> {
    const s = await current();
    await s.verifications.update(HARNESS_ASSESSMENT, indicatorNo, { notes });
    return s.outbox.lastSeq();
  },
  async addPhoto(indicatorNo: number, seed: number, size: number): Promise<EvidenceFile> {
    const s = await current();
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed * 7) & 0xff;
    return s.evidence.add({
      assessmentId: HARNESS_ASSESSMENT,
      indicatorNo,
      blob: new Blob([bytes], { type: 'image/jpeg' }),
      name: `foto-${seed}.jpg`,
      width: 100,
      height: 100,
      location: null,
    });
  },
  /** Start this tab's live view of the assessment's notes (as a screen does with store.watch). */
  async watchNotes(): Promise<void> {
    const s = await current();
    view.stop?.();
    view.stop = s.watch(
      (st) => st.verifications.listByAssessment(HARNESS_ASSESSMENT),
      (rows) => {
        view.notes = Object.fromEntries(rows.map((v) => [v.indicatorNo, v.notes]));
        view.updates += 1;
      },
    );
  },
  /** The live view's latest notes by indicator and the number of values it received. */
  watched(): { notes: Record<number, string>; updates: number } {
    return { notes: view.notes, updates: view.updates };
  },
  async state(): Promise<HarnessState> {
    const s = await current();
    const notes: Record<number, string> = {};
    for (const v of await s.verifications.listByAssessment(HARNESS_ASSESSMENT))
      notes[v.indicatorNo] = v.notes;
    const files = [];
    for (const f of await s.evidence.listByAssessment(HARNESS_ASSESSMENT)) {
      const blob = await s.blobs.get(f.sha256);
      const intact =
        blob !== null && (await sha256Hex(new Uint8Array(await blob.arrayBuffer()))) === f.sha256;
      files.push({ sha256: f.sha256, intact });
    }
    return {
      deviceId: s.deviceId,
      blobMode: s.blobMode,
      notes,
      seqs: (await s.outbox.peek(10_000)).map((m) => m.seq),
      lastSeq: await s.outbox.lastSeq(),
      files,
    };
  },
};

export type StoreHarness = typeof api;
(globalThis as unknown as { storeHarness: StoreHarness }).storeHarness = api;
current().then(
  () => {
    document.getElementById('status')?.replaceChildren('siap');
    document.body.dataset.ready = '1';
  },
  (e: unknown) => {
    document.getElementById('status')?.replaceChildren(`gagal: ${String(e)}`);
    document.body.dataset.ready = 'error';
  },
);
