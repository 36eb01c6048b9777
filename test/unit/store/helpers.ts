import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { checkField } from '../../../src/core';
import {
  type CheckKey,
  type EvictionWitness,
  openStore,
  type StoreOptions,
  type TelusurStore,
} from '../../../src/store';

let counter = 0;

/** A database name no other test uses. */
export function freshName(prefix = 'store'): string {
  counter += 1;
  return `${prefix}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Options for a store on the process-wide fake IndexedDB (so two stores of one name share data). */
export function fakeOptions(name: string, extra: StoreOptions = {}): StoreOptions {
  return { name, indexedDB, IDBKeyRange, witness: null, storageManager: null, ...extra };
}

export function open(name: string, extra: StoreOptions = {}): Promise<TelusurStore> {
  return openStore(fakeOptions(name, extra));
}

export async function freshStore(extra: StoreOptions = {}): Promise<TelusurStore> {
  return open(freshName(), extra);
}

/** Stands in for localStorage, which survives when only IndexedDB is lost. */
export function memoryWitness(): EvictionWitness & { value: string | null } {
  const w = {
    value: null as string | null,
    read: () => w.value,
    write: (v: string) => {
      w.value = v;
    },
    clear: () => {
      w.value = null;
    },
  };
  return w;
}

/** A clock the test moves by hand. */
export function manualClock(start = Date.UTC(2024, 4, 6, 2, 0, 0)) {
  let t = start;
  return {
    now: () => t,
    set: (ms: number) => {
      t = ms;
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

export const ASSESSMENT = '0190a6f2-5c3e-7b1a-8f00-000000000001';

/** A small JPEG-ish payload: distinct content per seed. */
export function photo(seed: number, size = 2048, type = 'image/jpeg'): Blob {
  const bytes = new Uint8Array(size);
  bytes[0] = 0xff;
  bytes[1] = 0xd8;
  for (let i = 2; i < size; i++) bytes[i] = (i * 31 + seed * 7) & 0xff;
  return new Blob([bytes], { type });
}

/**
 * Adds photo `seed` (1000 + seed bytes unless `size` is given, so each photo's byte count
 * is known) as evidence of an indicator, as the camera screen would.
 */
export function addPhoto(
  s: TelusurStore,
  seed: number,
  {
    assessmentId = ASSESSMENT,
    indicatorNo = 1,
    size = 1000 + seed,
  }: { assessmentId?: string; indicatorNo?: number; size?: number } = {},
) {
  return s.evidence.add({
    assessmentId,
    indicatorNo,
    blob: photo(seed, size),
    name: `foto-${seed}.jpg`,
    width: 10,
    height: 10,
    location: null,
  });
}

export const SIGNATURE =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/** core's checkField typed as the store's CheckKey (core returns plain string). */
export function check(level: number, index: number): CheckKey {
  return checkField(level, index) as CheckKey;
}

/**
 * The server accepted every change up to `seq` as applied (no field versions): settles them
 * as a push answer would. Returns how many left the outbox.
 */
export async function acceptThrough(store: TelusurStore, seq: number): Promise<number> {
  const rows = (await store.outbox.peek(1_000_000)).filter((m) => m.seq <= seq);
  const { removed } = await store.outbox.settle({
    appliedThrough: seq,
    results: rows.map((m) => ({
      seq: m.seq,
      outcome: 'applied',
      duplicate: false,
      fields: {},
      rejection: null,
    })),
  });
  return removed;
}
