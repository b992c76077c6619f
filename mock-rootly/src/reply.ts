/** The mock's answers as plain values, so faults can swap or mangle them before they are sent. */

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const JSON_API = 'application/vnd.api+json';

export function jsonApiReply(status: number, document: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'Content-Type': JSON_API, ...headers }, body: JSON.stringify(document) };
}

/** Rootly's error shape: a JSON:API `errors` array with the status as a string. */
export function jsonApiError(status: number, title: string, detail?: string): Reply {
  const error = detail === undefined ? { title, status: String(status) } : { title, status: String(status), detail };
  return jsonApiReply(status, { errors: [error] });
}

/** Rate-limit rejections are not JSON:API, exactly as Rootly documents them. */
export function rateLimitedReply(headers: Record<string, string>): Reply {
  return {
    status: 429,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify({ error: 'Rate limit exceeded. Try again later.' }),
  };
}

/** What a proxy in front of Rails serves when the app is down: HTML, not JSON. */
export function htmlReply(status: number, title: string): Reply {
  return {
    status,
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
    body: `<!DOCTYPE html>\n<html><head><title>${title}</title></head><body><h1>${title}</h1><p>Please try again later.</p></body></html>\n`,
  };
}
