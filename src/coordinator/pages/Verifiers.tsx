import { useEffect, useRef, useState } from 'preact/hooks';
import { linkClick } from '../../ui/router';
import { api } from '../api';
import { DataTable, ScrollRegion } from '../components/DataTable';
import { FormActions, TextField, useForm } from '../components/FormField';
import { countTablets, groupTablets } from '../devices';
import { type Translator, useT } from '../i18n';
import { useListTime } from '../organisation';
import type { Account, Device, EnrolmentTicket } from '../types';
import {
  ConfirmButton,
  ErrorNotice,
  ListBody,
  type PageProps,
  SuccessNotice,
  shortId,
  svgDataUri,
  useAction,
  useDocumentTitle,
  useLoad,
} from '../ui';

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** While an enrolment code is on screen, look for the new tablet this often. */
const DEVICE_POLL_MS = 4000;

function verifierPath(id: string): string {
  return `/koordinator/verifikator/${encodeURIComponent(id)}`;
}

function VerifierForm({ onDone }: { onDone(a: Account): void }) {
  const t = useT();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const form = useForm({
    name: name.trim() ? undefined : t('required'),
    email: !email.trim()
      ? t('emailRequired')
      : EMAIL_RE.test(email.trim())
        ? undefined
        : t('emailInvalid'),
  });
  const send = () =>
    api('POST /api/verifiers', { json: { name: name.trim(), email: email.trim() } });
  const done = (a: Account) => {
    setName('');
    setEmail('');
    onDone(a);
  };

  return (
    <form
      class="card"
      noValidate
      onSubmit={form.submit(send, done)}
      data-testid="verifier-create-form"
    >
      <h2>{t('newVerifier')}</h2>
      <div class="c-form-grid">
        <TextField
          id="vn-name"
          label={t('name')}
          error={form.err('name')}
          maxLength={200}
          value={name}
          onValue={setName}
        />
        <TextField
          id="vn-email"
          label={t('email')}
          error={form.err('email')}
          type="email"
          maxLength={254}
          autocomplete="off"
          value={email}
          onValue={setEmail}
        />
      </div>
      <FormActions action={form.action} label={t('create')} />
    </form>
  );
}

/** All verifiers with their tablets and assignments; new verifier form for coordinators. */
export function Verifiers({ canWrite }: PageProps) {
  const listTime = useListTime();
  const t = useT();
  useDocumentTitle(t('verifiersTitle'));
  const data = useLoad(() => api('GET /api/verifiers'), []);
  const [ok, setOk] = useState<string | null>(null);
  const list = data.data?.verifiers ?? [];
  // The server's deviceCount counts active identities; a tablet that rotated its identity
  // (cloned or restored profile) has several. Count tablets from each verifier's identities.
  const tablets = useLoad(async () => {
    const counts = new Map<string, number>();
    await Promise.all(
      list.map(async (v) => {
        const r = await api('GET /api/verifiers/:id/devices', { params: { id: v.id } });
        counts.set(v.id, countTablets(r.devices).tablets);
      }),
    );
    return counts;
  }, [data.data]);
  return (
    <>
      <h1>{t('verifiersTitle')}</h1>
      <SuccessNotice text={ok} />
      <ErrorNotice error={data.error} />
      <section class="card">
        <h2>{t('verifiers')}</h2>
        <p class="r-note" data-testid="enrol-hint">
          {t('enrolHowTo')}
        </p>
        <ListBody loaded={data} count={list.length} empty={t('noVerifiers')}>
          <ScrollRegion label={t('verifiers')}>
            <table class="c-link-rows" data-testid="verifier-list">
              <thead>
                <tr>
                  <th scope="col">{t('name')}</th>
                  <th scope="col">{t('email')}</th>
                  <th scope="col" title={t('tabletsHint')}>
                    {t('tablets')}
                  </th>
                  <th scope="col">{t('assignmentsCount')}</th>
                  <th scope="col">{t('lastSeen')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((v) => (
                  <tr key={v.id} data-testid="verifier-row" data-email={v.email}>
                    <td>
                      <a
                        class="c-row-link"
                        href={verifierPath(v.id)}
                        onClick={linkClick}
                        data-testid="verifier-open"
                      >
                        {v.name}
                      </a>{' '}
                      {v.active ? null : <span class="pill bad">{t('inactive')}</span>}
                    </td>
                    <td>{v.email}</td>
                    <td data-testid="verifier-tablets">
                      {tablets.data?.get(v.id) ?? (tablets.error ? v.deviceCount : '…')}
                    </td>
                    <td>{v.assignmentCount}</td>
                    <td>{v.lastSeenAt ? listTime(v.lastSeenAt) : t('never')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
          <p class="small muted">{t('tabletsHint')}</p>
        </ListBody>
      </section>
      {canWrite ? (
        <VerifierForm
          onDone={async (a) => {
            await data.reload();
            setOk(t('verifierCreated', { name: a.name }));
          }}
        />
      ) : null}
    </>
  );
}

function minutesLeft(expiresAt: number, now: number): number {
  return Math.max(0, Math.ceil((expiresAt - now) / 60_000));
}

/** The one-time code, big enough to read across a table, with its QR and expiry. */
function EnrolmentPanel(props: { ticket: EnrolmentTicket; name: string; onClose(): void }) {
  const listTime = useListTime();
  const t = useT();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);
  const expired = now >= props.ticket.expiresAt;
  return (
    <section class="card c-enrol" data-testid="enrolment" aria-live="polite">
      <h2>{t('enrolHeading', { name: props.name })}</h2>
      {expired ? (
        <p class="notice bad" data-testid="enrolment-expired">
          {t('enrolExpired')}
        </p>
      ) : (
        <div class="c-enrol-body">
          <div>
            <p class="c-enrol-code" data-testid="enrol-display-code">
              {props.ticket.displayCode}
            </p>
            <p>{t('enrolSteps')}</p>
            <p class="small" data-testid="enrolment-expiry">
              {t('enrolExpires', {
                time: listTime(props.ticket.expiresAt),
                min: minutesLeft(props.ticket.expiresAt, now),
              })}
            </p>
          </div>
          <img
            class="c-qr"
            src={svgDataUri(props.ticket.qrSvg)}
            alt={t('qrAlt')}
            width={220}
            height={220}
            data-testid="enrol-qr"
          />
        </div>
      )}
      <div class="row c-actions">
        <button type="button" onClick={props.onClose}>
          {t('close')}
        </button>
      </div>
    </section>
  );
}

/** `active`, `revoked` (by a coordinator) or `released` (the tablet let go of it). */
function deviceState(d: Device): 'active' | 'revoked' | 'released' {
  if (d.revokedAt === null) return 'active';
  return d.revokedReason === 'released' ? 'released' : 'revoked';
}

function DeviceStatus({ d, t }: { d: Device; t: Translator }) {
  const listTime = useListTime();
  const state = deviceState(d);
  if (state === 'active')
    return (
      <span class="pill online" data-testid="device-active">
        {t('deviceActive')}
      </span>
    );
  const time = listTime(d.revokedAt);
  return state === 'released' ? (
    <span class="pill c-released" data-testid="device-released">
      {t('deviceReleased', { time })}
    </span>
  ) : (
    <span class="pill bad" data-testid="device-revoked">
      {t('deviceRevoked', { time })}
    </span>
  );
}

/** One verifier: enrol a tablet (code + QR), list its tablets, revoke one; (de)activate. */
export function VerifierDetail({ canWrite, params }: PageProps) {
  const listTime = useListTime();
  const t = useT();
  const id = params.id ?? '';
  const verifier = useLoad(() => api('GET /api/verifiers/:id', { params: { id } }), [id]);
  const devices = useLoad(() => api('GET /api/verifiers/:id/devices', { params: { id } }), [id]);
  useDocumentTitle(verifier.data?.name ?? t('verifiersTitle'));
  const [ticket, setTicket] = useState<EnrolmentTicket | null>(null);
  const [ok, setOk] = useState<string | null>(null);
  const action = useAction();
  const knownDevices = useRef<Set<string>>(new Set());

  // While a code is shown, watch for the tablet that uses it, then say so and hide the code.
  const reloadDevices = devices.reload;
  useEffect(() => {
    if (!ticket) return;
    const timer = setInterval(reloadDevices, DEVICE_POLL_MS);
    return () => clearInterval(timer);
  }, [ticket, reloadDevices]);
  useEffect(() => {
    if (!ticket || !devices.data) return;
    const fresh = devices.data.devices.find((d) => !knownDevices.current.has(d.id));
    if (fresh) {
      setTicket(null);
      setOk(t('tabletEnrolled', { label: fresh.label }));
    }
  }, [ticket, devices.data, t]);

  const v = verifier.data;
  const list = devices.data?.devices ?? [];
  const groups = groupTablets(list);
  const counts = countTablets(list);

  const createEnrolment = async () => {
    setOk(null);
    knownDevices.current = new Set(list.map((d) => d.id));
    const r = await action.run(() => api('POST /api/verifiers/:id/enrolments', { params: { id } }));
    if (r) setTicket(r);
  };

  const setActive = async (active: boolean) => {
    const r = await action.run(() =>
      api('PATCH /api/verifiers/:id', { params: { id }, json: { active } }),
    );
    if (r) {
      if (!active) setTicket(null);
      verifier.reload();
    }
  };

  return (
    <>
      <p>
        <a href="/koordinator/verifikator" onClick={linkClick}>
          {t('backToVerifiers')}
        </a>
      </p>
      <ErrorNotice error={verifier.error} />
      {v ? (
        <>
          <h1 data-testid="verifier-name">
            {v.name} {v.active === false ? <span class="pill bad">{t('inactive')}</span> : null}
          </h1>
          <p class="muted">{v.email}</p>
          <SuccessNotice text={ok} />
          <ErrorNotice error={action.error} />
          {canWrite ? (
            <div class="row c-actions">
              {v.active !== false ? (
                <button
                  type="button"
                  class="primary"
                  disabled={action.busy}
                  onClick={() => void createEnrolment()}
                  data-testid="enrol-create"
                >
                  {action.busy ? t('enrolCreating') : t('enrolTablet')}
                </button>
              ) : (
                <span class="small muted">{t('enrolInactive')}</span>
              )}
              <span class="spacer" />
              {v.active !== false ? (
                <ConfirmButton
                  label={t('deactivate')}
                  question={t('confirmDeactivate', { name: v.name })}
                  confirmLabel={t('deactivate')}
                  onConfirm={() => setActive(false)}
                />
              ) : (
                <button type="button" onClick={() => void setActive(true)}>
                  {t('activate')}
                </button>
              )}
            </div>
          ) : null}
          {ticket ? (
            <EnrolmentPanel ticket={ticket} name={v.name} onClose={() => setTicket(null)} />
          ) : null}
        </>
      ) : verifier.loading ? (
        <p class="muted">{t('loading')}</p>
      ) : null}
      <section class="card">
        <div class="row">
          <h2>{t('devices')}</h2>
          <span class="spacer" />
          <button type="button" onClick={devices.reload} data-testid="devices-refresh">
            ↻ {t('refresh')}
          </button>
        </div>
        <ErrorNotice error={devices.error} />
        {devices.data && list.length === 0 ? <p class="muted">{t('noDevices')}</p> : null}
        {list.length ? (
          <>
            <p class="small" data-testid="device-counts">
              {t('tabletCount', { n: counts.tablets })} ·{' '}
              {t('identityCount', { n: counts.identities })}
            </p>
            <DataTable
              headings={[
                t('deviceLabel'),
                t('deviceId'),
                t('enrolledAt'),
                t('lastSeen'),
                t('status'),
              ]}
              testId="device-list"
              label={t('devices')}
            >
              {groups.flatMap((g) =>
                g.identities.map((d) => (
                  <tr
                    key={d.id}
                    data-testid="device-row"
                    data-label={d.label}
                    data-device-id={d.id}
                    data-state={deviceState(d)}
                    data-origin={d.origin}
                    data-revoked={d.revokedAt ? 'true' : 'false'}
                  >
                    <td class={d.id === g.root.id ? undefined : 'c-identity-sub'}>
                      {d.label}
                      {d.origin === 'rotate' && d.rotatedFrom ? (
                        <div
                          class="small"
                          data-testid="device-rotated"
                          title={t('deviceRotatedWhy')}
                        >
                          {t('deviceRotated', { old: shortId(d.rotatedFrom) })}
                        </div>
                      ) : null}
                    </td>
                    <td>
                      <code class="small">{shortId(d.id)}</code>
                    </td>
                    <td>{listTime(d.createdAt)}</td>
                    <td data-testid="device-last-seen">
                      {d.lastSeenAt ? listTime(d.lastSeenAt) : t('never')}
                    </td>
                    <td>
                      <DeviceStatus d={d} t={t} />
                      {d.revokedAt === null && canWrite ? (
                        <div class="c-actions-inline">
                          <ConfirmButton
                            label={t('revoke')}
                            question={t('confirmRevoke', { label: d.label })}
                            confirmLabel={t('confirmRevokeYes')}
                            testId="device-revoke"
                            onConfirm={() =>
                              action.done(
                                () => api('POST /api/devices/:id/revoke', { params: { id: d.id } }),
                                async () => {
                                  await devices.reload();
                                  setOk(t('revoked', { label: d.label }));
                                },
                              )
                            }
                          />
                        </div>
                      ) : null}
                    </td>
                  </tr>
                )),
              )}
            </DataTable>
            {list.some((d) => d.origin === 'rotate') ? (
              <p class="small muted" data-testid="identities-note">
                {t('deviceRotatedWhy')} {t('identitiesNote')}
              </p>
            ) : null}
          </>
        ) : null}
      </section>
    </>
  );
}
