#!/usr/bin/env node
'use strict';
/*
 * First-run credentials: when no APP_PASS is configured (neither in the environment nor in the env
 * file), generates a strong one into the env file (created from .env.example, mode 0600) and prints the
 * user, the password and the URL once, on this terminal only. The service itself never prints or
 * audits the password; this script is the single place it is shown.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const envFile = path.resolve(root, process.env.ENV_FILE || '.env');

function parse(text) {
  const values = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) values[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return values;
}

function main() {
  if (process.env.APP_PASS) return;
  const existing = fs.existsSync(envFile) ? fs.readFileSync(envFile, 'utf8') : null;
  if (existing !== null && parse(existing).APP_PASS) return;

  const template = existing ?? fs.readFileSync(path.join(root, '.env.example'), 'utf8');
  // base64url of 24 random bytes: 192 bits, no characters that need quoting in .env or a URL.
  const pass = crypto.randomBytes(24).toString('base64url');
  const body = /^\s*APP_PASS\s*=.*$/m.test(template)
    ? template.replace(/^\s*APP_PASS\s*=.*$/m, `APP_PASS=${pass}`)
    : `${template.replace(/\n?$/, '\n')}APP_PASS=${pass}\n`;
  const tmp = `${envFile}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, body, { mode: 0o600, flag: 'wx' });
  fs.renameSync(tmp, envFile);
  fs.chmodSync(envFile, 0o600);

  const values = { ...parse(body), ...process.env };
  const user = values.APP_USER || 'admin';
  const host = !values.HOST || values.HOST === '0.0.0.0' || values.HOST === '::' ? 'localhost' : values.HOST;
  const port = values.PORT || '8080';
  process.stdout.write(
    [
      '',
      `[setup] generated credentials into ${path.relative(process.cwd(), envFile) || envFile} (mode 0600); shown once:`,
      `  URL:      http://${host}:${port}`,
      `  user:     ${user}`,
      `  password: ${pass}`,
      '',
    ].join('\n') + '\n',
  );
}

main();
