import { useEffect, useState } from 'preact/hooks';
import { type ApiError, api } from './api';
import type { Period } from './types';
import { useLoad } from './ui';
import { queryParam, setQuery } from './url';

/**
 * The periods and the chosen one, kept in the URL as `?periode=` (default: the first active
 * period, else the newest). Used by the dashboard, plan and reports.
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
  const [periodId, setPeriod] = useState(() => queryParam('periode') ?? '');
  useEffect(() => {
    if (periods.length === 0) return;
    const first = periods.find((p) => p.status === 'active') ?? periods[0];
    // From the current value, not this render's: a period chosen between the list's render
    // and this effect must not be replaced by the default.
    setPeriod((cur) => (cur && periods.some((p) => p.id === cur) ? cur : (first?.id ?? cur)));
  }, [periods, periodId]);
  return {
    periods,
    periodId,
    setPeriodId: (v) => {
      setQuery({ periode: v });
      setPeriod(v);
    },
    error: loaded.error,
    loading: loaded.loading,
  };
}
