import { Global, Module } from '@nestjs/common';
import { IdempotentRequests } from './idempotent-requests';
import { KeyStore } from './key-store';

/**
 * `Idempotency-Key` on the routes marked @Idempotent(): records in an embedded SQLite store. Global,
 * because @Idempotent() puts its interceptor on routes of other modules, which build it with this store.
 */
@Global()
@Module({
  providers: [KeyStore, IdempotentRequests],
  exports: [IdempotentRequests],
})
export class IdempotencyModule {}
