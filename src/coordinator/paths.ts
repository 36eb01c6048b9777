/** Addresses of the tindak lanjut pages (kept apart so components link without the pages). */
export const ACTIONS_PATH = '/koordinator/tindak-lanjut';

/** The page of one action. */
export function actionPath(id: string): string {
  return `${ACTIONS_PATH}/${encodeURIComponent(id)}`;
}

/** The printable list of one owner unit (OPD), of one period when given. */
export function ownerListPath(unitId: string, periodId?: string): string {
  const base = `${ACTIONS_PATH}/opd/${encodeURIComponent(unitId)}`;
  return periodId ? `${base}?periode=${encodeURIComponent(periodId)}` : base;
}
