import type { Page } from './container-page';

/** Distinct queries kept per version: a client paging through 500 containers needs 10. */
const MAX_PAGES = 64;

/**
 * The pages built since the listing's inputs (specs, live states, disk figures) last changed, by
 * query: an unchanged listing is answered with the same page object, which lets the answer's
 * serialised form be reused too. A new version drops every page at once.
 */
export class PageMemo {
  private version = '';
  private readonly pages = new Map<string, Page>();

  get(version: string, query: string, build: () => Page): Page {
    if (version !== this.version) {
      this.pages.clear();
      this.version = version;
    }
    const known = this.pages.get(query);
    if (known) return known;
    const page = build();
    if (this.pages.size < MAX_PAGES) this.pages.set(query, page);
    return page;
  }
}
