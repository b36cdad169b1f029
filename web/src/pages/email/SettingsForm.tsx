import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, api } from '../../api/client';
import { keys } from '../../api/queries';
import type { EmailTracking, EmailTrackingInput } from '../../api/types';
import { FormError, Notice } from '../../components/FormError';
import { useCurrentMe, usePermissions } from '../../components/MeContext';
import { SubmitButton } from '../../components/SubmitButton';
import { type MessageKey, type Translate, useI18n } from '../../i18n';
import {
  type EmailDraft,
  fieldErrors,
  type MailboxDraft,
  newMailbox,
  toDraft,
  toInput,
} from '../../lib/email';
import { AddressCard } from './AddressCard';
import { MailboxCard } from './MailboxCard';

const MAILBOX_FIELDS: Record<string, MessageKey> = {
  host: 'email.host',
  port: 'email.port',
  tls: 'email.tls',
  user: 'email.user',
  password: 'email.password',
  folders: 'email.folders',
  since: 'email.since',
};

/** "Ящик 2 · Пароль" for `body.mailboxes.1.password`: how a server detail names its field. */
const labelFor = (t: Translate) => (path: string) => {
  const [head, second, third] = path.replace(/^body\./, '').split('.');
  if (head === 'publicAddress') return t('email.publicAddress');
  if (head === 'aliases') return second === 'holdMinutes' ? t('email.hold') : t('email.pool');
  if (head === 'mailboxes') {
    if (second === undefined) return t('email.mailboxesTitle');
    const mailbox = t('email.mailboxN', { n: Number(second) + 1 });
    const field = third === undefined ? undefined : MAILBOX_FIELDS[third];
    return field ? `${mailbox} · ${t(field)}` : mailbox;
  }
  return undefined;
};

/** One mailbox's errors by its field ('' for the mailbox as a whole). */
function mailboxErrors(errors: Record<string, string[]>, index: number): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const prefix = `mailboxes.${index}`;
  for (const [key, messages] of Object.entries(errors)) {
    if (key === prefix) out[''] = messages;
    else if (key.startsWith(`${prefix}.`)) out[key.slice(prefix.length + 1)] = messages;
  }
  return out;
}

const sentPool = (input: EmailTrackingInput | undefined) =>
  input?.aliases.mode === 'pool' ? input.aliases.addresses : [];

/** The address, the aliases and the mailboxes, saved as one (the mailbox list replaces the stored one). */
export function SettingsForm({ projectId, tracking }: { projectId: string; tracking: EmailTracking }) {
  const { t } = useI18n();
  const { canWrite } = usePermissions();
  const { account } = useCurrentMe();
  const timezone = account.timezone;
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(() => toDraft(tracking, timezone));
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (input: EmailTrackingInput) => api.saveEmailTracking(projectId, input),
    onSuccess: (r) => {
      queryClient.setQueryData(keys.emailTracking(projectId), r);
      setDraft(toDraft(r, timezone));
      setSaved(true);
    },
  });
  // The first field the server named, in view and ready to correct.
  useEffect(() => {
    if (save.error) document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [save.error]);
  const errors =
    save.error instanceof ApiError ? fieldErrors(save.error.details, sentPool(save.variables)) : {};

  const change = (patch: Partial<EmailDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setSaved(false);
  };
  const changeMailbox = (key: string, patch: Partial<MailboxDraft>) => {
    setDraft((d) => ({ ...d, mailboxes: d.mailboxes.map((m) => (m.key === key ? { ...m, ...patch } : m)) }));
    setSaved(false);
  };
  /** Adding or removing renumbers the mailboxes: the server's errors would point at the wrong ones. */
  const setMailboxes = (mailboxes: MailboxDraft[]) => {
    save.reset();
    change({ mailboxes });
  };

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    save.mutate(toInput(draft, timezone));
  };

  return (
    <form className="stack" onSubmit={submit} noValidate data-testid="email-settings">
      <fieldset className="fieldset-plain email-fieldset" disabled={!canWrite || save.isPending}>
        <AddressCard draft={draft} errors={errors} onChange={change} />
        <section className="card" aria-labelledby="email-mailboxes-title">
          <h2 id="email-mailboxes-title">{t('email.mailboxesTitle')}</h2>
          <p className="muted small form-lead">{t('email.mailboxesText')}</p>
          {errors.mailboxes && <p className="field-error form-lead">{errors.mailboxes.join(' · ')}</p>}
          {draft.mailboxes.length === 0 ? (
            <p className="mailboxes-empty muted">{t('email.mailboxesEmpty')}</p>
          ) : (
            <ul className="mailboxes">
              {draft.mailboxes.map((m, i) => (
                <MailboxCard
                  key={m.key}
                  projectId={projectId}
                  index={i}
                  draft={m}
                  live={m.id ? tracking.mailboxes.find((b) => b.id === m.id) : undefined}
                  errors={mailboxErrors(errors, i)}
                  canWrite={canWrite}
                  timezone={timezone}
                  onChange={(patch) => changeMailbox(m.key, patch)}
                  onRemove={() => setMailboxes(draft.mailboxes.filter((x) => x.key !== m.key))}
                />
              ))}
            </ul>
          )}
          {canWrite && (
            <button
              type="button"
              className="btn btn-secondary mailbox-add"
              onClick={() => setMailboxes([...draft.mailboxes, newMailbox(timezone)])}
            >
              + {t('email.addMailbox')}
            </button>
          )}
        </section>
      </fieldset>
      {canWrite ? (
        <div className="save-bar">
          <div className="save-bar-status">
            {save.isError && <FormError error={save.error} labelFor={labelFor(t)} />}
            {saved && <Notice>{t('email.saved')}</Notice>}
          </div>
          <SubmitButton pending={save.isPending} label={t('email.save')} />
        </div>
      ) : (
        <p className="muted small">{t('email.readOnly')}</p>
      )}
    </form>
  );
}
