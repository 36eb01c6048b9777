import { useT } from '../i18n';
import type { TabHold } from './coordinator';
import type { HoldKind } from './holds';
import { type UpdateKey, useUpdateT } from './messages';
import { cancelUpdate, discardAndUpdate, reloadNow, requestUpdate, useAppUpdate } from './update';

/**
 * The app update, in the header of every screen: a new version (or the server's demand for
 * one) with "Perbarui", what the update waits for, and — in a tab it waits for — what this
 * tab holds with the choice to lose it. An installed app has no browser reload button:
 * this bar is the way to the new version.
 */
export function UpdateBar() {
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
      <div class="update-bar" data-testid="update-bar">
        <span role="status">{u('takenOver', { what: list(s.takenOver, 'noun') })}</span>
        <button type="button" onClick={reloadNow} data-testid="update-reload-now">
          {u('reloadNow')}
        </button>
      </div>
    );
  if (s.going)
    return (
      <div class="update-bar" data-testid="update-bar">
        <span role="status">{u('updating')}</span>
      </div>
    );
  if (s.waitedOn)
    return (
      <div class="update-bar" data-testid="update-bar">
        <span role="status" data-testid="update-waited">
          {u('waited', { what: list(s.waitedOn, 'noun') })}
        </span>
        <button type="button" onClick={discardAndUpdate} data-testid="update-discard">
          {u('discard')}
        </button>
        <button type="button" onClick={cancelUpdate} data-testid="update-later">
          {u('later')}
        </button>
      </div>
    );
  if (!s.available && !s.required) return null;

  const blocked = s.blocked;
  return (
    <div class="update-bar" data-testid="update-bar">
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
    </div>
  );
}
