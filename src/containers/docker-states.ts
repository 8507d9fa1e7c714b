import type { DockerState } from './state-cache';

/**
 * Docker states indexed by container id and by project, so a lookup by cuid costs the same with
 * 5 or 500 containers (listing does one per container).
 */
export class DockerStates {
  private readonly byId = new Map<string, DockerState>();
  private readonly byCuid = new Map<string, Set<string>>();

  set(state: DockerState): void {
    const previous = this.byId.get(state.id);
    if (previous && previous.cuid !== state.cuid) this.delete(state.id);
    this.byId.set(state.id, state);
    let ids = this.byCuid.get(state.cuid);
    if (!ids) this.byCuid.set(state.cuid, (ids = new Set()));
    ids.add(state.id);
  }

  delete(id: string): void {
    const state = this.byId.get(id);
    if (!state) return;
    this.byId.delete(id);
    const ids = this.byCuid.get(state.cuid);
    ids?.delete(id);
    if (ids?.size === 0) this.byCuid.delete(state.cuid);
  }

  deleteProject(cuid: string): void {
    for (const id of this.byCuid.get(cuid) ?? []) this.byId.delete(id);
    this.byCuid.delete(cuid);
  }

  /** The newest container of a project (compose may briefly hold two while it recreates). */
  newest(cuid: string): DockerState | undefined {
    let newest: DockerState | undefined;
    for (const id of this.byCuid.get(cuid) ?? []) {
      const state = this.byId.get(id);
      if (state && (!newest || state.created > newest.created)) newest = state;
    }
    return newest;
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  all(): DockerState[] {
    return [...this.byId.values()];
  }
}
