import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import type { TestNetwork } from './netns';

/** Debian's chromium package (.ci/run installs it when it is missing). */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * The machine's network is closed: without these Chromium keeps dialling Google's services
 * (component updates, sync, QUIC probes) and waits on the refused connections.
 */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface NamespacedBrowser {
  context: BrowserContext;
  /** Closes the browser and removes its profile and wrapper; never throws. */
  close(): Promise<void>;
}

/** Fails (never skips) when the browser is not there, saying how to get it. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed (${CHROMIUM} is missing): this test drives Debian's chromium ` +
        'package with playwright-core. Install it with `apt-get install --no-install-recommends ' +
        'chromium` (.ci/run does so when it is missing).',
    );
  }
}

/**
 * Starts Chromium inside the test network's namespace, with an empty profile: playwright runs a
 * generated wrapper (`ip netns exec <ns> /usr/bin/chromium "$@"`) as its executable and talks to
 * the browser over the inherited pipe, so every page the browser loads comes over the veth.
 */
export async function launchChromiumIn(network: TestNetwork): Promise<NamespacedBrowser> {
  requireChromium();
  const dir = mkdtempSync(join(tmpdir(), 'lotse-chromium-'));
  const wrapper = join(dir, 'chromium-in-netns');
  writeFileSync(
    wrapper,
    `#!/bin/sh\nexec ${network.ip} netns exec ${network.name} ${CHROMIUM} "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  const profile = join(dir, 'profile');
  const removeDir = (): void => rmSync(dir, { recursive: true, force: true });
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: wrapper,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 900 },
      timeout: 15_000,
    });
  } catch (error) {
    removeDir();
    throw new Error(
      `Chromium (${CHROMIUM}) did not start in namespace ${network.name}: ${(error as Error).message}`,
    );
  }
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      removeDir();
    },
  };
}
