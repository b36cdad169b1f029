import type { ReactNode } from 'react';
import { useAmoLog } from '../../api/queries';
import type { IntegrationLogEntry } from '../../api/types';
import { ListTable } from '../../components/ListTable';
import { useCurrentMe } from '../../components/MeContext';
import { ErrorState, Loading, MoreButton } from '../../components/PageState';
import { useI18n } from '../../i18n';
import { useFormat } from '../../lib/format';
import { Link } from '../../router';

const LEVEL_CLASS: Record<IntegrationLogEntry['level'], string> = {
  info: 'badge badge-info',
  warn: 'badge badge-wait',
  error: 'badge badge-fail',
};

function LogRow({ entry, dateTime }: { entry: IntegrationLogEntry; dateTime: (iso: string) => string }) {
  const { t } = useI18n();
  return (
    <tr>
      <td className="nowrap muted small">
        <time dateTime={entry.at}>{dateTime(entry.at)}</time>
      </td>
      <td>
        <span className={LEVEL_CLASS[entry.level]}>{t(`amo.level.${entry.level}`)}</span>
      </td>
      <td className="amo-log-message">{entry.message}</td>
      <td className="col-actions">
        {entry.leadId && (
          <Link to={`/leads/${entry.leadId}`} className="small">
            {t('amo.logLead')}
          </Link>
        )}
      </td>
    </tr>
  );
}

/** The latest entries of the integration log, newest first; older ones page by page. */
export function LogCard({ projectId }: { projectId: string }) {
  const { t } = useI18n();
  const { account } = useCurrentMe();
  const fmt = useFormat(account.timezone);
  const log = useAmoLog(projectId, true);
  const entries = log.data?.pages.flatMap((p) => p.items) ?? [];

  let body: ReactNode;
  if (log.isPending) body = <Loading />;
  else if (log.isError)
    body = (
      <div className="card-pad">
        <ErrorState error={log.error} onRetry={() => log.refetch()} />
      </div>
    );
  else if (entries.length === 0) body = <p className="muted card-pad">{t('amo.logEmpty')}</p>;
  else
    body = (
      <ListTable
        tableClassName="amo-log"
        columns={[t('amo.colTime'), t('amo.colLevel'), t('amo.colMessage')]}
        actions={t('amo.logLead')}
      >
        {entries.map((e) => (
          <LogRow key={e.id} entry={e} dateTime={fmt.dateTime} />
        ))}
      </ListTable>
    );

  return (
    <section className="card card-flush" aria-labelledby="amo-log-title" data-testid="amo-log">
      <div className="card-head card-pad">
        <h2 id="amo-log-title">{t('amo.logTitle')}</h2>
      </div>
      {body}
      {log.hasNextPage && (
        <div className="card-pad amo-log-foot">
          <MoreButton list={log} label={t('amo.logMore')} loadingLabel={t('amo.logLoading')} small />
        </div>
      )}
    </section>
  );
}
