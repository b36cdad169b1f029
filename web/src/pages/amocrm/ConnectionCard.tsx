import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { keys } from '../../api/queries';
import type { AmoIntegration } from '../../api/types';
import { ConfirmButton } from '../../components/ConfirmButton';
import { usePermissions } from '../../components/MeContext';
import { useI18n } from '../../i18n';

/** Which account is connected and how; the way out ("Disconnect", after a confirmation). */
export function ConnectionCard({
  projectId,
  integration,
}: {
  projectId: string;
  integration: AmoIntegration;
}) {
  const { t } = useI18n();
  const { canWrite } = usePermissions();
  const queryClient = useQueryClient();
  const c = integration.connection;
  if (!c) return null;
  return (
    <section className="card" aria-labelledby="amo-connection-title">
      <div className="card-head">
        <h2 id="amo-connection-title">{t('amo.connectionTitle')}</h2>
        {canWrite && (
          <ConfirmButton
            label={t('amo.disconnect')}
            title={t('amo.disconnectTitle')}
            text={t('amo.disconnectText')}
            confirmLabel={t('amo.disconnect')}
            danger
            onConfirm={async () => {
              await api.disconnectAmocrm(projectId);
              queryClient.removeQueries({ queryKey: keys.amocrmOptions(projectId) });
              queryClient.removeQueries({ queryKey: keys.amocrmLog(projectId) });
              await queryClient.invalidateQueries({ queryKey: keys.amocrm(projectId), exact: true });
            }}
          />
        )}
      </div>
      <dl className="props amo-connection" data-testid="amo-connection">
        <dt>{t('amo.address')}</dt>
        <dd>
          <code>{c.baseUrl}</code>
        </dd>
        <dt>{t('amo.authType')}</dt>
        <dd>{t(`amo.auth.${c.auth}`)}</dd>
        {c.accountId !== null && (
          <>
            <dt>{t('amo.accountId')}</dt>
            <dd>{c.accountId}</dd>
          </>
        )}
      </dl>
    </section>
  );
}
