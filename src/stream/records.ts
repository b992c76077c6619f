import type { JsonObject } from '../protocol/messages.js';
import type { AuditResource } from './page-source.js';

export const AUDIT_STREAM = 'audit_logs';

/**
 * The record's JSON: the resource as Rootly sent it, plus its created_at at the top as the cursor.
 * Serialised field by field so that no intermediate object is made per record.
 */
export function recordDataJson(resource: AuditResource): string {
  const relationships = resource.relationships === undefined ? '' : `,"relationships":${JSON.stringify(resource.relationships)}`;
  return `{"id":${JSON.stringify(resource.id)},"type":${JSON.stringify(resource.type)},"attributes":${JSON.stringify(resource.attributes)},"created_at":${JSON.stringify(resource.attributes.created_at)}${relationships}}`;
}

/** The record as an object (for the expected-records file and tests). */
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
