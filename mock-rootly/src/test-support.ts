/** Small helpers shared by the mock's tests (plain code, no jest dependency). */
import type { AuditsListDocument } from './page.js';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

export async function request(url: string, apiKey: string | undefined, init: RequestInit = {}): Promise<Answer> {
  const headers: Record<string, string> = { Accept: 'application/vnd.api+json' };
  if (apiKey !== undefined) headers.Authorization = `Bearer ${apiKey}`;
  const response = await fetch(url, { ...init, headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** A query string encoded the way a careful client does it (brackets, ':' and '+' escaped). */
export function query(params: Record<string, string | number>): string {
  return Object.entries(params)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
    .join('&');
}

export function parseDocument(answer: Answer): AuditsListDocument {
  return JSON.parse(answer.text) as AuditsListDocument;
}
