import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { PASS, USER } from './e2e-app';

/** Debian's chromium (scripts/provision-docker.sh installs it); Playwright's own download is not reachable here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A browser profile that answers the service's Basic challenge as a person would at the prompt. */
export function consoleContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({
    httpCredentials: { username: USER, password: PASS },
    viewport: { width: 1366, height: 860 },
  });
}
