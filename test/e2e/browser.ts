import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { startWranglerDev, tempPersistDir, type WranglerDev } from "../node/wrangler-dev";

/** Debian's Chromium (`apt-get install chromium`); CHROMIUM_PATH overrides it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const SCREENSHOT_DIR = fileURLToPath(new URL("./__screenshots__/", import.meta.url));

const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/**
 * Headless Chromium. Playwright gives every launch a fresh profile of its own
 * (`--user-data-dir` in a new temp folder, removed on close); it refuses that flag in `args`.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`No Chromium at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH.`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS, timeout: 30_000 });
}

/** Collects what a page reports as broken: console errors and uncaught exceptions. */
export function problemsOf(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  return problems;
}

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return join(SCREENSHOT_DIR, name);
}

/**
 * The demo worker (or the one whose wrangler.toml is in `cwd`) under one `wrangler dev` for the
 * test file (with its own persist folder; both go after the file) and a fresh headless Chromium
 * for each test (closed after it).
 */
export function useDemoInChromium(options: { cwd?: string } = {}) {
  let server: WranglerDev | undefined;
  let persist: Awaited<ReturnType<typeof tempPersistDir>> | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    persist = await tempPersistDir();
    server = await startWranglerDev({ persistTo: persist.path, cwd: options.cwd });
  });
  afterAll(async () => {
    await server?.stop();
    await persist?.remove();
  });
  beforeEach(async () => {
    browser = await launchChromium();
  });
  afterEach(async () => {
    await browser?.close();
    browser = undefined;
  });

  return {
    get server(): WranglerDev {
      if (!server) throw new Error("wrangler dev runs from the file's beforeAll until its afterAll.");
      return server;
    },
    get browser(): Browser {
      if (!browser) throw new Error("The browser runs only inside a test.");
      return browser;
    },
    /** Stops the runtime (and every actor with it), runs `whileDown`, then serves again on the same port and storage. */
    async restart(whileDown?: () => Promise<void>): Promise<void> {
      const { port } = this.server;
      await this.server.stop();
      server = undefined;
      await whileDown?.();
      server = await startWranglerDev({ persistTo: persist!.path, port, cwd: options.cwd });
    },
  };
}

/** A key no other test uses. */
export const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** Polls `read` until the assertion that follows holds (15 s at most). */
export const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });
