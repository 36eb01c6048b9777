import { render } from 'preact';
import { useEffect } from 'preact/hooks';
import './styles.css';
import { lazyScreen } from '../ui/lazy';
import { matchRoute, navigate, usePath } from '../ui/router';
import { InsecureNotice, secureOrigin } from './components/InsecureNotice';
import { Shell } from './components/Shell';
import { useT } from './i18n';
import { startServiceWorker } from './pwa/update';
import { Checklist } from './routes/Checklist';
import { Home } from './routes/Home';
import { Indicator } from './routes/Indicator';
import { watchSyncNotices } from './state/notices';
import { startSync } from './state/sync';
import type { WorkspaceKind } from './state/workspace';
import { TRAINING_ASSESSMENT_ID } from './training';

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
  render(<InsecureNotice />, root);
} else if (root) {
  render(<App />, root);
  startServiceWorker();
  watchSyncNotices();
  void startSync();
}
