import type { Response } from 'express';

/** Headers every download carries: the file is data to save, never a page to render. */
export function downloadHeaders(res: Response, contentType: string, disposition: string): void {
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Disposition', disposition);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  res.setHeader('Cache-Control', 'no-store');
}

/** The client went away mid-response: there is nobody left to report an error to. */
export function clientGone(res: Response): boolean {
  return res.destroyed && !res.writableFinished;
}

/** Before an error answer replaces a download: the JSON error must not be saved as the file. */
export function forgetFileHeaders(res: Response): void {
  for (const name of ['Content-Type', 'Content-Disposition', 'Content-Length', 'Last-Modified', 'Accept-Ranges']) {
    res.removeHeader(name);
  }
}
