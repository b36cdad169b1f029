/**
 * The `/__fake/…` endpoints every fake has: `GET /__fake` (help), `GET /__fake/state`,
 * `GET /__fake/requests`, `POST /__fake/faults` (one op or an array), `POST /__fake/clock`
 * (`{"advance_seconds": N}`), plus the fake's own `POST` seeding endpoints.
 */
import { type FakeClock, isDate, isObject, json, type Reply } from './http.js';

export interface ControlSpec {
  /** what the fake's own endpoints and fault ops take, for `GET /__fake` */
  help: Record<string, unknown>;
  clock: FakeClock;
  state(): object;
  requests: readonly unknown[];
  /** applies one of the fake's own fault ops; returns an error text for a bad op */
  applyFault(op: Record<string, unknown>): string | null;
  /** `{"op":"delay","ms":500}`: every API answer waits this long */
  setDelay(ms: number): void;
  /** `{"op":"reset"}`: no pending faults, fresh limits */
  reset(): void;
  describeFaults(): unknown;
  /** `POST /__fake/<name>` → handler of its JSON body */
  seed: Record<string, (body: Record<string, unknown>) => Reply>;
}

export function control(spec: ControlSpec, method: string, path: string, raw: string): Reply {
  const help = {
    'GET /__fake/state': 'the fake world, its date and pending faults',
    'GET /__fake/requests': 'request log',
    'POST /__fake/clock': '{"advance_seconds":3600}',
    'POST /__fake/faults (every fake)': '{"op":"delay","ms":500} | {"op":"reset"} | an array of ops',
    ...spec.help,
  };
  const unknown = () => json(404, { error: 'unknown control endpoint', help });
  let body: unknown = null;
  try {
    body = raw.trim() === '' ? null : JSON.parse(raw);
  } catch {
    return json(400, { error: 'body is not JSON' });
  }
  if (method === 'GET') {
    if (path === '/__fake') return json(200, help);
    if (path === '/__fake/state')
      return json(200, { today: spec.clock.today(), ...spec.state(), faults: spec.describeFaults() });
    if (path === '/__fake/requests') return json(200, spec.requests);
    return unknown();
  }
  if (method !== 'POST') return unknown();
  if (path === '/__fake/faults') {
    for (const op of Array.isArray(body) ? body : [body]) {
      const e = isObject(op) ? applyOp(spec, op) : 'each op must be an object';
      if (e) return json(400, { error: e });
    }
    return json(200, { ok: true, faults: spec.describeFaults() });
  }
  const b = isObject(body) ? body : {};
  if (path === '/__fake/clock') {
    spec.clock.advance(typeof b.advance_seconds === 'number' ? b.advance_seconds : 0);
    return json(200, { now: new Date(spec.clock.now()).toISOString(), today: spec.clock.today() });
  }
  const seed = spec.seed[path.slice('/__fake/'.length)];
  return seed ? seed(b) : unknown();
}

function applyOp(spec: ControlSpec, op: Record<string, unknown>): string | null {
  if (op.op === 'delay') spec.setDelay(intOf(op, 'ms', 0));
  else if (op.op === 'reset') spec.reset();
  else return spec.applyFault(op);
  return null;
}

/** A seeded statistics row: a `date` and the integer fields `ints`. */
export function isStatRow(r: unknown, ints: readonly string[]): boolean {
  return isObject(r) && isDate(r.date) && ints.every((k) => Number.isInteger(r[k]));
}

/** An integer field of a fault op, or the default. */
export function intOf(op: Record<string, unknown>, key: string, dflt: number): number {
  return Number.isInteger(op[key]) ? (op[key] as number) : dflt;
}
