import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Browser tests need Debian's Chromium. Where it is missing they are skipped with a visible note,
 * unless REQUIRE_BROWSER or CI is set: then a missing browser fails the run. Only tests that drive
 * the browser may skip on it.
 */
export const browserAvailable = existsSync(CHROMIUM);
if (!browserAvailable) {
  if (process.env.REQUIRE_BROWSER || process.env.CI)
    throw new Error(`REQUIRE_BROWSER or CI is set but ${CHROMIUM} does not exist`);
  console.warn(`browser tests skipped: ${CHROMIUM} not found (apt-get install chromium)`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
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

/**
 * A full-page screenshot for the documentation: into docs/ when UPDATE_DOCS is set, else into the
 * temp directory, so a test run leaves the checkout as it was.
 */
export async function docScreenshot(page: Page, name: string): Promise<string> {
  const dir = process.env.UPDATE_DOCS ? 'docs' : join(tmpdir(), 'leadtrail-docs');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}
