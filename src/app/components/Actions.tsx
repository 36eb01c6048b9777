import { useEffect, useState } from 'preact/hooks';
import { saveBlob } from '../../ui/save-file';
import './Actions.css';
import {
  type ActionDisplayStatus,
  type ActionFile,
  actionDisplayStatus,
  actionStatusLabel,
  formatValue,
  isoDayInZone,
  type TabletAction,
  ZONE_IANA,
} from '../../core';
import { SyncHttpError } from '../../sync';
import { formatBytes, formatZoneTime } from '../../ui/format';
import { type Locale, useLocale } from '../../ui/i18n';
import { isConnected, useOnline } from '../../ui/online';
import { useT } from '../i18n';
import { formatDay, safeHref } from '../lib/actions';
import { fetchActionFile, usePrintZone } from '../state/sync';
import { getStore, type WorkspaceKind } from '../state/workspace';

/**
 * Improvement actions (tindak lanjut) the unit committed to in earlier periods, read-only on
 * the tablet (issue 18): on an indicator, those of the period's instrument; on the unit's
 * checklist, those of other instruments, once, with their instrument named (indicator
 * numbers do not map across instruments). Loaded as its own chunk: most indicators have none.
 */

/**
 * Today as the organisation's wall calendar reads it (core `isoDayInZone` in the zone the
 * last sync brought, WIB until known), re-read every minute so an action turns `terlambat`
 * at midnight without the package being fetched again (the tablet may be offline for days).
 */
function useToday(): string {
  const zone = usePrintZone();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return isoDayInZone(now, ZONE_IANA[zone]);
}

/** A level as the instrument writes it: "3" for a whole level, "2,50" for an assessor value. */
function formatLevel(level: number, locale: Locale): string {
  return formatValue(level, locale, Number.isInteger(level) ? 'level' : 'decimal');
}

function StatusPill({ status, locale }: { status: ActionDisplayStatus; locale: Locale }) {
  return (
    <span class={`pill action-status ${status}`} data-testid="action-status">
      {actionStatusLabel(status, locale)}
    </span>
  );
}

/** The actions on one indicator of the unit (same instrument as the period), near its criteria. */
export function IndicatorActions(props: { ws: WorkspaceKind; actions: TabletAction[] }) {
  const t = useT();
  return (
    <section class="actions-box" data-testid="indicator-actions" aria-labelledby="actions-title">
      <h2 id="actions-title" class="actions-title">
        {t('actionsTitle')}
      </h2>
      <p class="small muted">{t('actionsIntro')}</p>
      {props.actions.map((a) => (
        <ActionItem key={a.id} action={a} />
      ))}
    </section>
  );
}

/** The unit's actions on instruments other than the period's, listed once on its checklist. */
export function OtherInstrumentActions(props: { ws: WorkspaceKind; actions: TabletAction[] }) {
  const t = useT();
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const ids = [...new Set(props.actions.map((a) => a.frameworkId))];
  useEffect(() => {
    let live = true;
    void instrumentNames(props.ws, ids).then((m) => {
      if (live) setNames(m);
    });
    return () => {
      live = false;
    };
  }, [props.ws, ids.join('|')]);
  return (
    <details class="actions-box" data-testid="other-actions">
      <summary class="actions-title">{t('actionsOther', { n: props.actions.length })}</summary>
      <p class="small muted">{t('actionsOtherWhy')}</p>
      {props.actions.map((a) => (
        <ActionItem
          key={a.id}
          action={a}
          where={t('actionIndicator', {
            instrument: names.get(a.frameworkId) ?? a.frameworkId,
            no: a.indicatorNo,
          })}
        />
      ))}
    </details>
  );
}

/** Instrument names by id: the synced copy's, else the built-in one's, else the id. */
async function instrumentNames(ws: WorkspaceKind, ids: string[]): Promise<Map<string, string>> {
  const store = await getStore(ws);
  const { findBuiltInFramework } = await import('../../core/frameworks');
  const out = new Map<string, string>();
  for (const id of ids) {
    const fw = (await store.reference.getFramework(id)) ?? findBuiltInFramework(id);
    out.set(id, fw?.name ?? id);
  }
  return out;
}

/**
 * One action: a one-line promise with its status (expandable), then what was promised, who
 * owns it and, once done, how it was closed with its links and files.
 */
function ActionItem({ action: a, where }: { action: TabletAction; where?: string }) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const today = useToday();
  const status = actionDisplayStatus(a, today);
  const level = formatLevel(a.targetLevel, locale);
  return (
    <details class={`action-item ${status}`} data-testid="action-item" data-action-id={a.id}>
      <summary>
        <span class="action-line">
          {where ? (
            <span class="small muted">
              <span data-testid="action-where">{where}</span> ·{' '}
            </span>
          ) : null}
          <span data-testid="action-promise">
            {t('actionPromise', { level, date: formatDay(a.dueDate, locale) })}
          </span>{' '}
          · <StatusPill status={status} locale={locale} />
        </span>
      </summary>
      <div class="action-body">
        <p class="action-head">
          <strong data-testid="action-title">{a.title}</strong>{' '}
          <span class="small muted" data-testid="action-period">
            {t('actionFrom', { period: a.periodName })}
          </span>
        </p>
        <dl class="action-facts">
          <dt>{t('actionTarget')}</dt>
          <dd>
            {level}
            {a.fromLevel !== null ? (
              <span class="small muted">
                {' '}
                ({t('actionFromLevel')}: {formatLevel(a.fromLevel, locale)})
              </span>
            ) : null}
          </dd>
          <dt>{t('actionDue')}</dt>
          <dd data-testid="action-due">{formatDay(a.dueDate, locale)}</dd>
          <dt>{t('actionOwner')}</dt>
          <dd data-testid="action-owner">
            {a.ownerUnitName}
            {a.ownerPerson ? ` · ${a.ownerPerson}` : ''}
          </dd>
        </dl>
        <h3 class="small">{t('actionPromised')}</h3>
        {a.evidence.length > 0 ? (
          <ul class="action-evidence" data-testid="action-evidence">
            {a.evidence.map((e, i) => (
              // Items may repeat; in a read-only list never reordered, the place is the key.
              <li key={i}>{e}</li>
            ))}
          </ul>
        ) : (
          <p class="small muted">{t('actionNoPromised')}</p>
        )}
        {a.status === 'selesai' ? <Closing action={a} /> : null}
      </div>
    </details>
  );
}

function Closing({ action: a }: { action: TabletAction }) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const online = useOnline(isConnected);
  const zone = usePrintZone();
  const [message, setMessage] = useState<string | null>(null);
  const [opening, setOpening] = useState<string | null>(null);
  const open = async (f: ActionFile) => {
    if (!isConnected(useOnline.getState())) {
      setMessage(t('actionNeedsConnection'));
      return;
    }
    setMessage(null);
    setOpening(f.sha256);
    try {
      const blob = await fetchActionFile(a.id, f);
      saveBlob(blob, f.name);
    } catch (e) {
      setMessage(
        e instanceof SyncHttpError && e.status === 0
          ? t('actionNeedsConnection')
          : t('actionFileFailed', { reason: e instanceof Error ? e.message : String(e) }),
      );
    } finally {
      setOpening(null);
    }
  };
  return (
    <div class="action-closing" data-testid="action-closing">
      {a.closedAt !== null ? (
        <p class="small muted">
          {t('actionClosed', {
            date: formatZoneTime(a.closedAt, locale, zone),
            name: a.closedByName ?? '–',
          })}
        </p>
      ) : null}
      {a.closingNote ? (
        <>
          <h3 class="small">{t('actionClosingNote')}</h3>
          <p class="action-note" data-testid="action-closing-note">
            {a.closingNote}
          </p>
        </>
      ) : null}
      {a.links.length > 0 ? (
        <>
          <h3 class="small">{t('actionLinks')}</h3>
          <ul class="action-links" data-testid="action-links">
            {a.links.map((link) => {
              const href = safeHref(link);
              return (
                <li key={link}>
                  {href ? (
                    <a href={href} target="_blank" rel="noopener noreferrer">
                      {link}
                    </a>
                  ) : (
                    <span>{link}</span>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      ) : null}
      {a.files.length > 0 ? (
        <>
          <h3 class="small">{t('actionFiles')}</h3>
          <ul class="action-files" data-testid="action-files">
            {a.files.map((f) => (
              <li key={f.sha256}>
                <span>
                  {f.name}{' '}
                  <span class="small muted">
                    ({f.bytes < 1024 ? `${f.bytes} byte` : formatBytes(f.bytes, locale)})
                  </span>
                </span>
                {online ? (
                  <button
                    type="button"
                    class="button"
                    disabled={opening !== null}
                    onClick={() => void open(f)}
                    data-testid="action-open-file"
                  >
                    {opening === f.sha256 ? t('actionFileOpening') : t('actionOpenFile')}
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
          {!online || message ? (
            <p class="small action-file-note" role="status" data-testid="action-file-message">
              {message ?? t('actionNeedsConnection')}
            </p>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
