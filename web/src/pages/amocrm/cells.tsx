import type { ReactNode } from 'react';
import type { AmoField, AmoOptions, ParamKey } from '../../api/types';
import { useI18n } from '../../i18n';
import { cellId, compatibleFields, type FieldValue } from '../../lib/amocrm';

/** A table cell holding one control and, under it, what the server said about that control. */
export function Cell({ cell, errors, children }: { cell: string; errors?: string[]; children: ReactNode }) {
  return (
    <td className={errors ? 'amo-cell is-invalid' : 'amo-cell'}>
      {children}
      {errors && (
        <p className="field-error" id={`${cellId(cell)}-error`} data-testid="cell-error">
          {errors.join(' · ')}
        </p>
      )}
    </td>
  );
}

interface SelectCellProps {
  cell: string;
  label: string;
  value: string;
  invalid: boolean;
  disabled: boolean;
  onChange: (value: string) => void;
  children: ReactNode;
}

function CellSelect({ cell, label, value, invalid, disabled, onChange, children }: SelectCellProps) {
  return (
    <select
      id={cellId(cell)}
      className="select-cell"
      aria-label={label}
      value={value}
      disabled={disabled}
      aria-invalid={invalid || undefined}
      aria-describedby={invalid ? `${cellId(cell)}-error` : undefined}
      onChange={(e) => onChange(e.target.value)}
    >
      {children}
    </select>
  );
}

type Props = Omit<SelectCellProps, 'children'>;

export function UserSelect({ users, ...props }: Props & { users: AmoOptions['users'] }) {
  const { t } = useI18n();
  const known = props.value === '' || users.some((u) => String(u.id) === props.value);
  return (
    <CellSelect {...props}>
      <option value="">{t('amo.default')}</option>
      {!known && <option value={props.value}>{t('amo.missing', { id: props.value })}</option>}
      {users.map((u) => (
        <option key={u.id} value={String(u.id)}>
          {u.name}
        </option>
      ))}
    </CellSelect>
  );
}

/** One select for the deal's pipeline and status: statuses grouped by pipeline, value `pipelineId:statusId`. */
export function StatusSelect({ pipelines, ...props }: Props & { pipelines: AmoOptions['pipelines'] }) {
  const { t } = useI18n();
  const known =
    props.value === '' || pipelines.some((p) => p.statuses.some((s) => `${p.id}:${s.id}` === props.value));
  return (
    <CellSelect {...props}>
      <option value="">{t('amo.default')}</option>
      {!known && (
        <option value={props.value}>{t('amo.missing', { id: props.value.split(':').pop() ?? '' })}</option>
      )}
      {pipelines.map((p) => (
        <optgroup key={p.id} label={p.name}>
          {p.statuses.map((s) => (
            <option key={s.id} value={`${p.id}:${s.id}`}>
              {s.name}
            </option>
          ))}
        </optgroup>
      ))}
    </CellSelect>
  );
}

/** A parameter's field: only fields that can take its value are offered, so a wrong type cannot be picked. */
export function FieldSelect({
  param,
  fields,
  ...props
}: Omit<Props, 'onChange'> & {
  param: ParamKey;
  fields: readonly AmoField[];
  onChange: (value: FieldValue) => void;
}) {
  const { t } = useI18n();
  const offered = compatibleFields(fields, param);
  const current = props.value;
  const stray =
    current !== 'skip' && current !== 'create' && !offered.some((f) => String(f.id) === current)
      ? (fields.find((f) => String(f.id) === current)?.name ?? t('amo.missing', { id: current }))
      : null;
  return (
    <CellSelect {...props} onChange={(v) => props.onChange(v as FieldValue)}>
      <option value="skip">{t('amo.fieldSkip')}</option>
      <option value="create">{t('amo.fieldCreate')}</option>
      {stray !== null && <option value={current}>{stray}</option>}
      {offered.length > 0 && (
        <optgroup label={t('amo.fieldsGroup')}>
          {offered.map((f) => (
            <option key={f.id} value={String(f.id)}>
              {f.name}
            </option>
          ))}
        </optgroup>
      )}
    </CellSelect>
  );
}

export function CheckCell({
  cell,
  label,
  checked,
  disabled,
  errors,
  onChange,
}: {
  cell: string;
  label: string;
  checked: boolean;
  disabled: boolean;
  errors?: string[];
  onChange: (checked: boolean) => void;
}) {
  return (
    <Cell cell={cell} errors={errors}>
      <input
        id={cellId(cell)}
        type="checkbox"
        className="check"
        aria-label={label}
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
      />
    </Cell>
  );
}
