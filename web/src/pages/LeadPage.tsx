import { useLead, useProject } from '../api/queries';
import type { Lead, Visit } from '../api/types';
import { DeliveriesCard } from '../components/DeliveriesCard';
import { LeadTypeLabel } from '../components/LeadTypeLabel';
import { useCurrentMe } from '../components/MeContext';
import { BackLink, PageHeader } from '../components/PageHeader';
import { PageQueryState } from '../components/PageState';
import { type MessageKey, useI18n } from '../i18n';
import { useFormat } from '../lib/format';
import { PARAM_KEYS, paramLabel } from '../lib/leads';
import { Link, type Params } from '../router';

const filled = (v: string | null | undefined): v is string => !!v?.trim();

function ExternalLink({ href }: { href: string }) {
  // Only web addresses become links; anything else stays text.
  if (!/^https?:\/\//i.test(href)) return <span className="url">{href}</span>;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow" className="url">
      {href}
    </a>
  );
}

function DetailsCard({ lead, dateTime }: { lead: Lead; dateTime: (iso: string) => string }) {
  const { t } = useI18n();
  const none = <span className="muted">{t('common.none')}</span>;
  const { name, email, phone } = lead.contact;
  const channel = ['api', 'tracker', 'csv'].includes(lead.channel)
    ? t(`channel.${lead.channel}` as MessageKey)
    : lead.channel;

  return (
    <section className="card" aria-labelledby="lead-details-title">
      <h2 id="lead-details-title">{t('lead.detailsTitle')}</h2>
      <dl className="props" data-testid="lead-details">
        <dt>{t('lead.name')}</dt>
        <dd>{name ?? none}</dd>
        {filled(lead.contact.company) && (
          <>
            <dt>{t('lead.company')}</dt>
            <dd data-testid="lead-company">{lead.contact.company}</dd>
          </>
        )}
        <dt>{t('lead.email')}</dt>
        <dd>{email ? <a href={`mailto:${email}`}>{email}</a> : none}</dd>
        <dt>{t('lead.phone')}</dt>
        <dd>
          {phone ? (
            <a href={`tel:${phone}`} className="nowrap">
              {phone}
            </a>
          ) : (
            none
          )}
        </dd>
        {filled(lead.subject) && (
          <>
            <dt>{t('lead.subject')}</dt>
            <dd>{lead.subject}</dd>
          </>
        )}
        {filled(lead.message) && (
          <>
            <dt>{t('lead.message')}</dt>
            <dd>
              <p className="lead-message">{lead.message}</p>
            </dd>
          </>
        )}
        <dt>{t('lead.page')}</dt>
        <dd>{filled(lead.page) ? <ExternalLink href={lead.page} /> : none}</dd>
        <dt>{t('lead.occurredAt')}</dt>
        <dd>{dateTime(lead.occurredAt)}</dd>
        <dt>{t('lead.typeChannel')}</dt>
        <dd>
          {t(`leadType.${lead.type}`)} · {channel}
        </dd>
        {filled(lead.externalId) && (
          <>
            <dt>{t('lead.externalId')}</dt>
            <dd>
              <code>{lead.externalId}</code>
            </dd>
          </>
        )}
        {lead.duplicateOf && (
          <>
            <dt>{t('lead.duplicateOf')}</dt>
            <dd>
              <Link to={`/leads/${lead.duplicateOf}`} data-testid="duplicate-of">
                {t('lead.duplicateLink')}
              </Link>
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}

function useHits() {
  const { t, lang } = useI18n();
  const rules = new Intl.PluralRules(lang === 'ru' ? 'ru-RU' : 'en-GB');
  return (count: number) => {
    const form = rules.select(count);
    const key = (
      ['one', 'few', 'many'].includes(form) ? `lead.hits.${form}` : 'lead.hits.other'
    ) as MessageKey;
    return t(key, { count });
  };
}

function VisitItem({ visit, dateTime }: { visit: Visit; dateTime: (iso: string) => string }) {
  const { t } = useI18n();
  const hits = useHits();
  const where = [visit.city, visit.country].filter(filled).join(', ');
  const tech = [visit.device, visit.browser].filter(filled).join(' · ');
  const extra: [string, string][] = [];
  if (filled(visit.campaign)) extra.push([t('lead.campaign'), visit.campaign]);
  if (filled(visit.term)) extra.push([t('lead.term'), visit.term]);
  if (filled(visit.content)) extra.push([t('lead.content'), visit.content]);
  if (filled(visit.socialNetwork)) extra.push([t('lead.social'), visit.socialNetwork]);
  return (
    <li className="timeline-item">
      <span className="timeline-dot" aria-hidden="true" />
      <div className="timeline-head">
        <span className="timeline-source">
          {visit.source} / {visit.medium}
        </span>
        <time dateTime={visit.startedAt} className="timeline-time">
          {dateTime(visit.startedAt)}
        </time>
      </div>
      {extra.length > 0 && (
        <p className="timeline-tags">
          {extra.map(([k, v]) => (
            <span key={k} className="chip">
              <span className="muted">{k}:</span> {v}
            </span>
          ))}
        </p>
      )}
      <dl className="timeline-props">
        <dt>{t('lead.landing')}</dt>
        <dd>
          <ExternalLink href={visit.landingUrl} />
        </dd>
        {filled(visit.referrer) && (
          <>
            <dt>{t('lead.referrer')}</dt>
            <dd>
              <ExternalLink href={visit.referrer} />
            </dd>
          </>
        )}
      </dl>
      <p className="timeline-meta small muted">
        {[where, tech, hits(visit.hits)].filter(Boolean).join(' · ')}
      </p>
    </li>
  );
}

function PathCard({ lead, dateTime }: { lead: Lead; dateTime: (iso: string) => string }) {
  const { t } = useI18n();
  const visits = lead.visits ?? [];
  return (
    <section className="card" aria-labelledby="lead-path-title">
      <h2 id="lead-path-title">{t('lead.pathTitle')}</h2>
      {visits.length > 0 ? (
        <ol className="timeline">
          {visits.map((v) => (
            <VisitItem key={v.startedAt} visit={v} dateTime={dateTime} />
          ))}
          <li className="timeline-item timeline-end">
            <span className="timeline-dot" aria-hidden="true" />
            <div className="timeline-head">
              <LeadTypeLabel type={lead.type} />
              <time dateTime={lead.occurredAt} className="timeline-time">
                {dateTime(lead.occurredAt)}
              </time>
            </div>
          </li>
        </ol>
      ) : (
        <p className="muted">{t('lead.pathEmpty')}</p>
      )}
      <div className="lead-path">
        <span className="lead-path-label">{t('lead.fullPath')}</span>
        <code data-testid="lead-path">{filled(lead.params.path) ? lead.params.path : t('common.none')}</code>
      </div>
    </section>
  );
}

function ParamsCard({ lead, dateTime }: { lead: Lead; dateTime: (iso: string) => string }) {
  const { t, lang } = useI18n();
  return (
    <section className="card card-flush" aria-labelledby="lead-params-title">
      <div className="card-head card-pad">
        <h2 id="lead-params-title">{t('lead.paramsTitle')}</h2>
      </div>
      <table className="table table-params">
        <thead className="visually-hidden">
          <tr>
            <th scope="col">{t('lead.colParam')}</th>
            <th scope="col">{t('lead.colValue')}</th>
          </tr>
        </thead>
        <tbody data-testid="lead-params">
          {PARAM_KEYS.map((k) => {
            const raw = lead.params[k];
            // The send time is an ISO instant: shown in the account's zone, the raw value on hover.
            const v = k === 'sent_at' && filled(raw) ? dateTime(raw) : raw;
            return (
              <tr key={k}>
                <th scope="row" className="param-name">
                  {paramLabel(k, lang)}
                </th>
                <td className="param-value" title={k === 'sent_at' && raw ? raw : undefined}>
                  {filled(v) ? v : <span className="muted">{t('common.none')}</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

export function LeadPage({ params }: { params: Params }) {
  const id = params.id ?? '';
  const { t } = useI18n();
  const { account } = useCurrentMe();
  const fmt = useFormat(account.timezone);
  const query = useLead(id);
  const project = useProject(query.data?.projectId ?? '');

  if (query.isPending || query.isError) {
    return (
      <PageQueryState
        query={query}
        back={<BackLink to="/">{t('project.back')}</BackLink>}
        notFound={{ title: t('lead.notFound'), text: t('lead.notFoundText') }}
      />
    );
  }
  const lead = query.data;
  const { name, email, phone } = lead.contact;
  const title = name || email || phone || t('lead.title');

  return (
    <>
      <BackLink to={`/projects/${lead.projectId}/leads`}>{t('lead.back')}</BackLink>
      <PageHeader
        title={title}
        lead={
          <span className="lead-sub">
            <LeadTypeLabel type={lead.type} />
            <span>{fmt.dateTime(lead.occurredAt)}</span>
            {project.data && <span>{project.data.name}</span>}
            {lead.isDuplicate && <span className="badge badge-dup">{t('leads.duplicate')}</span>}
          </span>
        }
      />
      <div className="grid-main">
        <div className="stack">
          <DetailsCard lead={lead} dateTime={fmt.dateTime} />
          <PathCard lead={lead} dateTime={fmt.dateTime} />
        </div>
        <div className="stack">
          <DeliveriesCard leadId={lead.id} projectId={lead.projectId} />
          <ParamsCard lead={lead} dateTime={fmt.dateTime} />
        </div>
      </div>
    </>
  );
}
