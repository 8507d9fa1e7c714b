/**
 * Shapes of the live streams (`GET /events`, `GET /containers/{cuid}/logs` as SSE). OpenAPI cannot
 * type the messages of an event stream, so these are written by hand from the service's source.
 */
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
export type LiveEventType = (typeof CONTAINER_EVENT_TYPES)[number] | 'action';

/** One numbered event: a container state change or a finished API action. */
export interface LiveEvent {
  id: number;
  type: LiveEventType;
  /** ISO 8601 with offset. */
  time: string;
  cuid: string | null;
  /** `died`. */
  exit_code?: number | null;
  /** `health`. */
  health?: string;
  /** `action`: e.g. `container.start`. */
  action?: string;
  status?: number;
  code?: string | null;
  request_id?: string;
  user?: string;
  duration_ms?: number;
  [field: string]: unknown;
}

/** The events since the resume point were older than the service keeps: re-read state over REST. */
export interface EventsReset {
  type: 'reset';
  id: number | null;
  reason: string;
  last_event_id: string;
  oldest_available_id: number | null;
}

export type EventStreamItem = LiveEvent | EventsReset;

export interface LogLine {
  stream: 'stdout' | 'stderr';
  line: string;
}
