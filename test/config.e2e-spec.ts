import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** The built service refuses to start on a bad configuration with one line that echoes no value. */
describe('configuration at boot', () => {
  const run = (env: Record<string, string>, dotenv = ''): { status: number | null; stderr: string } => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cm-config-'));
    try {
      writeFileSync(path.join(dir, '.env'), dotenv);
      const result = spawnSync(process.execPath, [path.resolve(__dirname, '../dist/main.js')], {
        cwd: dir,
        env: { PATH: process.env.PATH, ...env },
        encoding: 'utf8',
        timeout: 20_000,
      });
      return { status: result.status, stderr: result.stderr };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('refuses to start without APP_PASS, in one line', () => {
    const { status, stderr } = run({ APP_USER: 'admin' });
    expect(status).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^container-manager: failed to start: Invalid configuration: APP_PASS is required/);
  });

  it('reads .env, lets the environment override it, and never echoes a value', () => {
    const { status, stderr } = run({ PORT: '99999' }, 'APP_USER=admin\nAPP_PASS=hunter2-secret\nPORT=8080\n');
    expect(status).toBe(1);
    expect(stderr).toMatch(
      /^container-manager: failed to start: Invalid configuration: PORT must not be greater than 65535/,
    );
    expect(stderr).not.toContain('hunter2-secret');
    expect(stderr).not.toContain('99999');
  });

  it('refuses a malformed DEFAULT_USER_UID', () => {
    const { status, stderr } = run({ APP_USER: 'a', APP_PASS: 'b', DEFAULT_USER_UID: 'root' });
    expect(status).toBe(1);
    expect(stderr).toContain('DEFAULT_USER_UID must look like uid:gid');
  });

  it('refuses a TRUSTED_PROXIES entry that is not an address or CIDR range, without echoing it', () => {
    const { status, stderr } = run({ APP_USER: 'a', APP_PASS: 'b', TRUSTED_PROXIES: '127.0.0.1, proxy.example' });
    expect(status).toBe(1);
    expect(stderr).toContain('TRUSTED_PROXIES must be a comma list of IP addresses or CIDR ranges');
    expect(stderr).not.toContain('proxy.example');
  });
});
