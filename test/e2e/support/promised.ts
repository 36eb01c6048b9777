import { computeIndex, type LevelMap, spbe2020 } from '../../../src/core';
import { promisedLevels } from '../../../src/core/actions';
import { api, coordinatorToken } from './api';

/**
 * What the dashboard's "Indeks jika semua tindak lanjut berhasil" must read for a period,
 * computed here from the server's own answers and core's arithmetic (never a literal): the
 * city's levels now (the plan endpoint's, not applicable as 1), every action of the period,
 * `promisedLevels` of them and its `computeIndex` (SPBE 2020).
 */
export async function promisedFromApi(
  url: string,
  periodName: string,
): Promise<{
  token: string;
  periodId: string;
  now: LevelMap;
  actions: { indicatorNo: number; targetLevel: number }[];
  levels: LevelMap;
  promised: number | null;
}> {
  const token = await coordinatorToken(url);
  const { periods } = await api<{ periods: { id: string; name: string }[] }>(url, '/api/periods', {
    token,
  });
  const periodId = periods.find((p) => p.name === periodName)?.id;
  if (!periodId) throw new Error(`no period named ${periodName}`);
  const plan = await api<{
    indicators: { no: number; level: number | null; notApplicable: boolean }[];
  }>(url, `/api/dashboard/${periodId}/plan?target=3`, { token });
  const { actions } = await api<{ actions: { indicatorNo: number; targetLevel: number }[] }>(
    url,
    `/api/actions?periodId=${periodId}`,
    { token },
  );
  const now = Object.fromEntries(plan.indicators.map((i) => [i.no, i.notApplicable ? 1 : i.level]));
  const levels = promisedLevels(now, actions);
  return { token, periodId, now, actions, levels, promised: computeIndex(spbe2020, levels).index };
}
