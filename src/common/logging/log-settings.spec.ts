import { validateEnvironment } from '../config/environment';

describe('LOG_LEVEL and LOG_FORMAT validation', () => {
  const base = { APP_USER: 'admin', APP_PASS: 'x' };

  it('defaults to log and to a format chosen from NODE_ENV', () => {
    expect(validateEnvironment(base)).toMatchObject({ LOG_LEVEL: 'log', LOG_FORMAT: '' });
  });

  it('accepts every documented level and both formats', () => {
    for (const LOG_LEVEL of ['error', 'warn', 'log', 'debug', 'verbose']) {
      expect(validateEnvironment({ ...base, LOG_LEVEL, LOG_FORMAT: 'text' }).LOG_LEVEL).toBe(LOG_LEVEL);
    }
  });

  it('refuses anything else with a reason that does not echo the value', () => {
    expect(() => validateEnvironment({ ...base, LOG_LEVEL: 'trace-me' })).toThrow(
      /LOG_LEVEL must be one of error, warn, log, debug, verbose/,
    );
    expect(() => validateEnvironment({ ...base, LOG_FORMAT: 'xml-me' })).toThrow(/LOG_FORMAT must be json or text/);
    expect(() => validateEnvironment({ ...base, LOG_LEVEL: 'trace-me' })).not.toThrow(/trace-me/);
  });
});
