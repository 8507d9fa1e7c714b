import type { IncomingMessage } from 'node:http';
import { BasicStrategy } from 'passport-http';

/** The actions passport attaches to a strategy instance while it authenticates a request. */
interface StrategyActions {
  fail(challenge: string, status: number): void;
  error(err: Error): void;
  success(user: string): void;
}

type Verify = (user: string, pass: string, done: (err: unknown, user?: string | false) => void) => void;

/**
 * passport-http's Basic strategy, except that the credentials split at the first colon (RFC 7617):
 * the stock strategy cuts a password containing `:` short, so such a password could never log in.
 */
export class ColonSafeBasicStrategy extends BasicStrategy {
  constructor(private readonly check: Verify) {
    super(check);
  }

  authenticate(req: IncomingMessage): void {
    const self = this as unknown as StrategyActions;
    const credentials = parseBasicHeader(req.headers.authorization);
    if (!credentials) {
      self.fail('Basic realm="container-manager"', 401);
      return;
    }
    this.check(credentials.user, credentials.pass, (err, user) => {
      if (err) self.error(err as Error);
      else if (!user) self.fail('Basic realm="container-manager"', 401);
      else self.success(user);
    });
  }
}

export function parseBasicHeader(header: string | undefined): { user: string; pass: string } | null {
  if (!header) return null;
  const match = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(header);
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), pass: decoded.slice(colon + 1) };
}
