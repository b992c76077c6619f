/** Writing a Reply to the socket, honestly or with a transport fault. */
import type { ServerResponse } from 'node:http';
import { malformBody, truncateBody, type TransportFault } from './faults.js';
import { gzipBomb, hugeBody, hugePage, HUGE_HEADERS, streamChunks, type HostileSizes } from './hostile.js';
import type { Reply } from './reply.js';

export function sendReply(res: ServerResponse, reply: Reply): void {
  if (res.destroyed) return;
  res.writeHead(reply.status, { ...reply.headers, 'Content-Length': String(Buffer.byteLength(reply.body)) });
  res.end(reply.body);
}

/** What a transport fault may need beyond the reply. */
export interface TransportContext {
  stallMs: number;
  sizes: Required<HostileSizes>;
  /** created_at of the records on a huge page: inside the requested range. */
  createdAt: string;
}

/**
 * Sends the reply bent by a transport fault. Returns a timer for 'stall' so the server can
 * cancel it on close; the stalled connection is dropped without ever sending a status line.
 */
export function sendFaulty(
  res: ServerResponse,
  reply: Reply,
  fault: TransportFault,
  context: TransportContext,
): NodeJS.Timeout | undefined {
  switch (fault) {
    case 'gzip-bomb': {
      const bomb = gzipBomb(context.sizes.gzipBombBytes);
      res.writeHead(200, { ...reply.headers, 'Content-Encoding': 'gzip', 'Content-Length': String(bomb.length) });
      res.end(bomb);
      return undefined;
    }
    case 'huge-body':
      res.writeHead(200, { ...reply.headers, ...HUGE_HEADERS, 'Content-Length': String(context.sizes.hugeBodyBytes) });
      streamChunks(res, hugeBody(context.sizes.hugeBodyBytes));
      return undefined;
    case 'huge-page':
      res.writeHead(200, { ...reply.headers, ...HUGE_HEADERS });
      streamChunks(res, hugePage(context.sizes.hugePageRecords, context.createdAt, 80_000_000));
      return undefined;
    case 'truncated-json':
      sendReply(res, { ...reply, body: truncateBody(reply.body) });
      return undefined;
    case 'malformed-json':
      sendReply(res, { ...reply, body: malformBody(reply.body) });
      return undefined;
    case 'reset-mid-body': {
      // Announce the full length, deliver half, then cut the connection.
      const body = Buffer.from(reply.body);
      res.writeHead(reply.status, { ...reply.headers, 'Content-Length': String(body.length) });
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
      return undefined;
    }
    case 'stall':
      return setTimeout(() => res.destroy(), context.stallMs);
  }
}
