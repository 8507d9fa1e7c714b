import type { Readable } from 'node:stream';
import type { CentralDirectory } from 'unzipper';

// @types/unzipper omits the options unzipper's Open.custom takes; only the one used here is declared.
declare module 'unzipper' {
  namespace Open {
    function custom(
      source: {
        size: () => Promise<number>;
        stream: (offset: number, length: number) => Readable;
      },
      options: { tailSize?: number },
    ): Promise<CentralDirectory>;
  }
}
