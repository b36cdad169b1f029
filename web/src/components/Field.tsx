import type { InputHTMLAttributes, ReactNode } from 'react';
import { useI18n } from '../i18n';

export const hintId = (id: string) => `${id}-hint`;

interface FieldProps {
  id: string;
  label: string;
  hint?: ReactNode;
  optional?: boolean;
  children: ReactNode;
}

/** A labelled form control: the caller gives the control the same `id` (and `aria-describedby={hintId(id)}`). */
export function Field({ id, label, hint, optional, children }: FieldProps) {
  const { t } = useI18n();
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {optional && <span className="field-optional"> · {t('common.optional')}</span>}
      </label>
      {children}
      {hint && (
        <p className="field-hint" id={hintId(id)}>
          {hint}
        </p>
      )}
    </div>
  );
}

type TextFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange'> & {
  id: string;
  label: string;
  hint?: ReactNode;
  optional?: boolean;
  value: string;
  onChange: (value: string) => void;
};

/** A labelled text input (any `type`) holding a string; the hint, when there is one, describes it. */
export function TextField({ id, label, hint, optional, value, onChange, ...input }: TextFieldProps) {
  return (
    <Field id={id} label={label} hint={hint} optional={optional}>
      <input
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={hint ? hintId(id) : undefined}
        {...input}
      />
    </Field>
  );
}
