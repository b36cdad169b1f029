import type { FastifyInstance, FastifyRequest } from 'fastify';

const counted = new WeakSet<FastifyRequest>();

/**
 * Counts requests whose handlers are still running. Fastify's close() waits for open connections,
 * but a handler whose client has gone away keeps running (and querying) after its socket closed;
 * shutdown waits for this count to reach zero before the database is closed.
 */
export function installDrain(app: FastifyInstance): { drained(timeoutMs: number): Promise<boolean> } {
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
    async drained(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      return inFlight === 0;
    },
  };
}
