import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../../src/server/lib/map-limit';

describe('bounded fan-out (store stats of a receipt)', () => {
  it('never has more than the limit in flight and keeps the input order', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapLimit(
      Array.from({ length: 40 }, (_, i) => i),
      8,
      async (i) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, (i * 7) % 5));
        inFlight--;
        return i * 2;
      },
    );
    expect(most).toBe(8);
    expect(out).toEqual(Array.from({ length: 40 }, (_, i) => i * 2));
    expect(await mapLimit([], 8, async (x) => x)).toEqual([]);
  });

  it('rejects with the first failure', async () => {
    await expect(
      mapLimit([1, 2, 3], 2, async (x) => {
        if (x === 2) throw new Error('store unreachable');
        return x;
      }),
    ).rejects.toThrow('store unreachable');
  });
});
