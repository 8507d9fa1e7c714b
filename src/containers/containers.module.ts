import { Module } from '@nestjs/common';
import { ContainerLocks } from './container-locks';
import { ContainerViews } from './container-views';
import { ContainersBootstrap } from './containers.bootstrap';
import { ContainersController } from './containers.controller';
import { ContainersService } from './containers.service';
import { TreeRemover } from '../common/fs/tree-remover';
import { CreateOrResume } from './create-or-resume';
import { ImageChecker } from './image-checker';
import { LeftoverSweeper } from './leftover-sweeper';
import { LifecycleController } from './lifecycle.controller';
import { LifecycleService } from './lifecycle.service';
import { ProjectStore } from './project-store';
import { StateCache } from './state-cache';
import { AppUsage } from './app-usage';
import { ResourcePolicy } from './resource-policy';
import { TreeMeter } from './tree-meter';

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
    LeftoverSweeper,
    TreeRemover,
    ResourcePolicy,
    AppUsage,
    TreeMeter,
    CreateOrResume,
    ContainerViews,
  ],
  exports: [ContainersService, ContainerLocks, ContainerViews, LifecycleService, ProjectStore, StateCache],
})
export class ContainersModule {}
