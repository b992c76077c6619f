/** Writing a Reply to the socket, honestly or with a transport fault. */
import type { ServerResponse } from 'node:http';
import { malformBody, truncateBody, type TransportFault } from './faults.js';
import type { Reply } from './reply.js';

export function sendReply(res: ServerResponse, reply: Reply): void {
  if (res.destroyed) return;
  res.writeHead(reply.status, { ...reply.headers, 'Content-Length': String(Buffer.byteLength(reply.body)) });
  res.end(reply.body);
}

/**
 * Sends the reply bent by a transport fault. Returns a timer for 'stall' so the server can
 * cancel it on close; the stalled connection is dropped without ever sending a status line.
 */
export function sendFaulty(res: ServerResponse, reply: Reply, fault: TransportFault, stallMs: number): NodeJS.Timeout | undefined {
  switch (fault) {
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
      return setTimeout(() => res.destroy(), stallMs);
  }
}
