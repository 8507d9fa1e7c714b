import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../common/config/app-config';
import { BasicAuthMiddleware } from './basic-auth.middleware';
import { BasicAuthenticator } from './basic-authenticator';
import { CredentialsVerifier } from './credentials-verifier';
import { LoginThrottle } from './login-throttle';

@Global()
@Module({
  providers: [
    CredentialsVerifier,
    { provide: LoginThrottle, useFactory: (config: AppConfig) => new LoginThrottle(config), inject: [AppConfig] },
    BasicAuthenticator,
    BasicAuthMiddleware,
  ],
  exports: [BasicAuthenticator, BasicAuthMiddleware],
})
export class AuthModule {}
