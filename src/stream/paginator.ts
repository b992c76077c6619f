import { systemError, transientError } from '../errors.js';
import { maskedExcerpt } from '../secrets.js';

/** Pages in a row that bring no record not already seen on this walk, before it is judged endless. */
export const MAX_STALE_PAGES_IN_A_ROW = 5;

/** What the paginator needs to know of a page once it has been read. */
export interface PageSeen {
  selfLink?: string | undefined;
  nextLink: string | null;
  /** Some record on the page was not seen before on this walk. */
  broughtNew: boolean;
}

/**
 * Follows one walk through a window's pages by their next links, and stops a walk that would never
 * end: a link already followed (a loop), a run of pages that bring nothing new (empty, or only
 * repeating records already seen, each behind a new link), or more pages than the reported records.
 */
export class Paginator {
  private readonly followed = new Set<string>();
  private pages = 0;
  private staleInARow = 0;

  /** `window` names the range in messages. */
  constructor(private readonly window: string) {}

  /** The link to follow after this page, or null when the walk is over. */
  next(page: PageSeen, reported: number | undefined): string | null {
    this.pages += 1;
    if (page.selfLink !== undefined) this.followed.add(linkKey(page.selfLink));
    if (page.nextLink === null) return null;
    this.staleInARow = page.broughtNew ? 0 : this.staleInARow + 1;
    if (this.staleInARow >= MAX_STALE_PAGES_IN_A_ROW || (reported !== undefined && this.pages > reported + MAX_STALE_PAGES_IN_A_ROW)) {
      const total = reported !== undefined ? ` of a range reported to hold ${reported} records` : '';
      throw transientError(
        `Rootly kept linking to further pages of ${this.window} without records not already read (page ${this.pages}${total}); the sync stops rather than page forever. The next sync resumes from the last saved state.`,
      );
    }
    const key = linkKey(page.nextLink);
    if (this.followed.has(key)) {
      throw systemError(
        `Rootly returned a next-page link that was already followed (${maskedExcerpt(page.nextLink, 300)}); the sync stops rather than loop forever. Try again later, and report it to Rootly support if it persists.`,
      );
    }
    this.followed.add(key);
    return page.nextLink;
  }
}

/** The same page spelled with its query parameters in another order is still the same page. */
function linkKey(link: string): string {
  try {
    const url = new URL(link, 'http://relative.invalid');
    url.searchParams.sort();
    return url.href;
  } catch {
    return link;
  }
}
