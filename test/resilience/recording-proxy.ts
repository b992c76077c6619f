/**
 * A small HTTP proxy in front of the mock Rootly server that records the raw request line and
 * Authorization header of every request (the mock itself only classifies them), and can rewrite
 * response bodies, e.g. to point the mock's foreign next link at a second server we can watch.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query exactly as received. */
  url: string;
  host: string | undefined;
  authorization: string | undefined;
  headers: IncomingHttpHeaders;
}

export interface RecordingProxy {
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  close(): Promise<void>;
}

export async function startRecordingProxy(target: string, rewriteBody?: (body: string) => string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    requests.push({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      host: req.headers.host,
      authorization: req.headers.authorization,
      headers: { ...req.headers },
    });
    // The Host header is passed on unchanged, so the mock builds its links on the proxy's origin.
    const forward = httpRequest(
      { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('error', () => res.destroy());
        answer.on('aborted', () => res.destroy());
        answer.on('end', () => {
          if (!answer.complete) return void res.destroy();
          let body = Buffer.concat(chunks);
          if (rewriteBody && /json/.test(String(answer.headers['content-type']))) body = Buffer.from(rewriteBody(body.toString('utf8')));
          const headers = { ...answer.headers, 'content-length': String(body.length) };
          delete headers['transfer-encoding'];
          res.writeHead(answer.statusCode ?? 502, headers);
          res.end(body);
        });
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
