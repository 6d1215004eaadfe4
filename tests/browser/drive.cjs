/* Drives headless Chromium (Debian's `chromium`) through one scenario with playwright-core and
   prints one JSON line of observations; tests/browser/test_web_browser.py asserts on it.
   Usage: node drive.cjs SCENARIO  (env: BASE_URL, ARTIFACTS, PASSWORD, CITY_CASE, CHROMIUM,
   and for some scenarios PLAN_TASK, BROWSER_LOCALE) */
'use strict';
const path = require('path');
const { chromium } = require(path.join(__dirname, '../../web/node_modules/playwright-core'));

const base = process.env.BASE_URL;
const artifacts = process.env.ARTIFACTS;
const password = process.env.PASSWORD;

const lines = require('readline').createInterface({ input: process.stdin });
const pending = [];
lines.on('line', line => { const next = pending.shift(); if (next) { next(line); } });

/* Tell the test what happened and wait for its answer on stdin. */
function handshake(message) {
  process.stdout.write(message + '\n');
  return new Promise(resolve => pending.push(resolve));
}

async function signIn(page, username) {
  await page.goto(base + '/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL('**/tasks');
}

async function choose(page, label, option) {
  const field = page.locator('.fjs-form-field-select', { has: page.locator('label', { hasText: label }) });
  await field.locator('.fjs-select-display').click();
  await field.locator('.fjs-dropdownlist-item', { hasText: option }).first().click();
}

async function fieldErrors(page) {
  return page.locator('.fjs-form-field-error').allInnerTexts();
}

async function county(page, out) {
  await signIn(page, 'baiyin-dept');
  await page.getByRole('button', { name: /新建评估事项/ }).click();
  await page.locator('p.notice', { hasText: '已新建事项' }).waitFor();  // the flash notice
  const link = page.locator('table.tasks a[href^="/tasks/"]', { hasText: '登记重大事项' }).first();
  out.inboxTasks = await page.locator('table.tasks tbody tr').count();
  await page.screenshot({ path: path.join(artifacts, 'inbox.png'), fullPage: true });
  await link.click();
  await page.waitForSelector('.fjs-container');
  out.taskUrl = page.url();

  // An invalid form: errors in Chinese, the input stays, nothing is submitted.
  await page.getByLabel('事项名称').fill('桥');
  await page.getByRole('button', { name: '提交办理' }).click();
  await page.waitForSelector('#task-error:not([hidden])');
  out.invalidSummary = await page.locator('#task-error').innerText();
  out.invalidErrors = await fieldErrors(page);
  out.keptName = await page.getByLabel('事项名称').inputValue();
  out.urlAfterInvalid = page.url();
  await page.screenshot({ path: path.join(artifacts, 'form-invalid.png'), fullPage: true });

  // Fix it and submit; the page moves on to the case.
  await page.getByLabel('事项名称').fill('白银区北京路道路拓宽工程');
  await choose(page, '事项类型', '重大项目');
  await page.getByLabel('评估责任主体（单位）').fill('白银区住房和城乡建设局');
  await page.getByLabel('涉及群众户数').fill('320');
  await page.getByLabel('涉及征地拆迁').check();
  await page.screenshot({ path: path.join(artifacts, 'form.png'), fullPage: true });
  await page.getByRole('button', { name: '提交办理' }).click();
  await page.waitForURL('**/cases/**');
  out.caseUrl = page.url();
  // The workers carry the case on; the test waits on the engine (no polling here) and says go.
  await handshake('SUBMITTED ' + out.caseUrl.split('/').pop());
  await page.reload();
  await page.waitForSelector('#diagram[data-ready="1"]');
  out.title = await page.locator('h1').innerText();
  out.activeStages = await page.locator('.timeline li.active .step-name').allInnerTexts();
  out.doneStages = await page.locator('.timeline li.done .step-name').allInnerTexts();
  out.history = await page.locator('#h-history ~ .table-wrap tbody').innerText();
  out.markedDone = await page.locator('#diagram .wp-done').count();
  out.markedActive = await page.locator('#diagram .wp-active').count();
  await page.screenshot({ path: path.join(artifacts, 'case.png'), fullPage: true });

  // Tablet width: the case page still fits without horizontal scrolling of the page.
  await page.setViewportSize({ width: 768, height: 1024 });
  out.tabletOverflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  await page.screenshot({ path: path.join(artifacts, 'case-tablet.png'), fullPage: false });

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(base + '/dashboard');
  await page.screenshot({ path: path.join(artifacts, 'dashboard.png'), fullPage: true });
  await page.goto(base + '/ledger');
  out.ledger = await page.locator('main table').innerText();
  await page.screenshot({ path: path.join(artifacts, 'ledger.png'), fullPage: true });

  // Keyboard: the skip link is the first stop, and it leads to the main content.
  await page.goto(base + '/tasks');
  await page.keyboard.press('Tab');
  out.firstTab = await page.evaluate(() => document.activeElement.textContent.trim());
}

async function conflict(page, out) {
  await signIn(page, 'baiyin-dept');
  await page.getByRole('button', { name: /新建评估事项/ }).click();
  await page.locator('p.notice', { hasText: '已新建事项' }).waitFor();  // the flash notice
  await page.locator('table.tasks a[href^="/tasks/"]', { hasText: '登记重大事项' }).first().click();
  await page.waitForSelector('.fjs-container');
  await page.getByLabel('事项名称').fill('平川区供热管网改造');
  await choose(page, '事项类型', '重大项目');
  await page.getByLabel('评估责任主体（单位）').fill('白银区供热公司');
  await page.getByLabel('涉及群众户数').fill('45');
  // Meanwhile a colleague claims the task; the engine refuses our completion.
  await handshake('READY ' + page.url().split('/').pop());
  await page.getByRole('button', { name: '提交办理' }).click();
  await page.waitForSelector('#task-error:not([hidden])');
  out.error = await page.locator('#task-error').innerText();
  out.keptName = await page.getByLabel('事项名称').inputValue();
  out.keptHouseholds = await page.getByLabel('涉及群众户数').inputValue();
  out.url = page.url();
  await page.screenshot({ path: path.join(artifacts, 'form-engine-error.png'), fullPage: true });
}

async function township(page, out) {
  await signIn(page, 'baiyin-township');
  out.inboxHasCityCase = (await page.content()).includes('/cases/' + process.env.CITY_CASE);
  const response = await page.goto(base + '/cases/' + process.env.CITY_CASE);
  out.caseStatus = response.status();
  out.caseText = await page.locator('main').innerText();
  const diagram = await page.goto(base + '/cases/' + process.env.CITY_CASE + '/diagram.xml');
  out.diagramStatus = diagram.status();
  await page.goto(base + '/cases/' + process.env.CITY_CASE);
  await page.screenshot({ path: path.join(artifacts, 'township-denied.png') });
}

/* The date field of the plan form: the picker speaks Chinese, form-js still submits ISO dates. */
async function datepicker(page, out) {
  const zh = require(path.join(__dirname, '../../web/node_modules/flatpickr/dist/l10n/zh.js')).Mandarin;
  out.packageWeekdays = zh.weekdays.shorthand;
  out.packageMonths = zh.months.longhand;
  const posted = [];
  page.on('request', r => { if (r.url().endsWith('/complete')) { posted.push(JSON.parse(r.postData())); } });
  await signIn(page, 'baiyin-dept');
  await page.goto(base + '/tasks/' + process.env.PLAN_TASK);
  await page.waitForSelector('.fjs-container');
  const date = page.getByLabel('评估完成时限');
  out.placeholder = await date.getAttribute('placeholder');
  await date.click();
  const calendar = page.locator('.flatpickr-calendar.open');
  await calendar.waitFor();
  out.weekdays = await calendar.locator('.flatpickr-weekday').allInnerTexts();
  out.months = await calendar.locator('.flatpickr-monthDropdown-months option').allInnerTexts();
  // A day typed in the shown format moves the calendar there.
  await date.fill('2027-11-03');
  await date.press('Enter');
  await date.click();
  await calendar.waitFor();
  out.shownMonth = await calendar.locator('.flatpickr-monthDropdown-months')
    .evaluate(select => select.options[select.selectedIndex].text);
  out.firstDay = await calendar.locator('.flatpickr-day').first().getAttribute('aria-label');
  out.calendarText = await calendar.innerText();
  out.calendarLabels = await calendar.locator('[aria-label]').evaluateAll(
    nodes => nodes.map(n => n.getAttribute('aria-label')));
  await page.screenshot({ path: path.join(artifacts, 'datepicker.png'), fullPage: true, animations: 'disabled' });
  await calendar.locator('.flatpickr-day[aria-label="2027年11月20日"]').click();
  out.shownDate = await date.inputValue();

  await page.getByLabel('评估内容与程序').fill('走访沿线住户和商户，召开座谈会，形成评估报告。');
  await page.getByLabel('利益群体走访比例（0.01～1）').fill('0.3');
  await page.getByLabel('群众代表产生办法和程序').fill('由社区推荐、群众自荐，优先吸收持不同意见者。');
  await page.getByLabel(/^姓名/).fill('王芳');
  await page.getByLabel(/^职责/).fill('组织入户走访');
  await page.getByRole('button', { name: '提交办理' }).click();
  await page.waitForURL('**/cases/**');
  out.submitted = posted.map(body => body.variables.planDeadline);
}

(async () => {
  const scenario = process.argv[2];
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  const locale = process.env.BROWSER_LOCALE || 'zh-CN';
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale });
  const out = { scenario, consoleErrors: [] };
  page.on('pageerror', e => out.consoleErrors.push(e.message));
  page.setDefaultTimeout(15000);
  try {
    await ({ county, conflict, township, datepicker })[scenario](page, out);
  } catch (e) {
    out.failure = String(e && e.stack || e);
    await page.screenshot({ path: path.join(artifacts, scenario + '-failure.png'), fullPage: true }).catch(() => {});
  }
  await browser.close();
  process.stdout.write(JSON.stringify(out) + '\n');
  lines.close();
})();
