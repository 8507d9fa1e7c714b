import { Injectable } from '@nestjs/common';
import { AppError, ValidationError } from '../common/errors/app-error';
import { ComposeRunner } from '../compose/compose-runner';

/** Makes sure an image is on the host before a compose file names it: local first, then one pull. */
@Injectable()
export class ImageChecker {
  constructor(private readonly compose: ComposeRunner) {}

  async ensureAvailable(image: string): Promise<void> {
    const local = await this.compose.runDocker(['image', 'inspect', '--format', '{{.Id}}', '--', image], {
      okExitCodes: [1],
      timeoutMs: 30_000,
    });
    if (local.exitCode === 0) return;
    try {
      await this.compose.runDocker(['pull', '--quiet', '--', image]);
    } catch (err) {
      if (err instanceof AppError && err.status === 503) throw err;
      throw new ValidationError(
        'IMAGE_NOT_FOUND',
        `Image "${image}" is not available locally and could not be pulled`,
        {
          field: 'image',
          image,
        },
      );
    }
  }
}
