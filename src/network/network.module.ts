import { Global, Module } from '@nestjs/common';
import { ContainerAccessFilter } from './container-access-filter';
import { ContainerNetwork } from './container-network';

@Global()
@Module({
  providers: [ContainerNetwork, ContainerAccessFilter],
  exports: [ContainerNetwork, ContainerAccessFilter],
})
export class NetworkModule {}
