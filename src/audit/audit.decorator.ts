import { SetMetadata } from '@nestjs/common';

export const AUDIT_ACTION = 'audit:action';

/** Names the audit action of a route, e.g. `container.create`. */
export const Audit = (action: string): MethodDecorator => SetMetadata(AUDIT_ACTION, action);
