import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client';
import { keys } from '../../api/queries';
import type { MePatch } from '../../api/types';
import { MIN_PASSWORD, NewPasswordField } from '../../components/AuthForm';
import { TextField } from '../../components/Field';
import { FormError, Notice } from '../../components/FormError';
import { useCurrentMe } from '../../components/MeContext';
import { SubmitButton } from '../../components/SubmitButton';
import { useI18n } from '../../i18n';

/** Changing your password; it ends your other sessions, and on request your API tokens. */
export function PasswordCard() {
  const { t } = useI18n();
  const { user } = useCurrentMe();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [revokeApiTokens, setRevokeApiTokens] = useState(false);
  const [localError, setLocalError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const change = useMutation({
    mutationFn: (password: NonNullable<MePatch['password']>) => api.updateMe({ password }),
    onSuccess: (_me, password) => {
      setCurrent('');
      setNext('');
      setRevokeApiTokens(false);
      if (password.revokeApiTokens) void queryClient.invalidateQueries({ queryKey: keys.tokens });
    },
  });

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    change.reset();
    if (!current) return setLocalError(t('error.required', { field: t('settings.currentPassword') }));
    if (next.length < MIN_PASSWORD) return setLocalError(t('error.passwordShort', { min: MIN_PASSWORD }));
    setLocalError(null);
    change.mutate({ current, new: next, revokeApiTokens });
  };

  return (
    <section className="card" aria-labelledby="password-title">
      <h2 id="password-title">{t('settings.passwordTitle')}</h2>
      <form className="form" onSubmit={submit} noValidate>
        <FormError message={localError} error={change.error} />
        {change.isSuccess && <Notice>{t('settings.passwordChanged')}</Notice>}
        {/* lets password managers tie the new password to the account */}
        <input type="email" value={user.email} autoComplete="username" readOnly hidden />
        <TextField
          id="password-current"
          label={t('settings.currentPassword')}
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={setCurrent}
          required
        />
        <NewPasswordField
          id="password-new"
          label={t('settings.newPassword')}
          value={next}
          onChange={setNext}
        />
        <div className="field">
          <p className="muted small">{t('settings.passwordEndsSessions')}</p>
          <label className="check-line">
            <input
              id="password-revoke-tokens"
              type="checkbox"
              checked={revokeApiTokens}
              onChange={(e) => setRevokeApiTokens(e.target.checked)}
            />
            {t('settings.passwordRevokeTokens')}
          </label>
        </div>
        <div className="form-actions">
          <SubmitButton pending={change.isPending} label={t('settings.passwordSubmit')} />
        </div>
      </form>
    </section>
  );
}
