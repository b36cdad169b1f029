import { type FormEvent, type MouseEvent, type ReactNode, useMemo, useState } from 'react';
import { isApiError } from '../api/client';
import { useLeads, useProject } from '../api/queries';
import type { Lead, LeadFilter, LeadType } from '../api/types';
import { LeadTypeLabel } from '../components/LeadTypeLabel';
import { ListTable } from '../components/ListTable';
import { useCurrentMe } from '../components/MeContext';
import { BackLink, PageHeader } from '../components/PageHeader';
import { EmptyCard, ErrorState, Loading, MoreButton, NotFound } from '../components/PageState';
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

/** One end of the period filter (a day in the account's zone); the other end bounds what it offers. */
function DateFilter({
  id,
  label,
  value,
  min,
  max,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  min?: string;
  max?: string;
  onChange: (value: string) => void;
}) {
  return (
    <div className="field filter-date">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="date"
        value={value}
        min={min || undefined}
        max={max || undefined}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby="f-period-hint"
      />
    </div>
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
      <NotFound
        back={<BackLink to="/">{t('project.back')}</BackLink>}
        title={t('project.notFound')}
        text={t('project.notFoundText')}
      />
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
      <EmptyCard title={t('leads.noMatchTitle')} text={t('leads.noMatchText')}>
        <button type="button" className="btn btn-secondary" onClick={reset}>
          {t('leads.reset')}
        </button>
      </EmptyCard>
    ) : (
      <EmptyCard title={t('leads.emptyTitle')} text={t('leads.emptyText')} art testId="leads-empty">
        <Link to={`/projects/${id}`} className="btn btn-primary">
          {t('leads.emptyAction')}
        </Link>
      </EmptyCard>
    );
  } else {
    body = (
      <>
        <ListTable
          className={`card card-flush${leads.isPlaceholderData ? ' is-stale' : ''}`}
          tableClassName="table-leads"
          bodyTestId="leads-list"
          columns={[
            t('leads.colTime'),
            t('leads.colType'),
            t('leads.colContact'),
            t('leads.colSource'),
            { label: t('leads.colCampaign'), className: 'hide-sm' },
            { label: t('leads.colCity'), className: 'hide-sm' },
          ]}
        >
          {items.map((l) => (
            <LeadRow key={l.id} lead={l} dateTime={fmt.dateTime} />
          ))}
        </ListTable>
        <div className="list-foot">
          <span className="muted small" aria-live="polite">
            {t('leads.shown', { count: items.length })}
          </span>
          {leads.hasNextPage && (
            <MoreButton list={leads} label={t('leads.more')} loadingLabel={t('leads.loadingMore')} />
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
      <BackLink to={`/projects/${id}`}>{t('leads.back')}</BackLink>
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
          <DateFilter
            id="f-from"
            label={t('leads.from')}
            value={filters.from}
            max={filters.to}
            onChange={(from) => apply({ from })}
          />
          <DateFilter
            id="f-to"
            label={t('leads.to')}
            value={filters.to}
            min={filters.from}
            onChange={(to) => apply({ to })}
          />
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
