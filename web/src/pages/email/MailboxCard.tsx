import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';
import type { Mailbox } from '../../api/types';
import { Field } from '../../components/Field';
import { FormError } from '../../components/FormError';
import { useI18n } from '../../i18n';
import { IMAP_PORT, IMAPS_PORT, isNewMailbox, type MailboxDraft, testInput } from '../../lib/email';
import { timezoneLabel, useFormat } from '../../lib/format';
import { described, FieldErrors } from './FieldErrors';

type Errors = Record<string, string[]>;

const BADGES: Record<Mailbox['status'] | 'unsaved', string> = {
  pending: 'badge-wait',
  connected: 'badge-ok',
  error: 'badge-fail',
  unsaved: 'badge-muted',
};

/** The mailbox's live status: connected, connecting, or the IMAP server's words; last read and UID. */
function LiveStatus({ live, timezone }: { live: Mailbox; timezone: string }) {
  const { t } = useI18n();
  const fmt = useFormat(timezone);
  return (
    <div className="mailbox-status" data-testid="mailbox-status">
      {live.statusMessage && (
        <p
          className={live.status === 'error' ? 'small mailbox-error' : 'small muted'}
          data-testid="mailbox-status-message"
        >
          {live.statusMessage}
        </p>
      )}
      <p className="small muted mailbox-meta">
        <span>
          {t('email.lastSync')}: {live.lastSyncAt ? fmt.dateTime(live.lastSyncAt) : t('email.never')}
        </span>
        <span>
          {t('email.lastUid')}: <span data-testid="mailbox-last-uid">{live.lastUid ?? t('common.none')}</span>
        </span>
      </p>
    </div>
  );
}

/** "Проверить подключение": the IMAP server's own answer, without saving anything. */
function TestConnection({ projectId, draft }: { projectId: string; draft: MailboxDraft }) {
  const { t } = useI18n();
  const [needsPassword, setNeedsPassword] = useState(false);
  const test = useMutation({ mutationFn: () => api.testMailbox(projectId, testInput(draft)) });
  const run = () => {
    const missing = isNewMailbox(draft) && draft.password === '';
    setNeedsPassword(missing);
    if (missing) test.reset();
    else test.mutate();
  };
  const result = test.data;
  return (
    <div className="mailbox-test">
      <button
        type="button"
        className="btn btn-secondary btn-sm"
        onClick={run}
        disabled={test.isPending || draft.host.trim() === '' || draft.user.trim() === ''}
      >
        {test.isPending ? t('email.testing') : t('email.test')}
      </button>
      <div className="mailbox-test-result" aria-live="polite">
        {needsPassword && <p className="small mailbox-error">{t('email.testNeedsPassword')}</p>}
        {!test.isPending && result && (
          <p
            className={`small ${result.ok ? 'mailbox-ok' : 'mailbox-error'}`}
            data-testid="mailbox-test-result"
          >
            <strong>{result.ok ? t('email.testOk') : t('email.testFailed')}</strong>
            {result.message ? `: ${result.message}` : ''}
          </p>
        )}
        {test.isError && <FormError error={test.error} />}
      </div>
    </div>
  );
}

export function MailboxCard({
  projectId,
  index,
  draft,
  live,
  errors,
  canWrite,
  timezone,
  onChange,
  onRemove,
}: {
  projectId: string;
  index: number;
  draft: MailboxDraft;
  /** the saved mailbox's current status (looked at again while it connects) */
  live: Mailbox | undefined;
  /** this mailbox's errors by field: host, port, password… */
  errors: Errors;
  canWrite: boolean;
  timezone: string;
  onChange: (patch: Partial<MailboxDraft>) => void;
  onRemove: () => void;
}) {
  const { t, lang } = useI18n();
  const id = (field: string) => `mailbox-${draft.key}-${field}`;
  const fresh = isNewMailbox(draft);
  const state = live ? live.status : 'unsaved';
  const title = t('email.mailboxN', { n: index + 1 });
  const passwordHint = !draft.saved
    ? t('email.passwordWriteOnly')
    : fresh
      ? t('email.passwordNew')
      : t('email.passwordKeep');

  const setTls = (tls: boolean) => {
    // The usual port follows the switch unless the user typed another one.
    const port =
      tls && draft.port === String(IMAP_PORT)
        ? String(IMAPS_PORT)
        : !tls && draft.port === String(IMAPS_PORT)
          ? String(IMAP_PORT)
          : draft.port;
    onChange({ tls, port });
  };

  return (
    <li className="mailbox" data-testid="mailbox" aria-labelledby={id('title')}>
      <div className="mailbox-head">
        <h3 id={id('title')}>
          {title}
          <span className="mailbox-name">{draft.saved ? draft.saved.user : t('email.mailboxNew')}</span>
        </h3>
        <div className="mailbox-head-side">
          <span className={`badge ${BADGES[state]}`} data-testid="mailbox-badge">
            {t(`email.status.${state}`)}
          </span>
          {canWrite && (
            <button
              type="button"
              className="btn btn-danger-ghost btn-sm"
              onClick={onRemove}
              aria-label={`${t('email.removeMailbox')}: ${title}`}
            >
              {t('common.remove')}
            </button>
          )}
        </div>
      </div>
      {live && <LiveStatus live={live} timezone={timezone} />}

      <div className="mailbox-fields">
        <div className="mailbox-conn">
          <Field id={id('host')} label={t('email.host')}>
            <input
              id={id('host')}
              autoComplete="off"
              spellCheck={false}
              placeholder="imap.shop.ru"
              value={draft.host}
              onChange={(e) => onChange({ host: e.target.value })}
              {...described(id('host'), errors.host, false)}
            />
            <FieldErrors id={id('host')} errors={errors.host} />
          </Field>
          <Field id={id('port')} label={t('email.port')}>
            <input
              id={id('port')}
              type="number"
              inputMode="numeric"
              min={1}
              max={65_535}
              step={1}
              value={draft.port}
              onChange={(e) => onChange({ port: e.target.value })}
              {...described(id('port'), errors.port, false)}
            />
            <FieldErrors id={id('port')} errors={errors.port} />
          </Field>
          <div className="field">
            <span className="field-label">{t('email.tls')}</span>
            <label className="check-line">
              <input type="checkbox" checked={draft.tls} onChange={(e) => setTls(e.target.checked)} />
              {t('email.tlsLabel')}
            </label>
            <FieldErrors id={id('tls')} errors={errors.tls} />
          </div>
        </div>
        <div className="form-row">
          <Field id={id('user')} label={t('email.user')}>
            <input
              id={id('user')}
              autoComplete="off"
              spellCheck={false}
              placeholder="info@shop.ru"
              value={draft.user}
              onChange={(e) => onChange({ user: e.target.value })}
              {...described(id('user'), errors.user, false)}
            />
            <FieldErrors id={id('user')} errors={errors.user} />
          </Field>
          <Field id={id('password')} label={t('email.password')} hint={passwordHint}>
            <input
              id={id('password')}
              type="password"
              autoComplete="new-password"
              placeholder={draft.saved && !fresh ? t('email.passwordSaved') : ''}
              value={draft.password}
              onChange={(e) => onChange({ password: e.target.value })}
              {...described(id('password'), errors.password)}
            />
            <FieldErrors id={id('password')} errors={errors.password} />
          </Field>
        </div>
        <div className="form-row">
          <Field id={id('folders')} label={t('email.folders')} hint={t('email.foldersHint')}>
            <input
              id={id('folders')}
              autoComplete="off"
              spellCheck={false}
              placeholder="INBOX"
              value={draft.folders}
              onChange={(e) => onChange({ folders: e.target.value })}
              {...described(id('folders'), errors.folders)}
            />
            <FieldErrors id={id('folders')} errors={errors.folders} />
          </Field>
          <Field
            id={id('since')}
            label={t('email.since')}
            hint={t('email.sinceHint', { zone: timezoneLabel(timezone, lang) })}
          >
            <input
              id={id('since')}
              type="datetime-local"
              step={60}
              value={draft.since}
              onChange={(e) => onChange({ since: e.target.value })}
              {...described(id('since'), errors.since)}
            />
            <FieldErrors id={id('since')} errors={errors.since} />
          </Field>
        </div>
      </div>
      {canWrite && (
        // A new host, port, user or password is a new test: the last answer goes.
        <TestConnection
          key={[draft.host, draft.port, draft.tls, draft.user, draft.password].join('\n')}
          projectId={projectId}
          draft={draft}
        />
      )}
      {errors[''] && <p className="field-error">{errors[''].join(' · ')}</p>}
    </li>
  );
}
