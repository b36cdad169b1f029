export interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** Error body every 4xx/5xx of the API must have. */
export interface ErrorReply {
  error: { code: string; message: string; details: unknown };
}

/**
 * A browser-like API client: keeps the session cookie and sends the cabinet's Origin on writes,
 * as a browser on the cabinet page would. `bearer` switches to token auth (no cookie, no Origin).
 */
export class ApiClient {
  cookie: string | null = null;

  constructor(
    readonly baseUrl: string,
    readonly opts: { bearer?: string; origin?: string | null; headers?: Record<string, string> } = {},
  ) {}

  withBearer(token: string): ApiClient {
    return new ApiClient(this.baseUrl, { ...this.opts, bearer: token, origin: null });
  }

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    init: { headers?: Record<string, string>; raw?: string | Buffer } = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...this.opts.headers, ...init.headers };
    if (this.opts.bearer) headers.authorization = `Bearer ${this.opts.bearer}`;
    else if (this.cookie) headers.cookie = this.cookie;
    const origin = this.opts.origin === undefined ? this.baseUrl : this.opts.origin;
    if (origin && method !== 'GET' && !('origin' in headers)) headers.origin = origin;
    let payload: string | Buffer | undefined = init.raw;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] ??= 'application/json';
    } else if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(this.baseUrl + path, { method, headers, body: payload, redirect: 'manual' });
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('lt_session='));
    if (setCookie) {
      const value = setCookie.split(';')[0] ?? '';
      this.cookie = value === 'lt_session=' ? null : value;
    }
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: parsed as T };
  }

  get<T = unknown>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = unknown>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body);
  }
  patch<T = unknown>(path: string, body?: unknown) {
    return this.request<T>('PATCH', path, body);
  }
  put<T = unknown>(path: string, body?: unknown) {
    return this.request<T>('PUT', path, body);
  }
  delete<T = unknown>(path: string) {
    return this.request<T>('DELETE', path);
  }
}

let seq = 0;
/** Signs up a fresh account and returns a client holding its owner's session. */
export async function signUp(
  baseUrl: string,
  over: Partial<{ email: string; password: string; accountName: string }> = {},
): Promise<{ client: ApiClient; email: string; password: string; userId: string; accountId: string }> {
  const client = new ApiClient(baseUrl);
  const email = over.email ?? `owner${++seq}.${Date.now()}@пример.рф`.replace('@пример.рф', '@example.ru');
  const password = over.password ?? 'пароль-надёжный-123';
  const r = await client.post<{ user: { id: string }; account: { id: string } }>('/api/v1/auth/signup', {
    email,
    password,
    accountName: over.accountName ?? 'ООО «Ромашка»',
  });
  if (r.status !== 201) throw new Error(`signup failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { client, email, password, userId: r.body.user.id, accountId: r.body.account.id };
}

/**
 * Invites `role` into the account of `by` and accepts the invitation: a client signed in as the
 * new member, who chose `password` (and `name`, when given) on the invitation page.
 */
export async function joinAccount(
  by: ApiClient,
  role: 'admin' | 'viewer',
  over: Partial<{ email: string; password: string; name: string }> = {},
): Promise<{ client: ApiClient; userId: string; email: string; password: string }> {
  const email = over.email ?? `${role}${++seq}.${Date.now()}@example.ru`;
  const password = over.password ?? 'пароль-надёжный-123';
  const inv = await by.post<{ url: string }>('/api/v1/invitations', { email, role });
  if (inv.status !== 201) throw new Error(`invitation failed: ${inv.status} ${JSON.stringify(inv.body)}`);
  const client = new ApiClient(by.baseUrl);
  const token = inv.body.url.split('/invite/')[1];
  const r = await client.post<{ user: { id: string } }>(`/api/v1/invite/${token}/accept`, {
    password,
    ...(over.name !== undefined && { name: over.name }),
  });
  if (r.status !== 201) throw new Error(`accepting failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { client, userId: r.body.user.id, email, password };
}
