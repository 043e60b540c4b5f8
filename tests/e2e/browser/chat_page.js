'use strict';
// Drives the simulator's chat page in headless Chromium as a talent would: type a question, press
// Enter, wait for the bot's answer to appear. Prints one JSON line: {ok, me, bot, screenshot}.
//   node chat_page.js SIM_URL SCREENSHOT_PNG [NPM_DIR]
const path = require('node:path');

const [simUrl, screenshot, npmDir = process.env.TALENTBOT_NPM_CACHE] = process.argv.slice(2);
const { chromium } = require(path.join(path.resolve(npmDir), 'node_modules', 'playwright-core'));

(async () => {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(simUrl);
    await page.fill('#user', 'talent-browser');
    await page.fill('#input', '落户需要什么材料');
    await page.press('#input', 'Enter');
    await page.waitForSelector('.msg.me', { timeout: 10000 });
    await page.waitForSelector('.msg.bot', { timeout: 15000 });
    const me = await page.textContent('.msg.me');
    const bot = await page.textContent('.msg.bot');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(JSON.stringify({ ok: true, me, bot, screenshot }));
  } catch (e) {
    console.log(JSON.stringify({ ok: false, error: String(e) }));
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
})();
