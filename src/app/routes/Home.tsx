import { recordStateOf, type SigningState } from '../../core';
import { unitKindLabel } from '../../core/labels';
import type { Assessment, TelusurStore } from '../../store';
import { type Locale, useLocale } from '../../ui/i18n';
import { linkClick, navigate } from '../../ui/router';
import { ClockNotice } from '../components/ClockNotice';
import { useT } from '../i18n';
import { isAssigned } from '../lib/assessment';
import { verifiedCount } from '../lib/progress';
import { currentSigningState } from '../lib/signing';
import { frameworkFor, resetTraining, useLive, type WorkspaceKind } from '../state/workspace';

interface UnitRow {
  assessment: Assessment;
  unitName: string;
  /** The parent unit's name; null for a unit without one (it is grouped by its kind). */
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

async function loadUnits(store: TelusurStore): Promise<UnitRow[]> {
  const [assessments, units, assignments, pendingFiles] = await Promise.all([
    store.assessments.list(),
    store.reference.listUnits(),
    store.reference.listAssignments(),
    store.blobs.listPendingUpload(),
  ]);
  const pending = new Set(pendingFiles.map((f) => f.sha256));
  const failed = new Set(pendingFiles.filter((f) => f.failure).map((f) => f.sha256));
  const unitById = new Map(units.map((u) => [u.id, u]));
  const rows: UnitRow[] = [];
  for (const a of assessments) {
    const unit = unitById.get(a.unitId);
    const parent = unit?.parentId ? unitById.get(unit.parentId) : undefined;
    const [verifs, period, unsynced, files, rejected, framework, conflicts, ba] = await Promise.all(
      [
        store.verifications.listByAssessment(a.id),
        store.reference.getPeriod(a.periodId),
        store.outbox.countByAssessment(a.id),
        store.evidence.listByAssessment(a.id),
        store.rejected.countByAssessment(a.id),
        frameworkFor(store, a.frameworkId),
        store.conflicts.listByAssessment(a.id),
        store.beritaAcara.get(a.id),
      ],
    );
    const live = files.filter((f) => !f.deleted);
    rows.push({
      assessment: a,
      unitName: unit?.name ?? a.unitId,
      parentName:
        (parent?.name as string | undefined) ?? (unit?.parentName as string | undefined) ?? null,
      unitKind: String(unit?.kind ?? ''),
      periodName: period?.name ?? '',
      ...verifiedCount(framework, verifs),
      unsyncedChanges: unsynced,
      unsyncedFiles: live.filter((f) => pending.has(f.sha256)).length,
      rejected,
      failedFiles: live.filter((f) => failed.has(f.sha256)).length,
      conflicts: conflicts.length,
      assigned: isAssigned(assignments, a),
      signing: await currentSigningState(ba, verifs),
    });
  }
  return rows.sort(
    (x, y) =>
      (x.parentName ?? x.unitKind).localeCompare(y.parentName ?? y.unitKind) ||
      x.unitName.localeCompare(y.unitName),
  );
}

/**
 * A group's heading: the parent unit's name, else the unit's kind as people read it
 * ("Pemerintah daerah", never the stored `pemda`).
 */
function groupHeading(r: UnitRow, locale: Locale): string {
  if (r.parentName) return r.parentName;
  const kind = unitKindLabel(r.unitKind, locale);
  return kind.charAt(0).toUpperCase() + kind.slice(1);
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
            <span class="pill offline">
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

function UnitList({ kind }: { kind: WorkspaceKind }) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const { value: rows } = useLive(kind, loadUnits, []);
  if (!rows) return <p class="muted">{t('loading')}</p>;
  const current = rows.filter((r) => r.assigned);
  // A withdrawn unit leaves the list, but never while this tablet holds work for it.
  const withdrawn = rows.filter((r) => !r.assigned && hasLocalWork(r));
  const groups = new Map<string, UnitRow[]>();
  for (const r of current) {
    const heading = groupHeading(r, locale);
    groups.set(heading, [...(groups.get(heading) ?? []), r]);
  }
  return (
    <>
      {current.length === 0 ? <p class="notice">{t('noAssignments')}</p> : null}
      {[...groups].map(([group, list]) => (
        <section key={group}>
          <h3>{group}</h3>
          <div class="grid">
            {list.map((r) => (
              <UnitCard key={r.assessment.id} kind={kind} r={r} />
            ))}
          </div>
        </section>
      ))}
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
    </>
  );
}
