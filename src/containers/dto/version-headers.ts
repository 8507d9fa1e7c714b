import { applyDecorators } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';

/** OpenAPI: the ETag every one-container answer carries. */
export const ETAG_HEADER = {
  ETag: {
    description: "The container's version (changes with every change of its spec); send it back as If-Match",
    schema: { type: 'string', example: '"q3Jx0ZlqGmN1pC8yS4bT0e2WvAk"' },
  },
};

/** OpenAPI: the optional If-Match of a change. */
export function ApiIfMatch(): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: 'If-Match',
      required: false,
      description:
        'An ETag from an earlier answer (or `*`): the change applies only if the container is still at that ' +
        'version, else 412 PRECONDITION_FAILED and nothing changes',
    }),
  );
}
