import { Global, Module } from '@nestjs/common';
import { ChildWatchdog } from './child-watchdog';
import { ComposeRunner } from './compose-runner';
import { ProcessRunner } from './process-runner';
import { ProjectPaths } from './project-paths';

@Global()
@Module({
  providers: [ChildWatchdog, ProcessRunner, ProjectPaths, ComposeRunner],
  // ProcessRunner stays private: only ComposeRunner starts docker processes.
  exports: [ProjectPaths, ComposeRunner],
})
export class ComposeModule {}
