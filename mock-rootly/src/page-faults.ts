/**
 * Page faults of a hostile or broken server: links the client must refuse, pages that only repeat
 * what was sent, and records no client can take as they are. Each keeps the page valid JSON:API.
 */
import type { PageFault } from './faults.js';
import { DEEP_MARKER, echoLink } from './hostile.js';
import { pageLink } from './links.js';
import type { AuditsListDocument, PageInput } from './page.js';
import type { AuditResource } from './resource.js';

/** What a hostile page fault needs beyond the page itself. */
export interface HostilePageContext {
  input: PageInput;
  /** The page's records before the fault. */
  firstIndex: number;
  /** The request's number, so that every repeated page links to a new URL. */
  requestNumber: number;
  /** The key the client sent, for faults that echo it. */
  echoedKey: string;
}

export function applyHostilePageFault(document: AuditsListDocument, fault: PageFault, context: HostilePageContext): void {
  const { input } = context;
  const { pageNumber: page, params } = input.query;
  const link = (n: number, origin = input.origin, path = input.path): string => pageLink(origin, path, params, n);
  switch (fault) {
    case 'repeat-records':
      repeatRecords(document, context);
      break;
    case 'userinfo-next-link':
      document.links.next = link(page + 1).replace('://', '://rootly:hunter2@');
      break;
    case 'sibling-path-next-link':
      document.links.next = link(page + 1, input.origin, `${input.path}-evil`);
      break;
    case 'echo-key-in-link':
      document.links.next = echoLink(context.echoedKey, input.path, context.requestNumber % 2 === 1);
      break;
    case 'conflicting-duplicate':
      conflictingDuplicate(document.data);
      break;
    case 'deep-record':
      bendMiddle(document.data, (record) => ({ ...record, attributes: { ...record.attributes, object: DEEP_MARKER } }));
      break;
    case 'no-created-at':
      bendMiddle(document.data, (record) => {
        const attributes: Partial<AuditResource['attributes']> = { ...record.attributes };
        delete attributes.created_at;
        return { ...record, attributes: attributes as AuditResource['attributes'] };
      });
      break;
    default:
      break;
  }
}

/**
 * The records of the page before this one (already sent), no total, and a next link to this same
 * page under a new URL: harmless once, endless when it fires on every request.
 */
function repeatRecords(document: AuditsListDocument, context: HostilePageContext): void {
  const { input, firstIndex } = context;
  const size = input.query.pageSize;
  const from = Math.max(0, firstIndex - size);
  document.data = [];
  for (let p = from; p < Math.min(input.selection.length, from + size); p++) document.data.push(input.selection.resourceAt(p));
  const params = new Map(input.query.params);
  params.set('repeat', String(context.requestNumber));
  document.links.next = pageLink(input.origin, input.path, params, input.query.pageNumber);
  delete document.meta;
}

/** The page's last record replaced by its first record's id with another content. */
function conflictingDuplicate(data: AuditResource[]): void {
  const first = data[0];
  if (!first) return;
  const tampered = { ...first, attributes: { ...first.attributes, event: first.attributes.event === 'update' ? 'destroy' : 'update' } };
  if (data.length >= 2) data[data.length - 1] = tampered;
  else data.push(tampered);
}

function bendMiddle(data: AuditResource[], bend: (record: AuditResource) => AuditResource): void {
  const middle = Math.floor(data.length / 2);
  const record = data[middle];
  if (record) data[middle] = bend(record);
}
