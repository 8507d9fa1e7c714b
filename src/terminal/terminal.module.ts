import { Module } from '@nestjs/common';
import { ContainersModule } from '../containers/containers.module';
import { InContainer } from './in-container';
import { ProcessFactory } from './process-factory';
import { PTY_SPAWN, spawnPty } from './pty-spawn';
import { SessionRegistry } from './session-registry';
import { TerminalServer } from './terminal-server';
import { TerminalSessions } from './terminal-sessions';
import { TerminalUpgrade } from './terminal-upgrade';

/** The `/ws/:cuid` terminal: shell, attach and exec sessions over a WebSocket. */
@Module({
  imports: [ContainersModule],
  providers: [
    { provide: PTY_SPAWN, useValue: spawnPty },
    InContainer,
    ProcessFactory,
    SessionRegistry,
    TerminalUpgrade,
    TerminalSessions,
    TerminalServer,
  ],
})
export class TerminalModule {}
