/** Account, users, pipelines and statuses (read-only, seeded). */
import { type Ctx, pageLinks, readPaging } from './context.js';
import { hal, noContent, problem, type Reply } from './hal.js';
import type { JsonObject, Pipeline, Status, User } from './types.js';

export function getAccount(ctx: Ctx): Reply {
  const a = ctx.state.account;
  const withs = new Set((ctx.query.get('with') ?? '').split(','));
  const out: JsonObject = {
    id: a.id,
    name: a.name,
    subdomain: a.subdomain,
    created_at: 1_577_836_800,
    created_by: 0,
    updated_at: 1_577_836_800,
    updated_by: 0,
    current_user_id: ctx.userId,
    country: a.country,
    currency: a.currency,
    currency_symbol: a.currency_symbol,
    customers_mode: a.customers_mode,
    is_unsorted_on: a.is_unsorted_on,
    mobile_feature_version: a.mobile_feature_version,
    is_loss_reason_enabled: a.is_loss_reason_enabled,
    is_helpbot_enabled: a.is_helpbot_enabled,
    is_technical_account: a.is_technical_account,
    contact_name_display_order: a.contact_name_display_order,
  };
  if (withs.has('amojo_id')) out.amojo_id = a.amojo_id;
  if (withs.has('version')) out.version = a.version;
  if (withs.has('is_api_filter_enabled')) out.is_api_filter_enabled = a.is_api_filter_enabled;
  out._links = { self: { href: `${ctx.base}/api/v4/account` } };
  const emb: JsonObject = {};
  if (withs.has('users_groups')) emb.users_groups = [{ id: 0, name: 'Отдел продаж', uuid: null }];
  if (withs.has('task_types')) {
    emb.task_types = [
      { id: 1, name: 'Связаться', color: null, icon_id: null, code: 'FOLLOW_UP' },
      { id: 2, name: 'Встреча', color: null, icon_id: null, code: 'MEETING' },
    ];
  }
  if (withs.has('datetime_settings')) {
    emb.datetime_settings = {
      date_pattern: 'd.m.Y H:i',
      short_date_pattern: 'd.m.Y',
      short_time_pattern: 'H:i',
      date_format: 'd.m.Y',
      time_format: 'H:i:s',
      timezone: 'Europe/Moscow',
      timezone_offset: '+03:00',
    };
  }
  if (Object.keys(emb).length > 0) out._embedded = emb;
  return hal(200, out);
}

function serializeUser(ctx: Ctx, u: User): JsonObject {
  const all = {
    view: 'A',
    edit: 'A',
    add: 'A',
    delete: u.is_admin ? 'A' : 'D',
    export: u.is_admin ? 'A' : 'D',
  };
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    lang: u.lang,
    rights: {
      leads: all,
      contacts: all,
      companies: all,
      tasks: { edit: 'A', delete: u.is_admin ? 'A' : 'D' },
      mail_access: true,
      catalog_access: true,
      files_access: true,
      status_rights: [],
      catalog_rights: null,
      custom_fields_rights: null,
      oper_day_reports_view_access: false,
      oper_day_user_tracking: false,
      is_admin: u.is_admin,
      is_free: false,
      is_active: u.is_active,
      group_id: null,
      role_id: null,
    },
    _links: { self: { href: `${ctx.base}/api/v4/users/${u.id}` } },
  };
}

function requireAdmin(ctx: Ctx): Reply | null {
  return ctx.state.user(ctx.userId)?.is_admin ? null : problem(403, 'Access denied: admin rights required');
}

export function listUsers(ctx: Ctx): Reply {
  const denied = requireAdmin(ctx);
  if (denied) return denied;
  const paging = readPaging(ctx.query);
  if (typeof paging === 'string') return problem(400, paging);
  const list = ctx.state.users;
  const start = (paging.page - 1) * paging.limit;
  const page = list.slice(start, start + paging.limit);
  if (page.length === 0) return noContent();
  return hal(200, {
    _total_items: list.length,
    _page: paging.page,
    _page_count: Math.ceil(list.length / paging.limit),
    _links: pageLinks(ctx.base, '/api/v4/users', ctx.query, paging.page, start + paging.limit < list.length),
    _embedded: { users: page.map((u) => serializeUser(ctx, u)) },
  });
}

export function getUser(ctx: Ctx, id: number): Reply {
  const denied = requireAdmin(ctx);
  if (denied) return denied;
  const u = ctx.state.user(id);
  return u ? hal(200, serializeUser(ctx, u)) : noContent();
}

function serializeStatus(ctx: Ctx, s: Status): JsonObject {
  return {
    id: s.id,
    name: s.name,
    sort: s.sort,
    is_editable: s.is_editable,
    pipeline_id: s.pipeline_id,
    color: s.color,
    type: s.type,
    account_id: ctx.state.account.id,
    _links: { self: { href: `${ctx.base}/api/v4/leads/pipelines/${s.pipeline_id}/statuses/${s.id}` } },
  };
}

function serializePipeline(ctx: Ctx, p: Pipeline): JsonObject {
  return {
    id: p.id,
    name: p.name,
    sort: p.sort,
    is_main: p.is_main,
    is_unsorted_on: p.is_unsorted_on,
    is_archive: p.is_archive,
    account_id: ctx.state.account.id,
    _links: { self: { href: `${ctx.base}/api/v4/leads/pipelines/${p.id}` } },
    _embedded: { statuses: p.statuses.map((s) => serializeStatus(ctx, s)) },
  };
}

export function listPipelines(ctx: Ctx): Reply {
  const list = ctx.state.pipelines;
  return hal(200, {
    _total_items: list.length,
    _links: { self: { href: `${ctx.base}/api/v4/leads/pipelines` } },
    _embedded: { pipelines: list.map((p) => serializePipeline(ctx, p)) },
  });
}

export function getPipeline(ctx: Ctx, id: number): Reply {
  const p = ctx.state.pipelines.find((x) => x.id === id);
  return p ? hal(200, serializePipeline(ctx, p)) : noContent();
}

export function listStatuses(ctx: Ctx, pipelineId: number): Reply {
  const p = ctx.state.pipelines.find((x) => x.id === pipelineId);
  if (!p) return noContent();
  return hal(200, {
    _total_items: p.statuses.length,
    _links: { self: { href: `${ctx.base}/api/v4/leads/pipelines/${p.id}/statuses` } },
    _embedded: { statuses: p.statuses.map((s) => serializeStatus(ctx, s)) },
  });
}

export function getStatus(ctx: Ctx, pipelineId: number, statusId: number): Reply {
  const s = ctx.state.pipelines.find((x) => x.id === pipelineId)?.statuses.find((x) => x.id === statusId);
  return s ? hal(200, serializeStatus(ctx, s)) : noContent();
}

export function listLossReasons(ctx: Ctx): Reply {
  const now = 1_577_836_800;
  const reasons = ['Дорого', 'Выбрали конкурента', 'Не дозвонились'].map((name, i) => ({
    id: 7_300 + i,
    name,
    sort: (i + 1) * 10,
    created_at: now,
    updated_at: now,
    _links: { self: { href: `${ctx.base}/api/v4/leads/loss_reasons/${7_300 + i}` } },
  }));
  return hal(200, {
    _total_items: reasons.length,
    _page: 1,
    _page_count: 1,
    _links: { self: { href: `${ctx.base}/api/v4/leads/loss_reasons` } },
    _embedded: { loss_reasons: reasons },
  });
}
