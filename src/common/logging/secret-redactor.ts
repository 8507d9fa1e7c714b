const MASK = '[REDACTED]';
// Any credential in the shape of an Authorization header value, whoever's it is.
const AUTH_SCHEME = /\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]{4,}/gi;

/**
 * The last line of defence: nothing should pass a secret to the logger, but if a message ever does
 * (an error quoting a header, a library echoing its input) the configured password, the Basic token
 * built from it and any Authorization-style credential are masked before the line is written.
 */
export class SecretRedactor {
  private readonly secrets: string[];

  constructor(user: string, pass: string) {
    const token = Buffer.from(`${user}:${pass}`).toString('base64');
    // Longest first, so a secret containing another is masked whole.
    this.secrets = [pass, token].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join(MASK);
    return out.replace(AUTH_SCHEME, `$1 ${MASK}`);
  }
}
