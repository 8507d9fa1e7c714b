import { toLogEntry } from './log-entry';

// The argument shapes below are what Nest's `Logger` passes on: a Logger with a context appends it,
// and `error` inserts `undefined` for a missing stack before the context.
describe('toLogEntry', () => {
  it('takes a trailing string as the context', () => {
    expect(toLogEntry('log', 'hello', ['Bootstrap'])).toEqual({ level: 'log', context: 'Bootstrap', msg: 'hello' });
  });

  it('reads error(message, undefined, context) without inventing an error', () => {
    expect(toLogEntry('error', 'audit write failed: EIO', [undefined, 'AuditLog'])).toEqual({
      level: 'error',
      context: 'AuditLog',
      msg: 'audit write failed: EIO',
    });
  });

  it('splits a logged stack into its first line and error fields', () => {
    const err = new TypeError('x is not a function');
    const entry = toLogEntry('error', err.stack, [undefined, 'ErrorFilter']);
    expect(entry.msg).toBe('TypeError: x is not a function');
    expect(entry.error).toEqual({ name: 'TypeError', message: 'x is not a function', stack: err.stack });
  });

  it('reads an Error object and a separate stack argument', () => {
    const err = new RangeError('too far');
    expect(toLogEntry('error', err, []).error).toEqual({ name: 'RangeError', message: 'too far', stack: err.stack });
    const entry = toLogEntry('error', 'boot failed', [err.stack, 'Nest']);
    expect(entry).toMatchObject({
      msg: 'boot failed',
      context: 'Nest',
      error: { name: 'RangeError', stack: err.stack },
    });
    // Two arguments: a stack-shaped second one is the stack, not the context (as ConsoleLogger decides).
    expect(toLogEntry('error', 'boot failed', [err.stack])).toMatchObject({ error: { stack: err.stack } });
    expect(toLogEntry('error', 'boot failed', [err.stack]).context).toBeUndefined();
  });

  it('renders non-string messages as one line', () => {
    expect(toLogEntry('debug', { a: 1, b: [2] }, ['X']).msg).toBe('{ a: 1, b: [ 2 ] }');
  });
});
