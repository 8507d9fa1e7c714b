import { isOriginAllowed } from './origin-policy';

describe('isOriginAllowed', () => {
  it('lets non-browser clients (no Origin) through', () => {
    expect(isOriginAllowed(undefined, 'cm.local:8080', [])).toBe(true);
  });

  it('accepts a page served by the same host, default ports elided', () => {
    expect(isOriginAllowed('http://cm.local:8080', 'cm.local:8080', [])).toBe(true);
    expect(isOriginAllowed('https://CM.local', 'cm.local:443', [])).toBe(true);
  });

  it('refuses other sites, opaque origins and garbage', () => {
    expect(isOriginAllowed('https://evil.example', 'cm.local:8080', [])).toBe(false);
    expect(isOriginAllowed('http://cm.local:9999', 'cm.local:8080', [])).toBe(false);
    expect(isOriginAllowed('null', 'cm.local:8080', [])).toBe(false);
    expect(isOriginAllowed('not a url', 'cm.local:8080', [])).toBe(false);
  });

  it('accepts configured origins, and everything with *', () => {
    expect(isOriginAllowed('https://ide.example', 'cm.local', ['https://ide.example/'])).toBe(true);
    expect(isOriginAllowed('https://ide.example:8443', 'cm.local', ['https://ide.example'])).toBe(false);
    expect(isOriginAllowed('https://any.example', 'cm.local', ['*'])).toBe(true);
  });
});
