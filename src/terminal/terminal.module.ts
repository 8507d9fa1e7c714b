import { Module } from '@nestjs/common';
import { ContainersModule } from '../containers/containers.module';
import { InContainer } from './in-container';
import { JsonTextFrames } from './json-text-frames';
import { ProcessFactory } from './process-factory';
import { SessionRegistry } from './session-registry';
import { TerminalSessions } from './terminal-sessions';
import { TerminalUpgrade } from './terminal-upgrade';
import { TerminalUpgradeRouter } from './terminal-upgrade-router';

/** The `/ws/:cuid` terminal: shell, attach and exec sessions over a WebSocket. */
@Module({
  imports: [ContainersModule],
  providers: [
    InContainer,
    JsonTextFrames,
    ProcessFactory,
    SessionRegistry,
    TerminalUpgrade,
    TerminalSessions,
    TerminalUpgradeRouter,
  ],
  exports: [TerminalUpgradeRouter, SessionRegistry],
})
export class TerminalModule {}
