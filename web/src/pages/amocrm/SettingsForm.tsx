import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../../api/client';
import { keys } from '../../api/queries';
import type {
  AmoEntity,
  AmoIntegration,
  AmoOptions,
  AmoSettingsInput,
  Lang,
  LeadType,
  ParamKey,
} from '../../api/types';
import { Field, hintId } from '../../components/Field';
import { FormError, Notice } from '../../components/FormError';
import { LeadTypeLabel } from '../../components/LeadTypeLabel';
import { usePermissions } from '../../components/MeContext';
import { SubmitButton } from '../../components/SubmitButton';
import { type MessageKey, type Translate, useI18n } from '../../i18n';
import {
  type AmoDraft,
  type CellErrors,
  cellErrors,
  cellOf,
  type EntityDraft,
  parseWindow,
  toDraft,
  toInput,
  WINDOW_MAX,
  WINDOW_MIN,
} from '../../lib/amocrm';
import { LEAD_TYPES, PARAM_KEYS, paramLabel } from '../../lib/leads';
import { SettingsTable } from './SettingsTable';

const isParam = (k: string): k is ParamKey => (PARAM_KEYS as readonly string[]).includes(k);

/** The table's row names of the entity settings, by the API's property name. */
const ROWS: Record<string, MessageKey> = {
  enabled: 'amo.enabled',
  create: 'amo.createGroup',
  responsibleUserId: 'amo.responsible',
  status: 'amo.status',
};

/** "Сделка · Кампания" for `body.entities.deal.fields.campaign`: how a server detail names its cell. */
function cellName(path: string, t: Translate, lang: Lang): string {
  const cell = cellOf(path);
  if (cell === 'leadTypes') return t('amo.leadTypes');
  if (cell === 'windowMinutes') return t('amo.window');
  const [entity, prop = '', key = ''] = cell.split('.');
  if (entity !== 'deal' && entity !== 'contact' && entity !== 'company') return cell;
  const rowKey = ROWS[prop];
  const row = prop === 'fields' ? (isParam(key) ? paramLabel(key, lang) : key) : rowKey ? t(rowKey) : prop;
  return `${t(`amo.entity.${entity}`)} · ${row}`;
}

function SaveError({ error }: { error: unknown }) {
  const { t, lang } = useI18n();
  const labelFor = (path: string) => cellName(path, t, lang);
  const invalid = error instanceof ApiError && error.code === 'amocrm_settings_invalid';
  return (
    <FormError error={error} labelFor={labelFor} summary={invalid ? t('amo.invalidCells') : undefined} />
  );
}

function GeneralCard({
  draft,
  errors,
  windowError,
  onLeadTypes,
  onWindow,
}: {
  draft: AmoDraft;
  errors: CellErrors;
  windowError: boolean;
  onLeadTypes: (types: LeadType[]) => void;
  onWindow: (text: string) => void;
}) {
  const { t } = useI18n();
  const typesError = errors.leadTypes;
  const windowMessage = windowError ? t('amo.windowInvalid') : errors.windowMinutes?.join(' · ');
  return (
    <section className="card" aria-labelledby="amo-general-title">
      <h2 id="amo-general-title">{t('amo.generalTitle')}</h2>
      <div className="amo-general">
        <fieldset className="fieldset-plain amo-types" aria-describedby="amo-types-hint">
          <legend className="field-label">{t('amo.leadTypes')}</legend>
          <div className="check-row">
            {LEAD_TYPES.map((type) => (
              <label key={type} className="check-chip">
                <input
                  type="checkbox"
                  checked={draft.leadTypes.includes(type)}
                  onChange={(e) =>
                    onLeadTypes(
                      e.target.checked
                        ? LEAD_TYPES.filter((x) => x === type || draft.leadTypes.includes(x))
                        : draft.leadTypes.filter((x) => x !== type),
                    )
                  }
                />
                <LeadTypeLabel type={type} />
              </label>
            ))}
          </div>
          <p className="field-hint" id="amo-types-hint">
            {t('amo.leadTypesHint')}
          </p>
          {typesError && <p className="field-error">{typesError.join(' · ')}</p>}
        </fieldset>
        <Field id="amo-window" label={t('amo.window')} hint={windowMessage ? undefined : t('amo.windowHint')}>
          <input
            id="amo-window"
            className="amo-window"
            type="number"
            inputMode="numeric"
            min={WINDOW_MIN}
            max={WINDOW_MAX}
            step={1}
            value={draft.windowMinutes}
            onChange={(e) => onWindow(e.target.value)}
            aria-invalid={windowMessage ? true : undefined}
            aria-describedby={windowMessage ? 'amo-window-error' : hintId('amo-window')}
          />
          {windowMessage && (
            <p className="field-error" id="amo-window-error" role="alert">
              {windowMessage}
            </p>
          )}
        </Field>
      </div>
    </section>
  );
}

/** The connected integration's settings: what is sent, and the entity × parameter table; saved as one. */
export function SettingsForm({
  projectId,
  integration,
  options,
}: {
  projectId: string;
  integration: AmoIntegration;
  options: AmoOptions;
}) {
  const { t } = useI18n();
  const { canWrite } = usePermissions();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(() => toDraft(integration));
  const [windowError, setWindowError] = useState(false);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: async (input: AmoSettingsInput) => {
      const r = await api.saveAmocrm(projectId, input);
      // Fields made for "create" are new options: load them before the table shows them as chosen.
      await queryClient.refetchQueries({ queryKey: keys.amocrmOptions(projectId), exact: true });
      return r;
    },
    onSuccess: (r) => {
      queryClient.setQueryData(keys.amocrm(projectId), r);
      void queryClient.invalidateQueries({ queryKey: keys.amocrmLog(projectId) });
      setDraft(toDraft(r));
      setSaved(true);
    },
  });
  const errors = save.error instanceof ApiError ? cellErrors(save.error.details) : {};

  const change = (next: AmoDraft) => {
    setDraft(next);
    setSaved(false);
  };
  const onEntity = (entity: AmoEntity, patch: Partial<EntityDraft>) =>
    change({ ...draft, entities: { ...draft.entities, [entity]: { ...draft.entities[entity], ...patch } } });

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const windowMinutes = parseWindow(draft.windowMinutes);
    setWindowError(windowMinutes === null);
    if (windowMinutes === null) return;
    save.mutate(toInput(draft, windowMinutes));
  };

  return (
    <form className="stack" onSubmit={submit} noValidate data-testid="amo-settings">
      <fieldset className="fieldset-plain amo-fieldset" disabled={!canWrite || save.isPending}>
        <GeneralCard
          draft={draft}
          errors={errors}
          windowError={windowError}
          onLeadTypes={(leadTypes) => change({ ...draft, leadTypes })}
          onWindow={(windowMinutes) => {
            setWindowError(false);
            change({ ...draft, windowMinutes });
          }}
        />
        <section className="card card-flush" aria-labelledby="amo-table-title">
          <div className="card-pad amo-table-head">
            <h2 id="amo-table-title">{t('amo.tableTitle')}</h2>
            <p className="muted small">{t('amo.tableText')}</p>
          </div>
          <SettingsTable draft={draft} options={options} errors={errors} onEntity={onEntity} />
        </section>
      </fieldset>
      {canWrite ? (
        <div className="amo-actions">
          <div className="amo-actions-status">
            {save.isError && <SaveError error={save.error} />}
            {saved && <Notice>{t('amo.saved')}</Notice>}
          </div>
          <SubmitButton pending={save.isPending} label={t('amo.save')} />
        </div>
      ) : (
        <p className="muted small">{t('amo.readOnly')}</p>
      )}
    </form>
  );
}
