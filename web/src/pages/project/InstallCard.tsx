import type { Project } from '../../api/types';
import { CopyButton } from '../../components/CopyButton';
import { useI18n } from '../../i18n';

/** The install snippet to paste into every page of the site. */
export function InstallCard({ project }: { project: Project }) {
  const { t } = useI18n();
  const [before, after] = t('project.installText').split('{tag}');
  return (
    <section className="card" aria-labelledby="install-title">
      <div className="card-head">
        <h2 id="install-title">{t('project.installTitle')}</h2>
        <CopyButton text={project.snippet} />
      </div>
      <p>
        {before}
        <code>&lt;/head&gt;</code>
        {after}
      </p>
      <pre className="snippet" data-testid="snippet">
        {project.snippet}
      </pre>
      <p className="muted small">{t('project.installNote')}</p>
    </section>
  );
}
