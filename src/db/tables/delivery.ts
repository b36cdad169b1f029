/** Deliveries of leads to integrations, and the shared rate buckets. */
import type { Generated, Selectable } from 'kysely';
import type { CreatedAt, UpdatedAt } from './columns.js';
import type { IntegrationKind } from './integrations.js';

export type DeliveryEntity = 'deal' | 'contact' | 'company';

export type DeliveryState = 'pending' | 'waiting' | 'searching' | 'paused' | 'done' | 'skipped' | 'failed';

export interface DeliveriesTable {
  id: Generated<string>;
  project_id: string;
  lead_id: string;
  destination: IntegrationKind;
  entity: DeliveryEntity;
  mode: 'create' | 'update';
  state: DeliveryState;
  reason: string | null;
  remote_id: number | null;
  attempts: Generated<number>;
  intent_at: Date | null;
  synced_params: string | null;
  window_ends_at: Date;
  last_error: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface RateBucketsTable {
  key: string;
  tokens: number;
  refilled_at: Date;
}

export type Delivery = Selectable<DeliveriesTable>;
