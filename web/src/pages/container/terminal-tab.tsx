import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { useEffect, useRef, useState } from 'preact/hooks';
import { decodeData, terminalUrl, type ServerFrame, type TerminalMode } from './terminal-socket';

type Phase = 'connecting' | 'open' | 'closed';

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
    if (!running || !host.current) return;
    const terminal = new Terminal({ cursorBlink: true, fontSize: 13, convertEol: false, scrollback: 5000 });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(host.current);
    fit.fit();
    term.current = terminal;
    setPhase('connecting');
    const socket = new WebSocket(terminalUrl(cuid, mode, terminal.cols, terminal.rows));
    const send = (frame: object): void => {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
    };
    socket.onopen = () => {
      setPhase('open');
      terminal.focus();
    };
    socket.onmessage = (e: MessageEvent<string>) => {
      const frame = JSON.parse(e.data) as ServerFrame;
      if (frame.type === 'stdout' || frame.type === 'stderr') terminal.write(decodeData(frame));
      else if (frame.type === 'exit') terminal.write(`\r\n\x1b[2m[exited with code ${frame.code ?? '?'}]\x1b[0m\r\n`);
      else if (frame.type === 'error') {
        terminal.write(`\r\n\x1b[31m${frame.error.code}: ${frame.error.message}\x1b[0m\r\n`);
      }
    };
    socket.onclose = () => setPhase('closed');
    const input = terminal.onData((data) => send({ type: 'stdin', data, encoding: 'utf8' }));
    const resize = terminal.onResize(({ cols, rows }) => send({ type: 'resize', cols, rows }));
    // Ctrl+Shift+C / Ctrl+Shift+V copy and paste, as in desktop terminals (Ctrl+C stays an interrupt).
    terminal.attachCustomKeyEventHandler((e) => {
      if (e.type !== 'keydown' || !e.ctrlKey || !e.shiftKey) return true;
      if (e.code === 'KeyC') {
        void navigator.clipboard.writeText(terminal.getSelection());
        return false;
      }
      if (e.code === 'KeyV') {
        void navigator.clipboard.readText().then((text) => terminal.paste(text));
        return false;
      }
      return true;
    });
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(host.current);
    return () => {
      observer.disconnect();
      input.dispose();
      resize.dispose();
      send({ type: 'close' });
      socket.close();
      terminal.dispose();
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
