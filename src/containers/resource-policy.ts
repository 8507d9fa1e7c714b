import { Injectable } from '@nestjs/common';
import { AppConfig } from '../common/config/app-config';
import { ValidationError } from '../common/errors/app-error';
import { parseMemorySize } from '../common/units';
import type { Resources } from './container.types';
import { hostCpuCount } from './dto/spec-rules';
import { ContainersErrorCode } from './containers.errors';

type Field = keyof Resources;
const FIELDS: Field[] = ['cpus', 'memory', 'pids'];

/**
 * The operator's limits policy: a create that omits a limit gets DEFAULT_*, nothing may ask for more
 * than MAX_*, and an update's `null` puts a limit back to its default rather than lifting it, so
 * no container runs unbounded unless the operator configured no default.
 */
@Injectable()
export class ResourcePolicy {
  constructor(private readonly config: AppConfig) {}

  forCreate(requested: Resources | undefined): Resources {
    const asked = requested ?? {};
    this.assertWithinMax(asked);
    return this.withDefaults(asked);
  }

  forUpdate(current: Resources, patch: Partial<Record<Field, unknown>> | undefined): Resources {
    if (!patch) return current;
    const asked = stripUndefined(Object.fromEntries(FIELDS.map((f) => [f, patch[f] === null ? undefined : patch[f]])));
    this.assertWithinMax(asked);
    const merged: Resources = { ...current, ...asked };
    const defaults = this.defaults();
    for (const field of FIELDS) {
      if (patch[field] !== null) continue;
      if (defaults[field] === undefined) delete merged[field];
      else Object.assign(merged, { [field]: defaults[field] });
    }
    return merged;
  }

  private withDefaults(asked: Resources): Resources {
    return { ...this.defaults(), ...stripUndefined({ ...asked }) };
  }

  /** DEFAULT_CPUS never above what this host has: the request validator would refuse it otherwise. */
  private defaults(): Resources {
    const defaults = { ...this.config.defaultResources };
    if (defaults.cpus !== undefined) defaults.cpus = Math.min(defaults.cpus, hostCpuCount());
    return defaults;
  }

  private assertWithinMax(asked: Resources): void {
    const max = this.config.maxResources;
    if (asked.cpus !== undefined && max.cpus !== undefined && asked.cpus > max.cpus) tooMuch('cpus', max.cpus);
    if (asked.pids !== undefined && max.pids !== undefined && asked.pids > max.pids) tooMuch('pids', max.pids);
    if (asked.memory !== undefined && max.memory !== undefined) {
      const bytes = parseMemorySize(asked.memory)?.bytes ?? 0;
      if (bytes > (parseMemorySize(max.memory)?.bytes ?? Infinity)) tooMuch('memory', max.memory);
    }
  }
}

function tooMuch(field: Field, max: number | string): never {
  throw new ValidationError(
    ContainersErrorCode.RESOURCE_ABOVE_MAX,
    `resources.${field} is above the maximum this service allows (${max})`,
    {
      field: `resources.${field}`,
      max,
    },
  );
}

function stripUndefined(value: Record<string, unknown>): Resources {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
