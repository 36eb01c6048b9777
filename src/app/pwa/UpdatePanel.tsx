import { useT } from '../i18n';
import type { TabHold } from './coordinator';
import type { HoldKind } from './holds';
import { type UpdateKey, useUpdateT } from './messages';
import { cancelUpdate, discardAndUpdate, reloadNow, requestUpdate, useAppUpdate } from './update';

/**
 * The update bar's content (loaded with the first news of an update, see UpdateBar): a new
 * version (or the server's demand for one) with "Perbarui", what the update waits for, and
 * — in a tab it waits for — what this tab holds with the choice to lose it.
 */
export function UpdatePanel() {
  const s = useAppUpdate();
  const u = useUpdateT();
  const t = useT();
  const list = (kinds: HoldKind[], prefix: 'other' | 'noun') =>
    kinds.map((k) => u(`${prefix}_${k}` as UpdateKey)).join(u('and'));
  const where = (tab: TabHold) => {
    const p = tab.place;
    const screen =
      p.screen === 'indicator'
        ? `${t('indicator')} ${p.no ?? ''}`.trim()
        : p.screen === 'other'
          ? ''
          : t(p.screen);
    return [screen, p.name].filter(Boolean).join(' – ');
  };

  if (s.takenOver)
    return (
      <>
        <span role="status">{u('takenOver', { what: list(s.takenOver, 'noun') })}</span>
        <button type="button" onClick={reloadNow} data-testid="update-reload-now">
          {u('reloadNow')}
        </button>
      </>
    );
  if (s.going) return <span role="status">{u('updating')}</span>;
  if (s.waitedOn)
    return (
      <>
        <span role="status" data-testid="update-waited">
          {u('waited', { what: list(s.waitedOn, 'noun') })}
        </span>
        <button type="button" onClick={discardAndUpdate} data-testid="update-discard">
          {u('discard')}
        </button>
        <button type="button" onClick={cancelUpdate} data-testid="update-later">
          {u('later')}
        </button>
      </>
    );
  const blocked = s.blocked;
  return (
    <>
      <span>{u(s.required ? 'required' : 'available')}</span>
      <button
        type="button"
        onClick={() => void requestUpdate()}
        disabled={s.fetching}
        data-testid="update-reload"
      >
        ↻ {u('update')}
      </button>
      {blocked && !blocked.here ? (
        <button type="button" onClick={cancelUpdate} data-testid="update-later">
          {u('later')}
        </button>
      ) : null}
      <span role="status" data-testid="update-blocked">
        {s.fetching
          ? u('fetching')
          : s.fetchFailed
            ? u('fetchFailed')
            : !blocked
              ? ''
              : blocked.here
                ? u(`here_${blocked.kinds[0] ?? 'text'}` as UpdateKey)
                : `${blocked.tabs
                    .map((tab) => u('other', { what: list(tab.kinds, 'other'), where: where(tab) }))
                    .join(' ')} ${u('otherThen')}`}
      </span>
    </>
  );
}
