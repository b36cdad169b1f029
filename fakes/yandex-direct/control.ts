/** `/__fake/…`: inspection, seeding and fault control over HTTP, for a by-hand user or another process. */
import { type FakeClock, isDate, isObject, json, type Reply } from '../common/http.js';
import type { DirectFaults, FailSpec } from './faults.js';
import type { RateWindow, ReportStore } from './limits.js';
import type { RequestLogEntry } from './server.js';
import type { Campaign, DayStat, DirectState } from './state.js';

export interface ControlDeps {
  state: DirectState;
  faults: DirectFaults;
  clock: FakeClock;
  reports: ReportStore;
  rate: RateWindow;
  requests: RequestLogEntry[];
}

const HELP = {
  'GET /__fake/state': 'advertisers, agencies, tokens, stored offline reports, faults, the fake date',
  'GET /__fake/requests': 'request log (headers that shape a report, report name, status, error code)',
  'POST /__fake/faults': [
    '{"op":"failNext","count":1,"code":1000,"status?":500,"html?":false,"detail?":"…"}',
    '{"op":"offline","count":1,"polls":2}  (next new reports go to the queue: 201, 202×polls, 200)',
    '{"op":"unitsExhausted","on":true}  (error 152)',
    '{"op":"rateLimit","per10s":20} | {"op":"delay","ms":500} | {"op":"reset"}',
    'or an array of these',
  ],
  'POST /__fake/advertisers': '{"login":"shop2","currency?":"RUB","vatRate?":0.22,"token?":"…"}',
  'POST /__fake/agencies': '{"login":"ag","clients":["shop2"],"token":"…"}',
  'POST /__fake/campaigns':
    '{"login":"shop2","campaign":{"id":1,"name":"…","type":"TEXT_CAMPAIGN","adGroups":[…]}}',
  'POST /__fake/stats':
    '{"login":"shop2","rows":[{"date":"2026-03-01","criterionId":1,"impressions":10,"clicks":1,"costCents":4200}]}',
  'POST /__fake/clock': '{"advance_seconds":3600}',
};

function applyFault(f: DirectFaults, rate: RateWindow, op: Record<string, unknown>): string | null {
  const int = (k: string, dflt: number) => (Number.isInteger(op[k]) ? (op[k] as number) : dflt);
  switch (op.op) {
    case 'failNext': {
      const spec: FailSpec = {};
      if (op.status === 400 || op.status === 500 || op.status === 502) spec.status = op.status;
      if (Number.isInteger(op.code)) spec.code = op.code as number;
      if (op.html === true) spec.html = true;
      if (typeof op.detail === 'string') spec.detail = op.detail;
      f.failNext(int('count', 1), spec);
      return null;
    }
    case 'offline':
      f.offline(int('count', 1), int('polls', 1));
      return null;
    case 'unitsExhausted':
      f.unitsExhausted = op.on !== false;
      return null;
    case 'rateLimit':
      rate.limit = int('per10s', 20);
      return null;
    case 'delay':
      f.delayMs = int('ms', 0);
      return null;
    case 'reset':
      f.reset();
      rate.reset();
      return null;
    default:
      return `unknown op ${String(op.op)}`;
  }
}

function isDayStat(r: unknown): r is DayStat {
  return (
    isObject(r) &&
    isDate(r.date) &&
    Number.isInteger(r.criterionId) &&
    Number.isInteger(r.impressions) &&
    Number.isInteger(r.clicks) &&
    Number.isInteger(r.costCents)
  );
}

function seedOp(d: ControlDeps, path: string, b: Record<string, unknown>): Reply {
  const login = typeof b.login === 'string' ? b.login : '';
  if (login === '') return json(400, { error: 'login is required' });
  if (path === '/__fake/advertisers') {
    const a = d.state.addAdvertiser(login, {
      ...(typeof b.currency === 'string' ? { currency: b.currency } : {}),
      ...(typeof b.vatRate === 'number' ? { vatRate: b.vatRate } : {}),
      ...(typeof b.token === 'string' ? { token: b.token } : {}),
    });
    return json(200, { login: a.login, clientId: a.clientId });
  }
  if (path === '/__fake/agencies') {
    const clients = Array.isArray(b.clients)
      ? b.clients.filter((c): c is string => typeof c === 'string')
      : [];
    const a = d.state.addAgency(login, {
      clients,
      ...(typeof b.token === 'string' ? { token: b.token } : {}),
    });
    return json(200, { login: a.login, clientId: a.clientId });
  }
  if (!d.state.advertiser(login)) return json(404, { error: `no advertiser ${login}` });
  if (path === '/__fake/campaigns') {
    if (!isObject(b.campaign)) return json(400, { error: 'campaign is required' });
    d.state.addCampaign(login, b.campaign as unknown as Campaign);
    return json(200, { ok: true });
  }
  const rows = Array.isArray(b.rows) ? b.rows : [];
  if (!rows.every(isDayStat))
    return json(400, { error: 'rows: {date, criterionId, impressions, clicks, costCents}' });
  d.state.addStats(login, rows);
  return json(200, { ok: true, rows: rows.length });
}

export function control(d: ControlDeps, method: string, path: string, raw: string): Reply {
  let body: unknown = null;
  try {
    body = raw.trim() === '' ? null : JSON.parse(raw);
  } catch {
    return json(400, { error: 'body is not JSON' });
  }
  const b = isObject(body) ? body : {};
  if (method === 'GET' && path === '/__fake') return json(200, HELP);
  if (method === 'GET' && path === '/__fake/state')
    return json(200, {
      today: d.clock.today(),
      ...(d.state.dump() as object),
      offlineReports: d.reports.list(),
      faults: d.faults.describe(),
    });
  if (method === 'GET' && path === '/__fake/requests') return json(200, d.requests);
  if (method !== 'POST') return json(404, { error: 'unknown control endpoint', help: HELP });
  if (path === '/__fake/faults') {
    for (const op of Array.isArray(body) ? body : [body]) {
      const e = isObject(op) ? applyFault(d.faults, d.rate, op) : 'each op must be an object';
      if (e) return json(400, { error: e });
    }
    return json(200, { ok: true, faults: d.faults.describe() });
  }
  if (path === '/__fake/clock') {
    d.clock.advance(typeof b.advance_seconds === 'number' ? b.advance_seconds : 0);
    return json(200, { now: new Date(d.clock.now()).toISOString(), today: d.clock.today() });
  }
  if (['/__fake/advertisers', '/__fake/agencies', '/__fake/campaigns', '/__fake/stats'].includes(path))
    return seedOp(d, path, b);
  return json(404, { error: 'unknown control endpoint', help: HELP });
}
