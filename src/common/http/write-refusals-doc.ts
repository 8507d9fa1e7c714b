import type { OpenAPIObject } from '@nestjs/swagger';
import type { ContentObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { CommonErrorCode, ErrorCode } from '../errors/error-codes';
import { describeCodes } from './api-errors.decorator';

const WRITE_METHODS = ['post', 'put', 'patch', 'delete'] as const;
const REFUSALS: Record<string, readonly ErrorCode[]> = {
  '400': [
    CommonErrorCode.INVALID_JSON,
    CommonErrorCode.JSON_TOO_DEEP,
    CommonErrorCode.FORBIDDEN_KEY,
    CommonErrorCode.UNSUPPORTED_ENCODING,
  ],
  '403': [CommonErrorCode.ORIGIN_NOT_ALLOWED],
  '413': [CommonErrorCode.PAYLOAD_TOO_LARGE],
  '415': [CommonErrorCode.UNSUPPORTED_MEDIA_TYPE],
};

/**
 * The Origin check, the body-type guard and the JSON body parser apply to every write route, outside
 * any controller: their answers are added to the document here, once, next to what each route lists.
 */
export function documentWriteRefusals(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const method of WRITE_METHODS) {
      const responses = item[method]?.responses;
      if (!responses) continue;
      for (const [status, codes] of Object.entries(REFUSALS)) {
        const existing = responses[status] as { description?: string } | undefined;
        const missing = codes.filter((code) => !listedIn(existing?.description, code));
        if (missing.length === 0) continue;
        responses[status] = existing?.description
          ? { ...existing, description: `${existing.description}, ${missing.join(', ')}` }
          : {
              description: describeCodes(missing),
              content: (responses['401'] as { content?: ContentObject })?.content,
            };
      }
    }
  }
  return document;
}

function listedIn(description: string | undefined, code: ErrorCode): boolean {
  return (description ?? '').split(/[\s:,]+/).includes(code);
}
