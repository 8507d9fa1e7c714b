import { isoWithOffset } from '../common/time';
import type { ContainerSpec } from './container.types';

export interface LifetimeFields {
  ttl_s?: number | null;
  idle_stop_s?: number | null;
}

type Lifetimes = Required<Pick<ContainerSpec, 'ttl_s' | 'expires_at' | 'idle_stop_s'>>;

/** A create's lifetimes: the TTL counts from the creation time. */
export function lifetimesOnCreate(dto: LifetimeFields, createdAt: string): Lifetimes {
  const ttl = dto.ttl_s ?? null;
  return { ttl_s: ttl, expires_at: deadline(createdAt, ttl), idle_stop_s: dto.idle_stop_s ?? null };
}

/** A PATCH's lifetimes: a ttl_s it sets counts from now, null removes; a field it omits stays as it was. */
export function lifetimesOnUpdate(prev: ContainerSpec, dto: LifetimeFields, now: string): Lifetimes {
  return {
    ttl_s: dto.ttl_s === undefined ? (prev.ttl_s ?? null) : dto.ttl_s,
    expires_at: dto.ttl_s === undefined ? (prev.expires_at ?? null) : deadline(now, dto.ttl_s),
    idle_stop_s: dto.idle_stop_s === undefined ? (prev.idle_stop_s ?? null) : dto.idle_stop_s,
  };
}

function deadline(from: string, seconds: number | null): string | null {
  return seconds === null ? null : isoWithOffset(new Date(Date.parse(from) + seconds * 1000));
}
