import type { Assessment, TelusurStore } from '../../store';
import { useT } from '../i18n';
import { isVerified } from '../lib/progress';
import { linkClick, navigate } from '../router';
import { resetTraining, useLive, type WorkspaceKind } from '../state/workspace';

interface UnitRow {
  assessment: Assessment;
  unitName: string;
  groupName: string;
  periodName: string;
  verified: number;
  total: number;
  unsyncedChanges: number;
  unsyncedFiles: number;
}

async function loadUnits(store: TelusurStore): Promise<UnitRow[]> {
  const [assessments, units] = await Promise.all([
    store.assessments.list(),
    store.reference.listUnits(),
  ]);
  const pending = new Set((await store.blobs.listPendingUpload()).map((f) => f.sha256));
  const unitById = new Map(units.map((u) => [u.id, u]));
  const rows: UnitRow[] = [];
  for (const a of assessments) {
    const unit = unitById.get(a.unitId);
    const parent = unit?.parentId ? unitById.get(unit.parentId) : undefined;
    const [verifs, period, unsynced, files] = await Promise.all([
      store.verifications.listByAssessment(a.id),
      store.reference.getPeriod(a.periodId),
      store.outbox.countByAssessment(a.id),
      store.evidence.listByAssessment(a.id),
    ]);
    rows.push({
      assessment: a,
      unitName: unit?.name ?? a.unitId,
      groupName:
        (parent?.name as string | undefined) ??
        (unit?.parentName as string | undefined) ??
        String(unit?.kind ?? ''),
      periodName: period?.name ?? '',
      verified: verifs.filter(isVerified).length,
      total: 47,
      unsyncedChanges: unsynced,
      unsyncedFiles: files.filter((f) => !f.deleted && pending.has(f.sha256)).length,
    });
  }
  return rows.sort(
    (x, y) => x.groupName.localeCompare(y.groupName) || x.unitName.localeCompare(y.unitName),
  );
}

/** A finished unit whose every change and file reached the server reads as "terkirim". */
function displayStatus(kind: WorkspaceKind, r: UnitRow) {
  const s = r.assessment.status;
  if (kind === 'kerja' && s === 'selesai' && r.unsyncedChanges === 0 && r.unsyncedFiles === 0)
    return 'terkirim';
  return s;
}

function UnitList({ kind }: { kind: WorkspaceKind }) {
  const t = useT();
  const { value: rows } = useLive(kind, loadUnits, []);
  if (!rows) return <p class="muted">{t('loading')}</p>;
  if (rows.length === 0) return <p class="notice">{t('noAssignments')}</p>;
  const groups = new Map<string, UnitRow[]>();
  for (const r of rows) groups.set(r.groupName, [...(groups.get(r.groupName) ?? []), r]);
  return (
    <>
      {[...groups].map(([group, list]) => (
        <section key={group}>
          <h3>{group}</h3>
          <div class="grid">
            {list.map((r) => (
              <a
                key={r.assessment.id}
                class="card unit-card"
                href={`/${kind}/a/${encodeURIComponent(r.assessment.id)}`}
                onClick={linkClick}
                data-testid={kind === 'kerja' ? 'unit-card' : 'training-card'}
              >
                <strong>{r.unitName}</strong>
                <div class="small muted">{r.periodName}</div>
                <div class="row small" style="margin:0.4rem 0">
                  <span>{t('progress', { n: r.verified, total: r.total })}</span>
                  <span class="spacer" />
                  <span class="pill sync" data-testid="unit-status">
                    {t(`status_${displayStatus(kind, r)}`)}
                  </span>
                </div>
                <div class="progress" aria-hidden="true">
                  <span style={`width:${Math.round((100 * r.verified) / r.total)}%`} />
                </div>
                {kind === 'kerja' ? (
                  <div class="small" style="margin-top:0.4rem">
                    {r.unsyncedChanges > 0 ? (
                      <span class="pill offline">
                        {t('unsynced', { n: r.unsyncedChanges, f: 0 })}
                      </span>
                    ) : (
                      <span class="pill online">{t('allSynced')}</span>
                    )}
                  </div>
                ) : null}
              </a>
            ))}
          </div>
        </section>
      ))}
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
