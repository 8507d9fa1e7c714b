import { useEffect } from 'preact/hooks';
import { ContainerActions } from '../../components/container-actions';
import { CopyCuid } from '../../components/copy-cuid';
import { StatusBadge } from '../../components/status-badge';
import { useServices } from '../../context';
import { hrefContainer } from '../../router';
import { useObservable } from '../../state/store';
import { FilesTab } from './files-tab';
import { LogsTab } from './logs-tab';
import { OverviewTab } from './overview-tab';
import { StatsTab } from './stats-tab';
import { TerminalTab } from './terminal-tab';

const TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'logs', label: 'Logs' },
  { id: 'files', label: 'Files' },
  { id: 'terminal', label: 'Terminal' },
  { id: 'stats', label: 'Stats' },
] as const;

/** One container: its live status and actions above, one tab per concern below. */
export function ContainerPage({ cuid, tab }: { cuid: string; tab: string }) {
  const { containers } = useServices();
  useObservable(containers);
  useEffect(() => containers.refresh(cuid), [containers, cuid]);
  const container = containers.byCuid.get(cuid);
  const active = TABS.find((t) => t.id === tab)?.id ?? 'overview';

  if (!container) {
    return (
      <section>
        <h1 class="mono">{cuid}</h1>
        <p>{containers.loaded ? 'No such container (it may have been deleted).' : 'Loading…'}</p>
        <a href="#/">Back to the containers</a>
      </section>
    );
  }
  const onKeyDown = (e: KeyboardEvent): void => {
    const at = TABS.findIndex((t) => t.id === active);
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    const next = TABS[(at + step + TABS.length) % TABS.length]!;
    location.hash = hrefContainer(cuid, next.id);
    requestAnimationFrame(() => document.getElementById(`tab-${next.id}`)?.focus());
  };

  return (
    <section aria-labelledby="container-title">
      <div class="page-head">
        <h1 id="container-title">
          <span class="mono" title={cuid}>
            {cuid}
          </span>
          <CopyCuid cuid={cuid} />
        </h1>
        <StatusBadge status={container.status} />
        <ContainerActions container={container} onDeleted={() => (location.hash = '#/')} />
      </div>
      <div role="tablist" aria-label="Container" class="tabs" onKeyDown={onKeyDown}>
        {TABS.map((t) => (
          <button
            key={t.id}
            id={`tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={t.id === active}
            aria-controls={`panel-${t.id}`}
            tabIndex={t.id === active ? 0 : -1}
            onClick={() => (location.hash = hrefContainer(cuid, t.id))}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${active}`} aria-labelledby={`tab-${active}`} class="panel tab-panel">
        {active === 'overview' && <OverviewTab container={container} />}
        {active === 'logs' && <LogsTab cuid={cuid} status={container.status} />}
        {active === 'files' && <FilesTab cuid={cuid} />}
        {active === 'terminal' && <TerminalTab cuid={cuid} running={container.status === 'running'} />}
        {active === 'stats' && <StatsTab cuid={cuid} running={container.status === 'running'} />}
      </div>
    </section>
  );
}
