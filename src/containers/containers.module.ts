import { Module } from '@nestjs/common';
import { ContainerLocks } from './container-locks';
import { ContainersBootstrap } from './containers.bootstrap';
import { ContainersController } from './containers.controller';
import { ContainersService } from './containers.service';
import { ImageChecker } from './image-checker';
import { LifecycleController } from './lifecycle.controller';
import { LifecycleService } from './lifecycle.service';
import { ProjectStore } from './project-store';
import { StateCache } from './state-cache';

@Module({
  controllers: [ContainersController, LifecycleController],
  providers: [
    ContainersService,
    LifecycleService,
    ProjectStore,
    StateCache,
    ImageChecker,
    ContainerLocks,
    ContainersBootstrap,
  ],
  exports: [ContainersService, ContainerLocks, StateCache],
})
export class ContainersModule {}
