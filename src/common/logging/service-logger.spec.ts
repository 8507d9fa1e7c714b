import type { LogLevel } from '@nestjs/common';
import { RequestContext } from '../request-context';
import { LOG_LEVELS, type LogThreshold } from './log-levels';
import type { LogFormat } from './log-line';
import { SecretRedactor } from './secret-redactor';
import { ServiceLogger } from './service-logger';

const PASS = 'p4ss-w0rd!';

function setup(threshold: LogThreshold = 'verbose', opts: { format?: LogFormat; stacks?: boolean } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const requests = new RequestContext();
  const logger = new ServiceLogger(
    {
      threshold,
      format: opts.format ?? 'json',
      stacks: opts.stacks ?? false,
      redactor: new SecretRedactor('admin', PASS),
    },
    requests,
    { stdout: (l) => out.push(l), stderr: (l) => err.push(l) },
  );
  const records = (): Record<string, unknown>[] =>
    [...out, ...err].map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, out, err, requests, records };
}

const ALL: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

describe('ServiceLogger', () => {
  it.each(LOG_LEVELS.map((t) => [t]))('LOG_LEVEL=%s writes that level and the more severe ones only', (threshold) => {
    const { logger, records } = setup(threshold);
    for (const level of ALL) logger[level](`at ${level}`, 'Test');
    const expected = ALL.slice(0, ALL.indexOf(threshold) + 1);
    expect(
      records()
        .map((r) => r.level)
        .sort(),
    ).toEqual([...expected].sort());
  });

  it('writes one JSON object per line with time (ISO with offset), level, context and msg', () => {
    const { logger, out } = setup();
    logger.log('first\nsecond', 'Bootstrap');
    expect(out).toHaveLength(1);
    expect(out[0]!.endsWith('\n')).toBe(true);
    expect(out[0]!.trimEnd().includes('\n')).toBe(false);
    const record = JSON.parse(out[0]!) as Record<string, unknown>;
    expect(record).toEqual({ time: expect.any(String), level: 'log', context: 'Bootstrap', msg: 'first\nsecond' });
    expect(record.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/);
  });

  it('sends error and fatal to stderr, the rest to stdout', () => {
    const { logger, out, err } = setup();
    logger.warn('w', 'T');
    logger.error('e', undefined, 'T');
    logger.fatal('f', 'T');
    expect(out.map((l) => (JSON.parse(l) as { level: string }).level)).toEqual(['warn']);
    expect(err.map((l) => (JSON.parse(l) as { level: string }).level)).toEqual(['error', 'fatal']);
  });

  it('adds the request id inside a request, across awaits, and not outside', async () => {
    const { logger, requests, records } = setup();
    logger.log('outside', 'T');
    await requests.run({ requestId: 'req-42', startedAt: 0, compose: [] }, async () => {
      await new Promise((r) => setImmediate(r));
      logger.warn('inside', 'T');
    });
    const [outside, inside] = records();
    expect(outside).not.toHaveProperty('request_id');
    expect(inside).toMatchObject({ msg: 'inside', request_id: 'req-42' });
  });

  it('writes error name and message, and the stack only when stacks are on', () => {
    const boom = new Error('disk gone');
    const prod = setup('log', { stacks: false });
    prod.logger.error(boom.stack, undefined, 'AuditLog');
    expect(prod.records()[0]).toMatchObject({
      msg: 'Error: disk gone',
      error: { name: 'Error', message: 'disk gone' },
    });
    expect(prod.err.join('')).not.toContain(' at ');
    const dev = setup('log', { stacks: true });
    dev.logger.error(boom, 'AuditLog');
    expect(dev.records()[0]).toMatchObject({ error: { name: 'Error', message: 'disk gone', stack: boom.stack } });
  });

  it('masks the configured password and credentials wherever they appear', () => {
    const { logger, requests, out, err } = setup();
    const token = Buffer.from(`admin:${PASS}`).toString('base64');
    requests.run({ requestId: PASS, startedAt: 0, compose: [] }, () => {
      logger.log(`env APP_PASS=${PASS}`, `ctx-${PASS}`);
      logger.warn(`Authorization: Basic ${token}`, 'T');
      logger.error(new Error(`bad password ${PASS}`), 'T');
    });
    const text = [...out, ...err].join('');
    expect(text).not.toContain(PASS);
    expect(text).not.toContain(token);
    expect(text).toContain('[REDACTED]');
    expect(text.split('\n').filter(Boolean)).toHaveLength(3);
  });

  it('writes readable text lines when the format is text', () => {
    const { logger, out } = setup('log', { format: 'text' });
    logger.log('listening', 'Bootstrap');
    expect(out[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+ LOG {5}\[Bootstrap\] listening\n$/);
  });
});
