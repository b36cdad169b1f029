import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { uuidParam } from '../../accounts/fields.js';
import { parseLeadCsv } from '../../leads/csv-import.js';
import { importLeads } from '../../leads/intake.js';
import { toLeadProject } from '../../leads/project.js';
import { requireRole, requireUser } from '../auth.js';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { ownProject } from '../own-project.js';

export const CSV_BODY_LIMIT = 5 * 1024 * 1024;

/** curl --data-binary sends application/octet-stream or text/plain; spreadsheets text/csv. */
const CSV_TYPES = ['text/csv', 'text/plain', 'application/octet-stream'];

const importResult = z.object({
  imported: z.number().describe('leads created'),
  existing: z.number().describe('rows whose external id was already imported: the stored lead is kept'),
  ignoredColumns: z.array(z.string()),
  leadIds: z.array(z.string()).describe('one per data row, in file order'),
});

/**
 * `POST /projects/:id/leads/import`: offline leads from a CSV file, all or nothing. The CSV body
 * parsers are registered in this plugin's scope only; the rest of the API keeps refusing them.
 */
export const leadImportRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    app.addContentTypeParser(
      CSV_TYPES,
      { parseAs: 'buffer', bodyLimit: CSV_BODY_LIMIT },
      (_req, body, done) => done(null, body),
    );

    app.post(
      '/projects/:id/leads/import',
      {
        bodyLimit: CSV_BODY_LIMIT,
        schema: {
          tags: ['leads'],
          summary:
            'Import offline leads from a CSV file (owner, admin): body is the file, Content-Type text/csv; all rows or none',
          params: uuidParam,
          response: { 201: importResult },
        },
      },
      async (req, reply) => {
        const who = requireUser(req);
        const row = await ownProject(ctx.db, who, req.params.id);
        requireRole(req, 'admin');
        if (!Buffer.isBuffer(req.body)) throw new AppError(415, 'csv_media_type');

        const project = toLeadProject({ ...row, language: who.account.language });
        const parsed = parseLeadCsv(req.body, {
          timeZone: row.timezone,
          phoneRegion: project.phoneRegion as CountryCode,
        });
        if (!parsed.ok) {
          switch (parsed.problem) {
            case 'empty':
              throw new AppError(400, 'csv_empty');
            case 'not_utf8':
              throw new AppError(400, 'csv_not_utf8');
            case 'no_contact_column':
              throw new AppError(400, 'csv_no_contact_column');
            case 'malformed':
              throw new AppError(400, 'csv_malformed', { reason: parsed.detail }, [
                { message: parsed.detail },
              ]);
            case 'duplicate_column':
              throw new AppError(400, 'csv_duplicate_column', { column: parsed.detail });
            case 'invalid_rows':
              throw new AppError(422, 'csv_invalid', { count: parsed.total }, parsed.errors);
          }
        }

        const { imported, leadIds } = await importLeads(ctx.db, project, parsed.rows);
        return reply.status(201).send({
          imported,
          existing: parsed.rows.length - imported,
          ignoredColumns: parsed.ignoredColumns,
          leadIds,
        });
      },
    );
  };
