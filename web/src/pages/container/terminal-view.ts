import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { decodeData, terminalUrl, type ServerFrame, type TerminalMode } from './terminal-socket';

export type Phase = 'connecting' | 'open' | 'closed';

/**
 * An xterm.js terminal in `host`, wired to `/ws/:cuid`: keystrokes go out as stdin frames, its
 * size as resize frames whenever the panel changes size; output is written as it comes.
 */
export function openTerminal(
  host: HTMLElement,
  cuid: string,
  mode: TerminalMode,
  onPhase: (phase: Phase) => void,
): { terminal: Terminal; close: () => void } {
  const terminal = new Terminal({ cursorBlink: true, fontSize: 13, scrollback: 5000 });
  const fit = new FitAddon();
  terminal.loadAddon(fit);
  terminal.open(host);
  fit.fit();
  const socket = new WebSocket(terminalUrl(cuid, mode, terminal.cols, terminal.rows));
  const send = (frame: object): void => {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  };
  socket.onopen = () => {
    onPhase('open');
    terminal.focus();
  };
  socket.onmessage = (e: MessageEvent<string>) => {
    const frame = JSON.parse(e.data) as ServerFrame;
    if (frame.type === 'stdout' || frame.type === 'stderr') terminal.write(decodeData(frame));
    else if (frame.type === 'exit') terminal.write(`\r\n\x1b[2m[exited with code ${frame.code ?? '?'}]\x1b[0m\r\n`);
    else if (frame.type === 'error')
      terminal.write(`\r\n\x1b[31m${frame.error.code}: ${frame.error.message}\x1b[0m\r\n`);
  };
  socket.onclose = () => onPhase('closed');
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
  observer.observe(host);
  return {
    terminal,
    close: () => {
      observer.disconnect();
      input.dispose();
      resize.dispose();
      send({ type: 'close' });
      socket.close();
      terminal.dispose();
    },
  };
}
