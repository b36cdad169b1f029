/** What the tracker collects: visitors, visits, hits (partitioned by month), event ids, contacts seen. */
import type { Generated, Selectable } from 'kysely';

/** Where and on what a visitor was seen: kept on the visitor (latest) and on each visit (then). */
interface PlaceColumns {
  ip: string | null;
  city_ru: string | null;
  city_en: string | null;
  country_code: string | null;
  country_ru: string | null;
  country_en: string | null;
  browser: string | null;
  device: string | null;
}

export interface VisitorsTable extends PlaceColumns {
  project_id: string;
  id: string;
  first_seen_at: Date;
  last_seen_at: Date;
  ga_client_id: string | null;
  ym_client_id: string | null;
  os: string | null;
  current_visit_id: string | null;
  current_source_key: string | null;
}

export interface VisitsTable extends PlaceColumns {
  id: string;
  project_id: string;
  visitor_id: string;
  started_at: Date;
  last_hit_at: Date;
  hits: Generated<number>;
  source: string;
  medium: string;
  campaign: string | null;
  content: string | null;
  term: string | null;
  social_network: string | null;
  click_id_type: string | null;
  click_id: string | null;
  referrer: string | null;
  landing_url: string;
}

export interface HitsTable {
  project_id: string;
  received_at: Date;
  client_at: Date | null;
  visitor_id: string;
  visit_id: string;
  eid: string;
  type: string;
  url: string;
  referrer: string | null;
}

export interface CollectedEventsTable {
  project_id: string;
  eid: string;
  received_at: Generated<Date>;
}

export interface VisitorContactsTable {
  project_id: string;
  kind: 'email' | 'phone';
  value: string;
  visitor_id: string;
  seen_at: Date;
}

export type Visitor = Selectable<VisitorsTable>;

export type Visit = Selectable<VisitsTable>;
