/**
 * Pagination links as Rails renders them: absolute, on the origin the client called, every
 * original parameter kept, page[number] replaced, keys sorted and percent-encoded like
 * Hash#to_query (so `page%5Bnumber%5D=2`, `:` as `%3A`, `+` as `%2B`).
 */

/** Ruby's CGI.escape: only A-Z a-z 0-9 _ . - ~ survive, space becomes '+'. */
export function railsEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

export function railsQuery(params: ReadonlyMap<string, string>): string {
  return [...params]
    .map(([key, value]) => `${railsEscape(key)}=${railsEscape(value)}`)
    .sort()
    .join('&');
}

/** The URL of another page of the same listing. */
export function pageLink(origin: string, path: string, params: ReadonlyMap<string, string>, pageNumber: number): string {
  const withPage = new Map(params);
  withPage.set('page[number]', String(pageNumber));
  return `${origin}${path}?${railsQuery(withPage)}`;
}
