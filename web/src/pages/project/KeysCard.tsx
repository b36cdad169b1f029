import { useState } from 'react';
import { api } from '../../api/client';
import type { Project } from '../../api/types';
import { ConfirmButton } from '../../components/ConfirmButton';
import { CopyButton } from '../../components/CopyButton';
import { usePermissions } from '../../components/MeContext';
import { useI18n } from '../../i18n';
import { useProjectSaved } from './useProjectSaved';

function mask(secret: string): string {
  if (secret.length <= 12) return '•'.repeat(secret.length);
  return `${secret.slice(0, 7)}${'•'.repeat(16)}${secret.slice(-4)}`;
}

/** A copy-paste `curl` that sends an offline lead with the project's API key. */
function apiExample(apiKey: string): string {
  return [
    `curl -X POST ${window.location.origin}/api/v1/leads \\`,
    `  -H 'X-Api-Key: ${apiKey}' \\`,
    `  -H 'content-type: application/json' \\`,
    `  -d '{"type":"offline",`,
    `       "contact":{"phone":"+79123456789","name":"Иван"},`,
    `       "externalId":"crm-1"}'`,
  ].join('\n');
}

const ROTATE = {
  site: { title: 'project.rotateSiteTitle', text: 'project.rotateSiteText', call: api.rotateSiteKey },
  api: { title: 'project.rotateApiTitle', text: 'project.rotateApiText', call: api.rotateApiKey },
} as const;

/** "Rotate" a key, after a confirmation (owner, admin): the old one stops working at once. */
function RotateButton({ project, which }: { project: Project; which: keyof typeof ROTATE }) {
  const { t } = useI18n();
  const { canWrite } = usePermissions();
  const saved = useProjectSaved();
  const r = ROTATE[which];
  if (!canWrite) return null;
  return (
    <ConfirmButton
      label={t('project.rotate')}
      title={t(r.title)}
      text={t(r.text)}
      confirmLabel={t('project.rotate')}
      danger
      onConfirm={async () => saved(await r.call(project.id))}
    />
  );
}

/** The public site key and the secret API key, each with copy and rotate; the API key hidden until shown. */
export function KeysCard({ project }: { project: Project }) {
  const { t } = useI18n();
  const [revealed, setRevealed] = useState(false);

  return (
    <section className="card" aria-labelledby="keys-title">
      <h2 id="keys-title">{t('project.keysTitle')}</h2>
      <div className="key">
        <div className="key-head">
          <h3>{t('project.siteKey')}</h3>
          <div className="key-actions">
            <CopyButton text={project.siteKey} />
            <RotateButton project={project} which="site" />
          </div>
        </div>
        <code className="key-value" data-testid="site-key">
          {project.siteKey}
        </code>
        <p className="muted small">{t('project.siteKeyHint')}</p>
      </div>
      <div className="key">
        <div className="key-head">
          <h3>{t('project.apiKey')}</h3>
          {project.apiKey !== null && (
            <div className="key-actions">
              <button
                type="button"
                className="btn btn-secondary btn-sm"
                aria-pressed={revealed}
                onClick={() => setRevealed(!revealed)}
              >
                {revealed ? t('project.hide') : t('project.reveal')}
              </button>
              <CopyButton text={project.apiKey} />
              <RotateButton project={project} which="api" />
            </div>
          )}
        </div>
        {project.apiKey !== null ? (
          <>
            <code className="key-value" data-testid="api-key">
              {revealed ? project.apiKey : mask(project.apiKey)}
            </code>
            <p className="muted small">{t('project.apiKeyHint')}</p>
            <div className="api-example">
              <div className="key-head">
                <h3>{t('project.apiExampleTitle')}</h3>
                <CopyButton text={apiExample(project.apiKey)} />
              </div>
              <p className="muted small">{t('project.apiExampleText')}</p>
              <pre className="snippet" data-testid="api-example">
                {apiExample(revealed ? project.apiKey : mask(project.apiKey))}
              </pre>
            </div>
          </>
        ) : (
          <p className="muted small">{t('project.apiKeyHidden')}</p>
        )}
      </div>
    </section>
  );
}
