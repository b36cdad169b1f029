import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

/** A stdout stand-in that keeps what is written; isTTY as a terminal or a pipe would have it. */
function output(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(chunk, _enc, done) {
        chunks.push(String(chunk));
        done();
      },
    }),
    { isTTY },
  );
  return { stream, text: () => chunks.join('') };
}

describe('createLogger', () => {
  it('writes JSON lines when stdout is a pipe or a service manager’s', () => {
    const out = output(false);
    const logger = createLogger({ logLevel: 'info' }, out.stream);
    logger.info({ role: 'all', token: 'tok_secret_123' }, 'Leadtrail is ready');
    logger.flush();
    const line = JSON.parse(out.text().trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ msg: 'Leadtrail is ready', role: 'all', level: 30 });
    expect(out.text()).not.toContain('tok_secret_123');
  });

  it('writes readable lines on a terminal, secrets still redacted', () => {
    const out = output(true);
    const logger = createLogger({ logLevel: 'info' }, out.stream);
    logger.info(
      { role: 'all', password: 'hunter2-пароль', req: { headers: { authorization: 'Bearer abc' } } },
      'Leadtrail is ready',
    );
    logger.flush();
    const text = out.text();
    expect(() => JSON.parse(text.trim())).toThrow();
    expect(text).toMatch(/INFO.*Leadtrail is ready/);
    expect(text).toContain('role: "all"');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('Bearer abc');
    expect(text).toContain('[redacted]');
  });
});
