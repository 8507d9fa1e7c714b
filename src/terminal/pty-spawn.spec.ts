import { readFileSync } from 'node:fs';
import { spawnPty } from './pty-spawn';

/** Runs `script` on a real pty, paused from the start until `resumeAfterMs`; resolves with what was read. */
function readPaused(script: string, resumeAfterMs: number): Promise<Buffer> {
  const term = spawnPty(['sh', '-c', script], { cols: 80, rows: 24, env: { PATH: process.env.PATH } });
  term.pause();
  const chunks: Buffer[] = [];
  term.onData((data) => chunks.push(Buffer.isBuffer(data) ? data : Buffer.from(data)));
  setTimeout(() => term.resume(), resumeAfterMs);
  return new Promise((resolve) => term.onExit(() => resolve(Buffer.concat(chunks))));
}

/** Resolves once `pid` has exited (gone, or a zombie waiting to be reaped), or after 3 s if it is blocked writing. */
async function processGone(pid: number): Promise<void> {
  for (let i = 0; i < 150; i++) {
    const stat = statOf(pid);
    if (stat === null || stat === 'Z') return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function statOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] ?? null;
  } catch {
    return null;
  }
}

// These play races between a real pty, libuv and node-pty; on a loaded two-core machine a run can
// lose the race the test sets up (not the one the code handles), so a failure is retried.
jest.retryTimes(2, { logErrorsBeforeRetry: true });

describe('spawnPty', () => {
  it("keeps output a process left in the pty when it is read after node-pty's 200 ms exit timeout", async () => {
    // 3,000 bytes fit the pty's buffer, so the process exits at once; nothing is read for 600 ms.
    const out = await readPaused("printf '%03000d' 7", 600);
    expect(out.toString()).toBe('7'.padStart(3000, '0'));
  });

  it('reads the rest straight from the pty when libuv ends the stream early', async () => {
    // libuv takes a hang-up after a short read for the end (timing-dependent, so played here by hand):
    // the process has exited, 30,000 bytes wait in the pty, and the socket says it has ended.
    const term = spawnPty(['sh', '-c', "printf '%030000d' 7"], { cols: 80, rows: 24, env: { PATH: process.env.PATH } });
    term.pause();
    const chunks: Buffer[] = [];
    term.onData((data) => chunks.push(Buffer.isBuffer(data) ? data : Buffer.from(data)));
    const exited = new Promise((resolve) => term.onExit(resolve));
    // The process must have written everything; a fixed 300 ms is not enough on a loaded machine.
    await processGone(term.pid);
    // As at a real end, what the socket had already read goes out first.
    const socket = (term as unknown as { _socket: { readableLength: number; read(): unknown; emit(e: string): void } })
      ._socket;
    while (socket.readableLength > 0) socket.read();
    socket.emit('end');
    const got = Buffer.concat(chunks).toString();
    // Clean up before asserting: a pty left paused with its process blocked would keep jest alive.
    term.resume();
    if (statOf(term.pid) !== null) term.kill('SIGKILL');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    expect(got).toBe('7'.padStart(30000, '0'));
  }, 20_000);

  it('still ends a session whose output is never read, once the drain limit has passed', async () => {
    const started = Date.now();
    const term = spawnPty(['sh', '-c', "printf 'x'"], { cols: 80, rows: 24, env: { PATH: process.env.PATH } });
    term.pause();
    await new Promise((resolve) => term.onExit(resolve));
    expect(Date.now() - started).toBeGreaterThanOrEqual(3_000);
    expect(Date.now() - started).toBeLessThan(6_000);
  }, 10_000);
});

describe('spawnPty, paused while reading', () => {
  it('keeps output read while paused when the process exits meanwhile', async () => {
    const term = spawnPty(['sh', '-c', "printf 'a'; sleep 0.3; printf '%03000d' 7"], {
      cols: 80,
      rows: 24,
      env: { PATH: process.env.PATH },
    });
    const chunks: Buffer[] = [];
    term.onData((data) => {
      chunks.push(Buffer.isBuffer(data) ? data : Buffer.from(data));
      if (chunks.length === 1) {
        term.pause();
        setTimeout(() => term.resume(), 1_000);
      }
    });
    await new Promise((resolve) => term.onExit(resolve));
    expect(Buffer.concat(chunks).toString()).toBe(`a${'7'.padStart(3000, '0')}`);
  });
});
