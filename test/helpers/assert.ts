import { expect } from 'vitest';
import type { ErrorReply, Reply } from './client.js';

/**
 * Asserts the API's one error shape, `{"error": {"code", "message", "details"}}`, with this status
 * and code; with `field`, that the error names that field (a detail at that path, e.g. `body.email`).
 */
export function expectError(r: Reply<unknown>, status: number, code: string, field?: string): ErrorReply {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.headers.get('content-type') ?? '').toContain('application/json');
  const body = r.body as ErrorReply;
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'details', 'message']);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  if (field !== undefined) {
    const details = Array.isArray(body.error.details) ? (body.error.details as Array<{ path?: string }>) : [];
    expect(
      details.map((d) => d.path),
      JSON.stringify(body.error),
    ).toContain(field);
  }
  return body;
}
