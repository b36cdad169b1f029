import type { ReactNode, SelectHTMLAttributes } from 'react';
import type { Lang, Role } from '../api/types';
import { useI18n } from '../i18n';
import { currencyLabel, timezoneLabel } from '../lib/format';
import { CURRENCIES, TIMEZONES, withCurrent } from '../lib/options';
import { Field, hintId } from './Field';

export interface Option {
  value: string;
  label: string;
  /** the option's own language, where it names one */
  lang?: string;
}

interface SelectFieldProps {
  id: string;
  label: string;
  hint?: ReactNode;
  value: string;
  onChange: (value: string) => void;
  options: readonly Option[];
}

/** A labelled select: the hint, when there is one, describes it. */
export function SelectField({ id, label, hint, value, onChange, options }: SelectFieldProps) {
  return (
    <Field id={id} label={label} hint={hint}>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={hint ? hintId(id) : undefined}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value} lang={o.lang}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

type ChoiceFieldProps = Omit<SelectFieldProps, 'options' | 'label'> & { label?: string };

/** The time zones offered, and the current one if it is not among them. */
export function TimezoneField(props: ChoiceFieldProps) {
  const { t, lang } = useI18n();
  const options = withCurrent(TIMEZONES, props.value).map((z) => ({
    value: z,
    label: timezoneLabel(z, lang),
  }));
  return <SelectField label={t('field.timezone')} {...props} options={options} />;
}

export function CurrencyField(props: ChoiceFieldProps) {
  const { t, lang } = useI18n();
  const options = withCurrent(CURRENCIES, props.value).map((c) => ({
    value: c,
    label: currencyLabel(c, lang),
  }));
  return <SelectField label={t('field.currency')} {...props} options={options} />;
}

const LANGS: Lang[] = ['ru', 'en'];

export function LanguageField(props: Omit<SelectFieldProps, 'options'>) {
  const { t } = useI18n();
  const options = LANGS.map((l) => ({ value: l, label: t(l === 'ru' ? 'lang.ru' : 'lang.en'), lang: l }));
  return <SelectField {...props} options={options} />;
}

type SelectProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'children'> & { value: string };

export function RoleSelect({ roles, ...props }: SelectProps & { roles: Role[] }) {
  const { t } = useI18n();
  return (
    <select {...props}>
      {roles.map((r) => (
        <option key={r} value={r}>
          {t(`role.${r}`)}
        </option>
      ))}
    </select>
  );
}
