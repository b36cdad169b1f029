import { useState } from 'react';
import type { Project } from '../../api/types';
import { Chips } from '../../components/Chips';
import { usePermissions } from '../../components/MeContext';
import { useI18n } from '../../i18n';
import { currencyLabel, timezoneLabel, useFormat } from '../../lib/format';
import { minutesLabel, regionLabel } from '../../lib/leads';
import { SettingsForm } from './SettingsForm';

/** The project's settings; "Edit" turns the card into the form. */
export function SettingsCard({ project, accountTimezone }: { project: Project; accountTimezone: string }) {
  const { t, lang } = useI18n();
  const { canWrite } = usePermissions();
  const fmt = useFormat(accountTimezone);
  const [editing, setEditing] = useState(false);

  return (
    <section className="card" aria-labelledby="settings-title">
      <div className="card-head">
        <h2 id="settings-title">{t('project.settings')}</h2>
        {canWrite && !editing && (
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => setEditing(true)}>
            {t('common.edit')}
          </button>
        )}
      </div>
      {editing ? (
        <SettingsForm project={project} onDone={() => setEditing(false)} />
      ) : (
        <dl className="props">
          <dt>{t('project.domains')}</dt>
          <dd>
            <Chips items={project.domains} empty={t('project.noDomains')} />
          </dd>
          <dt>{t('field.timezone')}</dt>
          <dd>{timezoneLabel(project.timezone, lang)}</dd>
          <dt>{t('field.currency')}</dt>
          <dd>{currencyLabel(project.currency, lang)}</dd>
          <dt>{t('project.created')}</dt>
          <dd>{fmt.dateTime(project.createdAt)}</dd>
          <dt className="props-group">{t('project.leadSettings')}</dt>
          <dd className="props-group" aria-hidden="true" />
          <dt>{t('project.attributionModel')}</dt>
          <dd data-testid="attribution-model">{t(`attribution.${project.attributionModel}`)}</dd>
          <dt>{t('project.duplicateWindowView')}</dt>
          <dd data-testid="duplicate-window">{minutesLabel(project.duplicateWindowMinutes, lang)}</dd>
          <dt>{t('project.phoneRegion')}</dt>
          <dd data-testid="phone-region">{regionLabel(project.phoneRegion, lang)}</dd>
        </dl>
      )}
    </section>
  );
}
