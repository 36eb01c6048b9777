import { useEffect, useState } from 'preact/hooks';
import { UNIT_KIND_GROUPS, unitKindGroupLabel } from '../../core/labels';
// Specific core modules, not the barrel: this is first-load code, and the barrel brings
// core's schemas (zod) and every module's code the lazy screens use (docs/architecture.md).
import { recordStateOf, type SigningState } from '../../core/record-state';
import type { Assessment } from '../../store';
import { type HomeReads, MISSING_DATABASE, openQuickReader } from '../../store/quick-read';
import { useLocale } from '../../ui/i18n';
import { linkClick, navigate } from '../../ui/router';
import { ClockNotice } from '../components/ClockNotice';
import { useT } from '../i18n';
import { isAssigned } from '../lib/assessment';
import { shownConflicts } from '../lib/conflicts';
import { askPersistenceOnce, refusalToTell } from '../lib/persistence';
import { verifiedCount } from '../lib/progress';
import { currentSigningState } from '../lib/signing';
import { useSync } from '../state/sync-state';
import {
  frameworkFor,
  getStore,
  resetTraining,
  useLive,
  WORKSPACE_DB,
  type WorkspaceKind,
} from '../state/workspace';

interface UnitRow {
  assessment: Assessment;
  unitName: string;
  /** The parent unit's name (a kelurahan's kecamatan); null for a unit without one. */
  parentName: string | null;
  /** The unit's kind as stored (`pemda`, `opd`, …). */
  unitKind: string;
  periodName: string;
  verified: number;
  total: number;
  unsyncedChanges: number;
  unsyncedFiles: number;
  /** Entries of the "Ditolak server" list for this unit (the store's count). */
  rejected: number;
  /** Files of this unit whose last upload failed. */
  failedFiles: number;
  /** Open conflicts this tablet takes part in (raised here, or its value disputed). */
  conflicts: number;
  /** The unit is still assigned to this tablet's verifier (the server's current list). */
  assigned: boolean;
  /** The berita acara's signing as it is now (void: results changed after signing). */
  signing: SigningState;
}

/** The rows of a workspace's list, from the store or (first paint) the quick reader. */
async function loadUnits(store: HomeReads): Promise<UnitRow[]> {
  const [assessments, units, assignments, unsent] = await Promise.all([
    store.assessments.list(),
    store.reference.listUnits(),
    store.reference.listAssignments(),
    // The one count of unsent work: the storage page reads the same numbers.
    store.unsent(),
  ]);
  const unitById = new Map(units.map((u) => [u.id, u]));
  // Units share an instrument; it is a large record, read (and cloned) once per list.
  const frameworks = new Map<string, ReturnType<typeof frameworkFor>>();
  const framework = (id: string) => {
    let f = frameworks.get(id);
    if (!f) {
      f = frameworkFor(store, id);
      frameworks.set(id, f);
    }
    return f;
  };
  // Every unit's reads at once: one after another, their round trips add up on a slow tablet.
  const rows: UnitRow[] = await Promise.all(
    assessments.map(async (a): Promise<UnitRow> => {
      const unit = unitById.get(a.unitId);
      const parent = unit?.parentId ? unitById.get(unit.parentId) : undefined;
      const [verifs, period, instrument, conflicts, ba] = await Promise.all([
        store.verifications.listByAssessment(a.id),
        store.reference.getPeriod(a.periodId),
        framework(a.frameworkId),
        store.conflicts.listByAssessment(a.id),
        store.beritaAcara.get(a.id),
      ]);
      const counts = unsent.byAssessment[a.id];
      return {
        assessment: a,
        unitName: unit?.name ?? a.unitId,
        parentName:
          (parent?.name as string | undefined) ?? (unit?.parentName as string | undefined) ?? null,
        unitKind: String(unit?.kind ?? ''),
        periodName: period?.name ?? '',
        ...verifiedCount(instrument, verifs),
        unsyncedChanges: counts?.changes ?? 0,
        unsyncedFiles: counts?.files ?? 0,
        rejected: counts?.rejected ?? 0,
        failedFiles: counts?.failedFiles ?? 0,
        // A stage value's conflict that goes with the verified value's is one for the verifier.
        conflicts: shownConflicts(conflicts).length,
        assigned: isAssigned(assignments, a),
        signing: await currentSigningState(ba, verifs),
      };
    }),
  );
  return rows.sort(
    (x, y) =>
      kindOrder(x.unitKind) - kindOrder(y.unitKind) ||
      (x.parentName ?? '').localeCompare(y.parentName ?? '') ||
      x.unitName.localeCompare(y.unitName) ||
      x.periodName.localeCompare(y.periodName),
  );
}

/** Kinds whose parent is the local government itself: their cards need not name it. */
const TOP_LEVEL_KINDS: ReadonlySet<string> = new Set(['pemda', 'opd', 'kecamatan']);

/** Groups in the order a Pemda reads them (core UNIT_KIND_GROUPS), unknown kinds last. */
function kindOrder(kind: string): number {
  const i = Object.keys(UNIT_KIND_GROUPS).indexOf(kind);
  return i === -1 ? Number.MAX_SAFE_INTEGER : i;
}

/** Work on this tablet the server does not have yet (or refused): it must stay visible. */
function hasLocalWork(r: UnitRow): boolean {
  return r.unsyncedChanges > 0 || r.unsyncedFiles > 0 || r.rejected > 0 || r.conflicts > 0;
}

/**
 * A finished unit whose every change and file reached the server reads as "terkirim"; a
 * status that claims a signature (signed, re-signed, approved) whose signing is void reads
 * as void instead — the results changed under the signatures.
 */
function displayStatus(kind: WorkspaceKind, r: UnitRow) {
  const s = r.assessment.status;
  if (r.signing === 'void' && recordStateOf(s) !== 'draft' && recordStateOf(s) !== 'returned')
    return 'void';
  if (kind === 'kerja' && s === 'selesai' && r.unsyncedChanges === 0 && r.unsyncedFiles === 0)
    return 'terkirim';
  return s;
}

function UnitCard({ kind, r }: { kind: WorkspaceKind; r: UnitRow }) {
  const t = useT();
  return (
    <a
      class={`card unit-card ${r.assigned ? '' : 'withdrawn'}`}
      href={`/${kind}/a/${encodeURIComponent(r.assessment.id)}`}
      onClick={linkClick}
      data-testid={kind === 'kerja' ? 'unit-card' : 'training-card'}
      data-unit={r.unitName}
    >
      <strong data-testid="unit-name">{r.unitName}</strong>
      {/* Where the unit belongs (a kelurahan's kecamatan), so a long group still reads well. */}
      {r.parentName && !TOP_LEVEL_KINDS.has(r.unitKind) ? (
        <div class="small muted" data-testid="unit-parent">
          {r.parentName}
        </div>
      ) : null}
      <div class="small muted">{r.periodName}</div>
      <div class="row small" style="margin:0.4rem 0">
        <span>{t('progress', { n: r.verified, total: r.total })}</span>
        <span class="spacer" />
        {displayStatus(kind, r) === 'void' ? (
          <span class="pill bad" data-testid="unit-status" data-state="void">
            {t('cardSigningVoid')}
          </span>
        ) : (
          <span class="pill sync" data-testid="unit-status">
            {t(`status_${displayStatus(kind, r) as Assessment['status']}`)}
          </span>
        )}
      </div>
      <div class="progress" aria-hidden="true">
        <span style={`width:${Math.round((100 * r.verified) / Math.max(1, r.total))}%`} />
      </div>
      {kind === 'kerja' ? (
        <div class="row small" style="margin-top:0.4rem;gap:0.3rem">
          {r.unsyncedChanges > 0 || r.unsyncedFiles > 0 ? (
            <span
              class="pill offline"
              data-testid="unsent-badge"
              data-changes={r.unsyncedChanges}
              data-files={r.unsyncedFiles}
            >
              {t('unsynced', { n: r.unsyncedChanges, f: r.unsyncedFiles })}
            </span>
          ) : r.rejected === 0 && r.conflicts === 0 ? (
            // Not while a conflict is open: the server holds another value than this tablet.
            <span class="pill online">{t('allSynced')}</span>
          ) : null}
          {r.signing === 'void' && displayStatus(kind, r) !== 'void' ? (
            <span class="pill bad" data-testid="signing-void-badge">
              {t('cardSigningVoid')}
            </span>
          ) : null}
          {r.conflicts > 0 ? (
            <span class="pill bad" data-testid="conflict-count-badge">
              ⚠ {t('conflictBadge', { n: r.conflicts })}
            </span>
          ) : null}
          {r.rejected > 0 ? (
            <span class="pill bad" data-testid="rejected-badge">
              {t('rejectedBadge', { n: r.rejected })}
            </span>
          ) : null}
          {r.failedFiles > 0 ? (
            <span class="pill bad" data-testid="failed-files-badge">
              {t('failedFilesBadge', { n: r.failedFiles })}
            </span>
          ) : null}
        </div>
      ) : null}
    </a>
  );
}

/**
 * The list as the database holds it now, read once without the store (store/quick-read.ts)
 * so the first paint need not wait for Dexie and the write path; null while reading, or when
 * the reader cannot answer (no database yet, another schema version) and the store must.
 */
function useQuickUnits(kind: WorkspaceKind): UnitRow[] | null {
  const [rows, setRows] = useState<UnitRow[] | null>(null);
  useEffect(() => {
    let live = true;
    void (async () => {
      const reader = await openQuickReader(WORKSPACE_DB[kind]).catch(() => null);
      if (reader === MISSING_DATABASE) {
        // A fresh tablet has no work database yet, so no units: its empty state is true at
        // once. (Training is seeded by the store when missing: that list waits for it.)
        if (live && kind === 'kerja') setRows([]);
        return;
      }
      if (!reader) return;
      try {
        const read = await loadUnits(reader);
        if (live) setRows(read);
      } catch {
        // The store's live list follows; a failed quick read only means waiting for it.
      } finally {
        reader.close();
      }
    })();
    return () => {
      live = false;
    };
  }, [kind]);
  return rows;
}

function UnitList({ kind }: { kind: WorkspaceKind }) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  // The store's live list replaces the quick one as soon as it runs, and follows every change.
  const { value: liveRows } = useLive(kind, loadUnits, []);
  const quickRows = useQuickUnits(kind);
  const rows = liveRows ?? quickRows;
  if (!rows) return <p class="muted">{t('loading')}</p>;
  const current = rows.filter((r) => r.assigned);
  // A withdrawn unit leaves the list, but never while this tablet holds work for it.
  const withdrawn = rows.filter((r) => !r.assigned && hasLocalWork(r));
  const groups = new Map<string, UnitRow[]>();
  for (const r of current) {
    const heading = unitKindGroupLabel(r.unitKind, locale);
    groups.set(heading, [...(groups.get(heading) ?? []), r]);
  }
  return (
    <>
      {current.length === 0 ? (
        <p class="notice" data-testid="no-assignments">
          {t('noAssignments')}
        </p>
      ) : null}
      {[...groups].map(([group, list]) => (
        <section key={group} data-testid="unit-group">
          <h3>{group}</h3>
          <div class="grid">
            {list.map((r) => (
              <UnitCard key={r.assessment.id} kind={kind} r={r} />
            ))}
          </div>
        </section>
      ))}
      <UnsavedDrafts kind={kind} rows={rows} />
      {withdrawn.length > 0 ? (
        <section
          class="withdrawn-section"
          aria-labelledby="withdrawn-title"
          data-testid="withdrawn-section"
        >
          <h2 id="withdrawn-title">{t('withdrawnTitle')}</h2>
          <p class="small">{t('withdrawnIntro')}</p>
          <div class="grid">
            {withdrawn.map((r) => (
              <UnitCard key={r.assessment.id} kind={kind} r={r} />
            ))}
          </div>
        </section>
      ) : null}
    </>
  );
}

/**
 * Screens of this workspace holding typed text whose save the page did not live to commit
 * (lib/drafts.ts): each field saves its text when it appears again, so the verifier is
 * shown where — a closed tab must not leave a note unseen and unsynced. Below the cards (the
 * journal loads after the first paint), one link per screen, named by unit and indicator.
 */
function UnsavedDrafts({ kind, rows }: { kind: WorkspaceKind; rows: UnitRow[] }) {
  const t = useT();
  const [screens, setScreens] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    void import('../lib/drafts').then(({ journalStorage, pendingDraftScreens }) => {
      if (live) setScreens(pendingDraftScreens(journalStorage(), kind));
    });
    return () => {
      live = false;
    };
  }, [kind]);
  if (screens.length === 0) return null;
  const unitOf = new Map(rows.map((r) => [r.assessment.id, r.unitName]));
  return (
    <div class="notice warn" role="status" data-testid="unsaved-drafts" style="margin-top:1rem">
      <p>
        <strong>{t('draftsPendingTitle')}</strong>
      </p>
      <p class="small">{t('draftsPendingBody')}</p>
      <ul>
        {screens.map((path) => {
          const [, , , id = '', part, no] = path.split('/');
          const unit = unitOf.get(decodeURIComponent(id)) ?? t('draftsPendingUnknownUnit');
          const where = part === 'i' && no ? t('draftsPendingIndicator', { no }) : null;
          return (
            <li key={path}>
              <a href={path} onClick={linkClick} data-testid="unsaved-draft-link">
                {where ? `${unit} — ${where}` : unit}
              </a>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/**
 * Persistent storage, asked for by the app itself once an enrolled tablet starts, and a
 * one-time notice when the browser refused it: days of offline work must not be evicted
 * silently. The storage page keeps saying it after the notice is read.
 */
function PersistenceNotice() {
  const t = useT();
  const enrolment = useSync((s) => s.enrolment);
  const { value: health } = useLive('kerja', (s) => s.health(), []);
  useEffect(() => {
    if (enrolment) void getStore('kerja').then(askPersistenceOnce);
  }, [enrolment]);
  if (!enrolment || !refusalToTell(health)) return null;
  const dismiss = async () => (await getStore('kerja')).acknowledgePersistenceNotice();
  return (
    <div class="notice warn dock" role="status" data-testid="persist-notice">
      <p>
        <strong>{t('persistNoticeTitle')}</strong>
      </p>
      <p>{t('persistNoticeBody')}</p>
      <div class="row">
        <button type="button" onClick={() => void dismiss()} data-testid="persist-notice-ok">
          {t('persistNoticeOk')}
        </button>
        <a href="/penyimpanan" onClick={linkClick}>
          {t('persistNoticeOpen')}
        </a>
      </div>
    </div>
  );
}

export function Home() {
  const t = useT();
  const onReset = async () => {
    if (!confirm(t('resetTrainingConfirm'))) return;
    await resetTraining();
    await navigate('/', { replace: true });
    location.reload();
  };
  return (
    <>
      <h1>{t('assignedUnits')}</h1>
      <ClockNotice />
      <UnitList kind="kerja" />
      <section class="card" style="margin-top:1.5rem">
        <h2 style="margin-top:0">
          {t('trainingMode')} <span class="pill training">{t('trainingBadge')}</span>
        </h2>
        <p>{t('trainingIntro')}</p>
        <UnitList kind="latihan" />
        <div class="row">
          <button
            type="button"
            class="primary"
            onClick={() => void navigate('/latihan')}
            data-testid="open-training"
          >
            {t('startTraining')}
          </button>
          <button type="button" class="danger" onClick={() => void onReset()}>
            {t('resetTraining')}
          </button>
        </div>
      </section>
      <PersistenceNotice />
    </>
  );
}
