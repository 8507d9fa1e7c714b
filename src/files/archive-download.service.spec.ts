import express from 'express';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { AppConfig } from '../common/config/app-config';
import { AppError } from '../common/errors/app-error';
import { ArchiveDownloadService } from './archive-download.service';
import type { ContainerMount } from './container-mount';
import { MountDir, MountFs } from './mount-fs';

/** A seam whose depth check sees nothing: as if the container deepened the tree after the check. */
class LateGrowthFs extends MountFs {
  override subdirectories(dir: MountDir): Promise<string[]> {
    void dir;
    return Promise.resolve([]);
  }
}

// Medium test: the real filesystem and a real HTTP response.
describe('ArchiveDownloadService', () => {
  let work: string;
  let server: Server;
  let failure: unknown;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'cm-zipdeep-'));
    let dir = work;
    for (let i = 0; i < 6; i += 1) {
      // Files sort before the subdirectory: more than the writer reads ahead, and incompressible (stored,
      // each larger than the output the writer holds back), so bytes are out first.
      for (let f = 0; f < 6; f += 1) writeFileSync(path.join(dir, `${f}.bin`), randomBytes(64 * 1024));
      dir = path.join(dir, 'a');
      mkdirSync(dir);
    }
    const fs = new LateGrowthFs();
    const mount = { open: () => fs.openRoot(work) } as unknown as ContainerMount;
    const service = new ArchiveDownloadService(mount, fs, { downloadMaxDepth: 3 } as AppConfig);
    const app = express();
    app.get('/zip', (_req, res) => {
      service.downloadZip('c1', undefined, res).catch((err: unknown) => {
        failure = err;
        // What the error filter does: cut the connection once headers are out, else answer.
        if (res.headersSent) res.destroy();
        else res.status(400).end();
      });
    });
    await new Promise<void>((resolve) => (server = app.listen(0, '127.0.0.1', () => resolve())));
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(work, { recursive: true, force: true });
  });

  it('a tree that grows too deep after the headers went out cuts the response instead of ending the zip', async () => {
    const port = (server.address() as AddressInfo).port;
    const outcome = await new Promise<{ status: number; complete: boolean; bytes: number }>((resolve) => {
      get(`http://127.0.0.1:${port}/zip`, (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('error', () => undefined);
        res.on('close', () => resolve({ status: res.statusCode ?? 0, complete: res.complete, bytes }));
      });
    });
    expect(outcome.status).toBe(200);
    expect(outcome.bytes).toBeGreaterThan(0);
    expect(outcome.complete).toBe(false);
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ code: 'PATH_TOO_DEEP', details: { max_depth: 3 } });
  });
});
