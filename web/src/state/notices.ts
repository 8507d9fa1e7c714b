import { ApiError } from '../api/client';
import type { ErrorBody } from '../api/types';
import { Observable } from './store';

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  title: string;
  error?: ErrorBody;
}

/** What went wrong (or right) lately, shown at the top of the page until dismissed. */
export class Notices extends Observable {
  private next = 1;
  items: Notice[] = [];

  error(title: string, err: unknown): void {
    const body: ErrorBody =
      err instanceof ApiError
        ? err.body
        : { error: 'client_error', code: 'CLIENT_ERROR', message: String(err), status: 0, request_id: '' };
    this.push({ id: this.next++, kind: 'error', title, error: body });
  }

  info(title: string): void {
    const notice: Notice = { id: this.next++, kind: 'info', title };
    this.push(notice);
    setTimeout(() => this.dismiss(notice.id), 6000);
  }

  dismiss(id: number): void {
    this.items = this.items.filter((n) => n.id !== id);
    this.changed();
  }

  private push(notice: Notice): void {
    this.items = [...this.items.slice(-4), notice];
    this.changed();
  }
}
