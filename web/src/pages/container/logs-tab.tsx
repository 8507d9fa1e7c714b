import { useEffect, useRef, useState } from 'preact/hooks';
import { containerPath } from '../../api/client';
import { openLive } from '../../api/live';
import type { Status } from '../../api/types';

const TAIL = 500;
const KEEP = 5000;

interface Line {
  n: number;
  source: 'stdout' | 'stderr';
  text: string;
}

/** boot.py's output: the last lines, then live; the view can be paused without losing lines. */
export function LogsTab({ cuid, status }: { cuid: string; status: Status }) {
  const [lines, setLines] = useState<Line[]>([]);
  const [paused, setPaused] = useState(false);
  const [state, setState] = useState<'connecting' | 'live' | 'ended' | 'unavailable'>('connecting');
  const held = useRef<Line[]>([]);
  const pausedRef = useRef(false);
  const view = useRef<HTMLPreElement>(null);
  const running = status === 'running' || status === 'restarting';

  useEffect(() => {
    let n = 0;
    setLines([]);
    held.current = [];
    setState('connecting');
    const add = (source: Line['source']) => (data: unknown) => {
      const line = { n: n++, source, text: typeof data === 'string' ? data : JSON.stringify(data) };
      if (pausedRef.current) held.current.push(line);
      else setLines((prev) => [...prev, line].slice(-KEEP));
    };
    const live = openLive(
      containerPath(cuid, `/logs?tail=${TAIL}&follow=true`),
      {
        stdout: add('stdout'),
        stderr: add('stderr'),
        end: () => {
          live.close();
          setState('ended');
        },
      },
      () => setState((s) => (s === 'ended' ? s : 'unavailable')),
      () => setState('live'),
    );
    return () => live.close();
    // A container that starts again gets a fresh follow.
  }, [cuid, running]);

  useEffect(() => {
    const el = view.current;
    if (el && !paused) el.scrollTop = el.scrollHeight;
  }, [lines, paused]);

  const togglePause = (): void => {
    pausedRef.current = !paused;
    if (paused) {
      const more = held.current;
      held.current = [];
      setLines((prev) => [...prev, ...more].slice(-KEEP));
    }
    setPaused(!paused);
  };

  return (
    <div class="logs">
      <div class="toolbar">
        <button type="button" onClick={togglePause} aria-pressed={paused}>
          {paused ? 'Resume' : 'Pause view'}
        </button>
        <a class="button" href={containerPath(cuid, '/logs?tail=all')} download={`${cuid}.log`}>
          Download logs
        </a>
        <span class="muted" role="status">
          {state === 'live' && (paused ? `paused (${held.current.length} new lines held)` : 'live')}
          {state === 'ended' && 'end of output (the container is not running)'}
          {state === 'connecting' && 'connecting…'}
          {state === 'unavailable' && 'The service refused the logs stream; reopen the tab to try again.'}
        </span>
      </div>
      <pre class="log-view" role="log" aria-label="Logs output" ref={view}>
        {lines.map((l) => (
          <div key={l.n} class={l.source === 'stderr' ? 'stderr' : undefined}>
            {l.text}
          </div>
        ))}
      </pre>
    </div>
  );
}
