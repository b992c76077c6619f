import type { JsonObject } from '../protocol/messages.js';

const nullable = (type: string, description: string, extra: JsonObject = {}): JsonObject => ({
  type: ['null', type],
  description,
  ...extra,
});

/**
 * The audit_logs record schema (Draft-07): every attribute of Rootly's published `audit` schema,
 * nullable where Rootly says so, and open to attributes the spec does not list (such as `source`).
 * item_type is a growing list upstream, so it is not an enum here.
 */
export const AUDIT_LOG_SCHEMA: JsonObject = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: true,
  required: ['id', 'type', 'attributes', 'created_at'],
  properties: {
    id: { type: 'string', description: 'Unique ID of the audit log item.' },
    type: { type: 'string', description: 'The JSON:API resource type, "audits".' },
    created_at: {
      type: 'string',
      format: 'date-time',
      airbyte_type: 'timestamp_with_timezone',
      description: 'Copy of attributes.created_at, the incremental cursor.',
    },
    attributes: {
      type: 'object',
      additionalProperties: true,
      required: ['event', 'created_at'],
      properties: {
        event: { type: 'string', description: 'The action taken: create, update or destroy.' },
        item_type: nullable('string', 'The kind of object acted on, e.g. Incident, Schedule, Alerts::Source.'),
        item_type_display: nullable('string', 'Human-friendly name of the item type.'),
        item_id: nullable('string', 'The ID of the object acted on.'),
        object: nullable('object', 'The object acted on.', { additionalProperties: true }),
        object_changes: nullable('object', 'The changes made, as {field: [before, after]}.', { additionalProperties: true }),
        user_id: nullable('integer', 'The ID of who took the action.'),
        user_name: nullable('string', 'Display name of the user who took the action.'),
        user_email: nullable('string', 'Email address of the user who took the action.'),
        ip_address: nullable('string', 'IP address of the client that took the action.'),
        user_agent: nullable('string', 'User-Agent of the client that took the action.'),
        request_id: nullable('string', 'The request ID of the action.'),
        session_id: nullable('string', 'The session ID of the action.'),
        created_at: { type: 'string', description: 'When the action was taken (ISO-8601).' },
        id: nullable('integer', 'The numeric form of the top-level id.'),
      },
    },
    relationships: nullable('object', 'JSON:API relationships, when Rootly sends them.', { additionalProperties: true }),
  },
};
