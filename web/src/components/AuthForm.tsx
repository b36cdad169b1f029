import type { FormEvent, ReactNode } from 'react';
import { useI18n } from '../i18n';
import { Link } from '../router';
import { Field, hintId } from './Field';
import { FormError } from './FormError';
import { SubmitButton } from './SubmitButton';

/** The shortest password the server takes (src/security/passwords.ts); checked here first. */
export const MIN_PASSWORD = 10;

/**
 * A signed-out page's form (sign in, sign up, invitation, password reset): its error (our own check's
 * or the server's), its fields, and one full-width submit button.
 */
export function AuthForm({
  onSubmit,
  localError,
  error,
  fields,
  pending,
  label,
  pendingLabel,
  children,
}: {
  onSubmit: (e: FormEvent<HTMLFormElement>) => void;
  localError?: string | null;
  error: unknown;
  /** the fields' labels by API name, to name them in the server's validation details */
  fields?: Record<string, string>;
  pending: boolean;
  label: string;
  pendingLabel: string;
  children: ReactNode;
}) {
  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      <FormError message={localError} error={error} fields={fields} />
      {children}
      <SubmitButton pending={pending} label={label} pendingLabel={pendingLabel} block />
    </form>
  );
}

/** A link under a signed-out page's form ("Forgot password?", "Have an account? Sign in"). */
export function AuthLink({ to, before, children }: { to: string; before?: string; children: string }) {
  return (
    <p className="auth-switch">
      {before && `${before} `}
      <Link to={to}>{children}</Link>
    </p>
  );
}

/** A new password, with the rule it must meet as its hint; `name` for forms read with FormData. */
export function NewPasswordField({
  id,
  label,
  name,
  value,
  onChange,
}: {
  id: string;
  label?: string;
  name?: string;
  value?: string;
  onChange?: (value: string) => void;
}) {
  const { t } = useI18n();
  return (
    <Field id={id} label={label ?? t('field.password')} hint={t('signup.passwordHint')}>
      <input
        id={id}
        name={name}
        type="password"
        autoComplete="new-password"
        minLength={MIN_PASSWORD}
        value={value}
        onChange={onChange && ((e) => onChange(e.target.value))}
        required
        aria-describedby={hintId(id)}
      />
    </Field>
  );
}
