import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

describe('AuditLog rotation', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'audit-rot-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('rotates by size into .1 (newest) … .N, keeps N files and never splits a line', async () => {
    const maxBytes = 4096;
    const log = new AuditLog(fakeConfig({ logDir: dir, auditRotation: { maxBytes, maxFiles: 3 } }));
    await log.onModuleInit();
    for (let i = 0; i < 200; i += 1) log.write(entry(String(i)));
    await log.flush();
    await log.onApplicationShutdown();
    const names = readdirSync(dir).sort();
    expect(names).toEqual(['actions.jsonl', 'actions.jsonl.1', 'actions.jsonl.2', 'actions.jsonl.3']);
    const ids = (name: string): number[] =>
      readFileSync(path.join(dir, name), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => Number((JSON.parse(l) as AuditEntry).request_id));
    for (const name of names) expect(statSync(path.join(dir, name)).size).toBeLessThanOrEqual(maxBytes);
    // Newest entries in the live file, then .1, .2, .3: one unbroken, ordered run ending at the last entry.
    const run = [
      ...ids('actions.jsonl.3'),
      ...ids('actions.jsonl.2'),
      ...ids('actions.jsonl.1'),
      ...ids('actions.jsonl'),
    ];
    expect(run.at(-1)).toBe(199);
    expect(run).toEqual(Array.from({ length: run.length }, (_, i) => 200 - run.length + i));
  });
});
