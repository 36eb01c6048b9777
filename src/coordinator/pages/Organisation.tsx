import { useState } from 'preact/hooks';
import { formatZoneTime } from '../../ui/format';
import { useLocale } from '../../ui/i18n';
import { navigate } from '../../ui/router';
import { ApiError, api } from '../api';
import { FormActions, SelectField, TextField, useForm } from '../components/FormField';
import { useT } from '../i18n';
import { organisationSaved, useOrganisation } from '../organisation';
import {
  LOGO_MAX_TEXT,
  type LogoMime,
  logoProblem,
  ORGANISATION_KIND_LABELS,
  ORGANISATION_KINDS,
  ORGANISATION_NAME_MAX,
  type Organisation,
  type OrganisationKind,
  sniffLogoMime,
  TIME_ZONES,
  ZONE_LABELS,
  type ZoneCode,
} from '../types';
import {
  ConfirmButton,
  ErrorNotice,
  FileField,
  type PageProps,
  SuccessNotice,
  useAction,
  useDocumentTitle,
} from '../ui';

/** The coordinator's set-up page and settings entry: `/koordinator/organisasi`. */
export const ORGANISATION_PATH = '/koordinator/organisasi';

/**
 * Where the first set-up goes on: the page the coordinator asked for (`?lanjut=`), else the
 * dashboard.
 */
function nextPath(): string {
  const next = new URLSearchParams(location.search).get('lanjut') ?? '';
  return next.startsWith('/koordinator/') && !next.startsWith(ORGANISATION_PATH)
    ? next
    : '/koordinator/dasbor';
}

/** A chosen logo file: its bytes and type once read, or why it is refused. */
type Logo = { file: File; bytes: Uint8Array; mime: LogoMime } | { file: File; problem: string };

/** One line of plain text within the length the server takes (it trims, as here). */
function nameOk(name: string): boolean {
  const n = name.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  return n.length > 0 && n.length <= ORGANISATION_NAME_MAX && !/[\u0000-\u001f\u007f]/.test(n);
}

/**
 * Name, kind, time zone and an optional logo. The first time (nothing set yet) it is the
 * set-up form every coordinator meets before anything else, and goes on to the page they
 * asked for; later it is the settings form, with the current logo and its removal.
 */
function OrganisationForm({ org }: { org: Organisation }) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const first = !org.configured;
  const [name, setName] = useState(org.name ?? '');
  const [kind, setKind] = useState<OrganisationKind | ''>(org.kind ?? '');
  const [zone, setZone] = useState<ZoneCode | ''>(org.configured ? org.zone : '');
  const [logo, setLogo] = useState<Logo | null>(null);
  const [pickKey, setPickKey] = useState(0);
  const [ok, setOk] = useState<string | null>(null);
  const logoUrl = useOrganisation((s) => s.logoUrl);
  const removal = useAction();
  const form = useForm({
    name: !name.trim()
      ? t('required')
      : nameOk(name)
        ? undefined
        : t('orgNameInvalid', { max: ORGANISATION_NAME_MAX }),
    kind: kind ? undefined : t('required'),
    zone: zone ? undefined : t('required'),
    logo: logo && 'problem' in logo ? logo.problem : undefined,
  });

  const pick = async (file: File | null) => {
    setOk(null);
    // An earlier file's refusal goes at once; this one is judged once read.
    setLogo(null);
    if (!file) return;
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
    } catch {
      setLogo({ file, problem: t('orgLogoUnreadable') });
      return;
    }
    const problem = logoProblem(bytes);
    setLogo(
      problem
        ? { file, problem: t(`orgLogo_${problem}`, { limit: LOGO_MAX_TEXT }) }
        : { file, bytes, mime: sniffLogoMime(bytes) as LogoMime },
    );
  };

  /** The fields first, then the logo: a refused logo leaves the saved fields saved, and says so. */
  const send = async (): Promise<Organisation> => {
    let saved = await api('PUT /api/organisation', {
      json: { name: name.trim(), kind: kind as OrganisationKind, zone: zone as ZoneCode },
    });
    if (logo && 'bytes' in logo) {
      try {
        saved = await api('PUT /api/organisation/logo', {
          bytes: {
            body: new Blob([new Uint8Array(logo.bytes)], { type: logo.mime }),
            type: logo.mime,
          },
        });
      } catch (e) {
        await organisationSaved(saved);
        throw e;
      }
    }
    return saved;
  };

  const done = async (saved: Organisation) => {
    await organisationSaved(saved);
    setLogo(null);
    setPickKey((k) => k + 1);
    if (first) await navigate(nextPath(), { replace: true });
    else setOk(t('orgSaved'));
  };

  return (
    <form
      class="card c-narrow c-org-form"
      noValidate
      onSubmit={form.submit(send, done)}
      data-testid="organisation-form"
    >
      <TextField
        id="org-name"
        label={t('orgName')}
        error={form.err('name')}
        maxLength={ORGANISATION_NAME_MAX}
        autocomplete="organization"
        placeholder={t('orgNamePlaceholder')}
        value={name}
        onValue={setName}
      />
      <SelectField
        id="org-kind"
        label={t('orgKind')}
        error={form.err('kind')}
        value={kind}
        onValue={(v) => setKind(v as OrganisationKind | '')}
      >
        <option value="">{t('orgChooseKind')}</option>
        {ORGANISATION_KINDS.map((k) => (
          <option key={k} value={k}>
            {ORGANISATION_KIND_LABELS[k][locale === 'en' ? 1 : 0]}
          </option>
        ))}
      </SelectField>
      <SelectField
        id="org-zone"
        label={t('orgZone')}
        error={form.err('zone')}
        value={zone}
        onValue={(v) => setZone(v as ZoneCode | '')}
      >
        <option value="">{t('orgChooseZone')}</option>
        {TIME_ZONES.map((z) => (
          <option key={z} value={z}>
            {ZONE_LABELS[z][locale === 'en' ? 1 : 0]}
          </option>
        ))}
      </SelectField>
      <p class="small muted">{t('orgZoneHint')}</p>
      <fieldset class="c-org-logo">
        <legend>{t('orgLogo')}</legend>
        <p class="small muted">{t('orgLogoHint', { limit: LOGO_MAX_TEXT })}</p>
        {logoUrl && org.logo ? (
          <div class="c-org-logo-current">
            <img src={logoUrl} alt={t('orgLogoCurrent')} data-testid="organisation-logo" />
            <ConfirmButton
              label={t('orgLogoRemove')}
              question={t('orgLogoRemoveQ')}
              confirmLabel={t('orgLogoRemove')}
              testId="organisation-logo-remove"
              onConfirm={() =>
                removal.done(
                  async () => organisationSaved(await api('DELETE /api/organisation/logo')),
                  () => setOk(t('orgLogoRemoved')),
                )
              }
            />
          </div>
        ) : null}
        <FileField
          key={pickKey}
          id="org-logo"
          label={t('orgLogoChoose')}
          accept="image/png,image/jpeg"
          file={logo?.file ?? null}
          onFile={(f) => void pick(f)}
        />
        {form.err('logo') ? (
          <p class="error small c-field-error" role="alert" data-testid="organisation-logo-error">
            {form.err('logo')}
          </p>
        ) : null}
        {logo && 'bytes' in logo ? <p class="small">{t('orgLogoNew')}</p> : null}
        <ErrorNotice error={removal.error} testId="organisation-logo-remove-error" />
      </fieldset>
      <SuccessNotice text={ok} />
      <FormActions action={form.action} label={first ? t('orgSetupSubmit') : t('save')} />
      {org.updatedAt ? (
        <p class="small muted">
          {t('orgUpdatedAt', { time: formatZoneTime(org.updatedAt, locale, org.zone) })}
        </p>
      ) : null}
    </form>
  );
}

/** What a viewer (pimpinan) reads: the organisation as set, nothing to change. */
function OrganisationFacts({ org }: { org: Organisation }) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const logoUrl = useOrganisation((s) => s.logoUrl);
  if (!org.configured)
    return (
      <p class="notice" data-testid="organisation-not-set">
        {t('orgNotSet')}
      </p>
    );
  const i = locale === 'en' ? 1 : 0;
  return (
    <dl class="card c-narrow c-org-facts" data-testid="organisation-facts">
      <dt>{t('orgName')}</dt>
      <dd>{org.name}</dd>
      <dt>{t('orgKind')}</dt>
      <dd>{org.kind ? ORGANISATION_KIND_LABELS[org.kind][i] : '–'}</dd>
      <dt>{t('orgZone')}</dt>
      <dd>{ZONE_LABELS[org.zone][i]}</dd>
      {logoUrl ? (
        <>
          <dt>{t('orgLogoCurrent')}</dt>
          <dd>
            <img src={logoUrl} alt={t('orgLogoCurrent')} class="c-org-logo-img" />
          </dd>
        </>
      ) : null}
    </dl>
  );
}

/**
 * `/koordinator/organisasi`: the organisation's name, kind, time zone and logo. A coordinator
 * signing in before it is set is sent here first (see index.tsx).
 */
export function OrganisationPage({ canWrite }: PageProps) {
  const t = useT();
  const state = useOrganisation();
  const first = state.org !== null && !state.org.configured && canWrite;
  useDocumentTitle(first ? t('orgSetupTitle') : t('orgTitle'));
  return (
    <>
      <h1>{first ? t('orgSetupTitle') : t('orgTitle')}</h1>
      <p class="muted c-narrow">{first ? t('orgSetupIntro') : t('orgIntro')}</p>
      {state.status === 'error' ? (
        <ErrorNotice error={new ApiError(0, 'load', state.error ?? '')} />
      ) : null}
      {!state.org ? (
        <p class="muted">{t('loading')}</p>
      ) : canWrite ? (
        <OrganisationForm org={state.org} />
      ) : (
        <OrganisationFacts org={state.org} />
      )}
    </>
  );
}
