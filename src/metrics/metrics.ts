import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120];

/**
 * The one Prometheus registry and every metric in it, created once; each is updated where the work
 * happens. Labels come from closed sets (route templates, status codes, subcommands, error codes),
 * never from cuids or paths, so the number of series stays bounded.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'cm_http_requests_total',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'cm_http_request_duration_seconds',
    help: 'HTTP request latency (until the response ended) by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly composeCalls = new Counter({
    name: 'cm_compose_calls_total',
    help: 'docker / docker compose CLI calls by subcommand and exit code',
    labelNames: ['subcommand', 'exit_code'] as const,
    registers: [this.registry],
  });
  readonly composeDuration = new Histogram({
    name: 'cm_compose_call_duration_seconds',
    help: 'docker / docker compose CLI call duration by subcommand',
    labelNames: ['subcommand'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly terminalSessions = new Counter({
    name: 'cm_terminal_sessions_total',
    help: 'Terminal sessions ended, by mode',
    labelNames: ['mode'] as const,
    registers: [this.registry],
  });
  readonly terminalBytes = new Counter({
    name: 'cm_terminal_bytes_total',
    help: 'Bytes through terminal sessions (in: client to container, out: container to client)',
    labelNames: ['direction'] as const,
    registers: [this.registry],
  });
  readonly uploadBytes = new Counter({
    name: 'cm_upload_received_bytes_total',
    help: 'Bytes received on upload-zip requests',
    registers: [this.registry],
  });
  readonly uploadRefusals = new Counter({
    name: 'cm_upload_refusals_total',
    help: 'Refused uploads by error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly authFailures = new Counter({
    name: 'cm_auth_failures_total',
    help: 'Requests refused for missing or wrong credentials (401)',
    registers: [this.registry],
  });
  readonly authThrottled = new Counter({
    name: 'cm_auth_throttled_total',
    help: 'Requests refused because their address failed to log in too often (429)',
    registers: [this.registry],
  });
  readonly eventReconnects = new Counter({
    name: 'cm_events_reconnects_total',
    help: '/events connections that resumed with Last-Event-ID or ?since=',
    registers: [this.registry],
  });
  readonly sseClients = new Gauge({
    name: 'cm_sse_clients',
    help: 'Open Server-Sent Events streams by endpoint',
    labelNames: ['stream'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** A gauge whose value is read when scraped (for counts another module already keeps). */
  gauge(
    name: string,
    help: string,
    labelNames: string[],
    read: (set: (labels: object, value: number) => void) => void,
  ) {
    return new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        this.reset();
        read((labels, value) => this.set(labels as Record<string, string>, value));
      },
    });
  }
}
