import { Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { Authenticator } from 'passport';
import { VerifiedHeaders } from './verified-headers';
import { AuthError, RateLimitedError } from '../common/errors/app-error';
import { ClientAddress } from '../common/http/client-address';
import { ColonSafeBasicStrategy, parseBasicHeader } from './basic-strategy';
import { CredentialsVerifier } from './credentials-verifier';
import { LoginThrottle } from './login-throttle';
import { CommonErrorCode } from '../common/errors/error-codes';

/** Why a request was refused, and the user name it claimed (for the audit log; never the password). */
export class AuthFailure extends Error {
  constructor(
    readonly error: AuthError | RateLimitedError,
    readonly attemptedUser: string | null,
  ) {
    super(error.message);
  }
}

/**
 * The one credential check, for HTTP requests and WebSocket upgrades alike. Runs passport's Basic
 * strategy on the raw request and applies the per-(address, user name) throttle around it. A
 * request without credentials is simply asked for them: it never counts as a failed login, so
 * anonymous traffic cannot lock anybody out.
 */
@Injectable()
export class BasicAuthenticator {
  private readonly passport = new Authenticator();
  private readonly verified = new VerifiedHeaders();

  constructor(
    verifier: CredentialsVerifier,
    private readonly throttle: LoginThrottle,
    private readonly clientAddress: ClientAddress,
  ) {
    this.passport.use(
      'basic',
      new ColonSafeBasicStrategy((user, pass, done) => done(null, verifier.verify(user, pass) ? user : false)),
    );
  }

  /** Resolves with the user name, or rejects with an AuthFailure. */
  authenticate(req: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      this.authenticateThen(req, (failure, user) => (failure ? reject(failure) : resolve(user)));
    });
  }

  /**
   * The same check, calling `done` at once when it can (a refusal, or a header that passed before:
   * nearly every request of a keep-alive client) and after the strategy otherwise. The HTTP chain
   * uses this form: a promise per request is a microtask and a context switch on the hottest path.
   */
  authenticateThen(req: IncomingMessage, done: (failure: AuthFailure | null, user: string) => void): void {
    const attemptedUser = attemptedUserOf(req);
    if (attemptedUser === null) {
      const error = new AuthError(CommonErrorCode.AUTH_REQUIRED, 'Basic authentication required');
      return done(new AuthFailure(error, null), '');
    }
    const address = this.clientAddress.of(req);
    const retryAfter = this.throttle.retryAfterS(address, attemptedUser);
    if (retryAfter > 0) return done(new AuthFailure(new RateLimitedError(retryAfter), attemptedUser), '');
    // The very header that passed before passes again without the strategy (the throttle above still
    // applies); a header never seen to pass takes the full check.
    const header = req.headers.authorization ?? '';
    const known = this.verified.userOf(header);
    if (known !== null) {
      this.throttle.recordSuccess(address, attemptedUser);
      return done(null, known);
    }
    const middleware = this.passport.authenticate(
      'basic',
      { session: false },
      (err: unknown, user: string | false | undefined) => {
        if (!err && typeof user === 'string') {
          this.throttle.recordSuccess(address, attemptedUser);
          this.verified.add(header, user);
          return done(null, user);
        }
        this.throttle.recordFailure(address, attemptedUser);
        const error = new AuthError(CommonErrorCode.INVALID_CREDENTIALS, 'Invalid username or password');
        done(new AuthFailure(error, attemptedUser), '');
      },
    ) as (req: unknown, res: unknown, next: unknown) => void;
    middleware(req, {}, () => undefined);
  }
}

/** The claimed user name, or null when the request carries no parseable Basic credentials. */
function attemptedUserOf(req: IncomingMessage): string | null {
  const user = parseBasicHeader(req.headers.authorization)?.user;
  // Only a bounded, printable name goes to the audit log and the throttle: it is attacker-controlled text.
  return user === undefined ? null : user.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);
}
