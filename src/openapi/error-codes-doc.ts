import type { OpenAPIObject } from '@nestjs/swagger';
import type { ResponseObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

const LISTED = /^Error codes: (.+)$/;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
export const ERROR_BODY_REF = '#/components/schemas/ErrorBodyDto';

/**
 * `@ApiErrors` lists each answer's codes in its description; this turns that list into an enum on the
 * answer's `code`, so the document states them in a form generated clients type (a union per status).
 */
export function documentErrorCodes(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      for (const response of Object.values(item[method]?.responses ?? {})) {
        const listed = LISTED.exec((response as ResponseObject).description ?? '');
        if (listed?.[1])
          (response as ResponseObject).content = { 'application/json': { schema: errorSchema(listed[1]) } };
      }
    }
  }
  return document;
}

export function errorSchema(codeList: string): SchemaObject {
  const codes = [...new Set(codeList.split(',').map((c) => c.trim()))].filter((c) => c !== '');
  return {
    allOf: [
      { $ref: ERROR_BODY_REF },
      { type: 'object', required: ['code'], properties: { code: { type: 'string', enum: codes } } },
    ],
  };
}
