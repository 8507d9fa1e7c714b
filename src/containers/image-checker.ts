import { Injectable } from '@nestjs/common';
import { AppConfig } from '../common/config/app-config';
import { AppError, ValidationError } from '../common/errors/app-error';
import { ComposeRunner } from '../compose/compose-runner';
import { registryOf } from './image-registry';
import { ContainersErrorCode } from './containers.errors';

/**
 * Makes sure an image is on the host before a compose file names it. An image the host lacks is
 * pulled only as IMAGE_PULL_POLICY allows: the image field otherwise lets any client make the
 * (root) engine connect to any host, loopback services included.
 */
@Injectable()
export class ImageChecker {
  constructor(
    private readonly compose: ComposeRunner,
    private readonly config: AppConfig,
  ) {}

  async ensureAvailable(image: string): Promise<void> {
    if (await this.isPresent(image)) return;
    this.assertPullAllowed(image);
    try {
      await this.compose.runDocker(['pull', '--quiet', '--', image]);
    } catch (err) {
      if (err instanceof AppError && err.status === 503) throw err;
      throw new ValidationError(
        ContainersErrorCode.IMAGE_NOT_FOUND,
        `Image "${image}" is not available locally and could not be pulled`,
        { field: 'image', image },
      );
    }
  }

  /** Whether the host has the image now (no pull). */
  async isPresent(image: string): Promise<boolean> {
    const local = await this.compose.runDocker(['image', 'inspect', '--format', '{{.Id}}', '--', image], {
      okExitCodes: [1],
      timeoutMs: 30_000,
    });
    return local.exitCode === 0;
  }

  private assertPullAllowed(image: string): void {
    const policy = this.config.imagePullPolicy;
    if (policy === 'always') return;
    if (policy === 'never') {
      throw new ValidationError(
        ContainersErrorCode.IMAGE_NOT_PRESENT,
        `Image "${image}" is not present on this host and this service does not pull images`,
        { field: 'image', image, pull_policy: policy },
      );
    }
    const registry = registryOf(image);
    if (!this.config.imageRegistriesAllowed.includes(registry)) {
      throw new ValidationError(
        ContainersErrorCode.IMAGE_REGISTRY_NOT_ALLOWED,
        `Image "${image}" is not present on this host and registry "${registry}" is not allowed`,
        { field: 'image', image, registry, pull_policy: policy },
      );
    }
  }
}
