import type {
  Account,
  AccountPatch,
  AmoIntegration,
  AmoOptions,
  AmoSettingsInput,
  ApiTokenList,
  CreatedApiToken,
  CreatedInvitation,
  Delivery,
  DeliveryList,
  EmailTracking,
  EmailTrackingInput,
  IntegrationLogPage,
  InvitationList,
  InviteInfo,
  Lang,
  Lead,
  LeadFilter,
  LeadPage,
  MailboxTestInput,
  MailboxTestResult,
  Me,
  MePatch,
  Project,
  ProjectInput,
  ProjectList,
  ProjectPatch,
  Role,
  SignupInput,
  User,
  UserList,
} from './types';

/** One entry of an error's `details`: a validation message, with the field's path when it has one. */
export interface ErrorDetail {
  path?: string;
  message: string;
}

/** An API failure, carrying the server's `{error: {code, message, details}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const isApiError = (e: unknown, status?: number): e is ApiError =>
  e instanceof ApiError && (status === undefined || e.status === status);

let acceptLanguage: Lang = 'ru';

/** The UI language, sent as Accept-Language so the server localises its messages. */
export function setApiLanguage(lang: Lang): void {
  acceptLanguage = lang;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': acceptLanguage };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, 'network_error', e instanceof Error ? e.message : String(e));
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
    throw new ApiError(
      res.status,
      typeof err?.code === 'string' ? err.code : 'http_error',
      typeof err?.message === 'string' ? err.message : `HTTP ${res.status}`,
      err?.details ?? null,
    );
  }
  return data as T;
}

const enc = encodeURIComponent;

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

const amoPath = (projectId: string) => `/projects/${enc(projectId)}/integrations/amocrm`;
const emailPath = (projectId: string) => `/projects/${enc(projectId)}/email-tracking`;

export const api = {
  signup: (input: SignupInput) => request<Me>('POST', '/auth/signup', input),
  login: (email: string, password: string) => request<Me>('POST', '/auth/login', { email, password }),
  passwordResetOptions: () => request<{ byEmail: boolean }>('GET', '/auth/password-reset'),
  requestPasswordReset: (email: string) => request<unknown>('POST', '/auth/password-reset', { email }),
  confirmPasswordReset: (token: string, password: string) =>
    request<void>('POST', '/auth/password-reset/confirm', { token, password }),
  logout: () => request<void>('POST', '/auth/logout'),

  me: () => request<Me>('GET', '/me'),
  updateMe: (patch: MePatch) => request<Me>('PATCH', '/me', patch),
  updateAccount: (patch: AccountPatch) => request<Account>('PATCH', '/account', patch),

  users: () => request<UserList>('GET', '/users'),
  updateUser: (id: string, role: Role) => request<User>('PATCH', `/users/${enc(id)}`, { role }),
  removeUser: (id: string) => request<void>('DELETE', `/users/${enc(id)}`),

  invitations: () => request<InvitationList>('GET', '/invitations'),
  invite: (email: string, role: Role) => request<CreatedInvitation>('POST', '/invitations', { email, role }),
  revokeInvitation: (id: string) => request<void>('DELETE', `/invitations/${enc(id)}`),
  inviteInfo: (token: string) => request<InviteInfo>('GET', `/invite/${enc(token)}`),
  acceptInvite: (token: string, password: string, name?: string) =>
    request<Me>('POST', `/invite/${enc(token)}/accept`, { password, name }),

  tokens: () => request<ApiTokenList>('GET', '/tokens'),
  createToken: (name: string) => request<CreatedApiToken>('POST', '/tokens', { name }),
  revokeToken: (id: string) => request<void>('DELETE', `/tokens/${enc(id)}`),

  projects: () => request<ProjectList>('GET', '/projects'),
  project: (id: string) => request<Project>('GET', `/projects/${enc(id)}`),
  createProject: (input: ProjectInput) => request<Project>('POST', '/projects', input),
  updateProject: (id: string, patch: ProjectPatch) =>
    request<Project>('PATCH', `/projects/${enc(id)}`, patch),
  deleteProject: (id: string) => request<void>('DELETE', `/projects/${enc(id)}`),
  rotateSiteKey: (id: string) => request<Project>('POST', `/projects/${enc(id)}/site-key/rotate`),
  rotateApiKey: (id: string) => request<Project>('POST', `/projects/${enc(id)}/api-key/rotate`),

  leads: (projectId: string, filter: LeadFilter, cursor?: string, limit = 50) =>
    request<LeadPage>('GET', `/projects/${enc(projectId)}/leads${query({ ...filter, cursor, limit })}`),
  lead: (id: string) => request<Lead>('GET', `/leads/${enc(id)}`),
  leadDeliveries: (id: string) => request<DeliveryList>('GET', `/leads/${enc(id)}/deliveries`),
  retryDelivery: (id: string) => request<Delivery>('POST', `/deliveries/${enc(id)}/retry`),

  amocrm: (projectId: string) => request<AmoIntegration>('GET', amoPath(projectId)),
  saveAmocrm: (projectId: string, input: AmoSettingsInput) =>
    request<AmoIntegration>('PUT', amoPath(projectId), input),
  disconnectAmocrm: (projectId: string) => request<void>('DELETE', amoPath(projectId)),
  amocrmOptions: (projectId: string) => request<AmoOptions>('GET', `${amoPath(projectId)}/options`),
  amocrmLog: (projectId: string, cursor?: string) =>
    request<IntegrationLogPage>('GET', `${amoPath(projectId)}/log${query({ cursor })}`),

  emailTracking: (projectId: string) => request<EmailTracking>('GET', emailPath(projectId)),
  saveEmailTracking: (projectId: string, input: EmailTrackingInput) =>
    request<EmailTracking>('PUT', emailPath(projectId), input),
  testMailbox: (projectId: string, input: MailboxTestInput) =>
    request<MailboxTestResult>('POST', `${emailPath(projectId)}/test`, input),
};
