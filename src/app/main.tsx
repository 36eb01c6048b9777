import { render } from 'preact';
import { useEffect } from 'preact/hooks';
import './styles.css';
import { loadEnglish, whenLanguageReady } from '../ui/i18n';
import { lazyScreen } from '../ui/lazy';
import { matchRoute, navigate, usePath } from '../ui/router';
import { InsecureNotice, secureOrigin } from './components/InsecureNotice';
import { Shell } from './components/Shell';
import { useT } from './i18n';
import { startServiceWorker } from './pwa/update';
import { Home } from './routes/Home';
import { watchSyncNotices } from './state/notices';
import { getStore, type WorkspaceKind } from './state/workspace';
import { TRAINING_ASSESSMENT_ID } from './training';

// The first load carries the home screen only (the unit list reads IndexedDB without the
// store, lib/quick-read.ts). A unit's checklist and indicator screens, the store with its
// write path and validation, and the sync engine load right after the first paint
// (whenFirstPaintDone below), so they are usually in place before the verifier taps a unit;
// a deep link shows "Memuat…" until they are.
const loadChecklist = () => import('./routes/Checklist').then((m) => m.Checklist);
const loadIndicator = () => import('./routes/Indicator').then((m) => m.Indicator);
const Checklist = lazyScreen(loadChecklist, Loading);
const Indicator = lazyScreen(loadIndicator, Loading);

// Screens a verifier opens less often load on demand (charts, signature pad, print layout).
const Summary = lazyScreen(() => import('./routes/Summary').then((m) => m.Summary), Loading);
const BeritaAcara = lazyScreen(
  () => import('./routes/BeritaAcara').then((m) => m.BeritaAcara),
  Loading,
);
const Storage = lazyScreen(() => import('./routes/Storage').then((m) => m.Storage), Loading);
const Enrol = lazyScreen(() => import('./routes/Enrol').then((m) => m.Enrol), Loading);
const Rejected = lazyScreen(() => import('./routes/Rejected').then((m) => m.Rejected), Loading);
// Coordinator pages are a separate chunk: a verifier's tablet never downloads them.
const CoordinatorApp = lazyScreen(
  () => import('../coordinator').then((m) => m.CoordinatorApp),
  Loading,
);

function Loading() {
  const t = useT();
  return <p class="muted">{t('loading')}</p>;
}

function asWorkspace(ws: string | undefined): WorkspaceKind | null {
  return ws === 'kerja' || ws === 'latihan' ? ws : null;
}

function Routes() {
  const t = useT();
  const path = usePath();
  useEffect(() => {
    if (path === '/latihan')
      void navigate(`/latihan/a/${TRAINING_ASSESSMENT_ID}`, { replace: true });
  }, [path]);
  const unit = (pattern: string) => {
    const m = matchRoute(pattern, path);
    const ws = asWorkspace(m?.ws);
    return m && ws ? { ws, id: m.id as string, no: Number(m.no) } : null;
  };
  if (path === '/') return <Home />;
  if (path === '/penyimpanan') return <Storage />;
  if (path === '/masuk') return <Enrol />;
  if (path === '/ditolak') return <Rejected />;
  if (path === '/koordinator' || path.startsWith('/koordinator/'))
    return <CoordinatorApp path={path} />;
  const checklist = unit('/:ws/a/:id');
  if (checklist) return <Checklist ws={checklist.ws} id={checklist.id} />;
  const indicator = unit('/:ws/a/:id/i/:no');
  if (indicator) return <Indicator ws={indicator.ws} id={indicator.id} no={indicator.no} />;
  const summary = unit('/:ws/a/:id/ringkasan');
  if (summary) return <Summary ws={summary.ws} id={summary.id} />;
  const ba = unit('/:ws/a/:id/berita-acara');
  if (ba) return <BeritaAcara ws={ba.ws} id={ba.id} />;
  if (path === '/latihan') return <p class="muted">{t('loading')}</p>;
  return <p class="notice bad">{t('notFound')}</p>;
}

function App() {
  return (
    <Shell>
      <Routes />
    </Shell>
  );
}

const root = document.getElementById('app');
if (root && !secureOrigin()) {
  // Plain HTTP on a LAN address: no service worker, no hashing of evidence. A half-working
  // app would take a verifier's input and lose it, so neither it nor sync starts.
  void whenLanguageReady().then(() => render(<InsecureNotice />, root));
} else if (root) {
  void whenLanguageReady().then(() => {
    render(<App />, root);
    startServiceWorker();
    watchSyncNotices();
    whenFirstPaintDone(() => {
      // Warming only: a failure here (no network before the service worker holds the
      // chunks) is met again, and told, by the screen that needs the piece.
      const ignore = () => undefined;
      getStore('kerja').catch(ignore);
      loadChecklist().catch(ignore);
      loadIndicator().catch(ignore);
      loadEnglish().catch(ignore);
      import('./state/sync')
        .then((m) => m.startSync())
        .catch((e: unknown) => console.error('Telusur: sync did not start', e));
    });
  });
}

/**
 * Run `fn` once the first frame has been painted: the next frame's callback runs after it,
 * and a timeout after that leaves the frame itself alone. Hidden pages get no frames, so a
 * plain timer is the fallback (sync must start in a tab opened in the background too).
 */
function whenFirstPaintDone(fn: () => void): void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    fn();
  };
  requestAnimationFrame(() => setTimeout(once, 0));
  setTimeout(once, 1000);
}
