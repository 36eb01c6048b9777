import type { Page } from 'playwright-core';

/**
 * Keep the tablet's own writes to `stores` of IndexedDB database `db` waiting, as a busy or
 * slow tablet does: a second connection holds a read-write transaction over them, alive with
 * reads one after another, until the returned `release` is called. The app's save transactions
 * over any of those stores start only once it ends (IndexedDB runs overlapping read-write
 * transactions in order). Resolves once the hold is in place.
 */
export async function holdWrites(
  page: Page,
  db: string,
  stores: string[],
): Promise<{ release(): Promise<void> }> {
  await page.evaluate(
    ([name, names]) =>
      new Promise<void>((resolve, reject) => {
        const w = window as unknown as { __releaseHold?: boolean; __holdDone?: Promise<void> };
        w.__releaseHold = false;
        const open = indexedDB.open(name);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const conn = open.result;
          const tx = conn.transaction(names, 'readwrite');
          const store = tx.objectStore(names[0] ?? '');
          w.__holdDone = new Promise<void>((done) => {
            tx.oncomplete = () => {
              conn.close();
              done();
            };
          });
          // Each read is asked for in the previous one's success callback: a transaction
          // with no request pending at the end of a task commits.
          const spin = () => {
            if (w.__releaseHold) return;
            store.count().onsuccess = spin;
          };
          spin();
          resolve();
        };
      }),
    [db, stores] as const,
  );
  return {
    /** End the hold (again: nothing) and wait until its transaction is over. */
    async release() {
      await page.evaluate(async () => {
        const w = window as unknown as { __releaseHold?: boolean; __holdDone?: Promise<void> };
        w.__releaseHold = true;
        await w.__holdDone;
      });
    },
  };
}
