import { useEmailTracking, useProject } from '../api/queries';
import { BackLink, PageHeader } from '../components/PageHeader';
import { PageQueryState } from '../components/PageState';
import { useI18n } from '../i18n';
import { exampleAddress } from '../lib/email';
import type { Params } from '../router';
import { SettingsForm } from './email/SettingsForm';

/** The one-paragraph explanation beside the form, with the project's own address where it is set. */
function HowCard({ address }: { address: string }) {
  const { t } = useI18n();
  const [before, after] = t('email.howText').split('{address}');
  return (
    <section className="card email-how" aria-labelledby="email-how-title">
      <h2 id="email-how-title">{t('email.howTitle')}</h2>
      <p>
        {before}
        <code>{exampleAddress(address)}</code>
        {after}
      </p>
      <p className="muted small">{t('email.howNote')}</p>
    </section>
  );
}

export function EmailPage({ params }: { params: Params }) {
  const id = params.id ?? '';
  const { t } = useI18n();
  const project = useProject(id);
  const query = useEmailTracking(id, true);

  const back = <BackLink to={`/projects/${id}`}>{t('email.back')}</BackLink>;
  if (query.isPending || query.isError) return <PageQueryState query={query} back={back} />;
  const tracking = query.data;

  return (
    <>
      {back}
      <PageHeader
        title={t('email.title')}
        lead={project.data ? t('email.lead', { project: project.data.name }) : undefined}
        actions={
          <span
            className={`badge ${tracking.configured ? 'badge-ok' : 'badge-wait'}`}
            data-testid="email-status"
          >
            {tracking.configured ? t('email.on') : t('email.off')}
          </span>
        }
      />
      <div className="grid-main">
        <SettingsForm projectId={id} tracking={tracking} />
        <HowCard address={tracking.publicAddress ?? ''} />
      </div>
    </>
  );
}
