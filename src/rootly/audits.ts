import { parseInstant, type Instant } from '../cursor/instant.js';
import type { AirbyteStream, JsonObject } from '../protocol/messages.js';
import { maskedExcerpt } from '../secrets.js';
import { UnplaceableRecordError, type RecordKeys } from '../stream/page-source.js';
import { AUDIT_LOG_SCHEMA } from './audit-schema.js';

/**
 * Everything the connector knows of Rootly's audits in one place: the stream's name and schema, the
 * API path, what a 404 on it means, where a record's time is, and the record a destination gets.
 * The engine (windows, cursor, state, emitter) names none of these fields.
 */
export const AUDIT_STREAM = 'audit_logs';

/** The list endpoint, below base_url's path. */
export const AUDITS_PATH = '/v1/audits';

/** Rootly answers 404, not 403, to a key whose role may not read audits. */
export const AUDITS_NOT_FOUND_HINT =
  'Rootly answered 404 on /v1/audits: the API key\'s role lacks the Audits read permission. Give the key\'s role "Audits: read" (or use a key of a role that has it).';

/** An audit resource exactly as Rootly's JSON:API sends it; unknown attributes pass through. */
export interface AuditResource {
  id: string;
  type: string;
  attributes: AuditAttributes;
  relationships?: Record<string, unknown>;
}

export interface AuditAttributes {
  created_at: string;
  event?: string;
  [attribute: string]: unknown;
}

export const AUDIT_LOG_STREAM: AirbyteStream = {
  name: AUDIT_STREAM,
  json_schema: AUDIT_LOG_SCHEMA,
  supported_sync_modes: ['full_refresh', 'incremental'],
  source_defined_cursor: true,
  default_cursor_field: ['created_at'],
  source_defined_primary_key: [['id']],
};

/** An audit's created_at, the cursor; a record without a usable one cannot be placed. */
export function instantOf(resource: AuditResource): Instant {
  // Typed as Rootly documents it, but read as whatever arrived: the list's check leaves it to here.
  const createdAt: unknown = resource.attributes.created_at;
  const instant = typeof createdAt === 'string' ? parseInstant(createdAt) : undefined;
  if (!instant) {
    const problem =
      createdAt === undefined || createdAt === null
        ? 'it has no created_at'
        : `its created_at is not an ISO-8601 date-time with a time zone: ${maskedExcerpt(JSON.stringify(createdAt), 100)}`;
    throw new UnplaceableRecordError(resource.id, problem);
  }
  return instant;
}

export const AUDIT_KEYS: RecordKeys<AuditResource> = { idOf: (resource) => resource.id, instantOf };

/** The record: the resource as Rootly sent it, plus its created_at at the top as the cursor. */
export function toRecordData(resource: AuditResource): JsonObject {
  const data: JsonObject = {
    id: resource.id,
    type: resource.type,
    attributes: resource.attributes,
    created_at: resource.attributes.created_at,
  };
  if (resource.relationships !== undefined) data['relationships'] = resource.relationships;
  return data;
}
