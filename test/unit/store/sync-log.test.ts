import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { SYNC_LOG_LIMIT, type SyncLogEntry } from '../../../src/store';
import { freshName, open } from './helpers';

/**
 * The sync history survives a reload: "Terakhir berhasil" keeps its time, and the latest
 * runs say what they sent and received and why they failed.
 */

type Run = Omit<SyncLogEntry, 'runs'>;

const run = (at: number, over: Partial<Run> = {}): Run => ({
  at,
  outcome: 'ok',
  sent: 0,
  rejected: 0,
  uploaded: 0,
  received: 0,
  conflicts: 0,
  failedFiles: 0,
  error: null,
  ...over,
});

const offline = (at: number): Run =>
  run(at, {
    outcome: 'offline',
    error: { code: 'offline', message: 'Server tidak terjangkau', source: 'network' },
  });

describe('sync history', () => {
  it('keeps the last success and the runs across a reopen, newest first', async () => {
    const name = freshName();
    const s = await open(name);
    expect(await s.syncLog.read()).toEqual({ lastSuccessAt: null, entries: [] });
    await s.syncLog.record(run(1000, { sent: 13, received: 2, uploaded: 3 }));
    await s.syncLog.record(offline(2000));
    s.close();

    const again = await open(name);
    const log = await again.syncLog.read();
    expect(log.lastSuccessAt).toBe(1000);
    expect(log.entries.map((e) => [e.at, e.outcome, e.sent, e.runs])).toEqual([
      [2000, 'offline', 0, 1],
      [1000, 'ok', 13, 1],
    ]);
    expect(log.entries[0]?.error?.message).toBe('Server tidak terjangkau');
    again.close();
  });

  it('folds quiet repeats (offline retries, idle syncs) instead of pushing real runs out', async () => {
    const s = await open(freshName());
    await s.syncLog.record(run(1000, { sent: 5 }));
    for (let i = 1; i <= 30; i++) await s.syncLog.record(offline(1000 + i * 60_000));
    const log = await s.syncLog.read();
    expect(log.entries).toHaveLength(2);
    expect(log.entries[0]).toMatchObject({ outcome: 'offline', runs: 30, at: 1000 + 30 * 60_000 });
    expect(log.entries[1]).toMatchObject({ outcome: 'ok', sent: 5 });
    s.close();
  });

  it(`keeps the latest ${SYNC_LOG_LIMIT} runs; the last success outlives them`, async () => {
    const s = await open(freshName());
    await s.syncLog.record(run(1, { sent: 1 }));
    for (let i = 0; i < SYNC_LOG_LIMIT + 5; i++)
      await s.syncLog.record(
        run(100 + i, {
          outcome: 'failed',
          sent: 1,
          error: { code: 'server_busy', message: 'Server sedang sibuk', source: 'server' },
        }),
      );
    const log = await s.syncLog.read();
    expect(log.entries).toHaveLength(SYNC_LOG_LIMIT);
    expect(log.entries[0]?.at).toBe(100 + SYNC_LOG_LIMIT + 4);
    expect(log.lastSuccessAt).toBe(1);
    s.close();
  });
});
