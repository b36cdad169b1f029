import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { keys, useDeliveries } from '../api/queries';
import type { Delivery, DeliveryList, DeliveryState } from '../api/types';
import { useI18n } from '../i18n';
import { AMO_ENTITIES } from '../lib/amocrm';
import { useFormat } from '../lib/format';
import { Link } from '../router';
import { FormError } from './FormError';
import { useCurrentMe, usePermissions } from './MeContext';
import { ErrorState, Loading } from './PageState';

const STATE_CLASS: Record<DeliveryState, string> = {
  pending: 'badge badge-wait',
  waiting: 'badge badge-wait',
  searching: 'badge badge-wait',
  paused: 'badge badge-fail',
  done: 'badge badge-ok',
  skipped: 'badge badge-muted',
  failed: 'badge badge-fail',
};

const canRetry = (d: Delivery) => d.state === 'failed' || d.state === 'skipped';

function RetryButton({ delivery, leadId }: { delivery: Delivery; leadId: string }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const retry = useMutation({
    mutationFn: () => api.retryDelivery(delivery.id),
    onSuccess: (d) => {
      queryClient.setQueryData<DeliveryList>(keys.deliveries(leadId), (old) =>
        old ? { items: old.items.map((x) => (x.id === d.id ? d : x)) } : old,
      );
      void queryClient.invalidateQueries({ queryKey: keys.deliveries(leadId) });
    },
  });
  return (
    <>
      <button
        type="button"
        className="btn btn-secondary btn-sm"
        onClick={() => retry.mutate()}
        disabled={retry.isPending}
        aria-label={t('delivery.retryLabel', { entity: t(`amo.entity.${delivery.entity}`) })}
      >
        {retry.isPending ? t('delivery.retrying') : t('delivery.retry')}
      </button>
      <FormError error={retry.error} />
    </>
  );
}

function DeliveryItem({ delivery, leadId }: { delivery: Delivery; leadId: string }) {
  const { t } = useI18n();
  const { canWrite } = usePermissions();
  const { account } = useCurrentMe();
  const fmt = useFormat(account.timezone);
  const entity = t(`amo.entity.${delivery.entity}`);
  const remote = delivery.remoteId === null ? null : t('delivery.remote', { entity, id: delivery.remoteId });
  return (
    <li className="delivery" data-testid="delivery">
      <div className="delivery-head">
        <span className="delivery-entity">
          {remote && delivery.remoteUrl ? (
            <a href={delivery.remoteUrl} target="_blank" rel="noopener noreferrer">
              {remote}
            </a>
          ) : (
            (remote ?? entity)
          )}
        </span>
        <span className={STATE_CLASS[delivery.state]} data-testid="delivery-state">
          {t(`delivery.state.${delivery.state}`)}
        </span>
      </div>
      <p className="muted small">
        {[
          t(`delivery.mode.${delivery.mode}`),
          t('delivery.attempts', { count: delivery.attempts }),
          fmt.dateTime(delivery.updatedAt),
        ].join(' · ')}
      </p>
      {delivery.reason && <p className="small delivery-reason">{delivery.reason}</p>}
      {delivery.lastError && (
        <p className="small delivery-error">
          <span className="delivery-error-label">{t('delivery.lastError')}:</span> {delivery.lastError}
        </p>
      )}
      {canWrite && canRetry(delivery) && (
        <div className="delivery-actions">
          <RetryButton delivery={delivery} leadId={leadId} />
        </div>
      )}
    </li>
  );
}

/** Where the lead went in amoCRM: one line per entity, its state in words, and a retry for the stuck ones. */
export function DeliveriesCard({ leadId, projectId }: { leadId: string; projectId: string }) {
  const { t } = useI18n();
  const query = useDeliveries(leadId);
  const items = (query.data?.items ?? [])
    .filter((d) => d.destination === 'amocrm')
    .sort((a, b) => AMO_ENTITIES.indexOf(a.entity) - AMO_ENTITIES.indexOf(b.entity));
  return (
    <section className="card" aria-labelledby="lead-deliveries-title" data-testid="lead-deliveries">
      <div className="card-head">
        <h2 id="lead-deliveries-title">{t('delivery.title')}</h2>
        <Link to={`/projects/${projectId}/amocrm`} className="small">
          {t('delivery.settings')}
        </Link>
      </div>
      {query.isPending ? (
        <Loading />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : items.length === 0 ? (
        <p className="muted">{t('delivery.empty')}</p>
      ) : (
        <ul className="deliveries">
          {items.map((d) => (
            <DeliveryItem key={d.id} delivery={d} leadId={leadId} />
          ))}
        </ul>
      )}
    </section>
  );
}
