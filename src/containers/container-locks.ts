import { Injectable } from '@nestjs/common';
import { KeyedMutex } from '../common/keyed-mutex';

const PORTS = '\0ports';

/**
 * Serialises multi-step operations on one container (lifecycle, update, delete, upload), and the
 * check-then-write of host ports across all containers, so two requests cannot both take a port.
 */
@Injectable()
export class ContainerLocks {
  private readonly mutex = new KeyedMutex();

  forContainer<T>(cuid: string, fn: () => Promise<T>): Promise<T> {
    return this.mutex.runExclusive(cuid, fn);
  }

  forPorts<T>(fn: () => Promise<T>): Promise<T> {
    return this.mutex.runExclusive(PORTS, fn);
  }
}
