/** What a client knows about the outcome of one request. */
export type Outcome =
  | 'ok' // a 2xx answer
  | 'refused' // an error answer: the change must not have happened
  | 'unreached' // the connection was refused: the request never arrived
  | 'unknown'; // the connection broke mid-request: either may be true

export interface OpRecord {
  client: number;
  cycle: number;
  op: string;
  start: number;
  end: number;
  outcome: Outcome;
  status?: number;
  code?: string;
  /** An error answer that is not in the guide's schema. */
  badBody?: boolean;
  /** A 2xx answer whose content was wrong (a download or an exec that did not match the upload). */
  wrong?: string;
}

/** Each PATCH sets SEQ=k and tags [soak, pk] together, so the final spec shows which one won. */
export interface PatchRecord {
  seq: number;
  outcome: Outcome;
}

export interface FileRecord {
  name: string;
  bytes: Buffer;
  outcome: Outcome;
}

/** A container as its client saw it; checked against the service and the engine at the end. */
export interface Tracked {
  cuid: string;
  patches: PatchRecord[];
  files: FileRecord[];
  /** The outcome of the last DELETE, if any was sent. */
  deleted: Outcome | null;
}

export interface Window {
  name: string;
  from: number;
  to: number;
}

const ERROR_FIELDS = ['error', 'code', 'message', 'status', 'request_id', 'timestamp', 'details'];

export function inErrorSchema(body: unknown, status: number): boolean {
  const b = body as Record<string, unknown> | null;
  return !!b && ERROR_FIELDS.every((f) => f in b) && b.status === status && /^[A-Z][A-Z0-9_]*$/.test(String(b.code));
}

/**
 * Every request of the soak, and every container, with what its client was told. Errors are counted
 * per client cycle: a cycle that overlapped a fault window may fail later for the fault's sake (its
 * container was stopped by the engine restart), a cycle that did not must not fail at all.
 */
export class SoakLedger {
  readonly ops: OpRecord[] = [];
  readonly containers = new Map<string, Tracked>();
  readonly windows: Window[] = [];
  unknownCreates = 0;
  private readonly cycles = new Map<string, { start: number; end: number }>();

  record(op: OpRecord): void {
    this.ops.push(op);
    const key = `${op.client}/${op.cycle}`;
    const span = this.cycles.get(key) ?? { start: op.start, end: op.end };
    span.start = Math.min(span.start, op.start);
    span.end = Math.max(span.end, op.end);
    this.cycles.set(key, span);
  }

  track(cuid: string): Tracked {
    const tracked: Tracked = { cuid, patches: [], files: [], deleted: null };
    this.containers.set(cuid, tracked);
    return tracked;
  }

  private cycleOverlapsFault(op: OpRecord): boolean {
    const span = this.cycles.get(`${op.client}/${op.cycle}`)!;
    return this.windows.some((w) => span.start <= w.to && span.end >= w.from);
  }

  figures(): Record<string, unknown> {
    const failed = (o: OpRecord): boolean => o.outcome !== 'ok' || o.wrong !== undefined;
    const byOp: Record<string, string> = {};
    for (const name of [...new Set(this.ops.map((o) => o.op))]) {
      const mine = this.ops.filter((o) => o.op === name);
      byOp[name] = `${mine.filter((o) => !failed(o)).length}/${mine.length}`;
    }
    const errors = this.ops.filter(failed);
    const codes: Record<string, number> = {};
    for (const o of errors) {
      const key = o.code ?? o.wrong ?? o.outcome;
      codes[key] = (codes[key] ?? 0) + 1;
    }
    return {
      operations: this.ops.length,
      ok_by_op: byOp,
      errors_in_fault_cycles: errors.filter((o) => this.cycleOverlapsFault(o)).length,
      errors_outside_fault_cycles: errors.filter((o) => !this.cycleOverlapsFault(o)).length,
      error_codes: codes,
      unknown_outcomes: this.ops.filter((o) => o.outcome === 'unknown').length,
      not_in_error_schema: this.ops.filter((o) => o.badBody).length,
      wrong_content: this.ops.filter((o) => o.wrong !== undefined).length,
    };
  }

  errorsOutsideFaults(): OpRecord[] {
    return this.ops.filter((o) => (o.outcome !== 'ok' || o.wrong !== undefined) && !this.cycleOverlapsFault(o));
  }
}
