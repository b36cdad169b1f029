import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADDRESS_REFUSED_TEXT,
  AddressRefusedError,
  createAddressGuard,
  isAddressRefused,
  type Resolver,
} from '../../src/delivery/address-guard.js';
import { startMailboxReader } from '../../src/email/mailbox-reader.js';
import { notifyMailboxesChanged } from '../../src/email/pollers.js';
import { messages } from '../../src/http/messages.js';
import { AmoClient } from '../../src/integrations/amocrm/client.js';
import { saveConnection } from '../../src/integrations/amocrm/connect.js';
import { AmoError } from '../../src/integrations/amocrm/errors.js';
import { AMO_TOKEN_PURPOSE } from '../../src/integrations/amocrm/token-store.js';
import { Sealer } from '../../src/security/sealed.js';
import { addMailbox, createProject, logger, mailboxRow, SECRET_KEY, sealer } from '../email/fixtures.js';
import { expectError } from '../helpers/assert.js';
import { type ApiClient, signUp } from '../helpers/client.js';
import { createTestDatabase } from '../helpers/db.js';
import { type CountingListener, countingListener } from '../helpers/listener.js';
import { tableResolver } from '../helpers/resolver.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { until } from '../helpers/until.js';

/** Every notation of a loopback, link-local or private address that must be refused. */
const MAPPED = ['::ffff:7f00:1', '::ffff:a9fe:a9fe', '::ffff:0a00:0001', '::ffff:c0a8:0001'];
const OTHER_NOTATIONS = [
  '[::ffff:7f00:1]',
  '[::ffff:127.0.0.1]',
  '64:ff9b::7f00:1',
  '0x7f.1',
  '2130706433',
  '127.1',
  '192.0.0.1',
  '192.0.2.1',
  '198.18.0.1',
  '224.0.0.1',
  '240.0.0.1',
  '255.255.255.255',
  '127.0.0.1',
  '[::1]',
  'localhost',
  'imap.localhost',
];
/** the host's own interface addresses, in brackets when IPv6 */
const OWN = Object.values(networkInterfaces())
  .flatMap((l) => l ?? [])
  .map((i) => (i.family === 'IPv6' ? `[${i.address}]` : i.address));

const GENERIC = messages.address_not_allowed;

let server: TestServer;
let listener: CountingListener;
let client: ApiClient;
let path: string;
let projectId: string;

beforeAll(async () => {
  // Custom integration hosts are off: the hosted setup anyone may sign up to.
  [server, listener] = await Promise.all([startTestServer(), countingListener()]);
  ({ client } = await signUp(server.url));
  projectId = (await client.post<{ id: string }>('/api/v1/projects', { name: 'Почта', domains: ['shop.ru'] }))
    .body.id;
  path = `/api/v1/projects/${projectId}/email-tracking`;
});
afterAll(async () => {
  await listener?.close();
  await server?.close();
});

const box = (host: string) => ({
  host,
  port: listener.port,
  tls: false,
  user: 'info@shop.ru',
  password: 'пароль',
  folders: ['INBOX'],
});

async function expectRefused(host: string) {
  const tested = expectError(await client.post(`${path}/test`, box(host)), 400, 'address_not_allowed');
  expect(tested.error.message, host).toBe(GENERIC.ru);
  expect(tested.error.details, host).toEqual([{ path: 'body.host', message: GENERIC.ru }]);
  const saved = expectError(
    await client.put(path, {
      publicAddress: 'info@shop.ru',
      aliases: { mode: 'plus' },
      mailboxes: [box(host)],
    }),
    400,
    'address_not_allowed',
  );
  expect(saved.error.details, host).toEqual([{ path: 'body.mailboxes.0.host', message: GENERIC.ru }]);
  const english = await client.request('POST', `${path}/test`, box(host), {
    headers: { 'accept-language': 'en' },
  });
  expect(expectError(english, 400, 'address_not_allowed').error.message).toBe(GENERIC.en);
}

describe('mailbox hosts are checked in every notation (hosted setup)', () => {
  it('refuses IPv4-mapped IPv6 hosts without connecting', async () => {
    for (const host of MAPPED) await expectRefused(host);
    // Nothing was saved, nothing was tried: not the test, not the poller.
    expect((await client.get<{ mailboxes: unknown[] }>(path)).body.mailboxes).toEqual([]);
    expect(listener.connections()).toBe(0);
  });

  it('refuses every other notation and special-purpose range, and the host’s own addresses', async () => {
    for (const host of [...OTHER_NOTATIONS, ...OWN]) await expectRefused(host);
    expect(listener.connections()).toBe(0);
  });

  it('the answer is the same whether a port is open or closed', async () => {
    const open = await client.post(`${path}/test`, box('::ffff:7f00:1'));
    const closed = await client.post(`${path}/test`, { ...box('::ffff:7f00:1'), port: 1 });
    expect(closed.status).toBe(open.status);
    expect(closed.body).toEqual(open.body);
    expect(listener.connections()).toBe(0);
  });
});

describe('the address is checked again on every connection', () => {
  it('DNS rebinding: a name public when saved and loopback later is never connected to by the reader', async () => {
    let asked = 0;
    const resolve: Resolver = async () => [
      { address: ++asked === 1 ? '93.184.216.34' : '127.0.0.1', family: 4 },
    ];
    const guard = createAddressGuard({ allowPrivate: false, resolve });
    await guard.checkHost('imap.rebind.test'); // what saving the mailbox checks
    const database = await createTestDatabase();
    try {
      const row = await addMailbox(database.db, await createProject(database.db), {
        host: 'imap.rebind.test',
        port: listener.port,
        user: 'info@shop.ru',
        password: 'пароль',
      });
      const reader = startMailboxReader(row, {
        db: database.db,
        logger,
        sealer,
        guard,
        onMessage: async () => undefined,
        backoff: { minMs: 50, maxMs: 100 },
      });
      const seen = await until('the refused status', async () => {
        const r = await mailboxRow(database.db, row.id);
        return r.status === 'error' && asked >= 3 ? r : null;
      });
      await reader.stop();
      expect(seen.status_message).toBe(ADDRESS_REFUSED_TEXT);
      expect(listener.connections()).toBe(0);
    } finally {
      await database.drop();
    }
  });

  it('a loopback mailbox stored earlier (custom hosts were on) is refused by the poller, in the same words', async () => {
    const row = await addMailbox(server.db, projectId, {
      host: '127.0.0.1',
      port: listener.port,
      user: 'old@shop.ru',
      password: 'пароль',
    });
    await notifyMailboxesChanged(server.db);
    await until(
      'the poller to refuse it',
      async () => (await mailboxRow(server.db, row.id)).status === 'error',
    );
    expect((await mailboxRow(server.db, row.id)).status_message).toBe(ADDRESS_REFUSED_TEXT);
    type View = { mailboxes: Array<{ statusMessage: string | null }> };
    expect((await client.get<View>(path)).body.mailboxes[0]?.statusMessage).toBe(GENERIC.ru);
    const english = await client.request<View>('GET', path, undefined, {
      headers: { 'accept-language': 'en' },
    });
    expect(english.body.mailboxes[0]?.statusMessage).toBe(GENERIC.en);
    expect(listener.connections()).toBe(0);
  });

  it('an amoCRM account stored at a loopback address is refused, not called', async () => {
    const tokens = new Sealer(SECRET_KEY, AMO_TOKEN_PURPOSE);
    await saveConnection(server.db, projectId, {
      baseUrl: `http://127.0.0.1:${listener.port}`,
      auth: 'long_lived',
      clientId: null,
      clientSecretEnc: null,
      redirectUri: null,
      accessTokenEnc: tokens.seal('token'),
      refreshTokenEnc: null,
      accessExpiresAt: null,
      remoteAccountId: 1,
    });
    const e = expectError(
      await client.get(`/api/v1/projects/${projectId}/integrations/amocrm/options`),
      422,
      'address_not_allowed',
    );
    expect(e.error.message).toBe(GENERIC.ru);
    expect(listener.connections()).toBe(0);
  });
});

describe('the guard’s socket lookup and fetch, on every connection', () => {
  let listener: CountingListener;
  beforeAll(async () => {
    listener = await countingListener();
  });
  afterAll(() => listener.close());

  /** public when saved, loopback from the second question on: DNS rebinding */
  const rebinding = () =>
    tableResolver({ 'imap.rebind.test': (n) => (n === 1 ? ['93.184.216.34'] : ['127.0.0.1']) });

  function tryConnect(guard: ReturnType<typeof createAddressGuard>, host: string): Promise<unknown> {
    return new Promise((resolve) => {
      const s = connect({ host, port: listener.port, lookup: guard.lookup });
      s.on('connect', () => {
        s.destroy();
        resolve('connected');
      });
      s.on('error', (err) => resolve(err));
    });
  }

  it('the socket lookup refuses a name that resolves to loopback after it was checked', async () => {
    const { resolve, asked } = rebinding();
    const guard = createAddressGuard({ allowPrivate: false, resolve });
    await guard.checkHost('imap.rebind.test');
    const err = await tryConnect(guard, 'imap.rebind.test');
    expect(err).toBeInstanceOf(AddressRefusedError);
    expect(asked).toEqual(['imap.rebind.test', 'imap.rebind.test']);
    expect(listener.connections()).toBe(0);
  });

  it('the socket lookup answers both ways Node asks (one address, or all for happy eyeballs)', async () => {
    const guard = createAddressGuard({
      allowPrivate: true,
      resolve: tableResolver({ 'fake.test': ['127.0.0.1'] }).resolve,
    });
    expect(await tryConnect(guard, 'fake.test')).toBe('connected');
    const all = await new Promise((resolve) =>
      guard.lookup('fake.test', { all: true }, (err, addresses) => resolve(err ?? addresses)),
    );
    expect(all).toEqual([{ address: '127.0.0.1', family: 4 }]);
    const v6 = await new Promise((resolve) =>
      guard.lookup('fake.test', { family: 6 }, (err, address) => resolve(err ?? address)),
    );
    expect((v6 as NodeJS.ErrnoException).code).toBe('ENOTFOUND');
    expect(listener.connections()).toBe(1);
  });

  it('the guarded fetch refuses loopback names and literals without connecting', async () => {
    const before = listener.connections();
    const guard = createAddressGuard({
      allowPrivate: false,
      resolve: tableResolver({ 'acme.amocrm.ru': ['127.0.0.1'] }).resolve,
    });
    for (const url of [
      `http://acme.amocrm.ru:${listener.port}/api/v4/account`,
      `http://127.0.0.1:${listener.port}/`,
      `http://[::ffff:7f00:1]:${listener.port}/`,
      `http://0x7f.1:${listener.port}/`,
      `http://localhost:${listener.port}/`,
    ]) {
      const err = await guard.fetch(url).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isAddressRefused(err), url).toBe(true);
    }
    expect(listener.connections()).toBe(before);
  });

  it('an amoCRM client with the guarded fetch refuses a base URL resolving to loopback', async () => {
    const before = listener.connections();
    const guard = createAddressGuard({
      allowPrivate: false,
      resolve: tableResolver({ 'acme.amocrm.ru': ['127.0.0.1'] }).resolve,
    });
    const client = new AmoClient({
      baseUrl: `http://acme.amocrm.ru:${listener.port}`,
      tokens: { get: async () => 'token', renew: async () => 'token' },
      fetch: guard.fetch,
    });
    const err = await client.account().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmoError);
    expect((err as AmoError).detail).toBe(ADDRESS_REFUSED_TEXT);
    expect(isAddressRefused(err)).toBe(true);
    expect(listener.connections()).toBe(before);
  });

  it('the guarded fetch reaches loopback with ALLOW_CUSTOM_INTEGRATION_HOSTS and follows no redirect', async () => {
    const { createServer } = await import('node:http');
    const http = createServer((req, res) => {
      if (req.url === '/away') res.writeHead(302, { location: '/there' }).end();
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const { port } = http.address() as { port: number };
    try {
      const guard = createAddressGuard({ allowPrivate: true });
      const ok = await guard.fetch(`http://127.0.0.1:${port}/`);
      expect([ok.status, await ok.text()]).toEqual([200, 'hello']);
      const away = await guard.fetch(`http://localhost:${port}/away`);
      expect(away.status).toBe(302);
    } finally {
      await new Promise((r) => http.close(r));
    }
  });
});
