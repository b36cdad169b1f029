import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAmo, startFakeAmo } from '../../fakes/amocrm/server.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { type RunningService, startService } from '../../src/service.js';
import { signUp } from '../helpers/client.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { createLead } from '../helpers/leads.js';
import { isAlive, runCli, type Spawned } from '../helpers/process.js';
import { freePort } from '../helpers/server.js';
import { until } from '../helpers/until.js';

/**
 * A worker killed with SIGKILL in the middle of a delivery: amoCRM has already created the deal,
 * the answer never came back, and the process is gone. Another worker must finish the delivery
 * once the job's timeout passes, with no second deal.
 */
const SECRET = 'crash-test-secret-key-crash-test-secret-key';
const TIMEOUT_S = 3;

let database: TestDatabase;
let amo: FakeAmo;
let apiUrl: string;
const workers: Spawned[] = [];
const services: RunningService[] = [];

const env = (extra: Record<string, string> = {}) => ({
  DATABASE_URL: database.url,
  SECRET_KEY: SECRET,
  HOST: '127.0.0.1',
  LOG_LEVEL: 'info',
  ALLOW_CUSTOM_INTEGRATION_HOSTS: 'true',
  DELIVERY_RETRY_SECONDS: '1',
  DELIVERY_JOB_TIMEOUT_SECONDS: String(TIMEOUT_S),
  ...extra,
});

async function inProcess(role: 'api' | 'worker', port = 0): Promise<RunningService> {
  const config = loadConfig({
    ...env({ LOG_LEVEL: 'silent' }),
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
  });
  const s = await startService(config, createLogger(config), role);
  services.push(s);
  return s;
}

beforeAll(async () => {
  database = await createTestDatabase();
  amo = await startFakeAmo();
  const port = await freePort();
  await inProcess('api', port);
  apiUrl = `http://127.0.0.1:${port}`;
}, 60_000);

afterAll(async () => {
  for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
  for (const s of services.reverse()) await s.stop().catch(() => undefined);
  await amo?.close();
  await database?.drop();
});

describe('a delivery whose worker was killed', () => {
  it('is finished by another worker after the job timeout, with exactly one deal', {
    timeout: 90_000,
  }, async () => {
    const { client } = await signUp(apiUrl);
    const project = (
      await client.post<{ id: string; apiKey: string }>('/api/v1/projects', {
        name: 'Диваны после сбоя',
        domains: ['divan.ru'],
      })
    ).body;
    const put = await client.put(`/api/v1/projects/${project.id}/integrations/amocrm`, {
      connection: { subdomain: 'acme', baseUrl: amo.url, longLivedToken: amo.issueLongLivedToken() },
      leadTypes: ['form'],
      entities: { deal: { enabled: true, create: ['form'] }, contact: { enabled: true, create: ['form'] } },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);

    // amoCRM writes the deal, then never answers: the worker is left waiting on the request.
    amo.faults.timeoutAfterWrite({ count: 1 }, 'hang');
    const worker = runCli(['start', '--role', 'worker'], env({ PORT: String(await freePort()) }));
    workers.push(worker);

    const { id: leadId } = await createLead(apiUrl, project.apiKey, {
      type: 'form',
      contact: { name: 'Ирина Сбоева', email: 'irina@divan.ru', phone: '+7 912 000-11-22' },
      subject: 'Заявка до сбоя',
    });
    const deals = () => [...amo.state.entities.leads.values()].filter((d) => d.name === 'Заявка до сбоя');
    await until('the deal written by the first worker', async () => deals().length === 1, 30_000);

    worker.child.kill('SIGKILL');
    await worker.exited;
    expect(isAlive(worker.child.pid ?? 0)).toBe(false);

    await inProcess('worker');
    const done = await until(
      'the delivery to be finished by the second worker',
      async () => {
        const r = await client.get<{
          items: Array<{ entity: string; state: string; remoteId: number | null }>;
        }>(`/api/v1/leads/${leadId}/deliveries`);
        const items = r.body.items;
        return items.length > 0 && items.every((d) => d.state === 'done') && items;
      },
      TIMEOUT_S * 1000 * 6,
    );
    expect(deals()).toHaveLength(1);
    expect(done.find((d) => d.entity === 'deal')?.remoteId).toBe(deals()[0]?.id);
  });
});
