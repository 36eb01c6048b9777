import { useEffect, useState } from 'preact/hooks';
import type { Framework } from '../core/framework';
import { api } from './api';

/**
 * Instruments by id, read once per page load. An instrument in use by a period never changes
 * (a new version takes a new id), so a copy read once stays right for the whole session; a
 * failed read is forgotten so the next page tries again.
 */
const cache = new Map<string, Promise<Framework>>();

function load(id: string): Promise<Framework> {
  let p = cache.get(id);
  if (!p) {
    p = api('GET /api/frameworks/:id', { params: { id } });
    p.catch(() => cache.delete(id));
    cache.set(id, p);
  }
  return p;
}

/**
 * The instrument a view was computed with (its predicate bands and level scales), which core
 * `describeIndex` needs to show an index with its level name and exact-value note. Undefined
 * while it loads (or when it cannot be read): pages then show the rounded figure and the
 * server's predicate only, which is the same figure.
 */
export function useFramework(id: string | null | undefined): Framework | undefined {
  const [fw, setFw] = useState<{ id: string; fw: Framework } | undefined>(undefined);
  useEffect(() => {
    if (!id) return;
    let live = true;
    load(id).then(
      (f) => {
        if (live) setFw({ id, fw: f });
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [id]);
  return fw && fw.id === id ? fw.fw : undefined;
}

/**
 * Several instruments at once (a page across periods of different instruments, the index
 * history), by id; an instrument still loading (or unreadable) is absent from the map.
 */
export function useFrameworks(ids: readonly string[]): ReadonlyMap<string, Framework> {
  const key = [...new Set(ids)].sort().join('\n');
  const [fws, setFws] = useState<ReadonlyMap<string, Framework>>(new Map());
  useEffect(() => {
    if (!key) return;
    let live = true;
    for (const id of key.split('\n'))
      load(id).then(
        (f) => {
          if (live) setFws((m) => new Map(m).set(id, f));
        },
        () => undefined,
      );
    return () => {
      live = false;
    };
  }, [key]);
  return fws;
}
