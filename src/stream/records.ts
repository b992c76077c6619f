import type { JsonObject } from '../protocol/messages.js';
import type { AuditResource } from './page-source.js';

export const AUDIT_STREAM = 'audit_logs';

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
