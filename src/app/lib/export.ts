import type { Assessment, TelusurStore } from '../../store';
import { downloadName } from './file-names';
import { downloadBlob } from './rejected';

/**
 * Download one export file (zip, signed when the tablet knows its bundle secret) per
 * assessment on this tablet, named by unit and day (see exportFileNames). The store records
 * each export, so releasing the tablet knows the unsent work is in a file (releaseCheck).
 *
 * @returns how many files were offered for download.
 */
export async function exportAllAssessments(
  store: TelusurStore,
  now: number = Date.now(),
): Promise<number> {
  const assessments = await store.assessments.list();
  const names = await exportFileNames(store, assessments, now);
  let n = 0;
  for (const a of assessments) {
    const bytes = await store.exportAssessment(a.id);
    downloadBlob(
      new Blob([bytes as BlobPart], { type: 'application/zip' }),
      names.get(a.id) ?? downloadName([], now, 'zip'),
    );
    n++;
  }
  return n;
}

/**
 * The export file name of each assessment: `telusur-<unit>-<YYYY-MM-DD>.zip`, with the
 * period's name too when this tablet holds the same unit in more than one period, so no
 * two files of one export share a name (a unit without a known name is named by its period).
 */
export async function exportFileNames(
  store: Pick<TelusurStore, 'reference'>,
  assessments: readonly Pick<Assessment, 'id' | 'unitId' | 'periodId'>[],
  now: number,
): Promise<Map<string, string>> {
  const rows = await Promise.all(
    assessments.map(async (a) => ({
      id: a.id,
      unit: (await store.reference.getUnit(a.unitId))?.name ?? null,
      period: (await store.reference.getPeriod(a.periodId))?.name ?? null,
    })),
  );
  const byUnit = new Map<string, number>();
  for (const r of rows) byUnit.set(r.unit ?? '', (byUnit.get(r.unit ?? '') ?? 0) + 1);
  const names = new Map<string, string>();
  const used = new Set<string>();
  for (const r of rows) {
    const parts = r.unit && byUnit.get(r.unit) === 1 ? [r.unit] : [r.unit, r.period];
    let name = downloadName(parts, now, 'zip');
    for (let i = 2; used.has(name); i++) name = downloadName([...parts, String(i)], now, 'zip');
    used.add(name);
    names.set(r.id, name);
  }
  return names;
}
