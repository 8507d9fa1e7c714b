import { once } from 'node:events';
import { shellQuote } from '../../client';
import type { Terminal } from '../../terminal';
import { Command, Context } from '../command';
import { UsageError } from '../usage-error';

async function write(stream: NodeJS.WriteStream, data: Buffer): Promise<void> {
  if (!stream.write(data)) await once(stream, 'drain');
}

/** Copies a session's output to our stdout/stderr (a slow pipe slows the session, nothing piles up). */
async function relay(ctx: Context, terminal: Terminal): Promise<number> {
  for await (const chunk of terminal) await write(chunk.stream === 'stderr' ? ctx.stderr : ctx.stdout, chunk.data);
  return (await terminal.exit) ?? 0;
}

function windowSize(ctx: Context): { cols: number; rows: number } {
  if (!ctx.stdout.isTTY) return { cols: 80, rows: 24 };
  const [cols, rows] = ctx.stdout.getWindowSize();
  return { cols, rows };
}

export const exec: Command = {
  usage: "exec [--tty] CUID -- CMD [ARGS…]   (exit code is the command's; stdout and stderr stay apart)",
  options: { tty: { type: 'boolean', short: 't' } },
  async run(ctx, { positionals, values, rest }) {
    const [cuid, ...inline] = positionals;
    const argv = rest.length > 0 ? rest : inline;
    if (!cuid || argv.length === 0) throw new UsageError('exec needs a CUID and a command');
    const tty = values.tty === true;
    const terminal = await ctx.client.openTerminal(cuid, {
      mode: 'exec',
      cmd: argv.map(shellQuote).join(' '),
      tty,
      ...(tty ? windowSize(ctx) : {}),
    });
    return relay(ctx, terminal);
  },
};

/**
 * An interactive shell in the user's own terminal: raw mode, so every key (Ctrl-C included) goes to
 * the remote pty, whose line discipline turns it into the signal for the remote foreground job; the
 * window size follows SIGWINCH. Ends with the remote shell's exit code.
 */
export const shell: Command = {
  usage: 'shell CUID',
  async run(ctx, { positionals }) {
    const [cuid] = positionals;
    if (!cuid || positionals.length > 1) throw new UsageError('shell needs one CUID');
    const terminal = await ctx.client.openTerminal(cuid, { mode: 'shell', ...windowSize(ctx) });
    const { stdin } = ctx;
    const raw = stdin.isTTY === true;
    const onData = (data: Buffer): void => terminal.write(data);
    // Piped input: a Ctrl-D at its end lets the remote shell finish what it was given, then exit.
    const onEnd = (): void => terminal.write('\x04');
    const onWinch = (): void => {
      const { cols, rows } = windowSize(ctx);
      terminal.resize(cols, rows);
    };
    if (raw) stdin.setRawMode(true);
    stdin.on('data', onData);
    stdin.once('end', onEnd);
    stdin.resume();
    process.on('SIGWINCH', onWinch);
    try {
      return await relay(ctx, terminal);
    } finally {
      process.off('SIGWINCH', onWinch);
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      if (raw) stdin.setRawMode(false);
      stdin.pause();
    }
  },
};
