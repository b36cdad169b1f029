import type { SelectHTMLAttributes } from 'react';
import type { Lang, Role } from '../api/types';
import { useI18n } from '../i18n';
import { currencyLabel, timezoneLabel } from '../lib/format';
import { CURRENCIES, TIMEZONES, withCurrent } from '../lib/options';

type SelectProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'children'> & { value: string };

export function TimezoneSelect(props: SelectProps) {
  const { lang } = useI18n();
  return (
    <select {...props}>
      {withCurrent(TIMEZONES, props.value).map((z) => (
        <option key={z} value={z}>
          {timezoneLabel(z, lang)}
        </option>
      ))}
    </select>
  );
}

export function CurrencySelect(props: SelectProps) {
  const { lang } = useI18n();
  return (
    <select {...props}>
      {withCurrent(CURRENCIES, props.value).map((c) => (
        <option key={c} value={c}>
          {currencyLabel(c, lang)}
        </option>
      ))}
    </select>
  );
}

export function LanguageSelect(props: SelectProps) {
  const { t } = useI18n();
  const langs: Lang[] = ['ru', 'en'];
  return (
    <select {...props}>
      {langs.map((l) => (
        <option key={l} value={l} lang={l}>
          {t(l === 'ru' ? 'lang.ru' : 'lang.en')}
        </option>
      ))}
    </select>
  );
}

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
