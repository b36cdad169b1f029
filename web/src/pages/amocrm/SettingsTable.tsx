import type { AmoEntity, AmoOptions, LeadType } from '../../api/types';
import { LeadTypeLabel } from '../../components/LeadTypeLabel';
import { useI18n } from '../../i18n';
import { AMO_ENTITIES, type AmoDraft, type CellErrors, type EntityDraft } from '../../lib/amocrm';
import { LEAD_TYPES, PARAM_KEYS, paramLabel } from '../../lib/leads';
import { Cell, CheckCell, FieldSelect, StatusSelect, UserSelect } from './cells';

interface TableProps {
  draft: AmoDraft;
  options: AmoOptions;
  errors: CellErrors;
  onEntity: (entity: AmoEntity, patch: Partial<EntityDraft>) => void;
}

const toggle = (list: LeadType[], type: LeadType, on: boolean) =>
  on ? LEAD_TYPES.filter((x) => x === type || list.includes(x)) : list.filter((x) => x !== type);

function GroupRow({ title, hint }: { title: string; hint?: string }) {
  return (
    <tr className="amo-group">
      <th colSpan={AMO_ENTITIES.length + 1} scope="colgroup" className="amo-group-title">
        {title}
        {hint && <span className="amo-group-hint">{hint}</span>}
      </th>
    </tr>
  );
}

/**
 * The settings table of the original: one column per entity (deal, contact, company), one row per
 * setting, then one row per lead parameter with the amoCRM field it goes to.
 */
export function SettingsTable({ draft, options, errors, onEntity }: TableProps) {
  const { t, lang } = useI18n();
  const name = (e: AmoEntity) => t(`amo.entity.${e}`);
  const label = (e: AmoEntity, row: string) => `${name(e)}: ${row}`;
  const off = (e: AmoEntity) => !draft.entities[e].enabled;

  return (
    <div className="table-wrap">
      <table className="table amo-table" data-testid="amo-table">
        <colgroup>
          <col className="amo-col-row" />
          {AMO_ENTITIES.map((e) => (
            <col key={e} className={off(e) ? 'is-off' : undefined} />
          ))}
        </colgroup>
        <thead>
          <tr>
            <th scope="col">{t('amo.colSetting')}</th>
            {AMO_ENTITIES.map((e) => (
              <th key={e} scope="col">
                {name(e)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr className="amo-row-enabled">
            <th scope="row" className="amo-row-title">
              {t('amo.enabled')}
            </th>
            {AMO_ENTITIES.map((e) => (
              <CheckCell
                key={e}
                cell={`${e}.enabled`}
                label={label(e, t('amo.enabled'))}
                checked={draft.entities[e].enabled}
                disabled={false}
                errors={errors[`${e}.enabled`]}
                onChange={(enabled) => onEntity(e, { enabled })}
              />
            ))}
          </tr>
          <GroupRow title={t('amo.createGroup')} hint={t('amo.createHint')} />
          {LEAD_TYPES.map((type) => {
            const passed = draft.leadTypes.includes(type);
            return (
              <tr key={type}>
                <th scope="row" className={passed ? 'amo-row-title' : 'amo-row-title is-muted'}>
                  <LeadTypeLabel type={type} />
                  {!passed && <span className="amo-row-note">{t('amo.typeNotPassed')}</span>}
                </th>
                {AMO_ENTITIES.map((e) => (
                  <CheckCell
                    key={e}
                    cell={`${e}.create.${type}`}
                    label={label(e, t('amo.createLabel', { type: t(`leadType.${type}`) }))}
                    checked={draft.entities[e].create.includes(type)}
                    disabled={off(e) || !passed}
                    errors={type === LEAD_TYPES[0] ? errors[`${e}.create`] : undefined}
                    onChange={(on) => onEntity(e, { create: toggle(draft.entities[e].create, type, on) })}
                  />
                ))}
              </tr>
            );
          })}
          <GroupRow title={t('amo.newGroup')} />
          <tr>
            <th scope="row" className="amo-row-title">
              {t('amo.responsible')}
            </th>
            {AMO_ENTITIES.map((e) => (
              <Cell key={e} cell={`${e}.responsibleUserId`} errors={errors[`${e}.responsibleUserId`]}>
                <UserSelect
                  cell={`${e}.responsibleUserId`}
                  label={label(e, t('amo.responsible'))}
                  users={options.users}
                  value={draft.entities[e].responsibleUserId}
                  invalid={!!errors[`${e}.responsibleUserId`]}
                  disabled={off(e)}
                  onChange={(responsibleUserId) => onEntity(e, { responsibleUserId })}
                />
              </Cell>
            ))}
          </tr>
          <tr>
            <th scope="row" className="amo-row-title">
              {t('amo.status')}
            </th>
            <Cell cell="deal.status" errors={errors['deal.status']}>
              <StatusSelect
                cell="deal.status"
                label={label('deal', t('amo.status'))}
                pipelines={options.pipelines}
                value={draft.entities.deal.status}
                invalid={!!errors['deal.status']}
                disabled={off('deal')}
                onChange={(status) => onEntity('deal', { status })}
              />
            </Cell>
            <td className="amo-cell amo-na" colSpan={2}>
              {t('amo.notApplicable')}
            </td>
          </tr>
          <GroupRow title={t('amo.paramsGroup')} />
          {PARAM_KEYS.map((k) => (
            <tr key={k}>
              <th scope="row" className="amo-row-title">
                {paramLabel(k, lang)}
              </th>
              {AMO_ENTITIES.map((e) => {
                const cell = `${e}.fields.${k}`;
                return (
                  <Cell key={e} cell={cell} errors={errors[cell]}>
                    <FieldSelect
                      cell={cell}
                      label={label(e, paramLabel(k, lang))}
                      param={k}
                      fields={options.fields[e]}
                      value={draft.entities[e].fields[k]}
                      invalid={!!errors[cell]}
                      disabled={off(e)}
                      onChange={(v) => onEntity(e, { fields: { ...draft.entities[e].fields, [k]: v } })}
                    />
                  </Cell>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
