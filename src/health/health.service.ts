import { Injectable } from '@nestjs/common';
import { AppError, UnavailableError } from '../common/errors/app-error';
import { ComposeRunner } from '../compose/compose-runner';
import { ComposeErrorCode } from '../compose/compose.errors';

const PROBE_TIMEOUT_MS = 4_000;

export interface Health {
  status: 'ok';
  compose_version: string;
  docker_version: string;
  uptime_s: number;
}

/**
 * Asks the CLI and the engine for their versions, bounded so /healthz answers within 5 s. Other
 * modules may add a section of their own (the cluster's membership).
 */
@Injectable()
export class HealthService {
  private readonly startedAt = Date.now();
  private readonly sections = new Map<string, () => unknown>();

  constructor(private readonly compose: ComposeRunner) {}

  addSection(name: string, read: () => unknown): void {
    this.sections.set(name, read);
  }

  async check(): Promise<Health> {
    const [composeVersion, dockerVersion] = await Promise.all([
      this.probe(['version', '--short'], (args, o) => this.compose.runGlobal(args, o)),
      this.probe(['version', '--format', '{{.Server.Version}}'], (args, o) => this.compose.runDocker(args, o)),
    ]);
    const health: Health & Record<string, unknown> = {
      status: 'ok',
      compose_version: composeVersion,
      docker_version: dockerVersion,
      uptime_s: Math.floor((Date.now() - this.startedAt) / 1000),
    };
    for (const [name, read] of this.sections) health[name] = read();
    return health;
  }

  private async probe(
    args: string[],
    run: (args: string[], options: { timeoutMs: number }) => Promise<{ stdout: string }>,
  ): Promise<string> {
    try {
      return (await run(args, { timeoutMs: PROBE_TIMEOUT_MS })).stdout.trim();
    } catch (err) {
      const stderr = err instanceof AppError ? err.details.stderr : undefined;
      throw new UnavailableError(ComposeErrorCode.DOCKER_UNAVAILABLE, 'The Docker engine is not reachable', {
        ...(stderr ? { stderr } : {}),
        ...(err instanceof AppError ? { cause: err.code } : {}),
      });
    }
  }
}
