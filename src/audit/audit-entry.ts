import type { ErrorCode } from '../common/errors/error-codes';
import type { ComposeCallRecord } from '../common/request-context';

/** One line of `actions.jsonl`. Never holds a password, an Authorization header, env values or terminal input. */
export interface AuditEntry {
  timestamp: string;
  request_id: string;
  user: string | null;
  remote: string | null;
  method: string;
  path: string;
  action: string | null;
  cuid: string | null;
  status: number;
  duration_ms: number;
  error?: string;
  code?: ErrorCode;
  compose: ComposeCallRecord[];
  /** The Idempotency-Key the request carried (routes that honour one). */
  idempotency_key?: string;
  /** True when the answer was replayed from the key's first request. */
  idempotency_replayed?: boolean;
  [extra: string]: unknown;
}
