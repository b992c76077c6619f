/**
 * Answers a hostile or broken server could send, built without holding them whole: a gzip bomb
 * made of repeated gzip members, bodies of hundreds of MB and pages of a million records streamed
 * chunk by chunk with backpressure, records nested deeper than any stack, and texts that echo the
 * client's key where a client might cut them.
 */
import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { JSON_API } from './reply.js';

/** Sizes of the hostile answers; the defaults are what a client must survive. */
export interface HostileSizes {
  /** What the gzip bomb inflates to; default 1 GiB (about 1 MB on the wire). */
  gzipBombBytes?: number;
  /** A plain body of this many bytes; default 200 MB. */
  hugeBodyBytes?: number;
  /** Records on a page that ignores page[size]; default 1,000,000. */
  hugePageRecords?: number;
}

export const HOSTILE_DEFAULTS = { gzipBombBytes: 1024 ** 3, hugeBodyBytes: 200 * 1024 ** 2, hugePageRecords: 1_000_000 };

const MIB = 1024 * 1024;
const bombs = new Map<number, Buffer>();

/**
 * A gzip body inflating to `bytes` of a valid JSON document ({"data":[ spaces ]}): concatenated
 * gzip members, which every gunzip reads as one stream, so it is built in milliseconds.
 */
export function gzipBomb(bytes: number): Buffer {
  const cached = bombs.get(bytes);
  if (cached) return cached;
  const megabytes = Math.max(1, Math.round(bytes / MIB));
  const member = gzipSync(Buffer.alloc(MIB, 0x20), { level: 9 });
  const bomb = Buffer.concat([gzipSync('{"data":['), ...Array.from({ length: megabytes }, () => member), gzipSync(']}')]);
  bombs.set(bytes, bomb);
  return bomb;
}

/** Writes chunks as the client reads them; stops when the client goes away. */
export function streamChunks(res: ServerResponse, chunks: Iterator<string | Buffer>): void {
  const pump = (): void => {
    for (let next = chunks.next(); !next.done; next = chunks.next()) {
      if (res.destroyed) return;
      if (!res.write(next.value)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  res.once('close', () => res.off('drain', pump));
  pump();
}

/** A body of exactly `bytes`: a valid JSON:API list padded with one long string. */
export function* hugeBody(bytes: number): Generator<string> {
  const head = '{"data":[],"meta":{"padding":"';
  const tail = '"}}';
  const block = 'x'.repeat(64 * 1024);
  let left = Math.max(0, bytes - head.length - tail.length);
  yield head;
  for (; left >= block.length; left -= block.length) yield block;
  yield `${'x'.repeat(left)}${tail}`;
}

/** A page of `count` small, valid audit records at `createdAt`, whatever page[size] asked for. */
export function* hugePage(count: number, createdAt: string, firstId: number): Generator<string> {
  yield '{"data":[';
  const perChunk = 1000;
  for (let from = 0; from < count; from += perChunk) {
    const records: string[] = [];
    for (let n = from; n < Math.min(count, from + perChunk); n += 1) {
      const id = firstId + n;
      records.push(
        `{"id":"${id}","type":"audits","attributes":{"event":"create","item_type":"Incident","created_at":"${createdAt}","id":${id}}}`,
      );
    }
    yield `${from === 0 ? '' : ','}${records.join(',')}`;
  }
  yield `],"links":{"self":null,"next":null},"meta":{"total_count":${count}}}`;
}

export const HUGE_HEADERS = { 'Content-Type': JSON_API };

/** What stands in for a deep value in a page, replaced in the serialised body (see deepJson). */
export const DEEP_MARKER = '__deep-record__';

/** A JSON value `levels` deep, as text: JSON.stringify itself would overflow the stack. */
export function deepJson(levels: number): string {
  return `${'{"down":['.repeat(levels)}null${']}'.repeat(levels)}`;
}

/**
 * An error title that quotes the key the client sent, as a careless server might: encoded forms
 * early on, then padding so that the key itself straddles the 300th character, where a client
 * cutting the text before masking it would print most of it.
 */
export function echoTitle(key: string): string {
  const encoded = `Token rejected (${encodeURIComponent(key)}; header ${Buffer.from(`Bearer ${key}`).toString('base64')}; quoted ${JSON.stringify(JSON.stringify(key))}): `;
  return `${encoded.padEnd(300 - Math.ceil(key.length / 2), '.')}${key} is not valid`;
}

/**
 * A next link quoting the key so that it straddles the 200th character: either not a URL at all,
 * or a link to another host. Both must be refused, and quoting them must not print the key.
 */
export function echoLink(key: string, path: string, notAUrl: boolean): string {
  const start = notAUrl ? `http://[echo]${path}?page%5Bnumber%5D=2&note=` : `http://echo.example.com${path}/`;
  const quoted = encodeURIComponent(key);
  return `${start.padEnd(200 - Math.ceil(quoted.length / 2), 'x')}${quoted}/more`;
}
