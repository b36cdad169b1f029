import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client';
import type { AttributionModel, Project, ProjectPatch } from '../../api/types';
import { Field, hintId, TextField } from '../../components/Field';
import { FormError } from '../../components/FormError';
import { CurrencyField, SelectField, TimezoneField } from '../../components/Selects';
import { SubmitButton } from '../../components/SubmitButton';
import { useI18n } from '../../i18n';
import { ATTRIBUTION_MODELS, PHONE_REGIONS, regionLabel } from '../../lib/leads';
import { parseDomains, withCurrent } from '../../lib/options';
import { useProjectSaved } from './useProjectSaved';

const WINDOW_MAX = 43_200;

/** The project's settings as a form, filled from the project when it opens; `onDone` closes it. */
export function SettingsForm({ project, onDone }: { project: Project; onDone: () => void }) {
  const { t, lang } = useI18n();
  const saved = useProjectSaved();
  const [name, setName] = useState(project.name);
  const [domains, setDomains] = useState(project.domains.join('\n'));
  const [timezone, setTimezone] = useState(project.timezone);
  const [currency, setCurrency] = useState(project.currency);
  const [attributionModel, setAttributionModel] = useState(project.attributionModel);
  const [windowMinutes, setWindowMinutes] = useState(String(project.duplicateWindowMinutes));
  const [phoneRegion, setPhoneRegion] = useState(project.phoneRegion);
  const [windowError, setWindowError] = useState(false);
  const update = useMutation({
    mutationFn: (patch: ProjectPatch) => api.updateProject(project.id, patch),
    onSuccess: (p) => {
      saved(p);
      onDone();
    },
  });

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const minutes = Number(windowMinutes.trim());
    const badWindow =
      windowMinutes.trim() === '' || !Number.isInteger(minutes) || minutes < 0 || minutes > WINDOW_MAX;
    setWindowError(badWindow);
    if (badWindow) return;
    update.mutate({
      name: name.trim(),
      domains: parseDomains(domains),
      timezone,
      currency,
      attributionModel,
      duplicateWindowMinutes: minutes,
      phoneRegion,
    });
  };

  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormError
        error={update.error}
        fields={{
          name: t('project.name'),
          domains: t('project.domains'),
          timezone: t('field.timezone'),
          currency: t('field.currency'),
          attributionModel: t('project.attributionModel'),
          duplicateWindowMinutes: t('project.duplicateWindow'),
          phoneRegion: t('project.phoneRegion'),
        }}
      />
      <TextField id="edit-name" label={t('project.name')} value={name} onChange={setName} required />
      <Field id="edit-domains" label={t('project.domains')} hint={t('newProject.domainsHint')}>
        <textarea
          id="edit-domains"
          rows={3}
          value={domains}
          spellCheck={false}
          onChange={(e) => setDomains(e.target.value)}
          aria-describedby={hintId('edit-domains')}
        />
      </Field>
      <TimezoneField id="edit-timezone" value={timezone} onChange={setTimezone} />
      <CurrencyField id="edit-currency" value={currency} onChange={setCurrency} />
      <h3 className="card-subhead">{t('project.leadSettings')}</h3>
      <SelectField
        id="edit-attribution"
        label={t('project.attributionModel')}
        hint={t('project.attributionHint')}
        value={attributionModel}
        onChange={(v) => setAttributionModel(v as AttributionModel)}
        options={ATTRIBUTION_MODELS.map((m) => ({ value: m, label: t(`attribution.${m}`) }))}
      />
      <Field
        id="edit-window"
        label={t('project.duplicateWindow')}
        hint={windowError ? undefined : t('project.duplicateWindowHint')}
      >
        <input
          id="edit-window"
          type="number"
          inputMode="numeric"
          min={0}
          max={WINDOW_MAX}
          step={1}
          value={windowMinutes}
          onChange={(e) => {
            setWindowMinutes(e.target.value);
            setWindowError(false);
          }}
          aria-invalid={windowError || undefined}
          aria-describedby={windowError ? 'edit-window-error' : hintId('edit-window')}
        />
        {windowError && (
          <p className="field-error" id="edit-window-error" role="alert">
            {t('project.duplicateWindowInvalid')}
          </p>
        )}
      </Field>
      <SelectField
        id="edit-phone-region"
        label={t('project.phoneRegion')}
        hint={t('project.phoneRegionHint')}
        value={phoneRegion}
        onChange={setPhoneRegion}
        options={withCurrent(PHONE_REGIONS, phoneRegion).map((r) => ({
          value: r,
          label: regionLabel(r, lang),
        }))}
      />
      <div className="form-actions">
        <SubmitButton pending={update.isPending} />
        <button type="button" className="btn btn-secondary" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
