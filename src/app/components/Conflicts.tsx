import type { Conflict } from '../../store';
import { formatDateTime } from '../../ui/format';
import { useLocale } from '../../ui/i18n';
import { useT } from '../i18n';
import { storageMessage } from '../lib/errors';
import { useUi } from '../state/ui.store';
import { getStore, useLive, type WorkspaceKind } from '../state/workspace';

function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return '–';
  if (typeof value === 'object') {
    const v = value as { state?: string | null; note?: string };
    if ('state' in v) return [v.state ?? '–', v.note].filter(Boolean).join(' — ');
    return JSON.stringify(value);
  }
  return String(value);
}

/**
 * Conflicts on one record, shown to the verifier instead of being silently overwritten:
 * both values, who and when, and a choice (mine, the server's, or both texts merged).
 */
export function Conflicts(props: { ws: WorkspaceKind; assessmentId: string; recordId: string }) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const { value: conflicts } = useLive(
    props.ws,
    (s) =>
      s.conflicts
        .listByAssessment(props.assessmentId)
        .then((cs) => cs.filter((c) => c.recordId === props.recordId)),
    [props.assessmentId, props.recordId],
  );
  if (!conflicts || conflicts.length === 0) return null;
  const when = (ms: number | null) => (ms ? formatDateTime(locale, ms) : '–');
  const resolve = async (c: Conflict, value: unknown) => {
    try {
      const store = await getStore(props.ws);
      await store.conflicts.resolve(c.id, value);
    } catch (e) {
      useUi.getState().say('error', storageMessage(e, t));
    }
  };
  return (
    <section class="notice warn" role="alert" data-testid="conflicts">
      <h2 style="margin-top:0">{t('conflictTitle')}</h2>
      <p class="small">{t('conflictIntro')}</p>
      {conflicts.map((c) => {
        // The record shows the server's value (it won); the conflict keeps what this tablet sent.
        const mine = c.localValue;
        const textual = typeof mine === 'string' && typeof c.serverValue === 'string';
        return (
          <div class="card" key={c.id} data-testid="conflict">
            <strong>{t(fieldKey(c.field))}</strong>
            <table>
              <tbody>
                <tr>
                  <th>{t('conflictMine')}</th>
                  <td data-testid="conflict-mine">{show(mine)}</td>
                  <td class="small muted">{when(c.localAt)}</td>
                </tr>
                <tr>
                  <th>{t('conflictServer')}</th>
                  <td data-testid="conflict-server">{show(c.serverValue)}</td>
                  <td class="small muted">
                    {c.serverAuthor ?? '–'} · {when(c.serverAt)}
                  </td>
                </tr>
              </tbody>
            </table>
            <div class="row">
              <button
                type="button"
                onClick={() => void resolve(c, mine)}
                data-testid="conflict-keep-mine"
              >
                {t('conflictKeepMine')}
              </button>
              <button
                type="button"
                onClick={() => void resolve(c, c.serverValue)}
                data-testid="conflict-take-server"
              >
                {t('conflictTakeServer')}
              </button>
              {textual ? (
                <button
                  type="button"
                  onClick={() => void resolve(c, `${mine}\n—\n${c.serverValue as string}`)}
                >
                  {t('conflictMerge')}
                </button>
              ) : null}
            </div>
          </div>
        );
      })}
    </section>
  );
}

function fieldKey(field: string) {
  if (field === 'verifiedLevel') return 'setVerifiedLevel' as const;
  if (field === 'notes') return 'notes' as const;
  if (field === 'notApplicable') return 'notApplicable' as const;
  if (field === 'naReason') return 'naReason' as const;
  if (field.startsWith('checks.')) return 'expectedEvidence' as const;
  return 'conflictOther' as const;
}
