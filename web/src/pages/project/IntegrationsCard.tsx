import { useAmoCrm, useEmailTracking } from '../../api/queries';
import type { Project } from '../../api/types';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import { ProblemBanner } from '../amocrm/ProblemBanner';

/** E-mail tracking in the integrations card: set up or not, and a failing mailbox at a glance. */
function EmailRow({ projectId }: { projectId: string }) {
  const { t } = useI18n();
  const email = useEmailTracking(projectId);
  const failing = email.data?.mailboxes.some((m) => m.status === 'error');
  return (
    <div className="integration-row">
      <div>
        <Link to={`/projects/${projectId}/email`} className="row-link" data-testid="email-link">
          {t('email.title')}
        </Link>
        <p className="muted small">{t('email.cardText')}</p>
      </div>
      {email.data && (
        <span
          className={`badge ${failing ? 'badge-fail' : email.data.configured ? 'badge-ok' : 'badge-wait'}`}
        >
          {failing ? t('email.status.error') : email.data.configured ? t('email.on') : t('email.off')}
        </span>
      )}
    </div>
  );
}

/** Where the project's leads go: amoCRM and e-mail tracking, each with its state. */
export function IntegrationsCard({ project }: { project: Project }) {
  const { t } = useI18n();
  const amo = useAmoCrm(project.id);
  const state = amo.data?.connected ? 'connected' : amo.data?.connection ? 'waiting' : 'notConnected';
  return (
    <section className="card" aria-labelledby="integrations-title">
      <h2 id="integrations-title">{t('amo.cardTitle')}</h2>
      <div className="integration-row">
        <div>
          <Link to={`/projects/${project.id}/amocrm`} className="row-link" data-testid="amocrm-link">
            amoCRM
          </Link>
          <p className="muted small">{t('amo.cardText')}</p>
        </div>
        {amo.data && (
          <span
            className={`badge ${amo.data.problem ? 'badge-fail' : state === 'connected' ? 'badge-ok' : 'badge-wait'}`}
          >
            {amo.data.problem ? t('amo.problem.badge') : t(`amo.${state}`)}
          </span>
        )}
      </div>
      {amo.data?.problem && <ProblemBanner problem={amo.data.problem} />}
      <EmailRow projectId={project.id} />
    </section>
  );
}
