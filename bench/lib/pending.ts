/**
 * 5–6. Benchmarks whose subject does not exist yet. They report "not measured yet" — never a
 * number — and say whether the endpoint they need has appeared since, so it is obvious when
 * to write them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths';
import { type BenchModule, notMeasured, type Result } from './result';

function serverMentions(needle: string): string[] {
  const hits: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|tsx)$/.test(name) && readFileSync(p, 'utf8').includes(needle))
        hits.push(p.slice(ROOT.length));
    }
  };
  walk(join(ROOT, 'src/server'));
  return hits;
}

function pending(
  name: string,
  title: string,
  needle: string,
  figures: { name: string; goal: string }[],
): BenchModule {
  const context: string[] = [];
  return {
    name,
    title,
    description: `Not measured yet (depends on issue 6/7: the server's sync and dashboard endpoints are being built).`,
    context,
    async run(): Promise<Result[]> {
      const hits = serverMentions(needle);
      const why =
        hits.length === 0
          ? `not measured yet (depends on issue 6/7): no \`${needle}\` in src/server`
          : `not measured yet (depends on issue 6/7): \`${needle}\` now appears in ${hits.join(', ')} but this benchmark module is not written yet`;
      context.push(why);
      return figures.map((f) => notMeasured(name, f.name, f.goal, why));
    },
  };
}

export const slowLinkSync = pending('slowlink', '5. Sync over an emulated slow link', 'sync/push', [
  {
    name: 'sync 1 unit + 50 photos at 1 Mbit/s, 200 ms RTT, 5 % drops: time vs bytes/bandwidth',
    goal: 'ratio ≤ 1.15',
  },
]);

export const dashboard = pending('dashboard', '6. Dashboard aggregation', 'dashboard', [
  { name: 'dashboard aggregation, 10,000 units × 47 indicators, SQLite', goal: '(to be set)' },
  { name: 'dashboard aggregation, 10,000 units × 47 indicators, PostgreSQL', goal: '(to be set)' },
]);
