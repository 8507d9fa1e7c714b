import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import type { Page } from './container-page';
import type { Container } from './container.types';
import { etagOf } from './etag';
import { ProjectStore } from './project-store';

export type ViewFields = Record<string, unknown>;

/** Fields another module adds to the containers the API shows (the reaper's lifetimes, the cluster's node). */
export interface ContainerViewPart {
  /** Moves whenever the fields it gives any container could change, so a page's text is built again. */
  readonly version: number;
  /** Fields for a container shown whole: alone, in a page, in an update's result. */
  fieldsOf(container: Container): ViewFields | Promise<ViewFields>;
  /** Fields for every other answer about one container (its status, its deletion). */
  fieldsAbout?(cuid: string): ViewFields;
}

/**
 * How containers appear in answers, applied by the controllers that build them: each part's fields,
 * and a single container's version as `ETag`. Not interceptors: each global interceptor costs every
 * route an RxJS chain and an AsyncResource per request, more than the listing's whole budget (README,
 * Benchmarks), and an answer shaped where it is built is final for the idempotency store too.
 */
@Injectable()
export class ContainerViews {
  private readonly parts: ContainerViewPart[] = [];
  /** A page as sent, by the page object it was made from (the listing hands out the same object while nothing it shows changed). */
  private readonly sentPages = new WeakMap<Page, { version: number; body: Buffer }>();

  constructor(private readonly store: ProjectStore) {}

  addPart(part: ContainerViewPart): void {
    this.parts.push(part);
  }

  /**
   * One container as answered, its version sent as `ETag`. The digest is taken over the spec fields of
   * the answer itself (not a fresh read), so the header always matches the body.
   */
  async one<T extends Container>(res: Response, container: T): Promise<T> {
    const etag = this.etagOf(container);
    if (etag !== null) {
      res.setHeader('ETag', etag);
      // The tag versions the spec while the body carries live status: a conditional GET must never get
      // Express's automatic 304, or a revalidating cache keeps a stale status.
      delete res.req.headers['if-none-match'];
    }
    return this.view(container);
  }

  /** Any other answer about one container. */
  about<T extends object>(cuid: string, body: T): T {
    let out = body;
    for (const part of this.parts) if (part.fieldsAbout) out = { ...out, ...part.fieldsAbout(cuid) };
    return out;
  }

  /**
   * Sends a page: serialised once, then sent as the same bytes while neither the page nor any part
   * changed (versions are read before the views are built, so a change meanwhile makes the next
   * request build it again). Written straight to the response, at once when it is current: the
   * listing is the hottest route, and Express's send (or a promise) costs every request.
   */
  sendPage(res: Response, page: Page): void | Promise<void> {
    const version = this.version();
    const sent = this.sentPages.get(page);
    if (sent?.version === version) return sendJson(res, sent.body);
    return Promise.all(page.containers.map((c) => this.view(c))).then((containers) => {
      const body = Buffer.from(JSON.stringify({ ...page, containers }), 'utf8');
      this.sentPages.set(page, { version, body });
      sendJson(res, body);
    });
  }

  private async view<T extends Container>(container: T): Promise<T> {
    let out = container;
    for (const part of this.parts) {
      const fields = part.fieldsOf(container);
      out = { ...out, ...(fields instanceof Promise ? await fields : fields) };
    }
    return out;
  }

  /** Versions only grow, so their sum moves whenever any of them does. */
  private version(): number {
    let sum = 0;
    for (const part of this.parts) sum += part.version;
    return sum;
  }

  private etagOf(container: Container): string | null {
    const spec = this.store.get(container.cuid);
    if (!spec) return null;
    const shown = container as unknown as Record<string, unknown>;
    return etagOf(Object.fromEntries(Object.keys(spec).map((key) => [key, shown[key]])));
  }
}

function sendJson(res: Response, body: Buffer): void {
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', body.length);
  res.end(body);
}
