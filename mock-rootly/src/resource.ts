/**
 * One audit as Rootly's JSON:API sends it. The mock declares the shape it serves itself rather
 * than borrowing a client's type: it stands for the server, and unknown attributes are part of
 * what it may send.
 */
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
