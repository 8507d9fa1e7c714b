import type { Terminal } from '@xterm/xterm';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { TerminalMode } from './terminal-socket';

import type { Phase } from './terminal-view';

/**
 * xterm.js on `/ws/:cuid`: a shell, or boot.py's own output and stdin (Attach). The terminal fits
 * its panel and tells the server its size with resize frames.
 */
export function TerminalTab({ cuid, running }: { cuid: string; running: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  const term = useRef<Terminal | null>(null);
  const [mode, setMode] = useState<TerminalMode>('shell');
  const [phase, setPhase] = useState<Phase>('connecting');
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const el = host.current;
    if (!running || !el) return;
    let disposed = false;
    let close: (() => void) | null = null;
    setPhase('connecting');
    // xterm.js is most of the console's weight: it is fetched the first time a terminal opens.
    void import('./terminal-view').then(({ openTerminal }) => {
      if (disposed) return;
      const view = openTerminal(el, cuid, mode, setPhase);
      term.current = view.terminal;
      close = view.close;
    });
    return () => {
      disposed = true;
      close?.();
      term.current = null;
    };
  }, [cuid, mode, running, attempt]);

  if (!running) {
    return (
      <p class="muted" role="status">
        The container is not running: start it to open a terminal.
      </p>
    );
  }
  return (
    <div class="terminal">
      <div class="toolbar">
        <div role="group" aria-label="Terminal mode">
          <button type="button" aria-pressed={mode === 'shell'} onClick={() => setMode('shell')}>
            Shell
          </button>
          <button type="button" aria-pressed={mode === 'attach'} onClick={() => setMode('attach')}>
            Attach
          </button>
        </div>
        <button type="button" onClick={() => setAttempt((n) => n + 1)}>
          Reconnect
        </button>
        <button type="button" onClick={() => void navigator.clipboard.writeText(term.current?.getSelection() ?? '')}>
          Copy
        </button>
        <button
          type="button"
          onClick={() => void navigator.clipboard.readText().then((text) => term.current?.paste(text))}
        >
          Paste
        </button>
        <span class="muted" role="status">
          {phase === 'connecting' && 'connecting…'}
          {phase === 'open' && (mode === 'shell' ? 'shell open' : 'attached to boot.py')}
          {phase === 'closed' && 'disconnected; Reconnect opens a new session'}
        </span>
      </div>
      <div class="term-host" ref={host} role="region" aria-label="Terminal screen" />
    </div>
  );
}
