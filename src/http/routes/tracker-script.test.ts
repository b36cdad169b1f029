import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { trackerScriptPath, trackerScriptRoutes } from './tracker-script.js';

describe('GET /t.js', () => {
  it('serves the built script with short caching and a strong ETag; 304 on a match', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lt-tracker-')), 't.js');
    writeFileSync(file, '(()=>{})();\n');
    const app = Fastify();
    await app.register(trackerScriptRoutes(file));

    const res = await app.inject({ method: 'GET', url: '/t.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    const etag = String(res.headers.etag);
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(res.body).toBe('(()=>{})();\n');

    for (const inm of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const again = await app.inject({ method: 'GET', url: '/t.js', headers: { 'if-none-match': inm } });
      expect(again.statusCode).toBe(304);
      expect(again.body).toBe('');
      expect(again.headers.etag).toBe(etag);
    }
    const changed = await app.inject({ method: 'GET', url: '/t.js', headers: { 'if-none-match': '"old"' } });
    expect(changed.statusCode).toBe(200);
    expect((await app.inject({ method: 'HEAD', url: '/t.js' })).statusCode).toBe(200);
    await app.close();
  });

  it('answers 503 when the tracker is not built', async () => {
    const app = Fastify();
    await app.register(trackerScriptRoutes('/nonexistent/t.js'));
    const res = await app.inject({ method: 'GET', url: '/t.js' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    await app.close();
  });

  it('looks for dist/tracker/t.js under the package root', () => {
    expect(trackerScriptPath()).toBe(join(process.cwd(), 'dist', 'tracker', 't.js'));
  });
});
