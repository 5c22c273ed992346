// Browser-driven UI test: the sample workspace in code-server (the real VS Code workbench),
// driven by headless Debian Chromium through playwright-core, as a person would use it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { installHost } from '../../scripts/host/install-host.mjs';
import { createSession, hostLogs, installExtension, openWorkbench, startCodeServer, stopSession } from '../../scripts/host/code-server.mjs';
import { REPO_ROOT, sampleWorkspace } from '../../scripts/sample-workspace.mjs';

const OUT = path.join(REPO_ROOT, 'test-output', 'ui');

describe('CORTEX in the VS Code workbench (code-server + Chromium)', function () {
  this.timeout(180000);
  let session;
  let page;
  let workspace;

  before(async () => {
    await installHost();
    workspace = sampleWorkspace();
    session = createSession({ trusted: true });
    installExtension(session, REPO_ROOT);
    await startCodeServer(session);
    page = await openWorkbench(session, workspace);
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      fs.mkdirSync(OUT, { recursive: true });
      await page.screenshot({ path: path.join(OUT, `failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}.png`) }).catch(() => undefined);
      await page.keyboard.press('Escape').catch(() => undefined);
    }
  });

  after(async function () {
    if (this.currentTest?.state === 'failed' || process.env.CORTEX_UI_LOGS) console.error(hostLogs(session, 30));
    if (session) await stopSession(session);
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  const rows = () => page.locator('.sidebar .monaco-list-row').allInnerTexts();

  it('shows the CORTEX activity-bar icon and opens its three views', async () => {
    const icon = page.locator('.activitybar [aria-label^="CORTEX"]').first();
    await icon.waitFor({ timeout: 30000 });
    await icon.click();
    for (const title of ['Plugins', 'Creation Sessions', 'Discoveries']) {
      await page.locator('.sidebar .pane-header', { hasText: title }).first().waitFor({ timeout: 15000 });
    }
  });

  it('lists the migrated brain\'s built-in plugins by category', async () => {
    await page.locator('.sidebar .monaco-list-row', { hasText: 'Self-Review' }).first().waitFor({ timeout: 30000 });
    const text = (await rows()).join('\n');
    for (const expected of ['intelligence', 'maintenance', 'utility', 'Self-Review', 'Database Maintenance', 'Incremental Creation', 'Workspace Crawler']) {
      assert.ok(text.includes(expected), `row "${expected}" in:\n${text}`);
    }
    // The empty Creation Sessions view explains itself once the brain is ready.
    await page.locator('.sidebar .welcome-view-content', { hasText: 'No creation sessions yet' }).first().waitFor({ timeout: 30000 });
  });

  it('shows the baseline review\'s score in the status bar', async () => {
    const item = page.locator('.statusbar-item', { hasText: /CORTEX \d+% / }).first();
    await item.waitFor({ timeout: 30000 });
    assert.match(await item.innerText(), /CORTEX \d+% (excellent|good|fair|poor|critical)/);
  });

  it('runs "CORTEX: Show Status" from the command palette (F1)', async () => {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 10000 });
    await input.fill('>CORTEX: Show Status');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show Status' }).first().waitFor({ timeout: 10000 });
    await page.keyboard.press('Enter');
    const toast = page.locator('.notifications-toasts', { hasText: 'schema up-to-date' });
    await toast.waitFor({ timeout: 15000 });
    fs.mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: path.join(OUT, 'cortex-workbench.png') });
  });

  /** F1, type the title, Enter — a second attempt if the palette had not caught up with the extension's context keys. */
  async function runCommand(title) {
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ timeout: 10000 });
      await input.fill(`>${title}`);
      try {
        await page.locator('.quick-input-list .monaco-list-row', { hasText: title.replace(/^CORTEX: /, '') }).first().waitFor({ timeout: 15000 });
        await page.keyboard.press('Enter');
        return;
      } catch (err) {
        await page.keyboard.press('Escape');
        if (attempt === 2) throw err;
      }
    }
  }

  it('opens the Health dashboard: score, category cards, issues and trend render in the webview', async () => {
    await runCommand('CORTEX: Run Self-Review');
    await page.locator('.notifications-toasts', { hasText: 'CORTEX health' }).first().waitFor({ timeout: 60000 });
    await runCommand('CORTEX: Show Health Dashboard');
    const frame = page.frameLocator('iframe.webview').frameLocator('#active-frame');
    await frame.locator('.cards .card').first().waitFor({ timeout: 30000 });
    assert.equal(await frame.locator('.cards .card').count(), 5);
    assert.match(await frame.locator('.score .big').innerText(), /^\d+%$/);
    await frame.locator('.trend svg.chart polyline').first().waitFor({ state: 'attached', timeout: 10000 });
    await page.screenshot({ path: path.join(OUT, 'dashboard.png') });
  });
});
