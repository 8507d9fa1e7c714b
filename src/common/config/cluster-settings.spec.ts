import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { validateEnvironment } from './environment';

describe('APP_PASS_FILE and the cluster settings', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cm-env-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads APP_PASS from APP_PASS_FILE when APP_PASS is unset, dropping one trailing newline', () => {
    const file = path.join(dir, 'secret');
    writeFileSync(file, 's3cret:with colon\n');
    expect(validateEnvironment({ APP_USER: 'admin', APP_PASS_FILE: file }).APP_PASS).toBe('s3cret:with colon');
    expect(validateEnvironment({ APP_USER: 'admin', APP_PASS: 'given', APP_PASS_FILE: file }).APP_PASS).toBe('given');
  });

  it('stops the boot with a reason, never the path contents, when the file cannot be read or is empty', () => {
    expect(() => validateEnvironment({ APP_USER: 'admin', APP_PASS_FILE: path.join(dir, 'missing') })).toThrow(
      'APP_PASS_FILE cannot be read (ENOENT)',
    );
    const empty = path.join(dir, 'empty');
    writeFileSync(empty, '\n');
    expect(() => validateEnvironment({ APP_USER: 'admin', APP_PASS_FILE: empty })).toThrow('APP_PASS is required');
  });

  it('takes CLUSTER_MODE swarm or empty, and validates the peer list', () => {
    const base = { APP_USER: 'a', APP_PASS: 'b' };
    expect(validateEnvironment(base).CLUSTER_MODE).toBe('');
    expect(
      validateEnvironment({ ...base, CLUSTER_MODE: 'swarm', CLUSTER_PEERS: '127.0.0.1:1, 10.0.0.2:8080' })
        .CLUSTER_PEERS,
    ).toBe('127.0.0.1:1, 10.0.0.2:8080');
    expect(() => validateEnvironment({ ...base, CLUSTER_MODE: 'k8s' })).toThrow('CLUSTER_MODE must be swarm or empty');
    expect(() => validateEnvironment({ ...base, CLUSTER_PEERS: 'no-port' })).toThrow('CLUSTER_PEERS');
  });
});
