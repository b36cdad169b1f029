/** What the API answers about a project's amoCRM integration: its state and settings, and the account's options. */
import { z } from 'zod';
import { settingsJsonSchema } from './settings.js';

export const integrationJson = settingsJsonSchema.extend({
  connected: z.boolean(),
  connection: z
    .object({
      baseUrl: z.string(),
      auth: z.enum(['long_lived', 'oauth']),
      accountId: z.number().nullable(),
    })
    .nullable(),
  /** present while an OAuth connection waits for the user to allow access in amoCRM */
  authorizeUrl: z.string().optional(),
  /**
   * The account refuses every request (API blocked, unpaid, access revoked): deliveries wait and
   * it is asked again at nextProbeAt, until probeUntil; nextProbeAt null = given up, they failed.
   */
  problem: z
    .object({
      since: z.string(),
      reason: z.string(),
      status: z.number().nullable(),
      nextProbeAt: z.string().nullable(),
      probeUntil: z.string().nullable(),
    })
    .nullable(),
});

const optionFields = z.array(
  z.object({ id: z.number(), name: z.string(), type: z.string(), code: z.string().nullable() }),
);

export const optionsJson = z.object({
  users: z.array(z.object({ id: z.number(), name: z.string() })),
  pipelines: z.array(
    z.object({
      id: z.number(),
      name: z.string(),
      statuses: z.array(z.object({ id: z.number(), name: z.string() })),
    }),
  ),
  fields: z.object({ deal: optionFields, contact: optionFields, company: optionFields }),
});
