/** `/__fake/…` of the fake Direct: the common endpoints plus its fault ops and seeding. */
import { type ControlSpec, control as commonControl, intOf, isStatRow } from '../common/control.js';
import { type FakeClock, isObject, json, type Reply } from '../common/http.js';
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
  'POST /__fake/faults': [
    '{"op":"failNext","count":1,"code":1000,"status?":500,"html?":false,"detail?":"…"}',
    '{"op":"offline","count":1,"polls":2}  (next new reports go to the queue: 201, 202×polls, 200)',
    '{"op":"unitsExhausted","on":true}  (error 152)',
    '{"op":"rateLimit","per10s":20}',
  ],
  'POST /__fake/advertisers': '{"login":"shop2","currency?":"RUB","vatRate?":0.22,"token?":"…"}',
  'POST /__fake/agencies': '{"login":"ag","clients":["shop2"],"token":"…"}',
  'POST /__fake/campaigns':
    '{"login":"shop2","campaign":{"id":1,"name":"…","type":"TEXT_CAMPAIGN","adGroups":[…]}}',
  'POST /__fake/stats':
    '{"login":"shop2","rows":[{"date":"2026-03-01","criterionId":1,"impressions":10,"clicks":1,"costCents":4200}]}',
};

function applyFault(f: DirectFaults, rate: RateWindow, op: Record<string, unknown>): string | null {
  const int = (k: string, dflt: number) => intOf(op, k, dflt);
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
    default:
      return `unknown op ${String(op.op)}`;
  }
}

const isDayStat = (r: unknown): r is DayStat =>
  isStatRow(r, ['criterionId', 'impressions', 'clicks', 'costCents']);

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
  const spec: ControlSpec = {
    help: HELP,
    clock: d.clock,
    state: () => ({ ...(d.state.dump() as object), offlineReports: d.reports.list() }),
    requests: d.requests,
    applyFault: (op) => applyFault(d.faults, d.rate, op),
    setDelay: (ms) => {
      d.faults.delayMs = ms;
    },
    reset: () => {
      d.faults.reset();
      d.rate.reset();
    },
    describeFaults: () => d.faults.describe(),
    seed: Object.fromEntries(
      ['advertisers', 'agencies', 'campaigns', 'stats'].map((w) => [
        w,
        (b: Record<string, unknown>) => seedOp(d, `/__fake/${w}`, b),
      ]),
    ),
  };
  return commonControl(spec, method, path, raw);
}
