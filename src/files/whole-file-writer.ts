import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Worker } from 'node:worker_threads';
import type { FileAttributes } from './entry-file';
import { ioFailure } from './mount-fs';

/**
 * The worker's whole program: create the file ('wx': a duplicate or a clash fails instead of
 * replacing), write it, set mode, owner and time through the one descriptor, close. Synchronous
 * calls, one after another: here they block only this thread. Explicit chmod: open's mode is
 * filtered by the process umask. Source text rather than a file: it runs the same from dist/, from
 * ts-node and under jest, and coverage instrumentation cannot reach into it.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
parentPort.on('message', (job) => {
  let step = 'open';
  let fd;
  try {
    fd = fs.openSync(job.path, 'wx', 0o600);
    step = 'write';
    const data = new Uint8Array(job.data);
    for (let at = 0; at < data.length; ) at += fs.writeSync(fd, data, at);
    step = 'chmod';
    fs.fchmodSync(fd, job.mode);
    fs.fchownSync(fd, job.uid, job.gid);
    if (job.mtime !== null) fs.futimesSync(fd, job.mtime / 1000, job.mtime / 1000);
    step = 'close';
    const closing = fd;
    fd = undefined;
    fs.closeSync(closing);
    parentPort.postMessage({ id: job.id });
  } catch (err) {
    if (fd !== undefined) {
      try { fs.closeSync(fd); } catch {}
    }
    parentPort.postMessage({ id: job.id, error: { code: String(err && err.code || 'UNKNOWN'), step } });
  }
});
`;

interface Reply {
  id: number;
  error?: { code: string; step: string };
}

interface Pending {
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Writes small extracted files on a worker thread. Through the threadpool each file costs six
 * round trips (open, write, chmod, chown, utimes, close), each a wake-up of the event loop; for
 * thousands of small files those, not the disk, were most of an upload's tail. Here a file is one
 * message. One worker: the inflater and the other files' kernel work already keep the second core
 * busy, and measured two workers were no faster. Errors come out as the threadpool path gave them
 * (`ioFailure` with the step that failed), never with a host path.
 */
@Injectable()
export class WholeFileWriter implements OnModuleDestroy {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  write(target: string, data: Buffer, attributes: FileAttributes): Promise<void> {
    const worker = this.running();
    const id = this.nextId++;
    // A fresh copy, transferred: a view's whole backing buffer (a pooled slab, a big read) is never cloned.
    const copy = new Uint8Array(data.length);
    copy.set(data);
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Held while it has work, so a caller awaiting a write keeps the process alive; idle, it holds nothing.
      if (this.pending.size === 1) worker.ref();
      worker.postMessage(
        {
          id,
          path: target,
          data: copy.buffer,
          mode: attributes.mode,
          uid: attributes.owner.uid,
          gid: attributes.owner.gid,
          mtime: attributes.modified ? attributes.modified.getTime() : null,
        },
        [copy.buffer],
      );
    });
  }

  async onModuleDestroy(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private running(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on('message', (reply: Reply) => this.settle(worker, reply));
    // A worker that dies fails what it held; the next write starts a new one.
    const lost = (): void => this.lose(worker);
    worker.on('error', lost);
    worker.on('exit', lost);
    this.worker = worker;
    return worker;
  }

  private settle(worker: Worker, reply: Reply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) worker.unref();
    if (reply.error)
      pending.reject(
        ioFailure(Object.assign(new Error(reply.error.code), { code: reply.error.code }), reply.error.step),
      );
    else pending.resolve();
  }

  private lose(worker: Worker): void {
    if (this.worker === worker) this.worker = null;
    const failed = [...this.pending.values()];
    this.pending.clear();
    for (const pending of failed) pending.reject(ioFailure(new Error('the file writer stopped'), 'write'));
  }
}
