/**
 * A contract-faithful fake of the Yandex Direct API v5 Reports service (`POST /json/v5/reports`) and
 * of `Clients.get` (`POST /json/v5/clients`, for the account currency), for tests and trying Leadtrail
 * by hand. Facts: /work/shared/ads-apis.md Part A (A.13 is the checklist); what is modelled and what
 * is not: fakes/yandex-direct/README.md.
 */
import { createHash, randomInt } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { FakeClock, type FakeServing, json, type Reply, serveFake } from '../common/http.js';
import { buildRows, renderTsv } from './build.js';
import { type ControlDeps, control } from './control.js';
import { parseDefinition } from './definition.js';
import { DirectFailure, errorReply, fail, type Lang, langOf } from './errors.js';
import { DirectFaults } from './faults.js';
import { RateWindow, ReportStore } from './limits.js';
import { seedDefault } from './seed.js';
import { type Advertiser, type Agency, DirectState } from './state.js';

export interface FakeDirectOptions {
  /** 0 (default) = any free port */
  port?: number;
  host?: string;
  /** start with the default world (seed.ts); default true */
  seed?: boolean;
  /** the fake's calendar day (Moscow), `YYYY-MM-DD`; default: today */
  today?: string;
  /** `retryIn` seconds on 201/202 (default 1; tests use 0) */
  retryIn?: number;
  /** 202 answers an offline report gives before it is ready (default 1: 201 → 202 → 200) */
  offlinePolls?: number;
  /** in `auto` mode, reports with more rows than this are built offline (default 10,000) */
  autoOfflineAboveRows?: number;
  /** Reports requests per user in 10 s (Direct: 20) */
  rateLimitPer10s?: number;
  /** error code for going over it (the docs name none for Reports; default 56) */
  rateLimitCode?: number;
  /** points a Reports request spends (the docs do not say it spends any; default 0) */
  reportUnitCost?: number;
}

export interface RequestLogEntry {
  at: number;
  method: string;
  path: string;
  status: number;
  headers: Record<string, string>;
  reportName: string | null;
  errorCode: number | null;
}

export interface FakeDirect extends ControlDeps, FakeServing {}

const REPORTS = '/json/v5/reports';
const CLIENTS = '/json/v5/clients';
const LOGGED_HEADERS = [
  'processingmode',
  'returnmoneyinmicros',
  'skipreportheader',
  'skipcolumnheader',
  'skipreportsummary',
  'client-login',
  'accept-language',
];

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

interface Caller {
  token: string;
  advertiser: Advertiser;
  /** whose points are spent */
  payer: Advertiser | Agency;
}

/** Token, then Client-Login: who is asking and for which advertiser's data (A.2, errors 53/54/8000/8800). */
function identify(
  state: DirectState,
  req: IncomingMessage,
  service: 'reports' | 'clients',
): Caller | DirectFailure {
  const auth = header(req, 'authorization') ?? '';
  const token = /^Bearer\s+(\S+)$/i.exec(auth.trim())?.[1];
  if (!token) return fail(53, 'OAuth token is missing', 'Не указан OAuth-токен');
  const op = state.tokens.get(token);
  if (!op) return fail(53, 'Invalid OAuth token', 'Недействительный OAuth-токен');
  const clientLogin = header(req, 'client-login')?.trim() ?? '';
  const unknownLogin = fail(
    8800,
    'A nonexistent login is specified in the Client-Login HTTP header',
    'В HTTP-заголовке Client-Login указан несуществующий логин',
  );
  if (op.kind === 'agency') {
    const agency = state.agencies.get(DirectState.key(op.login));
    if (!agency) return fail(53, 'Invalid OAuth token', 'Недействительный OAuth-токен');
    if (clientLogin === '') {
      if (service === 'clients') return { token, advertiser: agencyAsAdvertiser(agency), payer: agency };
      return fail(
        8000,
        "The advertiser's login must be specified in the Client-Login HTTP header",
        'В HTTP-заголовке Client-Login необходимо указать логин рекламодателя',
      );
    }
    const advertiser = state.advertiser(clientLogin);
    if (!advertiser) return unknownLogin;
    if (!agency.clients.has(DirectState.key(clientLogin)))
      return fail(
        54,
        'The advertiser is not a client of the agency',
        'Рекламодатель не является клиентом агентства',
      );
    const operatorUnits = header(req, 'use-operator-units') === 'true';
    return { token, advertiser, payer: operatorUnits ? agency : advertiser };
  }
  const own = state.advertiser(op.login);
  if (!own) return fail(53, 'Invalid OAuth token', 'Недействительный OAuth-токен');
  if (clientLogin !== '' && DirectState.key(clientLogin) !== DirectState.key(op.login))
    return state.advertiser(clientLogin)
      ? fail(54, 'No rights to the advertiser in Client-Login', 'Нет прав на рекламодателя из Client-Login')
      : unknownLogin;
  return { token, advertiser: own, payer: own };
}

/** An agency answering Clients.get about itself. */
function agencyAsAdvertiser(a: Agency): Advertiser {
  return {
    login: a.login,
    clientId: a.clientId,
    currency: a.currency,
    vatRate: 0,
    campaigns: [],
    stats: [],
    unitsDaily: a.unitsDaily,
    unitsLeft: a.unitsLeft,
  };
}

export async function startFakeDirect(opts: FakeDirectOptions = {}): Promise<FakeDirect> {
  const clock = new FakeClock(opts.today ? Date.parse(`${opts.today}T09:00:00Z`) : null);
  const state = new DirectState();
  if (opts.seed !== false) seedDefault(state, clock.today());
  const faults = new DirectFaults();
  const reports = new ReportStore(() => clock.now());
  const rate = new RateWindow(() => clock.now(), opts.rateLimitPer10s ?? 20);
  const requests: RequestLogEntry[] = [];
  const retryIn = opts.retryIn ?? 1;

  /**
   * What both services check before their own work: the caller (token, Client-Login), the Reports
   * rate limit, the points (error 152; the `Units` header), the JSON body.
   */
  const preflight = (
    req: IncomingMessage,
    raw: string,
    service: 'reports' | 'clients',
    headers: Record<string, string>,
  ): { caller: Caller; body: unknown } | DirectFailure => {
    const caller = identify(state, req, service);
    if (caller instanceof DirectFailure) return caller;
    if (service === 'reports' && !rate.take(caller.token))
      return fail(
        opts.rateLimitCode ?? 56,
        `More than ${rate.limit} requests in 10 seconds`,
        `Более ${rate.limit} запросов за 10 секунд`,
      );
    const { payer } = caller;
    const cost = service === 'reports' ? (opts.reportUnitCost ?? 0) : 1;
    if (faults.unitsExhausted || payer.unitsLeft < cost)
      return fail(152, 'Not enough units', 'Недостаточно баллов');
    payer.unitsLeft -= cost;
    headers.Units = `${cost}/${payer.unitsLeft}/${payer.unitsDaily}`;
    try {
      return { caller, body: JSON.parse(raw) };
    } catch {
      return fail(
        8000,
        'Not able to process JSON in the request body',
        'Не удалось обработать JSON в теле запроса',
      );
    }
  };

  const reportsRequest = (
    req: IncomingMessage,
    raw: string,
    headers: Record<string, string>,
  ): Reply | DirectFailure => {
    const pre = preflight(req, raw, 'reports', headers);
    if (pre instanceof DirectFailure) return pre;
    const { caller, body } = pre;
    const def = parseDefinition(body, clock.today());
    if (def instanceof DirectFailure) return def;
    const mode = (header(req, 'processingMode') ?? 'auto').toLowerCase();
    if (!['auto', 'online', 'offline'].includes(mode))
      return fail(
        8000,
        'Invalid value of the processingMode header',
        'Неверное значение заголовка processingMode',
      );
    const layout = {
      moneyInMicros: header(req, 'returnMoneyInMicros') !== 'false',
      skipReportHeader: header(req, 'skipReportHeader') === 'true',
      skipColumnHeader: header(req, 'skipColumnHeader') === 'true',
      skipReportSummary: header(req, 'skipReportSummary') === 'true',
    };
    const adv = caller.advertiser;
    const identity = createHash('sha256')
      .update(JSON.stringify({ body, layout, login: DirectState.key(adv.login) }))
      .digest('hex');
    const tsv = (content: string): Reply => ({
      status: 200,
      headers: { ...headers, 'content-type': 'text/tab-separated-values; charset=utf-8' },
      body: content,
    });
    const waiting = (status: 201 | 202): Reply => ({
      status,
      headers: { ...headers, retryIn: String(retryIn), reportsInQueue: String(reports.queued(adv.login)) },
      body: '',
    });
    const build = () => renderTsv(def, buildRows(state, adv, def, layout.moneyInMicros), layout);

    const stored = reports.find(adv.login, def.reportName);
    if (stored) {
      if (stored.identity !== identity)
        return fail(
          8000,
          'A report with this name but other parameters is already in the queue or built',
          'Отчет с таким именем, но другими параметрами уже формируется или сформирован',
        );
      if (stored.body === null && stored.pollsLeft > 0) {
        stored.pollsLeft -= 1;
        return waiting(202);
      }
      stored.body ??= build();
      return tsv(stored.body);
    }
    const forced = faults.takeOffline();
    if (mode === 'online' && forced !== null)
      return fail(
        8000,
        'The report cannot be generated online; use the offline or auto mode',
        'Отчет не может быть сформирован в режиме онлайн; используйте режим offline или auto',
      );
    const rows = buildRows(state, adv, def, layout.moneyInMicros);
    const offline =
      mode === 'offline' ||
      (mode === 'auto' && (forced !== null || rows.length > (opts.autoOfflineAboveRows ?? 10_000)));
    if (!offline) return tsv(renderTsv(def, rows, layout));
    if (reports.queued(adv.login) >= reports.queueLimit)
      return fail(
        9000,
        `Too many offline reports in the queue: at most ${reports.queueLimit}`,
        `Превышено количество отчетов в очереди: не более ${reports.queueLimit}`,
      );
    reports.add({
      login: adv.login,
      name: def.reportName,
      identity,
      pollsLeft: forced ?? opts.offlinePolls ?? 1,
    });
    return waiting(201);
  };

  const clientsRequest = (
    req: IncomingMessage,
    raw: string,
    headers: Record<string, string>,
  ): Reply | DirectFailure => {
    const pre = preflight(req, raw, 'clients', headers);
    if (pre instanceof DirectFailure) return pre;
    const { caller, body } = pre;
    const b = body as { method?: unknown; params?: { FieldNames?: unknown } };
    if (b.method !== 'get') return fail(8000, 'Invalid method', 'Неверный метод');
    const names = b.params?.FieldNames;
    const known = ['ClientId', 'Login', 'Currency'];
    if (!Array.isArray(names) || names.length === 0 || !names.every((n) => known.includes(n)))
      return fail(8000, 'Invalid value of FieldNames', 'Неверное значение FieldNames');
    const a = caller.advertiser;
    const all: Record<string, unknown> = { ClientId: a.clientId, Login: a.login, Currency: a.currency };
    const client = Object.fromEntries(names.map((n: string) => [n, all[n]]));
    return json(200, { result: { Clients: [client] } }, headers);
  };

  const deps = { state, faults, clock, reports, rate, requests };
  const serving = await serveFake(
    opts,
    { clock, delayMs: () => faults.delayMs, control: (m, p, raw) => control(deps, m, p, raw) },
    ({ req, method, path, raw }) => {
      const lang: Lang = langOf(req.headers['accept-language']);
      const requestId = String(randomInt(1, 2 ** 47)) + String(randomInt(1000, 9999));
      const headers: Record<string, string> = { RequestId: requestId };
      const service = path === REPORTS ? 'reports' : path === CLIENTS ? 'clients' : null;
      let reply: Reply;
      let reportName: string | null = null;
      if (service === null) reply = json(404, { error: 'Not found' }, headers);
      else if (method !== 'POST') reply = { status: 405, headers: { ...headers, Allow: 'POST' }, body: '' };
      else if (raw === null)
        reply = errorReply(fail(8000, 'Request too large', 'Слишком большой запрос'), lang, requestId);
      else {
        reportName = service === 'reports' ? reportNameOf(raw) : null;
        const out =
          faults.takeFailure(lang, requestId) ??
          (service === 'reports' ? reportsRequest(req, raw, headers) : clientsRequest(req, raw, headers));
        if (out instanceof DirectFailure) {
          reply = errorReply(out, lang, requestId);
          // v5 services other than Reports answer errors inside an HTTP 200 (UNVERIFIED, see README).
          if (service === 'clients') reply.status = 200;
          Object.assign(reply.headers, headers);
        } else reply = out;
      }
      requests.push({
        at: clock.now(),
        method,
        path,
        status: reply.status,
        headers: Object.fromEntries(
          LOGGED_HEADERS.flatMap((h) => (req.headers[h] ? [[h, header(req, h) ?? '']] : [])),
        ),
        reportName,
        errorCode: errorCodeOf(reply.body),
      });
      return reply;
    },
  );
  return { ...deps, ...serving };
}

function reportNameOf(raw: string): string | null {
  try {
    const name = (JSON.parse(raw) as { params?: { ReportName?: unknown } }).params?.ReportName;
    return typeof name === 'string' ? name : null;
  } catch {
    return null;
  }
}

function errorCodeOf(body: string): number | null {
  if (!body.startsWith('{"error"')) return null;
  try {
    const code = (JSON.parse(body) as { error?: { error_code?: unknown } }).error?.error_code;
    return typeof code === 'number' ? code : null;
  } catch {
    return null;
  }
}
