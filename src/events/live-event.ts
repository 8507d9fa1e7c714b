export const CONTAINER_EVENT_TYPES = [
  'created',
  'started',
  'died',
  'oom',
  'paused',
  'unpaused',
  'restarting',
  'destroyed',
  'health',
] as const;
export const EVENT_TYPES = [...CONTAINER_EVENT_TYPES, 'action'] as const;
export type LiveEventType = (typeof EVENT_TYPES)[number];

/** One numbered event of `/events`: a container state change or a finished API action. */
export interface LiveEvent {
  id: number;
  type: LiveEventType;
  /** ISO 8601 with offset. */
  time: string;
  cuid: string | null;
  [field: string]: unknown;
}

export type NewLiveEvent = Omit<LiveEvent, 'id'>;
