import type { ErrorBody } from './types';

/** A refused or failed call, carrying the API's own error body so the console can show it whole. */
export class ApiError extends Error {
  constructor(readonly body: ErrorBody) {
    super(body.message);
  }

  get code(): string {
    return this.body.code;
  }

  get field(): string | undefined {
    const field = this.body.details?.field;
    return typeof field === 'string' ? field : undefined;
  }
}

function networkError(message: string, status = 0): ApiError {
  return new ApiError({ error: 'network_error', code: 'NETWORK_ERROR', message, status, request_id: '' });
}

async function toApiError(res: Response): Promise<ApiError> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as ErrorBody;
    if (typeof body.code === 'string') return new ApiError(body);
  } catch {
    // not the API's schema (a proxy's page, say): fall through
  }
  return networkError(`${res.status} ${res.statusText}`.trim(), res.status);
}

/**
 * Calls the public API on this same host. The browser adds the Basic credentials it already holds
 * for the page; writes carry this page's Origin, which the service accepts as its own host.
 */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      // Never from the HTTP cache: a container's ETag is the version of its spec, not of its status,
      // so a revalidated GET (If-None-Match → 304) would hand back a stale status. Firefox does
      // revalidate these; the console must show what the API says now.
      cache: 'no-store',
      headers: body === undefined ? { Accept: 'application/json' } : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw networkError(err instanceof Error ? err.message : 'The service did not answer');
  }
  if (!res.ok) throw await toApiError(res);
  return (await res.json()) as T;
}

/** Uploads a zip with progress (fetch cannot report upload progress; XMLHttpRequest can). */
export function uploadZip(
  cuid: string,
  path: string,
  file: Blob,
  onProgress: (fraction: number) => void,
): Promise<{ files: number; bytes: number; path: string }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const query = path && path !== '.' ? `?path=${encodeURIComponent(path)}` : '';
    xhr.open('POST', `/containers/${encodeURIComponent(cuid)}/upload-zip${query}`);
    xhr.setRequestHeader('Content-Type', 'application/zip');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(networkError('The upload was interrupted'));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as { files: number; bytes: number; path: string });
      else if (body && typeof (body as ErrorBody).code === 'string') reject(new ApiError(body as ErrorBody));
      else reject(networkError(`${xhr.status} ${xhr.statusText}`, xhr.status));
    };
    xhr.send(file);
  });
}

export const containerPath = (cuid: string, rest = ''): string => `/containers/${encodeURIComponent(cuid)}${rest}`;
