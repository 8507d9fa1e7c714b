import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const script = path.resolve(__dirname, '../scripts/ensure-env.js');

/** Runs the quick start's credential step with a scratch env file and no APP_PASS in the environment. */
function ensureEnv(envFile: string, extra: Record<string, string> = {}): { stdout: string; status: number | null } {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, ENV_FILE: envFile, ...extra };
  const r = spawnSync(process.execPath, [script], { env, encoding: 'utf8' });
  return { stdout: r.stdout, status: r.status };
}

describe('quick start: first-run credentials (scripts/ensure-env.js)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'cm-env-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a strong APP_PASS into a 0600 env file and prints it exactly once', () => {
    const envFile = path.join(dir, '.env');
    const first = ensureEnv(envFile);
    expect(first.status).toBe(0);
    const saved = /^APP_PASS=(.+)$/m.exec(readFileSync(envFile, 'utf8'))?.[1];
    expect(saved).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(first.stdout).toContain(`password: ${saved}`);
    expect(first.stdout).toContain('user:     admin');
    expect(first.stdout).toContain('URL:      http://localhost:8080');
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    // The rest of the template is kept, so the service reads the same defaults.
    expect(readFileSync(envFile, 'utf8')).toContain('DEFAULT_USER_UID=1000:1000');

    const second = ensureEnv(envFile);
    expect(second.status).toBe(0);
    expect(second.stdout).toBe('');
    expect(/^APP_PASS=(.+)$/m.exec(readFileSync(envFile, 'utf8'))?.[1]).toBe(saved);
  });

  it('fills an empty APP_PASS in an existing file and keeps the operator’s other settings', () => {
    const envFile = path.join(dir, '.env');
    writeFileSync(envFile, 'APP_USER=ops\nAPP_PASS=\nPORT=9090\n');
    const r = ensureEnv(envFile);
    const text = readFileSync(envFile, 'utf8');
    expect(text).toMatch(/^APP_USER=ops$/m);
    expect(text).toMatch(/^PORT=9090$/m);
    expect(text).toMatch(/^APP_PASS=[A-Za-z0-9_-]{32}$/m);
    expect(r.stdout).toContain('user:     ops');
    expect(r.stdout).toContain('http://localhost:9090');
  });

  it('leaves everything alone when APP_PASS comes from the environment or the file', () => {
    const fromEnv = path.join(dir, 'a.env');
    expect(ensureEnv(fromEnv, { APP_PASS: 'operator-chosen' }).stdout).toBe('');
    expect(() => statSync(fromEnv)).toThrow();

    const fromFile = path.join(dir, 'b.env');
    writeFileSync(fromFile, 'APP_USER=admin\nAPP_PASS=already-set\n');
    expect(ensureEnv(fromFile).stdout).toBe('');
    expect(readFileSync(fromFile, 'utf8')).toBe('APP_USER=admin\nAPP_PASS=already-set\n');
  });
});
