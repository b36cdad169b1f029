import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../helpers/assert.js';
import { type ApiClient, signUp } from '../helpers/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let client: ApiClient;
let path: string;

beforeAll(async () => {
  server = await startTestServer({ ALLOW_CUSTOM_INTEGRATION_HOSTS: 'true' });
  ({ client } = await signUp(server.url));
  const id = (await client.post<{ id: string }>('/api/v1/projects', { name: 'Почта', domains: ['shop.ru'] }))
    .body.id;
  path = `/api/v1/projects/${id}/email-tracking`;
});
afterAll(() => server?.close());

interface View {
  configured: boolean;
  publicAddress: string | null;
  aliases: { mode: string; addresses?: string[]; holdMinutes?: number };
  mailboxes: Array<{
    id: string;
    host: string;
    user: string;
    status: string;
    since: string;
    folders: string[];
  }>;
}

const mailbox = {
  host: '127.0.0.1',
  port: 10993,
  tls: true,
  user: 'info@shop.ru',
  password: 'пароль-ящика',
  folders: ['INBOX', 'Заявки'],
  since: '2026-11-24T00:00:00Z',
};

describe('e-mail tracking settings API', () => {
  it('is unconfigured at first', async () => {
    const r = await client.get<View>(path);
    expect(r.body).toEqual({
      configured: false,
      publicAddress: null,
      aliases: { mode: 'plus' },
      mailboxes: [],
    });
  });

  it('saves the address, plus aliases and a mailbox; never shows the password; keeps it when not resent', async () => {
    const r = await client.put<View>(path, {
      publicAddress: ' Info@Shop.RU ',
      aliases: { mode: 'plus' },
      mailboxes: [mailbox],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      configured: true,
      publicAddress: 'info@shop.ru',
      aliases: { mode: 'plus' },
    });
    expect(r.body.mailboxes).toMatchObject([
      {
        host: '127.0.0.1',
        user: 'info@shop.ru',
        status: 'pending',
        folders: ['INBOX', 'Заявки'],
        since: '2026-11-24T00:00:00.000Z',
      },
    ]);
    expect(JSON.stringify(r.body)).not.toContain('пароль');
    const row = await server.db.selectFrom('mailboxes').selectAll().executeTakeFirstOrThrow();
    expect(row.password_enc).not.toContain('пароль');

    const { password: _, ...withoutPassword } = mailbox;
    const again = await client.put<View>(path, {
      publicAddress: 'info@shop.ru',
      aliases: { mode: 'plus' },
      mailboxes: [withoutPassword],
    });
    expect(again.status).toBe(200);
    expect(again.body.mailboxes[0]?.id).toBe(r.body.mailboxes[0]?.id);
    const after = await server.db.selectFrom('mailboxes').selectAll().executeTakeFirstOrThrow();
    expect(after.password_enc).toBe(row.password_enc);
  });

  it('switches to a pool of addresses', async () => {
    const r = await client.put<View>(path, {
      publicAddress: 'info@shop.ru',
      aliases: { mode: 'pool', addresses: ['a1@shop.ru', 'A2@shop.ru', 'a1@shop.ru'], holdMinutes: 45 },
    });
    expect(r.body.aliases).toEqual({
      mode: 'pool',
      addresses: ['a1@shop.ru', 'a2@shop.ru'],
      holdMinutes: 45,
    });
    expect(r.body.mailboxes).toEqual([]);
  });

  it('refuses bad input with the field named and changes nothing', async () => {
    const before = (await client.get<View>(path)).body;
    const e = expectError(
      await client.put(path, {
        publicAddress: 'not-an-address',
        aliases: { mode: 'pool', addresses: [] },
        mailboxes: [{ ...mailbox, port: 0 }],
      }),
      400,
      'validation_error',
    );
    const paths = (e.error.details as Array<{ path: string }>).map((d) => d.path);
    expect(paths).toEqual(
      expect.arrayContaining(['body.publicAddress', 'body.aliases.addresses', 'body.mailboxes.0.port']),
    );
    const newBox = { ...mailbox, host: 'imap.example.ru', password: undefined };
    const e2 = expectError(
      await client.put(path, {
        publicAddress: 'info@shop.ru',
        aliases: { mode: 'plus' },
        mailboxes: [newBox],
      }),
      400,
      'validation_error',
    );
    expect(e2.error.details).toEqual([
      { path: 'body.mailboxes.0.password', message: 'required for a new mailbox' },
    ]);
    expect((await client.get<View>(path)).body).toEqual(before);
  });

  it('refuses private and loopback mailbox hosts unless the server allows them', async () => {
    const strict = await startTestServer();
    try {
      const { client: c } = await signUp(strict.url);
      const id = (await c.post<{ id: string }>('/api/v1/projects', { name: 'X', domains: ['x.ru'] })).body.id;
      for (const host of ['127.0.0.1', 'localhost', '10.1.2.3', '192.168.0.10', '[::1]']) {
        const e = expectError(
          await c.put(`/api/v1/projects/${id}/email-tracking`, {
            publicAddress: 'info@x.ru',
            aliases: { mode: 'plus' },
            mailboxes: [{ ...mailbox, host }],
          }),
          400,
          'address_not_allowed',
        );
        expect(e.error.details, host).toEqual([
          {
            path: 'body.mailboxes.0.host',
            message: 'Этот адрес недоступен: разрешены только публичные адреса',
          },
        ]);
      }
    } finally {
      await strict.close();
    }
  });

  it('tests a connection with the saved password only for the host and user it was saved for', async () => {
    const saved = await client.put<View>(path, {
      publicAddress: 'info@shop.ru',
      aliases: { mode: 'plus' },
      mailboxes: [mailbox],
    });
    const id = saved.body.mailboxes[0]?.id;
    const { password: _, ...box } = mailbox;
    // The saved password must not be sent to a server of the caller's choosing.
    const e = expectError(
      await client.post(`${path}/test`, { ...box, host: 'imap.attacker.example', mailboxId: id }),
      400,
      'validation_error',
    );
    expect(e.error.details).toEqual([{ path: 'body.password', message: 'required' }]);
    // Same host and user: the saved password is used (nothing listens there: a readable failure).
    const r = await client.post<{ ok: boolean; message: string }>(`${path}/test`, {
      ...box,
      port: 1,
      tls: false,
      mailboxId: id,
    });
    expect(r.status).toBe(200);
    expect(r.body.ok).toBe(false);
    expect(r.body.message).toMatch(/refused/i);
    expect(r.body.message).not.toContain('пароль');
  });

  it('is another account’s project: 404', async () => {
    const other = await signUp(server.url);
    expectError(await other.client.get(path), 404, 'not_found');
    expectError(
      await other.client.put(path, { publicAddress: 'a@b.ru', aliases: { mode: 'plus' } }),
      404,
      'not_found',
    );
  });
});
