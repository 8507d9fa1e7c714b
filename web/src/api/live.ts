/** Named Server-Sent Events with their JSON (or text) payloads. */
export type LiveHandlers = Record<string, (data: unknown, id: string) => void>;

export interface LiveStream {
  close(): void;
}

/**
 * Opens an EventSource on this host. `onUnavailable` fires when the endpoint refuses outright (an
 * error answer instead of a stream): the browser then gives up instead of reconnecting, and the
 * caller says so or falls back. Network breaks reconnect on their own with Last-Event-ID.
 */
export function openLive(
  url: string,
  handlers: LiveHandlers,
  onUnavailable?: () => void,
  onOpen?: () => void,
): LiveStream {
  const source = new EventSource(url);
  for (const [name, handler] of Object.entries(handlers)) {
    source.addEventListener(name, (e) => {
      const msg = e as MessageEvent<string>;
      let data: unknown = msg.data;
      try {
        data = JSON.parse(msg.data);
      } catch {
        // plain text (a log line)
      }
      handler(data, msg.lastEventId);
    });
  }
  if (onOpen) source.onopen = onOpen;
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) onUnavailable?.();
  };
  return { close: () => source.close() };
}
