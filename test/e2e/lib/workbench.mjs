// Drives a code-server workbench in Debian's Chromium the way a person does: the command palette, Quick
// Open, the Problems panel. Selectors are those of VS Code 1.139 (code-server 4.139.1, pinned in the Makefile).
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireEnv } from './harness.mjs';

const require = createRequire(import.meta.url);

export async function launchBrowser() {
  const { chromium } = require(requireEnv('E2E_PLAYWRIGHT'));
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'gpd-e2e-chromium-')), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Monaco renders spaces as no-break spaces; compare text the way it reads. */
export function normalise(text) {
  return text.replace(/\u00a0/g, ' ');
}

/**
 * The command palette: F1, type the command's title, wait for its row, click it. The palette lists the commands
 * known when it opens; right after start-up an extension's may not be there yet, so on "No matching
 * commands" it is closed and opened again.
 */
export async function runCommand(page, title, timeoutMs = 60_000) {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  const none = page.locator('.quick-input-list .monaco-list-row', { hasText: 'No matching commands' });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    await row.or(none).first().waitFor({ timeout: Math.max(1, deadline - Date.now()) });
    if (await row.isVisible()) break;
    if (Date.now() > deadline) throw new Error(`the command palette has no "${title}"`);
    await page.keyboard.press('Escape');
    await input.waitFor({ state: 'hidden' });
  }
  // The row with this title, not the first one: the palette may sort another match above it ("Go Proxy: Show
  // Last Verify Result" above "Go Proxy: Verify").
  await row.click();
  await input.waitFor({ state: 'hidden' });
}

/** Quick Open (Ctrl+P) a workspace file and wait until its editor is active. */
export async function openFile(page, relativePath, tabLabel) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(relativePath);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: tabLabel }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: tabLabel }).waitFor();
}

