import type { FastifyInstance, FastifyRequest } from 'fastify';

const counted = new WeakSet<FastifyRequest>();

/**
 * Counts requests whose handlers are still running. Fastify's close() waits for open connections,
 * but a handler whose client has gone away keeps running (and querying) after its socket closed;
 * shutdown waits for this count to reach zero before the database is closed.
 */
export interface Drain {
  /** resolves once no handler is running (true) or the timeout passed (false) */
  drained(timeoutMs: number): Promise<boolean>;
  /** counts work done outside Fastify's routing (the collector's own handler) */
  track<T>(work: Promise<T>): Promise<T>;
}

export function installDrain(app: FastifyInstance): Drain {
  let inFlight = 0;
  const done = (req: FastifyRequest) => {
    if (counted.delete(req)) inFlight--;
  };
  app.addHook('onRequest', async (req) => {
    counted.add(req);
    inFlight++;
  });
  // onSend runs when the handler has produced its answer, even for a client that has left.
  app.addHook('onSend', async (req) => done(req));
  app.addHook('onResponse', async (req) => done(req));
  return {
    async track(work) {
      inFlight++;
      try {
        return await work;
      } finally {
        inFlight--;
      }
    },
    async drained(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      return inFlight === 0;
    },
  };
}
