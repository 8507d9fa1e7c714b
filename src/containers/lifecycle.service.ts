import { Injectable } from '@nestjs/common';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { StateError } from '../common/errors/app-error';
import { ComposeRunner } from '../compose/compose-runner';
import { UP_ARGS } from './compose-verbs';
import { ProjectPaths } from '../compose/project-paths';
import { ContainerNetwork } from '../network/container-network';
import { ContainerLocks } from './container-locks';
import type { Container, ContainerSpec, ContainerStatus } from './container.types';
import { ContainersService } from './containers.service';
import { asBindFailure } from './port-rules';
import { StateCache } from './state-cache';
import { ContainersErrorCode } from './containers.errors';
import { CommonErrorCode } from '../common/errors/error-codes';

export type Action = 'start' | 'stop' | 'restart' | 'pause' | 'unpause';

const DEFAULT_STOP_TIMEOUT_S = 10;

/** What a transition left: the status it produced, and the engine event that shows it (null: it ran nothing). */
interface Outcome {
  status: ContainerStatus;
  event: string | null;
}

const unchanged = (status: ContainerStatus): Outcome => ({ status, event: null });

/**
 * The state machine: start/stop are idempotent, pause needs running, unpause needs paused; every
 * transition runs under the container's lock and answers with the state Docker reports afterwards.
 */
@Injectable()
export class LifecycleService {
  constructor(
    private readonly containers: ContainersService,
    private readonly compose: ComposeRunner,
    private readonly cache: StateCache,
    private readonly paths: ProjectPaths,
    private readonly locks: ContainerLocks,
    private readonly network: ContainerNetwork,
  ) {}

  async run(cuid: string, action: Action, stopTimeoutS = DEFAULT_STOP_TIMEOUT_S): Promise<Container> {
    this.containers.requireSpec(cuid);
    return this.locks.forContainer(cuid, async () => {
      const spec = this.containers.requireSpec(cuid);
      const status: ContainerStatus = (await this.cache.current(cuid))?.status ?? 'created';
      const mark = this.cache.mark();
      const done = await this.transition(spec, status, action, stopTimeoutS);
      // The answer is Docker's status after the command: from the event the command caused, or
      // (when it ran none, or the stream cannot tell) from a fresh inspect.
      const settled =
        done.event === null
          ? await this.cache.settledStatus(cuid, done.status)
          : await this.cache.statusAfter(cuid, mark, done.event, done.status);
      return this.containers.view(spec, settled);
    });
  }

  /** Runs one action from `status`. */
  private async transition(
    spec: ContainerSpec,
    status: ContainerStatus,
    action: Action,
    stopTimeoutS: number,
  ): Promise<Outcome> {
    switch (action) {
      case 'start':
        return this.start(spec, status);
      case 'stop':
        return this.stop(spec, status, stopTimeoutS);
      case 'restart':
        if (status === 'paused') throw paused(action);
        await this.stop(spec, status, stopTimeoutS);
        return this.start(spec, 'stopped');
      case 'pause':
        if (status !== 'running') {
          throw new StateError(CommonErrorCode.CONTAINER_NOT_RUNNING, `Cannot pause a container that is ${status}`, {
            status,
          });
        }
        await this.compose.run(spec.cuid, ['pause']);
        return { status: 'paused', event: 'pause' };
      case 'unpause':
        if (status !== 'paused') {
          throw new StateError(
            ContainersErrorCode.CONTAINER_NOT_PAUSED,
            `Cannot unpause a container that is ${status}`,
            { status },
          );
        }
        await this.compose.run(spec.cuid, ['unpause']);
        return { status: 'running', event: 'unpause' };
    }
  }

  private async start(spec: ContainerSpec, status: ContainerStatus): Promise<Outcome> {
    if (status === 'running' || status === 'restarting') return unchanged(status);
    if (status === 'paused') throw paused('start');
    if (spec.command === null && !(await this.hasBootScript(spec.cuid))) {
      throw new StateError(
        ContainersErrorCode.BOOT_SCRIPT_MISSING,
        'Upload /app/boot.py before starting this container',
        {
          path: '/app/boot.py',
        },
      );
    }
    await this.network.ensureReady();
    try {
      // `up` (not `start`) so a spec changed while stopped takes effect now, and a container lost
      // with the engine's state is created again.
      await this.compose.run(spec.cuid, UP_ARGS);
    } catch (err) {
      throw asBindFailure(err, spec.ports);
    }
    return { status: 'running', event: 'start' };
  }

  private async stop(spec: ContainerSpec, status: ContainerStatus, timeoutS: number): Promise<Outcome> {
    if (status === 'created' || status === 'stopped' || status === 'dead') return unchanged(status);
    if (status === 'paused') await this.compose.run(spec.cuid, ['unpause']);
    try {
      await this.compose.run(spec.cuid, ['stop', '-t', String(timeoutS)], { timeoutMs: (timeoutS + 60) * 1000 });
    } catch (err) {
      // A paused container that could not be stopped goes back to paused, as it was.
      if (status === 'paused') await this.compose.run(spec.cuid, ['pause']).catch(() => undefined);
      throw err;
    }
    return { status: 'stopped', event: 'stop' };
  }

  /** A regular file, not a symlink: the check must not follow a link the container planted. */
  private async hasBootScript(cuid: string): Promise<boolean> {
    const stat = await fs.lstat(path.join(this.paths.appDir(cuid), 'boot.py')).catch(() => null);
    return stat?.isFile() ?? false;
  }
}

function paused(action: Action): StateError {
  return new StateError(ContainersErrorCode.CONTAINER_PAUSED, `Cannot ${action} a paused container; unpause it first`, {
    status: 'paused',
  });
}
