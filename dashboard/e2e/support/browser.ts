import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { type BrowserContext, chromium } from "playwright-core";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Whether Debian's chromium is installed. Without it the browser suites are skipped, and the
 * test summary counts them as skipped (`.ci/run` installs it).
 */
export const chromiumAvailable = existsSync(CHROMIUM);
if (!chromiumAvailable)
  console.warn(`Browser tests SKIPPED: no chromium at ${CHROMIUM} (apt-get install chromium)`);

export interface Browser {
  context: BrowserContext;
  close: () => Promise<void>;
}

/**
 * Debian's chromium, headless, with a fresh profile. Every page opens at 1440×900, the laptop
 * size the dashboard is designed for. (Playwright refuses `--user-data-dir` in args, so the
 * fresh profile is passed as the persistent context's directory.)
 */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "hookrelay-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-quic",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
