/**
 * Real headless Chromium for the browser tests, through playwright-core (no bundled browser
 * download): the system's `chromium` on the PATH (Debian's package; `.ci/run` installs it). Where
 * it is missing the tests skip with how to install it, except under CI, where they must run.
 */
import { execFileSync } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** The first Chromium-like browser on the PATH, or undefined. */
export function findChromium(): string | undefined {
  for (const name of CANDIDATES) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
    } catch {
      // Not this one; try the next name.
    }
  }
  return undefined;
}

export const CHROMIUM = findChromium();
export const CHROMIUM_MISSING = 'no Chromium on the PATH. Install it with: apt-get install -y chromium';

if (!CHROMIUM) {
  if (process.env['CI'] === 'true') throw new Error(`The browser tests cannot run: ${CHROMIUM_MISSING} (under CI=true they must not be skipped).`);
  console.warn(`browser tests skipped: ${CHROMIUM_MISSING}`);
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox', '--headless', '--disable-gpu'] });
}
