import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import { keys, useInvitations, useMembers } from '../api/queries';
import type { CreatedInvitation, Role, User } from '../api/types';
import { ConfirmRemove } from '../components/ConfirmButton';
import { CopyButton } from '../components/CopyButton';
import { Field, hintId, TextField } from '../components/Field';
import { FormError } from '../components/FormError';
import { ListTable } from '../components/ListTable';
import { useCurrentMe, usePermissions } from '../components/MeContext';
import { PageHeader } from '../components/PageHeader';
import { QueryList } from '../components/PageState';
import { RoleSelect } from '../components/Selects';
import { SubmitButton } from '../components/SubmitButton';
import { useI18n } from '../i18n';
import { useFormat } from '../lib/format';

const ALL_ROLES: Role[] = ['owner', 'admin', 'viewer'];
const INVITE_ROLES: Role[] = ['admin', 'viewer'];

function MembersCard() {
  const { t } = useI18n();
  const { user, account } = useCurrentMe();
  const { isOwner, role } = usePermissions();
  const fmt = useFormat(account.timezone);
  const queryClient = useQueryClient();
  const members = useMembers();
  const changeRole = useMutation({
    mutationFn: (v: { id: string; role: Role }) => api.updateUser(v.id, v.role),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.users }),
    onSuccess: (m) => {
      if (m.id === user.id) void queryClient.invalidateQueries({ queryKey: keys.me });
    },
  });

  const canRemove = (m: User) => m.id !== user.id && (isOwner || (role === 'admin' && m.role === 'viewer'));

  return (
    <section className="card card-flush" aria-labelledby="members-title">
      <div className="card-head card-pad">
        <h2 id="members-title">{t('users.members')}</h2>
      </div>
      {changeRole.error ? (
        <div className="card-pad">
          <FormError error={changeRole.error} />
        </div>
      ) : null}
      <QueryList query={members} padded>
        {(items) => (
          <ListTable
            testId="members-list"
            columns={[t('users.colEmail'), t('users.colName'), t('users.colRole'), t('users.colJoined')]}
            actions={t('common.remove')}
          >
            {items.map((m) => (
              <tr key={m.id}>
                <td>
                  {m.email}
                  {m.id === user.id && <span className="muted"> ({t('common.you')})</span>}
                </td>
                <td>{m.name || <span className="muted">{t('common.none')}</span>}</td>
                <td>
                  {isOwner ? (
                    <RoleSelect
                      className="select-sm"
                      aria-label={t('users.roleOf', { email: m.email })}
                      roles={ALL_ROLES}
                      value={m.role}
                      disabled={changeRole.isPending}
                      onChange={(e) => changeRole.mutate({ id: m.id, role: e.target.value as Role })}
                    />
                  ) : (
                    <span className={`badge badge-role-${m.role}`}>{t(`role.${m.role}`)}</span>
                  )}
                </td>
                <td className="nowrap">{fmt.date(m.createdAt)}</td>
                <td className="col-actions">
                  {canRemove(m) && (
                    <ConfirmRemove
                      label={t('common.remove')}
                      title={t('users.removeTitle', { email: m.email })}
                      text={t('users.removeText')}
                      run={() => api.removeUser(m.id)}
                      list={keys.users}
                    />
                  )}
                </td>
              </tr>
            ))}
          </ListTable>
        )}
      </QueryList>
    </section>
  );
}

function InvitationsCard() {
  const { t } = useI18n();
  const { account } = useCurrentMe();
  const fmt = useFormat(account.timezone);
  const invitations = useInvitations(true);

  return (
    <section className="card card-flush" aria-labelledby="invitations-title">
      <div className="card-head card-pad">
        <h2 id="invitations-title">{t('users.invitations')}</h2>
      </div>
      <QueryList query={invitations} padded empty={t('users.noInvitations')}>
        {(items) => (
          <ListTable
            testId="invitations-list"
            columns={[t('users.colEmail'), t('users.colRole'), t('users.colExpires')]}
            actions={t('common.revoke')}
          >
            {items.map((i) => (
              <tr key={i.id}>
                <td>{i.email}</td>
                <td>
                  <span className={`badge badge-role-${i.role}`}>{t(`role.${i.role}`)}</span>
                </td>
                <td className="nowrap">{fmt.date(i.expiresAt)}</td>
                <td className="col-actions">
                  <ConfirmRemove
                    label={t('common.revoke')}
                    title={t('users.revokeTitle', { email: i.email })}
                    text={t('users.revokeText')}
                    run={() => api.revokeInvitation(i.id)}
                    list={keys.invitations}
                  />
                </td>
              </tr>
            ))}
          </ListTable>
        )}
      </QueryList>
    </section>
  );
}

function InviteCard() {
  const { t } = useI18n();
  const { account } = useCurrentMe();
  const fmt = useFormat(account.timezone);
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [created, setCreated] = useState<CreatedInvitation | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const invite = useMutation({
    mutationFn: (v: { email: string; role: Role }) => api.invite(v.email, v.role),
    onSuccess: (inv) => {
      setCreated(inv);
      setEmail('');
      void queryClient.invalidateQueries({ queryKey: keys.invitations });
    },
  });

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    invite.reset();
    if (!email.trim()) return setLocalError(t('error.required', { field: t('field.email') }));
    setLocalError(null);
    setCreated(null);
    invite.mutate({ email: email.trim(), role });
  };

  return (
    <section className="card" aria-labelledby="invite-title">
      <h2 id="invite-title">{t('users.inviteTitle')}</h2>
      <form className="form form-inline" onSubmit={submit} noValidate>
        <TextField
          id="invite-user-email"
          label={t('field.email')}
          type="email"
          autoComplete="off"
          value={email}
          onChange={setEmail}
          required
        />
        <Field id="invite-user-role" label={t('users.colRole')}>
          <RoleSelect
            id="invite-user-role"
            roles={INVITE_ROLES}
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
            aria-describedby={hintId('invite-user-role')}
          />
        </Field>
        <SubmitButton
          pending={invite.isPending}
          label={t('users.inviteSubmit')}
          pendingLabel={t('users.inviteSubmitting')}
        />
      </form>
      <p className="muted small" id={hintId('invite-user-role')}>
        {role === 'admin' ? t('role.adminHint') : t('role.viewerHint')}
      </p>
      <div className="spaced">
        <FormError message={localError} error={invite.error} />
      </div>
      {created && (
        <div className="reveal-box" data-testid="invite-result">
          <h3>{t('users.inviteLinkTitle')}</h3>
          {created.emailed && (
            <p className="small" data-testid="invite-emailed">
              {t('users.inviteEmailed', { email: created.email })}
            </p>
          )}
          <p className="small">
            {t('users.inviteLinkText', { email: created.email, date: fmt.dateTime(created.expiresAt) })}
          </p>
          <label className="visually-hidden" htmlFor="invite-url">
            {t('users.inviteLink')}
          </label>
          <div className="copy-field">
            <input
              id="invite-url"
              className="mono"
              value={created.url}
              readOnly
              onFocus={(e) => e.currentTarget.select()}
              data-testid="invite-url"
            />
            <CopyButton text={created.url} className="btn btn-primary btn-sm" />
          </div>
        </div>
      )}
    </section>
  );
}

export function UsersPage() {
  const { t } = useI18n();
  const { canWrite } = usePermissions();
  return (
    <>
      <PageHeader title={t('users.title')} lead={t('users.lead')} />
      <div className="stack">
        <MembersCard />
        {canWrite && <InviteCard />}
        {canWrite && <InvitationsCard />}
      </div>
    </>
  );
}
