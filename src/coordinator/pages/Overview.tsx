import { linkClick } from '../../ui/router';
import { type MessageKey, useT } from '../i18n';
import { type PageProps, useDocumentTitle } from '../ui';

const CARDS: { href: string; title: MessageKey; text: MessageKey }[] = [
  { href: '/koordinator/periode', title: 'navPeriods', text: 'overviewPeriods' },
  { href: '/koordinator/unit', title: 'navUnits', text: 'overviewUnits' },
  { href: '/koordinator/verifikator', title: 'navVerifiers', text: 'overviewVerifiers' },
  { href: '/koordinator/penugasan', title: 'navAssignments', text: 'overviewAssignments' },
  { href: '/koordinator/organisasi', title: 'navOrganisation', text: 'overviewOrganisation' },
];

/** Landing page: where each part of the set-up lives (the menu leads to the dashboard). */
export function Overview({ account }: PageProps) {
  const t = useT();
  useDocumentTitle(t('overviewTitle'));
  return (
    <>
      <h1>{t('overviewTitle')}</h1>
      <p class="muted">{t('overviewIntro')}</p>
      <div class="grid">
        {CARDS.map((c) => (
          <a key={c.href} class="card unit-card c-tile" href={c.href} onClick={linkClick}>
            <strong>{t(c.title)}</strong>
            <span class="small muted">{t(c.text)}</span>
          </a>
        ))}
      </div>
      <p class="small muted">
        {t('signedInAs', {
          name: account.name,
          role: account.role === 'coordinator' ? t('roleCoordinator') : t('roleViewer'),
        })}
      </p>
    </>
  );
}
