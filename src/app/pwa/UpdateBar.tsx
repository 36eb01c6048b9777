import { lazyScreen } from '../../ui/lazy';
import { type AppUpdateState, useAppUpdate } from './update';

const shown = (s: AppUpdateState) =>
  s.available || s.required || s.going || s.waitedOn !== null || s.takenOver !== null;

const load = () => import('./UpdatePanel').then((m) => m.UpdatePanel);
const Panel = lazyScreen(load, () => <span />);

// Fetched as soon as a new version is known, while the old version's files are all still
// in the precache: once the new version activates, this tab's old chunks may be gone.
useAppUpdate.subscribe((s) => {
  if (shown(s)) void load();
});

/**
 * The app update in the header of every screen. An installed app has no browser reload
 * button: this bar is the way to a new version. Its texts load only when there is news.
 */
export function UpdateBar() {
  const show = useAppUpdate(shown);
  return show ? (
    <div class="update-bar" data-testid="update-bar">
      <Panel />
    </div>
  ) : null;
}
