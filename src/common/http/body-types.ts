import { SetMetadata } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';

export const BODY_TYPES = 'http:body-types';

/** What every route takes unless it says otherwise: the types the JSON parser reads. */
export const JSON_TYPES = ['application/json', 'application/*+json'];

/** Declares the Content-Types a route's body may have (default: JSON). */
export const AcceptsBody = (...types: string[]): MethodDecorator => SetMetadata(BODY_TYPES, types);

/** Whether the request carries a body at all (as HTTP frames it: a length above 0 or chunked). */
export function hasBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && length !== '0';
}

/** The media type of a Content-Type header, lower-cased, without parameters; '' when absent. */
export function mediaTypeOf(header: string | undefined): string {
  return (header?.split(';')[0] ?? '').trim().toLowerCase();
}

/** Matches a media type against a list that may hold `type/*` and `type/*+suffix` patterns. */
export function matchesAny(type: string, accepted: string[]): boolean {
  const [major = '', minor = ''] = type.split('/');
  if (major === '' || minor === '') return false;
  return accepted.some((pattern) => {
    if (pattern === type) return true;
    const [pMajor, pMinor = ''] = pattern.split('/');
    if (pMajor !== major || !pMinor.startsWith('*')) return false;
    return minor.endsWith(pMinor.slice(1));
  });
}
