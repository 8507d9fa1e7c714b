import type { Writable } from 'node:stream';
import type { ProcessInput } from './terminal-process';

/** Input through a child's stdin pipe: what waits is the stream's own buffer, freed when the pipe closes. */
export function streamInput(stream: Writable | null | undefined): ProcessInput {
  const drained: (() => void)[] = [];
  const notify = (): void => drained.forEach((listener) => listener());
  // A process that exits or closes its stdin makes the next write fail with EPIPE: nothing to report.
  stream?.on('error', () => undefined);
  stream?.on('drain', notify);
  stream?.once('close', () => {
    notify();
    drained.length = 0;
  });
  return {
    write: (data) => {
      if (stream?.writable) stream.write(data);
    },
    get queuedBytes() {
      return stream && !stream.destroyed ? stream.writableLength : 0;
    },
    onDrained: (listener) => drained.push(listener),
  };
}
