import { useState } from 'preact/hooks';
import { useLocale } from '../../i18n';
import { ApiError, api } from '../api';
import type { PageProps } from '../types';
import { ErrorNotice, useLoad } from '../ui';

/** A conflict as the server lists it (core ConflictSchema). */
interface ConflictRow {
  id: string;
  entity: string;
  recordId: string;
  field: string;
  assessmentId: string;
  localValue: unknown;
  serverValue: unknown;
  localAuthor: string | null;
  localAt: number;
  serverAuthor: string | null;
  serverAt: number;
  resolved: boolean;
}

interface BundleResult {
  assessmentId: string;
  mutations: { applied: number; duplicates: number };
  fields: { applied: number; same: number; conflict: number };
  files: { stored: number; alreadyHeld: number };
}

const TEXT = {
  id: {
    title: 'Konflik & berkas tablet',
    conflicts: 'Konflik terbuka',
    none: 'Tidak ada konflik terbuka.',
    record: 'Isian',
    tablet: 'Nilai dari tablet',
    server: 'Nilai di server',
    keepTablet: 'Pakai nilai tablet',
    keepServer: 'Pakai nilai server',
    bundle: 'Impor berkas ekspor tablet (tanpa jaringan)',
    bundleIntro:
      'Untuk tablet yang tidak pernah tersambung: unggah berkas .zip hasil "Ekspor data penilaian". Berkas yang sama boleh diimpor lebih dari sekali — tidak ada data ganda.',
    choose: 'Pilih berkas .zip',
    imported:
      'Berkas diterima: {a} perubahan baru diterapkan ({d} sudah ada), {c} konflik, {f} berkas foto disimpan ({h} sudah ada).',
  },
  en: {
    title: 'Conflicts & tablet files',
    conflicts: 'Open conflicts',
    none: 'No open conflicts.',
    record: 'Field',
    tablet: 'Value from the tablet',
    server: 'Value on the server',
    keepTablet: 'Use the tablet’s value',
    keepServer: 'Use the server’s value',
    bundle: 'Import a tablet export file (no network)',
    bundleIntro:
      'For a tablet that was never online: upload the .zip made by "Export assessment data". Importing the same file again never duplicates data.',
    choose: 'Choose .zip file',
    imported:
      'File accepted: {a} new changes applied ({d} already here), {c} conflicts, {f} photo files stored ({h} already held).',
  },
};

function show(v: unknown): string {
  if (v === null || v === undefined || v === '') return '–';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** Open conflicts across the city (resolve here; the decision syncs to every tablet) and bundle import. */
export function Sync({ canWrite }: PageProps) {
  const locale = useLocale((s) => s.locale);
  const t = TEXT[locale];
  const conflicts = useLoad(
    () => api<{ conflicts: ConflictRow[] }>('GET', '/api/conflicts', { query: { status: 'open' } }),
    [],
  );
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const when = (ms: number) => new Date(ms).toLocaleString(locale === 'id' ? 'id-ID' : 'en-GB');

  const resolve = async (c: ConflictRow, value: unknown) => {
    setError(null);
    try {
      await api('POST', `/api/conflicts/${encodeURIComponent(c.id)}/resolve`, { json: { value } });
      await conflicts.reload();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'client', String(e)));
    }
  };

  const importBundle = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    setError(null);
    setResult(null);
    try {
      const r = await api<BundleResult>('POST', '/api/sync/bundles', {
        bytes: { body: file, type: 'application/zip' },
      });
      setResult(
        t.imported
          .replace('{a}', String(r.mutations.applied))
          .replace('{d}', String(r.mutations.duplicates))
          .replace('{c}', String(r.fields.conflict))
          .replace('{f}', String(r.files.stored))
          .replace('{h}', String(r.files.alreadyHeld)),
      );
      await conflicts.reload();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'client', String(e)));
    }
  };

  const rows = conflicts.data?.conflicts ?? [];
  return (
    <>
      <h1>{t.title}</h1>
      <ErrorNotice error={error ?? conflicts.error} testId="sync-error" />
      <section class="card">
        <h2 style="margin-top:0">{t.conflicts}</h2>
        {rows.length === 0 ? (
          <p class="muted">{conflicts.loading ? '…' : t.none}</p>
        ) : (
          <div class="table-wrap">
            <table data-testid="conflict-table">
              <thead>
                <tr>
                  <th>{t.record}</th>
                  <th>{t.tablet}</th>
                  <th>{t.server}</th>
                  {canWrite ? <th /> : null}
                </tr>
              </thead>
              <tbody>
                {rows.map((c) => (
                  <tr key={c.id} data-testid="conflict-row">
                    <td>
                      {c.recordId} · {c.field}
                    </td>
                    <td>
                      <strong>{show(c.localValue)}</strong>
                      <div class="small muted">
                        {c.localAuthor ?? '–'} · {when(c.localAt)}
                      </div>
                    </td>
                    <td>
                      <strong>{show(c.serverValue)}</strong>
                      <div class="small muted">
                        {c.serverAuthor ?? '–'} · {when(c.serverAt)}
                      </div>
                    </td>
                    {canWrite ? (
                      <td>
                        <div class="row">
                          <button type="button" onClick={() => void resolve(c, c.localValue)}>
                            {t.keepTablet}
                          </button>
                          <button type="button" onClick={() => void resolve(c, c.serverValue)}>
                            {t.keepServer}
                          </button>
                        </div>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {canWrite ? (
        <section class="card">
          <h2 style="margin-top:0">{t.bundle}</h2>
          <p class="small">{t.bundleIntro}</p>
          <span class="button file-btn">
            {t.choose}
            <input
              type="file"
              accept=".zip,application/zip"
              aria-label={t.choose}
              onChange={(e) => void importBundle(e.currentTarget)}
              data-testid="bundle-input"
            />
          </span>
          {result ? (
            <p class="notice" role="status" data-testid="bundle-result">
              {result}
            </p>
          ) : null}
        </section>
      ) : null}
    </>
  );
}
