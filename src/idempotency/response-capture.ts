import type { Response } from 'express';

/** Headers a replay must carry besides the body (the container's version at the time of the answer). */
const REPLAYED_HEADERS = ['ETag', 'Location'];

/**
 * Calls `onBody` with the exact JSON text the first `res.json` sends (the route's answer or the error
 * filter's), before any byte leaves, so what a repeat replays is what this request answered.
 */
export function captureJson(res: Response, onBody: (body: string) => void): void {
  const json = res.json.bind(res);
  res.json = (body?: unknown): Response => {
    res.json = json;
    onBody(JSON.stringify(body ?? null));
    return json(body);
  };
}

export function replayableHeaders(res: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = res.getHeader(name);
    if (value !== undefined) headers[name] = String(value);
  }
  return headers;
}

/** The stored status must win over the route's default one, which Nest sets just before replying. */
export function pinStatus(res: Response, status: number): void {
  res.status(status);
  res.status = (): Response => res;
}

/** Runs `fn` once the response is over: sent, or its client gone. */
export function whenResponseOver(res: Response, fn: () => void): void {
  if (res.closed || res.writableFinished) fn();
  else res.once('close', fn);
}
