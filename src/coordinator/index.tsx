import './coordinator.css';
// Dashboard, plan, review and report styles (r-*), shared by their components.
import './pages/Reports.css';
import type { ComponentType } from 'preact';
import { useEffect } from 'preact/hooks';
import { useOnline } from '../ui/online';
import { linkClick, matchRoute, navigate } from '../ui/router';
import { type MessageKey, useT } from './i18n';
import { forgetOrganisation, loadOrganisation, useOrganisation } from './organisation';
import { ActionDetail, Actions, OwnerActionList } from './pages/Actions';
import { Assignments } from './pages/Assignments';
import { Dashboard } from './pages/Dashboard';
import { History } from './pages/History';
import { Login } from './pages/Login';
import { OfficialResult } from './pages/OfficialResult';
import { ORGANISATION_PATH, OrganisationPage } from './pages/Organisation';
import { Overview } from './pages/Overview';
import { Periods } from './pages/Periods';
import { Plan } from './pages/Plan';
import { Reports, UnitReport } from './pages/Reports';
import { Review } from './pages/Review';
import { Sync } from './pages/Sync';
import { Units } from './pages/Units';
import { VerifierDetail, Verifiers } from './pages/Verifiers';
import { ACTIONS_PATH } from './paths';
import { logout, restoreSession, useSession } from './session';
import type { Account, Role } from './types';
import { type PageProps, useDocumentTitle } from './ui';

interface RouteDef {
  pattern: string;
  page: ComponentType<PageProps>;
  roles: readonly Role[];
  /** Shown in the sub-nav with this label (and matched as "current" by prefix). */
  nav?: MessageKey;
}

/** Pages for every account of this room: coordinators edit, viewers (pimpinan) read. */
const ALL: readonly Role[] = ['coordinator', 'viewer'];
/** Pages that only make sense for whoever decides: the review (viewers read the unit report). */
const COORDINATOR: readonly Role[] = ['coordinator'];
/**
 * The tindak lanjut pages: coordinators and viewers, and the owner accounts of the OPDs
 * (their own actions only; the server limits the list). The owner sees nothing else.
 */
const ACTION_ROLES: readonly Role[] = ['coordinator', 'viewer', 'owner'];

/**
 * The coordinator's pages; `roles` gates each one. The dashboard (`/koordinator/dasbor`),
 * plan (`/koordinator/rencana`), review (`/koordinator/tinjau/:assessmentId`), reports
 * (`/koordinator/laporan`, per unit `/koordinator/laporan/unit/:assessmentId`) and the index
 * history (`/koordinator/riwayat`) are plain imports: they stay in this chunk, which the
 * service worker never precaches (exceljs runs on the server only: the XLSX exports are
 * made there).
 */
export const ROUTES: readonly RouteDef[] = [
  { pattern: '/koordinator', page: Overview, roles: ALL, nav: 'navOverview' },
  { pattern: '/koordinator/dasbor', page: Dashboard, roles: ALL, nav: 'navDashboard' },
  { pattern: '/koordinator/rencana', page: Plan, roles: ALL, nav: 'navPlan' },
  // Written out (not from paths.ts): the screenshot suite reads the patterns as text.
  { pattern: '/koordinator/tindak-lanjut', page: Actions, roles: ACTION_ROLES, nav: 'navActions' },
  {
    pattern: '/koordinator/tindak-lanjut/opd/:unitId',
    page: OwnerActionList,
    roles: ACTION_ROLES,
  },
  { pattern: '/koordinator/tindak-lanjut/:id', page: ActionDetail, roles: ACTION_ROLES },
  { pattern: '/koordinator/tinjau/:assessmentId', page: Review, roles: COORDINATOR },
  { pattern: '/koordinator/sinkronisasi', page: Sync, roles: ALL, nav: 'navSync' },
  { pattern: '/koordinator/laporan', page: Reports, roles: ALL, nav: 'navReports' },
  { pattern: '/koordinator/laporan/unit/:assessmentId', page: UnitReport, roles: ALL },
  {
    pattern: '/koordinator/hasil-resmi',
    page: OfficialResult,
    roles: ALL,
    nav: 'officialNav',
  },
  { pattern: '/koordinator/riwayat', page: History, roles: ALL, nav: 'historyNav' },
  { pattern: '/koordinator/periode', page: Periods, roles: ALL, nav: 'navPeriodsShort' },
  { pattern: '/koordinator/unit', page: Units, roles: ALL, nav: 'navUnits' },
  { pattern: '/koordinator/verifikator', page: Verifiers, roles: ALL, nav: 'navVerifiersShort' },
  { pattern: '/koordinator/verifikator/:id', page: VerifierDetail, roles: ALL },
  { pattern: '/koordinator/penugasan', page: Assignments, roles: ALL, nav: 'navAssignments' },
  {
    pattern: '/koordinator/organisasi',
    page: OrganisationPage,
    roles: ALL,
    nav: 'navOrganisation',
  },
];

export const LOGIN_PATH = '/koordinator/masuk';

function resolve(path: string): { route: RouteDef; params: Record<string, string> } | null {
  const clean = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  for (const route of ROUTES) {
    const params = matchRoute(route.pattern, clean);
    if (params) return { route, params };
  }
  return null;
}

/**
 * Who is signed in (with the sign-out button) above the menu of sections. The menu has a
 * line of its own so that every section fits on one line on a 1366 px laptop.
 */
function SubNav({ path, account, menu }: { path: string; account: Account; menu: boolean }) {
  const t = useT();
  const roleLabel =
    account.role === 'coordinator'
      ? t('roleCoordinator')
      : account.role === 'viewer'
        ? t('roleViewer')
        : account.role === 'owner'
          ? t('roleOwner')
          : t('roleVerifier');
  return (
    <div class="c-top">
      <div class="c-account-bar">
        <span class="c-account small" data-testid="coordinator-account">
          {account.name} · <span class="pill sync">{roleLabel}</span>
        </span>
        <button
          type="button"
          class="c-logout"
          data-testid="coordinator-logout"
          onClick={async () => {
            await logout();
            await navigate(LOGIN_PATH);
          }}
        >
          {t('logout')}
        </button>
      </div>
      {/* Left out while the first set-up waits: nothing else opens before it. */}
      {menu ? (
        <nav class="c-subnav" aria-label={t('subnavLabel')} data-testid="coordinator-subnav">
          <ul>
            {ROUTES.filter((r) => r.nav && r.roles.includes(account.role)).map((r) => {
              const current =
                r.pattern === '/koordinator' ? path === r.pattern : path.startsWith(r.pattern);
              return (
                <li key={r.pattern}>
                  <a
                    href={r.pattern}
                    onClick={linkClick}
                    aria-current={current ? 'page' : undefined}
                    data-testid={`cnav-${r.pattern.split('/')[2] ?? 'home'}`}
                  >
                    {t(r.nav as MessageKey)}
                  </a>
                </li>
              );
            })}
          </ul>
        </nav>
      ) : null}
    </div>
  );
}

/**
 * A page this account's role may not open (a viewer on the review page): says so, instead
 * of "not found", and where the same record can be read.
 */
function NoAccess({
  route,
  params,
  owner,
}: {
  route: RouteDef;
  params: Record<string, string>;
  owner: boolean;
}) {
  const t = useT();
  useDocumentTitle(t('noAccessTitle'));
  const report =
    !owner && route.pattern === '/koordinator/tinjau/:assessmentId' && params.assessmentId
      ? `/koordinator/laporan/unit/${encodeURIComponent(params.assessmentId)}`
      : null;
  return (
    <section class="c-no-access" data-testid="no-access">
      <h1>{t('noAccessTitle')}</h1>
      <p class="notice bad" role="alert">
        {t(owner ? 'noAccessOwner' : 'noAccessText')}
      </p>
      <p class="row">
        {report ? (
          <a
            class="button primary"
            href={report}
            onClick={linkClick}
            data-testid="no-access-report"
          >
            {t('noAccessReport')}
          </a>
        ) : null}
        <a class="button" href={owner ? ACTIONS_PATH : '/koordinator'} onClick={linkClick}>
          {t(owner ? 'navActions' : 'navOverview')}
        </a>
      </p>
    </section>
  );
}

function Offline({ onRetry }: { onRetry?: () => void }) {
  const t = useT();
  return (
    <div class="notice warn c-offline" role="alert" data-testid="coordinator-offline">
      <p>{t('needsInternet')}</p>
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          {t('retry')}
        </button>
      ) : null}
    </div>
  );
}

function VerifierHere() {
  const t = useT();
  return (
    <div class="card" data-testid="verifier-not-here">
      <p class="notice warn">{t('verifierNotHere')}</p>
      <div class="row">
        <a class="button primary" href="/masuk" onClick={linkClick}>
          {t('tabletEnrol')}
        </a>
        <a class="button" href="/" onClick={linkClick}>
          {t('toTablet')}
        </a>
        <button type="button" onClick={() => void logout()}>
          {t('logout')}
        </button>
      </div>
    </div>
  );
}

/** Coordinator pages (online only, role-gated), loaded lazily so verifiers never download them. */
export function CoordinatorApp({ path }: { path: string }) {
  const t = useT();
  const online = useOnline((s) => s.online);
  const session = useSession();
  const isLogin = path === LOGIN_PATH || path === `${LOGIN_PATH}/`;

  useEffect(() => {
    if (useSession.getState().status === 'checking') void restoreSession();
  }, []);

  const orgStatus = useOrganisation((s) => s.status);
  const orgSet = useOrganisation((s) => s.org?.configured ?? null);
  const signedIn = session.status === 'in' && session.account?.role !== 'verifier';
  useEffect(() => {
    if (signedIn && orgStatus === 'idle') void loadOrganisation();
    if (session.status === 'out' && orgStatus !== 'idle') forgetOrganisation();
  }, [signedIn, session.status, orgStatus]);
  // A coordinator meets the set-up page before anything else while the organisation is not
  // set (a viewer reads on, in WIB). When it cannot be loaded the pages work on, in WIB.
  const needsSetup = session.account?.role === 'coordinator' && orgSet === false;
  const onSetup = path === ORGANISATION_PATH || path === `${ORGANISATION_PATH}/`;
  useEffect(() => {
    if (!needsSetup || onSetup || isLogin) return;
    const next = encodeURIComponent(path + location.search);
    void navigate(`${ORGANISATION_PATH}?lanjut=${next}`, { replace: true });
  }, [needsSetup, onSetup, isLogin, path]);

  // An owner (an OPD's account) has one page: its tindak lanjut. The home page sends it there.
  const ownerHome =
    session.account?.role === 'owner' && (path === '/koordinator' || path === '/koordinator/');
  useEffect(() => {
    if (ownerHome) void navigate(ACTIONS_PATH, { replace: true });
  }, [ownerHome]);

  useEffect(() => {
    if (session.status === 'out' && !isLogin) {
      const next = encodeURIComponent(path + location.search);
      void navigate(`${LOGIN_PATH}?lanjut=${next}`, { replace: true });
    }
  }, [session.status, isLogin, path]);

  if (!online) return <Offline />;
  if (session.offline) return <Offline onRetry={() => void restoreSession()} />;
  if (isLogin) return <Login />;
  if (session.status !== 'in' || !session.account) return <p class="muted">{t('loading')}</p>;
  const account = session.account;
  if (account.role === 'verifier') return <VerifierHere />;
  const orgPending = orgStatus === 'idle' || (orgStatus === 'loading' && orgSet === null);
  if (orgPending || (needsSetup && !onSetup)) return <p class="muted">{t('loading')}</p>;
  const hit = resolve(path);
  const allowed = hit?.route.roles.includes(account.role) ?? false;
  const Page = hit?.route.page;
  return (
    <div class="c-app">
      <SubNav path={path} account={account} menu={!needsSetup} />
      {account.role === 'viewer' ? (
        <p class="notice small" data-testid="read-only">
          {t('readOnly')}
        </p>
      ) : null}
      {Page && hit && allowed ? (
        <Page account={account} canWrite={account.role === 'coordinator'} params={hit.params} />
      ) : hit ? (
        <NoAccess route={hit.route} params={hit.params} owner={account.role === 'owner'} />
      ) : (
        <p class="notice bad" data-testid="not-found">
          {t('notFound')}
        </p>
      )}
    </div>
  );
}
