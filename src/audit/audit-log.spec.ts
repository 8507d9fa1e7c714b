import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fakeConfig } from '../../test/support/fake-config';
import type { AuditEntry } from './audit-entry';
import { AuditLog } from './audit-log';

const entry = (id: string): AuditEntry => ({
  timestamp: 't',
  request_id: id,
  user: 'admin',
  remote: null,
  method: 'GET',
  path: '/',
  action: null,
  cuid: null,
  status: 200,
  duration_ms: 1,
  compose: [],
});

describe('AuditLog', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'audit-'));
    file = path.join(dir, 'actions.jsonl');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const lines = (): string[] => readFileSync(file, 'utf8').split('\n').filter(Boolean);

  it('cuts a torn last line left by a crash, keeping every complete line', async () => {
    writeFileSync(file, '{"a":1}\n{"b":2}\n{"c":');
    const log = new AuditLog(fakeConfig({ logDir: dir }));
    await log.onModuleInit();
    log.write(entry('after'));
    await log.flush();
    expect(lines().map((l) => JSON.parse(l))).toEqual([
      { a: 1 },
      { b: 2 },
      expect.objectContaining({ request_id: 'after' }),
    ]);
    await log.onApplicationShutdown();
  });

  it('keeps writing to a new file after the old one is rotated away or removed', async () => {
    const log = new AuditLog(fakeConfig({ logDir: dir }));
    await log.onModuleInit();
    log.write(entry('one'));
    await log.flush();
    renameSync(file, `${file}.1`);
    log.write(entry('two'));
    await log.flush();
    expect(lines().map((l) => JSON.parse(l).request_id)).toEqual(['two']);
    rmSync(file);
    log.write(entry('three'));
    await log.flush();
    expect(lines().map((l) => JSON.parse(l).request_id)).toEqual(['three']);
    await log.onApplicationShutdown();
  });

  it('writes many entries as whole lines in order', async () => {
    const log = new AuditLog(fakeConfig({ logDir: dir }));
    await log.onModuleInit();
    for (let i = 0; i < 2000; i += 1) log.write(entry(String(i)));
    await log.flush();
    expect(lines().map((l) => JSON.parse(l).request_id)).toEqual(Array.from({ length: 2000 }, (_, i) => String(i)));
    await log.onApplicationShutdown();
  });
});
