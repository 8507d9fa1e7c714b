/** Signals a client may send, by the names the protocol uses (`INT`, not `SIGINT`). */
export const SIGNAL_NAMES = [
  'HUP',
  'INT',
  'QUIT',
  'KILL',
  'USR1',
  'USR2',
  'PIPE',
  'ALRM',
  'TERM',
  'CONT',
  'STOP',
  'TSTP',
  'WINCH',
] as const;
export type SignalName = (typeof SIGNAL_NAMES)[number];

/** Accepts `INT` and `SIGINT` alike; anything else is refused. */
export function toSignalName(value: string): SignalName | null {
  const name = value.startsWith('SIG') ? value.slice(3) : value;
  return (SIGNAL_NAMES as readonly string[]).includes(name) ? (name as SignalName) : null;
}
