import type { DockerState } from './docker-state';

/**
 * Docker states indexed by container id and by project, so a lookup by cuid costs the same with
 * 5 or 500 containers (listing does one per container).
 */
export class DockerStates {
  private readonly byIdMap = new Map<string, DockerState>();
  private readonly byCuid = new Map<string, Set<string>>();
  private changes = 0;

  /** Moves on every change, so a view built from these states can tell it is still current. */
  get version(): number {
    return this.changes;
  }

  set(state: DockerState): void {
    this.changes += 1;
    const previous = this.byIdMap.get(state.id);
    if (previous && previous.cuid !== state.cuid) this.delete(state.id);
    this.byIdMap.set(state.id, state);
    let ids = this.byCuid.get(state.cuid);
    if (!ids) this.byCuid.set(state.cuid, (ids = new Set()));
    ids.add(state.id);
  }

  delete(id: string): void {
    const state = this.byIdMap.get(id);
    if (!state) return;
    this.changes += 1;
    this.byIdMap.delete(id);
    const ids = this.byCuid.get(state.cuid);
    ids?.delete(id);
    if (ids?.size === 0) this.byCuid.delete(state.cuid);
  }

  deleteProject(cuid: string): void {
    this.changes += 1;
    for (const id of this.byCuid.get(cuid) ?? []) this.byIdMap.delete(id);
    this.byCuid.delete(cuid);
  }

  /** The newest container of a project (compose may briefly hold two while it recreates). */
  newest(cuid: string): DockerState | undefined {
    let newest: DockerState | undefined;
    for (const id of this.byCuid.get(cuid) ?? []) {
      const state = this.byIdMap.get(id);
      if (state && (!newest || state.created > newest.created)) newest = state;
    }
    return newest;
  }

  byId(id: string): DockerState | undefined {
    return this.byIdMap.get(id);
  }

  /** Every container of a project (normally one). */
  ofProject(cuid: string): DockerState[] {
    return [...(this.byCuid.get(cuid) ?? [])].flatMap((id) => this.byIdMap.get(id) ?? []);
  }

  ids(): string[] {
    return [...this.byIdMap.keys()];
  }

  all(): DockerState[] {
    return [...this.byIdMap.values()];
  }
}
