import type { LeadProject } from '../leads/create.js';
import type { GeoInfo } from './geo.js';
import type { Classified } from './traffic-source.js';
import type { DeviceInfo } from './user-agent.js';

/** Contact fields a tracker form lead carries (raw, as typed by the visitor). */
export interface TrackerLead {
  email?: string;
  phone?: string;
  name?: string;
  /** the company a B2B form names */
  company?: string;
  subject?: string;
  message?: string;
  form?: string;
}

/** A collected event after validation and enrichment, ready to be sessionised and written. */
export interface EnrichedEvent {
  projectId: string;
  /** the project's lead settings, for leads made from this event */
  project: LeadProject;
  eid: string;
  type: 'pageview' | 'lead';
  visitorId: string;
  receivedAt: Date;
  clientAt: Date | null;
  url: string;
  referrer: string | null;
  traffic: Classified;
  gaClientId: string | null;
  ymClientId: string | null;
  ip: string | null;
  geo: GeoInfo;
  device: DeviceInfo;
  lead: TrackerLead | null;
}
