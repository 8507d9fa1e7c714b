import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError, RateLimitedError } from '../common/errors/app-error';
import type { ErrorBody } from '../common/errors/error-body';

/**
 * Answers an upgrade request with a plain HTTP error and no WebSocket: the guide's error body, the
 * request id, a Basic challenge on 401 and Retry-After on throttling, like the HTTP error filter.
 */
export function refuseUpgrade(socket: Duplex, err: AppError, body: ErrorBody): void {
  if (socket.destroyed) return;
  const payload = JSON.stringify(body);
  const headers = [
    `HTTP/1.1 ${err.status} ${STATUS_CODES[err.status] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(payload)}`,
    `X-Request-Id: ${body.request_id}`,
    'Connection: close',
  ];
  if (err.status === 401) headers.push('WWW-Authenticate: Basic realm="container-manager", charset="UTF-8"');
  if (err instanceof RateLimitedError) headers.push(`Retry-After: ${err.retryAfterS}`);
  socket.end(`${headers.join('\r\n')}\r\n\r\n${payload}`);
}
