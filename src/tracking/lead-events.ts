import type { Db } from '../db/connection.js';
import { visitorsWithWaitingLeads } from '../db/queries/leads.js';
import { attributeWaitingLeads, createLead } from '../leads/create.js';
import type { EnrichedEvent } from './events.js';

/**
 * Runs in the collector's batch transaction after visits and hits are written: turns tracker
 * form events into leads, and attributes leads that were waiting for these visitors' hits.
 */
export async function leadsFromEvents(
  trx: Db,
  events: EnrichedEvent[],
  newVisitors: ReadonlySet<string>,
): Promise<void> {
  for (const e of events) {
    if (e.type !== 'lead' || !e.lead) continue;
    await createLead(trx, e.project, {
      type: 'form',
      channel: 'tracker',
      email: e.lead.email,
      phone: e.lead.phone,
      name: e.lead.name,
      company: e.lead.company,
      subject: e.lead.subject,
      message: e.lead.message,
      page: e.url,
      visitorId: e.visitorId,
      occurredAt: e.receivedAt,
      eid: e.eid,
    });
  }
  // Leads wait for a visitor only when they were sent with a visitor id whose hits had not come
  // yet, so only visitors seen for the first time in this batch can have any.
  const visitors = [...new Map(events.map((e) => [`${e.projectId}/${e.visitorId}`, e])).values()].filter(
    (e) => newVisitors.has(`${e.projectId}/${e.visitorId}`),
  );
  if (visitors.length === 0) return;
  for (const w of await visitorsWithWaitingLeads(trx, visitors)) {
    const e = visitors.find((x) => x.projectId === w.project_id && x.visitorId === w.visitor_id);
    if (e) await attributeWaitingLeads(trx, e.project, w.visitor_id);
  }
}
