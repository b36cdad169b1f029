/** What the API answers about deliveries: where a lead went, and the integration log. */
import { z } from 'zod';

/** One outbound delivery of a lead: one entity in one destination. */
export const deliveryJson = z.object({
  id: z.string(),
  leadId: z.string(),
  destination: z.literal('amocrm'),
  entity: z.enum(['deal', 'contact', 'company']),
  mode: z.enum(['create', 'update']),
  state: z.enum(['pending', 'waiting', 'searching', 'paused', 'done', 'skipped', 'failed']),
  reason: z.string().nullable(),
  remoteId: z.number().nullable(),
  remoteUrl: z.string().nullable(),
  attempts: z.number(),
  lastError: z.string().nullable(),
  updatedAt: z.string(),
});

/** One line of an integration's log. */
export const integrationLogJson = z.object({
  id: z.string(),
  at: z.string(),
  level: z.enum(['info', 'warn', 'error']),
  leadId: z.string().nullable(),
  message: z.string(),
});
