import { SecretRedactor } from './secret-redactor';

describe('SecretRedactor', () => {
  const redactor = new SecretRedactor('admin', 's3cret:pa$$');

  it('masks every occurrence of the configured password', () => {
    expect(redactor.redact('login s3cret:pa$$ failed; again s3cret:pa$$')).toBe(
      'login [REDACTED] failed; again [REDACTED]',
    );
  });

  it('masks the Basic token built from the credentials, even without its scheme', () => {
    const token = Buffer.from('admin:s3cret:pa$$').toString('base64');
    expect(redactor.redact(`header was ${token}`)).toBe('header was [REDACTED]');
  });

  it("masks any Authorization-style credential, someone else's included", () => {
    expect(redactor.redact('authorization: Basic Z3Vlc3M6d3Jvbmc= from 10.0.0.1')).toBe(
      'authorization: Basic [REDACTED] from 10.0.0.1',
    );
    expect(redactor.redact('Bearer abc.def-ghi')).toBe('Bearer [REDACTED]');
  });

  it('leaves text without secrets alone', () => {
    expect(redactor.redact('Container Manager listening on http://127.0.0.1:8080')).toBe(
      'Container Manager listening on http://127.0.0.1:8080',
    );
  });
});
