import { useEffect, useState } from 'preact/hooks';
import { type ApiError, api } from './api';
import type { Period } from './types';
import { useLoad } from './ui';
import { queryParam, setQuery } from './url';

/** sessionStorage key of the period last chosen in this tab (dashboard, plan, reports share it). */
const CHOSEN_PERIOD_KEY = 'telusur.coordinator.period';

function rememberedPeriod(): string | null {
  try {
    return sessionStorage.getItem(CHOSEN_PERIOD_KEY);
  } catch {
    return null; // storage blocked: the URL alone carries the choice
  }
}

function rememberPeriod(id: string): void {
  try {
    sessionStorage.setItem(CHOSEN_PERIOD_KEY, id);
  } catch {
    // storage blocked: the URL alone carries the choice
  }
}

/**
 * The periods and the chosen one, kept in the URL as `?periode=` and remembered for the tab,
 * so a period chosen on the dashboard is still chosen after the menu opens the plan or the
 * reports (whose links carry no query). Order: the URL, the tab's last choice (if the period
 * still exists), the first active period, the newest. Used by the dashboard, plan and reports.
 */
export function usePeriod(): {
  periods: Period[];
  periodId: string;
  setPeriodId(id: string): void;
  error: ApiError | null;
  loading: boolean;
} {
  const loaded = useLoad(() => api('GET /api/periods'), []);
  const periods = loaded.data?.periods ?? [];
  const [periodId, setPeriod] = useState(() => queryParam('periode') ?? rememberedPeriod() ?? '');
  useEffect(() => {
    if (periods.length === 0) return;
    const first = periods.find((p) => p.status === 'active') ?? periods[0];
    // From the current value, not this render's: a period chosen between the list's render
    // and this effect must not be replaced by the default.
    setPeriod((cur) => (cur && periods.some((p) => p.id === cur) ? cur : (first?.id ?? cur)));
  }, [periods, periodId]);
  // The URL names the period shown (a copied link or a reload shows the same view).
  useEffect(() => {
    if (!periodId || !periods.some((p) => p.id === periodId)) return;
    if (queryParam('periode') !== periodId) setQuery({ periode: periodId });
  }, [periods, periodId]);
  return {
    periods,
    periodId,
    setPeriodId: (v) => {
      setQuery({ periode: v });
      rememberPeriod(v);
      setPeriod(v);
    },
    error: loaded.error,
    loading: loaded.loading,
  };
}
