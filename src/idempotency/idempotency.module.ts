import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotentRequests } from './idempotent-requests';
import { KeyStore } from './key-store';

/** `Idempotency-Key` on the routes marked @Idempotent(): records in an embedded SQLite store. */
@Module({
  providers: [KeyStore, IdempotentRequests, { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor }],
})
export class IdempotencyModule {}
