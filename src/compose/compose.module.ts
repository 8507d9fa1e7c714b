import { Global, Module } from '@nestjs/common';
import { ChildWatchdog } from './child-watchdog';
import { ComposeRunner } from './compose-runner';
import { CONTAINER_ENGINE } from './container-engine';
import { DockerEngine } from './docker-engine';
import { ProcessRunner } from './process-runner';
import { ProjectPaths } from './project-paths';

@Global()
@Module({
  providers: [
    ChildWatchdog,
    ProcessRunner,
    ProjectPaths,
    ComposeRunner,
    DockerEngine,
    { provide: CONTAINER_ENGINE, useExisting: DockerEngine },
  ],
  // ProcessRunner stays private: only ComposeRunner starts docker processes.
  exports: [ProjectPaths, ComposeRunner, CONTAINER_ENGINE],
})
export class ComposeModule {}
