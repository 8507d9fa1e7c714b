import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../common/config/app-config';
import { ComposeRunner } from '../compose/compose-runner';
import { MANAGED_LABEL } from '../compose/labels';
import { AddressSet } from './address-set';

const ICC_OPTION = 'com.docker.network.bridge.enable_icc';
const RETRY_MS = 5_000;

interface NetworkInspect {
  Name: string;
  Driver?: string;
  Options?: Record<string, string>;
  IPAM?: { Config?: { Subnet?: string }[] | null };
}

/**
 * The one network every managed container joins (CONTAINER_NETWORK), created once with
 * inter-container traffic disabled so containers cannot reach each other's ports; and the subnets
 * managed containers (and anything on Docker's default bridge) connect from, so the service can
 * refuse them. Learned at boot; retried in the background while the engine does not answer.
 */
@Injectable()
export class ContainerNetwork implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ContainerNetwork');
  private ready: Promise<void> | null = null;
  private retry: NodeJS.Timeout | null = null;
  private sources = new AddressSet([]);

  constructor(
    private readonly compose: ComposeRunner,
    private readonly config: AppConfig,
  ) {}

  get name(): string {
    return this.config.containerNetwork;
  }

  /** Addresses managed containers connect from; empty until the engine has answered once. */
  get containerSources(): AddressSet {
    return this.sources;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureReady().catch((err: Error) => {
      this.logger.warn(`network ${this.name} not ready yet (${err.message}); retrying`);
      this.scheduleRetry();
    });
  }

  onApplicationShutdown(): void {
    if (this.retry) clearTimeout(this.retry);
  }

  /** Resolves once the network exists and its subnets are known; a failure is retried on the next call. */
  ensureReady(): Promise<void> {
    this.ready ??= this.prepare().catch((err: unknown) => {
      this.ready = null;
      throw err;
    });
    return this.ready;
  }

  private scheduleRetry(): void {
    this.retry = setTimeout(() => {
      this.ensureReady().catch(() => this.scheduleRetry());
    }, RETRY_MS);
    this.retry.unref();
  }

  private async prepare(): Promise<void> {
    let network = await this.inspect(this.name);
    if (!network && this.name !== 'bridge') {
      await this.create();
      network = await this.inspect(this.name);
    }
    if (!network) throw new Error(`network ${this.name} could not be created`);
    if (network.Options?.[ICC_OPTION] !== 'false') {
      this.logger.warn(`network ${this.name} lets containers reach each other (${ICC_OPTION} is not false)`);
    }
    const bridge = this.name === 'bridge' ? network : await this.inspect('bridge');
    this.sources = new AddressSet([...subnetsOf(network), ...(bridge ? subnetsOf(bridge) : [])]);
  }

  private async create(): Promise<void> {
    const result = await this.compose.runDocker(
      [
        'network',
        'create',
        '--driver',
        'bridge',
        '--opt',
        `${ICC_OPTION}=false`,
        '--label',
        `${MANAGED_LABEL}=true`,
        '--',
        this.name,
      ],
      { okExitCodes: [1] },
    );
    // Another instance on this host may have created it first: the inspect that follows decides.
    if (result.exitCode !== 0 && !/already exists/i.test(result.stderr)) {
      throw new Error(`docker network create failed: ${result.stderr.trim().split('\n').pop() ?? ''}`);
    }
  }

  private async inspect(name: string): Promise<NetworkInspect | null> {
    const result = await this.compose.runDocker(['network', 'inspect', '--format', '{{json .}}', '--', name], {
      okExitCodes: [1],
      timeoutMs: 30_000,
    });
    if (result.exitCode !== 0) return null;
    return JSON.parse(result.stdout) as NetworkInspect;
  }
}

function subnetsOf(network: NetworkInspect): string[] {
  return (network.IPAM?.Config ?? []).map((c) => c.Subnet ?? '').filter((s) => s !== '');
}
