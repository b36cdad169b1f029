import type { Project } from '../../api/types';
import { useI18n } from '../../i18n';
import { useFormat } from '../../lib/format';

/** Whether the snippet is live: when the site last sent a hit. */
export function HitsCard({ project, timezone }: { project: Project; timezone: string }) {
  const { t } = useI18n();
  const fmt = useFormat(timezone);
  return (
    <section className="card" aria-labelledby="hits-title">
      <h2 id="hits-title">{t('project.hitsTitle')}</h2>
      <p className={`status-line ${project.lastHitAt ? 'is-live' : 'is-waiting'}`} data-testid="last-hit">
        <span className="status-dot" aria-hidden="true" />
        {project.lastHitAt
          ? t('project.lastHit', { date: fmt.dateTime(project.lastHitAt) })
          : t('project.noHits')}
      </p>
    </section>
  );
}
