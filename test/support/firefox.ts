import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { PASS, USER } from './e2e-app';

/**
 * Debian's firefox-esr (scripts/provision-docker.sh installs it), driven over WebDriver BiDi by
 * puppeteer-core. playwright-core cannot drive it: its BiDi Firefox channel sends commands
 * (`emulation.setMediaFeaturesOverride`) this Firefox does not know, and Playwright's patched
 * Firefox build cannot be downloaded here.
 */
export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

export function launchFirefox(): Promise<Browser> {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    defaultViewport: { width: 1366, height: 860 },
    extraPrefsFirefox: {
      // No update checks, telemetry or remote settings: this machine talks to loopback only.
      'app.update.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
    },
  });
}

/**
 * A page that sends the service's Basic credentials with every request, as Firefox does once a person
 * has answered its prompt (it caches them for the origin). Not `page.authenticate`: Firefox does not
 * cache credentials given over BiDi's auth-challenge hook, so the `/events` EventSource, reconnecting
 * after a break, met a 401 and the console fell back to polling, which no real user would see.
 */
export async function firefoxPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage();
  await page.setExtraHTTPHeaders({ Authorization: `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}` });
  return page;
}

/** The little of the DOM these page functions use (the test tsconfig has no DOM library). */
interface PageGlobals {
  document: {
    querySelectorAll(selector: string): ArrayLike<{
      textContent: string | null;
      /** A <label>'s control: its for= target or the control nested in it. */
      control?: { setAttribute(name: string, value: string): void } | null;
    }>;
  };
  location: { hash: string };
  navigator: { userAgent: string };
}
/** Inside page functions: the page's globals, typed. */
export type InPage = PageGlobals;

/** Waits until the element matching `selector` has `text` in its text (a string or a /regexp/ source). */
export async function waitForText(page: Page, selector: string, text: string, timeout = 20_000): Promise<void> {
  await page.waitForFunction(
    (sel: string, want: string) =>
      Array.from((globalThis as unknown as PageGlobals).document.querySelectorAll(sel)).some((el) =>
        el.textContent?.includes(want),
      ),
    { timeout, polling: 100 },
    selector,
    text,
  );
}

/**
 * A selector for the form control a <label> with exactly this text names (for=… or nested), as a
 * person finds a field by its label. The control is tagged with a data attribute to be found again.
 */
export async function fieldLabelled(page: Page, label: string): Promise<string> {
  const tag = label.replace(/\W+/g, '-').toLowerCase();
  const found = await page.evaluate(
    (text: string, value: string) => {
      const labels = Array.from((globalThis as unknown as PageGlobals).document.querySelectorAll('label'));
      const control = labels.find((l) => l.textContent?.trim() === text)?.control;
      control?.setAttribute('data-test-field', value);
      return Boolean(control);
    },
    label,
    tag,
  );
  if (!found) throw new Error(`no field labelled ${label}`);
  return `[data-test-field="${tag}"]`;
}
