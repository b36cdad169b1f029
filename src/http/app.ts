import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { jsonSchemaTransform, serializerCompiler } from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';
import { createCollector } from '../tracking/collector.js';
import { SiteDirectory } from '../tracking/sites.js';
import { installAuth } from './auth.js';
import { installCabinet } from './cabinet.js';
import { proxyTrust } from './client-ip.js';
import { COLLECT_PATH, collectEndpoint } from './collect-endpoint.js';
import type { AppContext } from './context.js';
import { installDrain } from './drain.js';
import { installErrorHandling, sendFrameworkError } from './errors.js';
import { installMetrics } from './metrics.js';
import { accountRoutes } from './routes/account.js';
import { aliasRoutes } from './routes/alias.js';
import { amocrmRoutes } from './routes/amocrm.js';
import { authRoutes } from './routes/auth.js';
import { deliveryRoutes } from './routes/deliveries.js';
import { emailTrackingRoutes } from './routes/email-tracking.js';
import { healthRoutes } from './routes/health.js';
import { leadImportRoutes } from './routes/lead-import.js';
import { leadRoutes } from './routes/leads.js';
import { projectRoutes } from './routes/projects.js';
import { tokenRoutes } from './routes/tokens.js';
import { trackerScriptRoutes } from './routes/tracker-script.js';
import { userRoutes } from './routes/users.js';
import { installSecurityHeaders } from './security-headers.js';
import { validatorCompiler } from './validation.js';

/** Cabinet and API bodies are small; endpoints that take files raise their own limit. */
export const API_BODY_LIMIT = 64 * 1024;

/** JSON bodies as usual, but an empty body (a bare POST from a form button) counts as no body. */
function installJsonParser(app: FastifyInstance): void {
  // text/plain is refused (415) everywhere but the collector, which registers its own parser.
  app.removeContentTypeParser('text/plain');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      const e = err as Error & { statusCode?: number; code?: string };
      e.statusCode = 400;
      e.code = 'FST_ERR_CTP_INVALID_JSON_BODY';
      done(e, undefined);
    }
  });
}

export interface BuiltApp {
  app: FastifyInstance;
  /** resolves once no handler is running (true) or the timeout passed (false) */
  drained(timeoutMs: number): Promise<boolean>;
  /** what /metrics shows, for a listener of its own (METRICS_PORT) */
  metrics: Registry;
}

export async function buildApp(ctx: AppContext): Promise<BuiltApp> {
  // The collector answers its own requests ahead of Fastify (see collect-endpoint.ts); it is set
  // below, once the parts it needs exist, and before the server listens.
  let collect: ((req: IncomingMessage, res: ServerResponse) => boolean) | null = null;
  let closing = false;
  const trust = proxyTrust(ctx.config.trustProxy);
  const app: FastifyInstance = Fastify({
    serverFactory: (handler) =>
      createServer((req, res) => {
        if (!collect?.(req, res)) handler(req, res);
      }),
    loggerInstance: ctx.logger.child({ component: 'http' }) as FastifyBaseLogger,
    // Per-request logs would dominate at tracker volumes; /metrics carries the request figures.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: trust,
    bodyLimit: API_BODY_LIMIT,
    // Idle keep-alive sockets are closed on shutdown so draining does not wait for them.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // Longer than Fastify's 100 so a path parameter reaches its schema, which names it in the 400.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
    frameworkErrors: sendFrameworkError,
  });
  installJsonParser(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  const drain = installDrain(app);
  await installSecurityHeaders(app, ctx.config.publicUrl);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Leadtrail API', version: '1', description: 'Lead tracking and marketing analytics' },
      servers: [{ url: ctx.config.publicUrl }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'Personal API token (POST /api/v1/tokens)' },
          session: { type: 'apiKey', in: 'cookie', name: 'lt_session' },
          apiKey: {
            type: 'apiKey',
            in: 'header',
            name: 'X-Api-Key',
            description: "A project's secret API key",
          },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  // A browsable reference of the same document (served again at /api/docs/json). Swagger UI loads
  // only its own scripts and stylesheets, so the cabinet's `default-src 'self'` policy holds here
  // too; BaseLayout leaves out the top bar, whose logo carries an inline <style> the policy refuses.
  await app.register(fastifySwaggerUi, {
    routePrefix: '/api/docs',
    theme: { title: 'Leadtrail API' },
    uiConfig: { layout: 'BaseLayout', docExpansion: 'list', defaultModelsExpandDepth: 0 },
  });
  await app.register(fastifyCookie);
  installAuth(app, { db: ctx.db, publicUrl: ctx.config.publicUrl });
  const metrics = installMetrics(app, ctx.config.metrics);

  // Site key → project for the collector and /alias, dropped at once when a project changes.
  const sites = new SiteDirectory(ctx.db, ctx.logger.child({ component: 'sites' }));
  await sites.listen();
  app.addHook('onClose', () => sites.close());

  await app.register(healthRoutes(ctx));
  await app.register(authRoutes(ctx), { prefix: '/api/v1' });
  await app.register(accountRoutes(ctx), { prefix: '/api/v1' });
  await app.register(userRoutes(ctx), { prefix: '/api/v1' });
  await app.register(tokenRoutes(ctx), { prefix: '/api/v1' });
  await app.register(projectRoutes(ctx, sites), { prefix: '/api/v1' });
  await app.register(leadRoutes(ctx), { prefix: '/api/v1' });
  await app.register(leadImportRoutes(ctx), { prefix: '/api/v1' });
  await app.register(amocrmRoutes(ctx), { prefix: '/api/v1' });
  await app.register(deliveryRoutes(ctx), { prefix: '/api/v1' });
  await app.register(emailTrackingRoutes(ctx), { prefix: '/api/v1' });
  const collector = createCollector({
    sites,
    db: ctx.db,
    logger: ctx.logger,
    geo: ctx.geo,
    registry: metrics.registry,
  });
  collect = collectEndpoint({
    ...collector,
    drain,
    trustProxy: trust,
    isClosing: () => closing,
    isSiteHost: (host) => sites.isSiteHost(host),
    observe: (status, seconds) => metrics.observeHttp('POST', COLLECT_PATH, status, seconds),
  });
  app.addHook('preClose', async () => {
    closing = true;
  });
  await app.register(trackerScriptRoutes());
  await app.register(aliasRoutes(ctx, sites));
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await installCabinet(app);
  return { app, drained: drain.drained, metrics: metrics.registry };
}
