import type { OpenAPIObject } from '@nestjs/swagger';
import type { ContentObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

const WRITE_METHODS = ['post', 'put', 'patch', 'delete'] as const;
const REFUSALS: Record<string, string> = { '403': 'ORIGIN_NOT_ALLOWED', '415': 'UNSUPPORTED_MEDIA_TYPE' };

/**
 * The Origin check and the body-type guard apply to every write route, outside any controller:
 * their answers are added to the document here, once, next to what each route already lists.
 */
export function documentWriteRefusals(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const method of WRITE_METHODS) {
      const responses = item[method]?.responses;
      if (!responses) continue;
      for (const [status, code] of Object.entries(REFUSALS)) {
        const existing = responses[status] as { description?: string } | undefined;
        if (existing?.description?.includes(code)) continue;
        responses[status] = existing?.description
          ? { ...existing, description: `${existing.description}, ${code}` }
          : {
              description: `Error codes: ${code}`,
              content: (responses['401'] as { content?: ContentObject })?.content,
            };
      }
    }
  }
  return document;
}
