import type { components, operations } from './generated/api';

type Schemas = components['schemas'];

export type Health = operations['getHealth']['responses'][200]['content']['application/json'];
export type Container = Schemas['ContainerDto'];
/** Cluster mode only: `GET /nodes`. */
export type NodeList = operations['listNodes']['responses'][200]['content']['application/json'];
export type ContainerPage = Schemas['ContainerPageDto'];
export type ContainerStatus = Schemas['ContainerStatusDto'];
export type UpdateResult = Schemas['UpdateResultDto'];
export type Deleted = Schemas['DeletedDto'];
export type UploadResult = Schemas['UploadResultDto'];
export type DirectoryListing = Schemas['DirectoryListingDto'];
export type StatsSample = Schemas['StatsSampleDto'];
export type StatsOverview = Schemas['StatsOverviewDto'];
export type AuditEntry = Schemas['AuditEntryDto'] & Record<string, unknown>;
export type AuditPage = Omit<Schemas['AuditPageDto'], 'entries'> & { entries: AuditEntry[] };
export type CreateContainerRequest = operations['createContainer']['requestBody']['content']['application/json'];
export type UpdateContainerRequest = operations['updateContainer']['requestBody']['content']['application/json'];
export type Port = operations['updatePorts']['requestBody']['content']['application/json']['ports'][number];
export type ListContainersQuery = NonNullable<operations['listContainers']['parameters']['query']>;
type AuditParameters = NonNullable<operations['queryAudit']['parameters']['query']>;
/** `GET /audit`'s filters; `action` may be a list, `error` a boolean. */
export type AuditQuery = Omit<AuditParameters, 'action' | 'error'> & { action?: string | string[]; error?: boolean };
export type OperationId = keyof operations;

type ErrorStatus = 400 | 401 | 403 | 404 | 408 | 409 | 413 | 415 | 416 | 422 | 429 | 431 | 500 | 503;
type Responses<Op extends OperationId> = operations[Op]['responses'];

/** The `code` values an operation documents, e.g. `ErrorCode<'startContainer'>`. */
export type ErrorCode<Op extends OperationId> = {
  [S in keyof Responses<Op>]: S extends ErrorStatus
    ? Responses<Op>[S] extends { content: { 'application/json': { code: infer C } } }
      ? C
      : never
    : never;
}[keyof Responses<Op>];
