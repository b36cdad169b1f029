import { type FormEvent, type MouseEvent, type ReactNode, useMemo, useState } from 'react';
import { isApiError } from '../api/client';
import { useLeads, useProject } from '../api/queries';
import type { Lead, LeadFilter, LeadType } from '../api/types';
import { LeadTypeLabel } from '../components/LeadTypeLabel';
import { useCurrentMe } from '../components/MeContext';
import { PageHeader } from '../components/PageHeader';
import { ErrorState, Loading } from '../components/PageState';
import { useI18n } from '../i18n';
import { timezoneLabel, useFormat } from '../lib/format';
import { LEAD_TYPES, zonedDayStart } from '../lib/leads';
import { Link, navigate, type Params } from '../router';

interface Filters {
  type: LeadType | '';
  /** `YYYY-MM-DD` days in the account's time zone, both inclusive. */
  from: string;
  to: string;
  source: string;
}

const isLeadType = (v: string | null): v is LeadType => LEAD_TYPES.includes(v as LeadType);
const isDay = (v: string | null): v is string => !!v && /^\d{4}-\d{2}-\d{2}$/.test(v);

/** The filters live in the query string too, so a filtered list survives a reload and can be shared. */
function readFilters(): Filters {
  const q = new URLSearchParams(window.location.search);
  const type = q.get('type');
  const from = q.get('from');
  const to = q.get('to');
  return {
    type: isLeadType(type) ? type : '',
    from: isDay(from) ? from : '',
    to: isDay(to) ? to : '',
    source: q.get('source')?.trim() ?? '',
  };
}

function writeFilters(f: Filters): void {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
  const s = q.toString();
  window.history.replaceState(null, '', `${window.location.pathname}${s ? `?${s}` : ''}`);
}

function toApiFilter(f: Filters, timeZone: string): LeadFilter {
  return {
    type: f.type || undefined,
    from: f.from ? zonedDayStart(f.from, timeZone) : undefined,
    // `to` is exclusive on the server: the start of the next day.
    to: f.to ? zonedDayStart(f.to, timeZone, 1) : undefined,
    source: f.source || undefined,
  };
}

const dash = (v: string | null | undefined) => (v?.trim() ? v : null);

function LeadRow({ lead, dateTime }: { lead: Lead; dateTime: (iso: string) => string }) {
  const { t } = useI18n();
  const to = `/leads/${lead.id}`;
  const { name, email, phone } = lead.contact;
  const source = [dash(lead.params.source), dash(lead.params.medium)].filter(Boolean).join(' / ');
  const open = (e: MouseEvent<HTMLTableRowElement>) => {
    // The time cell holds a real link (keyboard, middle click); clicks elsewhere on the row follow it too,
    // unless the user is selecting text.
    if ((e.target as HTMLElement).closest('a, button')) return;
    if (window.getSelection()?.toString()) return;
    navigate(to);
  };
  const when = dateTime(lead.occurredAt);
  return (
    <tr className="row-click" data-testid="lead-row" onClick={open}>
      <td className="nowrap">
        <Link to={to} className="row-link" aria-label={t('leads.open', { date: when })}>
          {when}
        </Link>
      </td>
      <td className="nowrap">
        <LeadTypeLabel type={lead.type} />
        {lead.isDuplicate && <span className="badge badge-dup">{t('leads.duplicate')}</span>}
      </td>
      <td className="lead-contact">
        {name || email || phone ? (
          <>
            {name && <span className="lead-contact-name">{name}</span>}
            {(email || phone) && (
              <span className="lead-contact-ways">
                {email && <span>{email}</span>}
                {phone && <span className="nowrap">{phone}</span>}
              </span>
            )}
          </>
        ) : (
          <span className="muted">{t('common.none')}</span>
        )}
      </td>
      <td>{source || <span className="muted">{t('common.none')}</span>}</td>
      <td className="hide-sm">
        {dash(lead.params.campaign) ?? <span className="muted">{t('common.none')}</span>}
      </td>
      <td className="hide-sm">
        {dash(lead.params.city) ?? <span className="muted">{t('common.none')}</span>}
      </td>
    </tr>
  );
}

export function LeadsPage({ params }: { params: Params }) {
  const id = params.id ?? '';
  const { t, lang } = useI18n();
  const { account } = useCurrentMe();
  const fmt = useFormat(account.timezone);
  const project = useProject(id);
  const [filters, setFilters] = useState<Filters>(readFilters);
  const [source, setSource] = useState(filters.source);
  const apiFilter = useMemo(() => toApiFilter(filters, account.timezone), [filters, account.timezone]);
  const leads = useLeads(id, apiFilter);

  const apply = (next: Partial<Filters>) => {
    const f = { ...filters, ...next };
    setFilters(f);
    writeFilters(f);
  };
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    apply({ source: source.trim() });
  };
  const reset = () => {
    setSource('');
    apply({ type: '', from: '', to: '', source: '' });
  };
  const filtered = !!(filters.type || filters.from || filters.to || filters.source);
  const badPeriod = !!(filters.from && filters.to && filters.from > filters.to);

  const notFound =
    isApiError(project.error, 404) ||
    isApiError(project.error, 400) ||
    isApiError(leads.error, 404) ||
    isApiError(leads.error, 400);
  if (notFound && !filtered) {
    return (
      <>
        <Link to="/" className="back-link">
          {t('project.back')}
        </Link>
        <PageHeader title={t('project.notFound')} lead={t('project.notFoundText')} />
      </>
    );
  }

  const items = leads.data?.pages.flatMap((p) => p.items) ?? [];

  let body: ReactNode;
  if (leads.isPending) body = <Loading />;
  // A failed "load more" keeps the pages already shown; only a failed first page replaces the list.
  else if (leads.isError && !leads.data)
    body = <ErrorState error={leads.error} onRetry={() => leads.refetch()} />;
  else if (items.length === 0) {
    body = filtered ? (
      <div className="card empty empty-sm">
        <h2>{t('leads.noMatchTitle')}</h2>
        <p>{t('leads.noMatchText')}</p>
        <button type="button" className="btn btn-secondary" onClick={reset}>
          {t('leads.reset')}
        </button>
      </div>
    ) : (
      <div className="card empty" data-testid="leads-empty">
        <div className="empty-art" aria-hidden="true">
          <span />
          <span />
          <span />
        </div>
        <h2>{t('leads.emptyTitle')}</h2>
        <p>{t('leads.emptyText')}</p>
        <Link to={`/projects/${id}`} className="btn btn-primary">
          {t('leads.emptyAction')}
        </Link>
      </div>
    );
  } else {
    body = (
      <>
        <div className={`card card-flush table-wrap${leads.isPlaceholderData ? ' is-stale' : ''}`}>
          <table className="table table-leads">
            <thead>
              <tr>
                <th scope="col">{t('leads.colTime')}</th>
                <th scope="col">{t('leads.colType')}</th>
                <th scope="col">{t('leads.colContact')}</th>
                <th scope="col">{t('leads.colSource')}</th>
                <th scope="col" className="hide-sm">
                  {t('leads.colCampaign')}
                </th>
                <th scope="col" className="hide-sm">
                  {t('leads.colCity')}
                </th>
              </tr>
            </thead>
            <tbody data-testid="leads-list">
              {items.map((l) => (
                <LeadRow key={l.id} lead={l} dateTime={fmt.dateTime} />
              ))}
            </tbody>
          </table>
        </div>
        <div className="list-foot">
          <span className="muted small" aria-live="polite">
            {t('leads.shown', { count: items.length })}
          </span>
          {leads.hasNextPage && (
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => leads.fetchNextPage()}
              disabled={leads.isFetchingNextPage}
            >
              {leads.isFetchingNextPage ? t('leads.loadingMore') : t('leads.more')}
            </button>
          )}
        </div>
        {leads.isFetchNextPageError && (
          <ErrorState error={leads.error} onRetry={() => leads.fetchNextPage()} />
        )}
      </>
    );
  }

  const showFilters = filtered || items.length > 0 || leads.isError;

  return (
    <>
      <Link to={`/projects/${id}`} className="back-link">
        {t('leads.back')}
      </Link>
      <PageHeader title={t('leads.title')} lead={project.data?.name} />
      {showFilters && (
        <form className="card card-pad filters" onSubmit={submit} aria-label={t('leads.filters')}>
          <div className="field filter-type">
            <label htmlFor="f-type">{t('leads.filterType')}</label>
            <select
              id="f-type"
              value={filters.type}
              onChange={(e) => apply({ type: e.target.value as LeadType | '' })}
            >
              <option value="">{t('leads.allTypes')}</option>
              {LEAD_TYPES.map((ty) => (
                <option key={ty} value={ty}>
                  {t(`leadType.${ty}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field filter-date">
            <label htmlFor="f-from">{t('leads.from')}</label>
            <input
              id="f-from"
              type="date"
              value={filters.from}
              max={filters.to || undefined}
              onChange={(e) => apply({ from: e.target.value })}
              aria-describedby="f-period-hint"
            />
          </div>
          <div className="field filter-date">
            <label htmlFor="f-to">{t('leads.to')}</label>
            <input
              id="f-to"
              type="date"
              value={filters.to}
              min={filters.from || undefined}
              onChange={(e) => apply({ to: e.target.value })}
              aria-describedby="f-period-hint"
            />
          </div>
          <div className="field filter-source">
            <label htmlFor="f-source">{t('leads.source')}</label>
            <input
              id="f-source"
              type="search"
              value={source}
              placeholder={t('leads.sourcePlaceholder')}
              spellCheck={false}
              onChange={(e) => setSource(e.target.value)}
            />
          </div>
          <div className="filter-actions">
            <button type="submit" className="btn btn-primary">
              {t('leads.apply')}
            </button>
            {filtered && (
              <button type="button" className="btn btn-ghost" onClick={reset}>
                {t('leads.reset')}
              </button>
            )}
          </div>
          <p className={`filter-hint small ${badPeriod ? 'is-error' : 'muted'}`} id="f-period-hint">
            {badPeriod
              ? t('leads.badPeriod')
              : t('leads.periodHint', { zone: timezoneLabel(account.timezone, lang) })}
          </p>
        </form>
      )}
      {body}
    </>
  );
}
