import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AppConfig } from '../common/config/app-config';
import { BasicAuthenticator } from './basic-authenticator';
import { BasicAuthGuard } from './basic-auth.guard';
import { CredentialsVerifier } from './credentials-verifier';
import { LoginThrottle } from './login-throttle';

@Global()
@Module({
  providers: [
    CredentialsVerifier,
    { provide: LoginThrottle, useFactory: (config: AppConfig) => new LoginThrottle(config), inject: [AppConfig] },
    BasicAuthenticator,
    { provide: APP_GUARD, useClass: BasicAuthGuard },
  ],
  exports: [BasicAuthenticator],
})
export class AuthModule {}
