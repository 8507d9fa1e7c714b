import express from 'express';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { sendFileBytes } from './file-sender';

const MiB = 1024 * 1024;

// Medium test: a real file and a real HTTP response, read by a real client.
describe('sendFileBytes', () => {
  let work: string;
  let server: Server;
  let file: string;
  const data = randomBytes(5 * MiB + 123);
  let outcome: Promise<unknown> = Promise.resolve();
  /** Runs between the first chunk and the rest, when set. */
  let midway: (() => void) | undefined;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'cm-sender-'));
    file = path.join(work, 'f.bin');
    const app = express();
    app.get('/:start/:end', (req, res) => {
      const [start, end] = [Number(req.params.start), Number(req.params.end)];
      res.setHeader('Content-Length', String(end - start + 1));
      outcome = (async () => {
        const handle = await open(file, 'r');
        try {
          await sendFileBytes(handle, start, end, res);
        } finally {
          await handle.close();
        }
      })();
      // What the error filter does once headers are out.
      outcome.catch(() => res.destroy());
    });
    await new Promise<void>((resolve) => (server = app.listen(0, '127.0.0.1', () => resolve())));
  });
  beforeEach(() => {
    writeFileSync(file, data);
    midway = undefined;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(work, { recursive: true, force: true });
  });

  function fetch(start: number, end: number, leaveAfter?: number): Promise<{ body: Buffer; complete: boolean }> {
    const port = (server.address() as AddressInfo).port;
    return new Promise((resolve) => {
      get(`http://127.0.0.1:${port}/${start}/${end}`, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          bytes += c.length;
          if (midway && bytes > 0) {
            midway();
            midway = undefined;
          }
          if (leaveAfter !== undefined && bytes >= leaveAfter) res.destroy();
        });
        res.on('error', () => undefined);
        res.on('close', () => resolve({ body: Buffer.concat(chunks), complete: res.complete }));
      });
    });
  }

  it('sends the whole file, and any range of it, byte for byte', async () => {
    const whole = await fetch(0, data.length - 1);
    expect(whole.complete).toBe(true);
    expect(whole.body.equals(data)).toBe(true);
    await expect(outcome).resolves.toBeUndefined();
    const part = await fetch(MiB - 5, 3 * MiB + 7);
    expect(part.body.equals(data.subarray(MiB - 5, 3 * MiB + 8))).toBe(true);
    const tiny = await fetch(10, 10);
    expect(tiny.body.equals(data.subarray(10, 11))).toBe(true);
  });

  it('cuts the response when the file is truncated while it is sent, never ending it as if whole', async () => {
    midway = () => truncateSync(file, 2 * MiB);
    const cut = await fetch(0, data.length - 1);
    expect(cut.complete).toBe(false);
    expect(cut.body.length).toBeLessThan(data.length);
    await expect(outcome).rejects.toThrow(/ended before/);
  });

  it('stops when the client leaves, without waiting for writes that will never complete', async () => {
    const left = await fetch(0, data.length - 1, 64 * 1024);
    expect(left.complete).toBe(false);
    await expect(outcome).rejects.toThrow();
  });
});
