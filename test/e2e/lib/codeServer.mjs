// Starts code-server with the .vsix installed in a fresh profile on the divergence fixture, and a browser on
// its workbench. Used by the VS Code suites.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { prepareRun, requireEnv, run, startGroup } from './harness.mjs';
import { packVsix } from './vsix.mjs';
import { launchBrowser } from './workbench.mjs';

export const extensionId = 'go-proxy-doctor.go-proxy-doctor';

// The console errors every offline code-server run shows (e2e-harness.md): the gallery host cannot be
// resolved, and the vsda web files are missing.
const harmlessConsole = [/ERR_NAME_NOT_RESOLVED/, /vsda/, /Failed to load resource: net::ERR_/];

const userSettings = {
  'chat.disableAIFeatures': true,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'git.enabled': false,
  'editor.minimap.enabled': false,
};

/**
 * @param {string} suite  names the run folder
 * @param {{workspaceTrust: boolean, holdRequests?: boolean, settings?: Record<string, unknown>, env?: Record<string, string>,
 *   extensions?: string[], prepare?: (fixture: object) => void, logDir: string}} options
 *   workspaceTrust false starts with --disable-workspace-trust (every folder trusted, no prompt).
 *   settings: more user settings for the profile (e.g. goProxy.health.interval).
 *   env: more environment for code-server (e.g. SHELL, for the login-shell probe).
 *   extensions: folder extensions (package.json and files) installed next to the .vsix.
 *   prepare: called with the run folder's fixture before code-server starts (e.g. to change the workspace).
 */
export async function startWorkbench(suite, { workspaceTrust, holdRequests = false, settings = {}, env = {}, extensions: more = [], prepare, logDir }) {
  const fixture = await prepareRun(suite, { holdRequests });
  Object.assign(fixture.env, env);
  prepare?.(fixture);
  const userData = join(fixture.run, 'user-data');
  const extensions = join(fixture.run, 'extensions');
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({ ...userSettings, ...settings }, null, 2));
  const node = join(requireEnv('E2E_NODE24_BIN'), 'node');
  const entry = requireEnv('E2E_CODE_SERVER');
  const common = ['--user-data-dir', userData, '--extensions-dir', extensions];
  run(node, [entry, ...common, '--install-extension', requireEnv('E2E_VSIX')], { env: fixture.env });
  for (const dir of more) {
    const vsix = packVsix(dir, join(fixture.run, `${basename(dir)}.vsix`));
    run(node, [entry, ...common, '--install-extension', vsix], { env: fixture.env });
  }
  const args = [entry, ...common, '--bind-addr', '127.0.0.1:0', '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override'];
  if (!workspaceTrust) args.push('--disable-workspace-trust');
  const codeServer = startGroup(node, [...args, fixture.workspace], { env: fixture.env, logFile: join(logDir, 'code-server.log') });
  const consoleErrors = [];
  let ctx;
  try {
    const [, url] = await codeServer.waitForOutput(/HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\/?/, 60_000);
    ctx = await launchBrowser();
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    page.setDefaultTimeout(60_000);
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !harmlessConsole.some((re) => re.test(msg.text()))) consoleErrors.push(msg.text());
    });
    await page.goto(`${url}/?folder=${encodeURIComponent(fixture.workspace)}`);
    return {
      fixture,
      page,
      userData,
      extensions,
      consoleErrors,
      /** The extension's own log channel ("Go Proxy Doctor Server"), as the workbench wrote it to disk. */
      extensionLog: () => readLogs(join(userData, 'logs'), /Go Proxy Doctor Server\.log$/),
      extensionHostLog: () => readLogs(join(userData, 'logs'), /exthost\.log$/),
      /** What an Output channel holds, as the workbench mirrors it to disk (the view renders only visible lines). */
      outputChannelText: (name) => readLogs(join(userData, 'logs'), new RegExp(`^\\d+-${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.log$`)),
      async stop(screenshotPath) {
        if (screenshotPath) await page.screenshot({ path: screenshotPath }).catch(() => undefined);
        await ctx.close().catch(() => undefined);
        await codeServer.stop();
        await fixture.proxy.close();
      },
    };
  } catch (err) {
    await ctx?.close().catch(() => undefined);
    await codeServer.stop();
    await fixture.proxy.close();
    throw err;
  }
}

function readLogs(dir, re) {
  return findFiles(dir, re)
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
}

function findFiles(dir, re) {
  const found = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) found.push(...findFiles(p, re));
    else if (re.test(e.name)) found.push(p);
  }
  return found;
}
