import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AppConfig } from './config/app-config';
import { validateEnvironment } from './config/environment';
import { ErrorFilter } from './errors/error.filter';
import { ClientAddress } from './http/client-address';
import { ContentTypeGuard } from './http/content-type.guard';
import { createValidationPipe } from './http/validation-pipe';
import { RequestContext } from './request-context';

@Global()
@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      cache: true,
      envFilePath: process.env.ENV_FILE ?? '.env',
      validate: validateEnvironment,
    }),
  ],
  providers: [
    AppConfig,
    RequestContext,
    ClientAddress,
    { provide: APP_GUARD, useClass: ContentTypeGuard },
    { provide: APP_FILTER, useClass: ErrorFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
  ],
  exports: [AppConfig, RequestContext, ClientAddress],
})
export class CommonModule {}
