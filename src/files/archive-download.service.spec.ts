import express from 'express';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { AppConfig } from '../common/config/app-config';
import { AppError } from '../common/errors/app-error';
import { ArchiveDownloadService } from './archive-download.service';
import type { ContainerMount } from './container-mount';
import { MountDir, MountFs } from './mount-fs';
import { ZipArchive } from './zip-archive';

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

// Medium test: the walk opens files ahead of the one it adds; order, bytes and descriptors must not show it.
describe('ArchiveDownloadService, a tree of many small files', () => {
  let work: string;
  let server: Server;
  let settled: Promise<unknown> = Promise.resolve();
  const expected: [string, Buffer | null][] = [];
  const openFds = (): number => readdirSync('/proc/self/fd').length;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'cm-zipmany-'));
    // Files on both sides of subdirectories, more than one lstat batch in the root.
    for (let i = 0; i < 150; i += 1) {
      const name = `f${String(i).padStart(3, '0')}.txt`;
      // Incompressible, so output leaves while later files are still being opened.
      const data = Buffer.concat([Buffer.from(`file ${i}\n`), randomBytes(2000 + 10 * i)]);
      writeFileSync(path.join(work, name), data);
      if (i % 50 === 25) {
        const sub = `f${String(i).padStart(3, '0')}d`;
        mkdirSync(path.join(work, sub));
        writeFileSync(path.join(work, sub, 'inner.txt'), `inside ${i}`);
      }
    }
    const walk = (dir: string, prefix: string): void => {
      for (const name of readdirSync(dir).sort()) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) {
          expected.push([`${prefix}${name}/`, null]);
          walk(full, `${prefix}${name}/`);
        } else expected.push([`${prefix}${name}`, readFileSync(full)]);
      }
    };
    walk(work, '');
    const fs = new MountFs();
    const mount = { open: () => fs.openRoot(work) } as unknown as ContainerMount;
    const service = new ArchiveDownloadService(mount, fs, { downloadMaxDepth: 8 } as AppConfig);
    const app = express();
    app.get('/zip', (_req, res) => {
      settled = service.downloadZip('c1', undefined, res).catch(() => res.destroy());
    });
    await new Promise<void>((resolve) => (server = app.listen(0, '127.0.0.1', () => resolve())));
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(work, { recursive: true, force: true });
  });

  const url = (): string => `http://127.0.0.1:${(server.address() as AddressInfo).port}/zip`;
  async function fdsBackTo(baseline: number): Promise<number> {
    for (let tries = 0; tries < 50 && openFds() > baseline; tries += 1) await new Promise((r) => setTimeout(r, 20));
    return openFds();
  }

  it('adds every entry in the walk order with its bytes, and leaves no descriptor open', async () => {
    const baseline = openFds();
    const body = await new Promise<Buffer>((resolve, reject) => {
      get(url(), { agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks)));
      }).on('error', reject);
    });
    await settled;
    const zipFile = path.join(tmpdir(), `cm-zipmany-${process.pid}.zip`);
    writeFileSync(zipFile, body);
    try {
      const archive = await ZipArchive.open(zipFile, 1000);
      try {
        expect(archive.records.map((r) => r.name)).toEqual(expected.map(([name]) => name));
      } finally {
        await archive.close();
      }
      const out = mkdtempSync(path.join(tmpdir(), 'cm-zipmany-out-'));
      execFileSync('unzip', ['-q', zipFile, '-d', out]);
      for (const [name, data] of expected) if (data) expect(readFileSync(path.join(out, name)).equals(data)).toBe(true);
      rmSync(out, { recursive: true, force: true });
    } finally {
      rmSync(zipFile, { force: true });
    }
    expect(await fdsBackTo(baseline)).toBe(baseline);
  });

  it('closes every file it opened ahead when the client leaves after the first bytes', async () => {
    const baseline = openFds();
    await new Promise<void>((resolve) => {
      const req = get(url(), { agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => undefined);
    });
    await settled;
    // Opens still in flight when the walk stopped complete later: give them time to show as a leak.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await fdsBackTo(baseline)).toBe(baseline);
  });
});
