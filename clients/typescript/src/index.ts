export { ContainerManagerClient, shellQuote } from './client';
export type {
  ClientOptions,
  Download,
  EventsOptions,
  ExecResult,
  LogsOptions,
  Progress,
  StreamOptions,
  TerminalOptions,
  ZipSource,
} from './client';
export { ApiError, ConnectionError, isApiError } from './errors';
export type { ErrorBody } from './errors';
export { Terminal } from './terminal';
export type { SignalName, TerminalClientFrame, TerminalOutput, TerminalServerFrame } from './terminal';
export type * from './types';
export type * from './live-types';
export { CONTAINER_EVENT_TYPES } from './live-types';
export type { components, operations, paths } from './generated/api';
