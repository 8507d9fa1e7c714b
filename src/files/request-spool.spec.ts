import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { AppError } from '../common/errors/app-error';
import { spoolRequest } from './request-spool';

/** A stand-in request: a stream with headers, as IncomingMessage is. */
function fakeRequest(headers: Record<string, string> = {}): PassThrough & IncomingMessage {
  return Object.assign(new PassThrough(), { headers, complete: false }) as unknown as PassThrough & IncomingMessage;
}

describe('spoolRequest', () => {
  let work: string;
  beforeEach(() => (work = mkdtempSync(path.join(tmpdir(), 'cm-spool-'))));
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  const codeOf = (p: Promise<unknown>): Promise<string> =>
    p.then(
      () => 'ok',
      (err: unknown) => (err instanceof AppError ? `${err.status} ${err.code}` : String(err)),
    );

  it('copies a chunked body (no Content-Length) and counts it', async () => {
    const req = fakeRequest();
    const done = spoolRequest(req, path.join(work, 'a'), 100);
    req.write('hello ');
    req.end('world');
    expect(await done).toBe(11);
    expect(readFileSync(path.join(work, 'a'), 'utf8')).toBe('hello world');
  });

  it('gives every chunk to a tap too, holding the body while the tap is behind, and ends it', async () => {
    const req = fakeRequest();
    const seen: Buffer[] = [];
    let release: () => void = () => undefined;
    const tap = new Writable({
      highWaterMark: 4,
      write(chunk: Buffer, _encoding, done) {
        seen.push(chunk);
        // The first chunk is held until released: the request must pause meanwhile.
        if (seen.length === 1) release = () => done();
        else done();
      },
    });
    const done = spoolRequest(req, path.join(work, 'a'), 100, { tap });
    req.write('hello ');
    await new Promise((resolve) => setImmediate(resolve));
    expect(req.isPaused()).toBe(true);
    req.end('world');
    release();
    expect(await done).toBe(11);
    await finished(tap);
    expect(Buffer.concat(seen).toString()).toBe('hello world');
    expect(tap.writableEnded).toBe(true);
  });

  it('stops at the limit while streaming when no length was declared, and drains the rest', async () => {
    const req = fakeRequest();
    const done = codeOf(spoolRequest(req, path.join(work, 'a'), 10));
    req.write('0123456789');
    req.write('x');
    expect(await done).toBe('413 PAYLOAD_TOO_LARGE');
    expect(req.isPaused()).toBe(false);
  });

  it('refuses a declared Content-Length over the limit without writing anything', async () => {
    const req = fakeRequest({ 'content-length': '11' });
    expect(await codeOf(spoolRequest(req, path.join(work, 'a'), 10))).toBe('413 PAYLOAD_TOO_LARGE');
    expect(existsSync(path.join(work, 'a'))).toBe(false);
  });

  it('gives up on a stalled client, and on one that leaves mid-body', async () => {
    const stalled = fakeRequest();
    const timedOut = codeOf(spoolRequest(stalled, path.join(work, 'a'), 100, { idleMs: 50 }));
    stalled.write('partial');
    expect(await timedOut).toBe('408 UPLOAD_TIMEOUT');
    const leaving = fakeRequest();
    const left = codeOf(spoolRequest(leaving, path.join(work, 'b'), 100));
    leaving.write('partial');
    leaving.destroy();
    expect(await left).toBe('400 UPLOAD_ABORTED');
  });
});
