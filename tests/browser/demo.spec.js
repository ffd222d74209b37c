// Drives the demo's checkout page in headless Chromium (Debian's, through
// playwright-core) like a buyer: an approved card, a rejected card paid again,
// a Pix paid through the sandbox's control endpoint, a boleto (Brazil), an
// OXXO voucher (Mexico), a PSE transfer paid at the "bank" (Colombia) and a
// wallet payment made at "Mercado Pago" (the page's Simulate buttons ask the
// sandbox).  Prints one JSON line per step, {"step": NAME, "value": {...}},
// for test_demo.py to check; saves a PNG of each final state in SHOT_DIR.
//
// usage: node demo.spec.js PLAYWRIGHT_DIR PAGE_URL SANDBOX_MLB_URL
//            SANDBOX_MLM_URL SANDBOX_MCO_URL SHOT_DIR
'use strict';
const path = require('path');
const [pwDir, pageUrl, sandboxUrl, sandboxMlmUrl, sandboxMcoUrl, shotDir] = process.argv.slice(2);
const { chromium } = require(path.join(pwDir, 'node_modules', 'playwright-core'));

const WAIT_MS = 15000;          // one answer from the stack
const PIX_WAIT_MS = 30000;      // polling (every 2 s) + brickgate's 5 s refresh
const isApi = (r, route) => new URL(r.url()).pathname.endsWith('/' + route);
const out = (step, value) => console.log(JSON.stringify({ step, value }));

const CARD = { number: '5031 4332 1540 6351', expiry: '11/30', cvv: '123',
  email: 'test_user_123@testuser.com', cpf: '12345678909' };

// What the buyer sees in the outcome box, and what the API answered.
async function outcome(page) {
  return page.evaluate(() => {
    const o = document.getElementById('outcome');
    return { state: o.dataset.state, http: o.dataset.http, payment_id: o.dataset.paymentId,
      title: document.getElementById('outcome-title').innerText,
      text: document.getElementById('outcome-text').innerText };
  });
}

// Waits until the outcome box has left "busy"/"idle" (the page's own
// answer), or until want() is true of it.
async function settled(page, timeout, want) {
  await page.waitForFunction((states) => {
    const s = document.getElementById('outcome').dataset.state;
    return states ? states.includes(s) : s !== 'busy' && s !== 'idle';
  }, want || null, { timeout });
  return outcome(page);
}

async function answerOf(resp) {
  let body = null;
  try { body = await resp.json(); } catch (e) { body = { unparsed: await resp.text() }; }
  return { status: resp.status(), body };
}

// Opens the page of a purchase (of a site other than MLB when given);
// records uncaught page errors and every /payment_status answer the page got.
async function open(ctx, purchase, amount, site) {
  return openUrl(ctx, `${pageUrl}/?${site ? `site=${site}&` : ''}purchase_id=${purchase}&amount=${amount}`);
}

async function openUrl(ctx, url) {
  const page = await ctx.newPage();
  const errors = [];
  const polls = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('response', (r) => {
    if (isApi(r, 'payment_status')) polls.push(answerOf(r));
  });
  const r = await page.goto(url);
  // The page has asked brickgate what the purchase already has.
  await page.waitForFunction(() => document.body.dataset.loaded === '1', null,
    { timeout: WAIT_MS });
  return { page, errors, polls, status: r.status() };
}

// Fills the card form and pays; returns the token and payment answers as the
// browser saw them, and the outcome shown.
async function payCard(page, holder, doc = { label: 'CPF', number: CARD.cpf }) {
  await page.getByLabel('Card number').fill(CARD.number);
  await page.getByLabel(/^Cardholder name/).fill(holder);
  await page.getByLabel('Expiry (MM/YY)').fill(CARD.expiry);
  await page.getByLabel('CVV').fill(CARD.cvv);
  await page.locator('#card').getByLabel('E-mail').fill(CARD.email);
  if (doc) await page.locator('#card').getByLabel(doc.label, { exact: true }).fill(doc.number);
  const tokenResp = page.waitForResponse((r) => r.url().endsWith('/v1/card_tokens'),
    { timeout: WAIT_MS });
  const payResp = page.waitForResponse((r) => isApi(r, 'process_payment'),
    { timeout: WAIT_MS });
  await page.getByRole('button', { name: 'Pay', exact: true }).click();
  const token = await answerOf(await tokenResp);
  const pay = await answerOf(await payResp);
  const shown = await settled(page, WAIT_MS);
  const payDisabled = await page.getByRole('button', { name: 'Pay', exact: true }).isDisabled();
  return { token: { status: token.status, id: token.body && token.body.id }, pay, shown, payDisabled,
    sent: (await payResp).request().postDataJSON() };
}

// After the buyer paid elsewhere: until the page's polling shows the
// payment's end, or brickgate answers the polling with an error (the page
// keeps trying; the test stops there).  A wallet purchase has no payment
// (404 no_payment) until the buyer pays: expected404 lets it poll on.
async function untilPaid(page, polls, expected404) {
  const t1 = Date.now();
  const failed = page.waitForResponse((r) => isApi(r, 'payment_status') &&
    r.status() !== 200 && !(expected404 && r.status() === 404), { timeout: PIX_WAIT_MS });
  const ended = settled(page, PIX_WAIT_MS, ['approved', 'rejected', 'error', 'in_process']);
  failed.catch(() => {});
  ended.catch(() => {});
  await Promise.race([failed, ended]);
  // The last answer the page's polling got is the one it shows.
  return { after: await outcome(page), after_ms: Date.now() - t1,
    status_answer: await polls[polls.length - 1], polls: polls.length };
}

// Clicks the page's Simulate button (the demo's stand-in for the bank or
// Mercado Pago) and returns the sandbox's answer as the browser saw it.
async function simulate(page, name) {
  const resp = page.waitForResponse((r) => new URL(r.url()).pathname.includes('/__sandbox/'),
    { timeout: WAIT_MS });
  await page.getByRole('button', { name, exact: true }).click();
  const r = await resp;
  return { url: new URL(r.url()).pathname, ...(await answerOf(r)) };
}

async function step(name, fn) {
  const t0 = Date.now();
  try {
    const value = await fn();
    value.ms = Date.now() - t0;
    out(name, value);
  } catch (e) {
    out(name, { crash: String(e && e.stack || e), ms: Date.now() - t0 });
  }
}

async function main() {
  const t0 = Date.now();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  out('browser', { version: browser.version(), ms: Date.now() - t0 });
  const ctx = await browser.newContext({ viewport: { width: 900, height: 1400 } });
  // Nothing may leave loopback: every other request is recorded and refused.
  const external = [];
  await ctx.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.protocol === 'data:' || u.hostname === '127.0.0.1') return route.continue();
    external.push(route.request().url());
    return route.abort();
  });
  const shot = (page, name) => page.screenshot({ path: path.join(shotDir, name), fullPage: true });

  await step('form', async () => {
    const { page, errors, status } = await open(ctx, 'demo-card-1', '150.00');
    const v = { status, title: await page.title(), purchase: await page.locator('#pid').innerText(),
      amount: await page.locator('#amount').innerText(), shown: await outcome(page),
      note: await page.locator('.note').innerText() };
    await shot(page, 'checkout-form.png');
    v.errors = errors;
    await page.close();
    return v;
  });

  await step('card_approved', async () => {
    const { page, errors } = await open(ctx, 'demo-card-1', '150.00');
    const v = await payCard(page, 'APRO');
    await shot(page, 'card-approved.png');
    v.errors = errors;
    await page.close();
    return v;
  });

  // A reload shows what brickgate recorded for the purchase.
  await step('card_reload', async () => {
    const { page, errors, polls } = await open(ctx, 'demo-card-1', '150.00');
    const v = { shown: await outcome(page), status_answer: await polls[0],
      payDisabled: await page.getByRole('button', { name: 'Pay', exact: true }).isDisabled() };
    await shot(page, 'card-reload.png');
    v.errors = errors;
    await page.close();
    return v;
  });

  await step('card_rejected_then_approved', async () => {
    const { page, errors } = await open(ctx, 'demo-card-2', '150.00');
    const rejected = await payCard(page, 'OTHE');
    await shot(page, 'card-rejected.png');
    const retried = await payCard(page, 'APRO');
    await shot(page, 'card-retry-approved.png');
    await page.close();
    return { rejected, retried, errors };
  });

  // Cards on the other sites: no document in Mexico, a CC in Colombia.
  await step('card_other_sites', async () => {
    const v = {};
    for (const [site, purchase, amount, doc] of [
      ['MLM', 'demo-mx-card-1', '499.50', null],
      ['MCO', 'demo-co-card-1', '120000', { label: 'CC', number: '1012345678' }]]) {
      const { page, errors } = await open(ctx, purchase, amount, site);
      v[site] = await payCard(page, 'APRO', doc);
      v[site].docVisible = await page.locator('#card-doc').isVisible();
      v[site].errors = errors;
      await shot(page, `card-${site.toLowerCase()}.png`);
      await page.close();
    }
    return v;
  });

  await step('pix', async () => {
    const { page, errors, polls } = await open(ctx, 'demo-pix-1', '89.90');
    await page.getByRole('button', { name: 'Pix', exact: true }).click();
    await page.locator('#pix').getByLabel('E-mail').fill(CARD.email);
    const payResp = page.waitForResponse((r) => isApi(r, 'process_payment'),
      { timeout: WAIT_MS });
    await page.getByRole('button', { name: 'Generate Pix code' }).click();
    const pay = await answerOf(await payResp);
    const shown = await settled(page, WAIT_MS);
    const v = { pay, shown, errors };
    if (shown.state !== 'pending') {
      await shot(page, 'pix-not-created.png');
      return v;
    }
    // The QR image really decoded, and the copy-paste code shown.
    v.qr = await page.locator('#pix-qr').evaluate((img) => ({ visible: img.offsetWidth > 0,
      complete: img.complete, naturalWidth: img.naturalWidth, src: img.src.slice(0, 22) }));
    v.code = await page.locator('#pix-code').inputValue();
    v.ticket_url = await page.locator('#pix-ticket').getAttribute('href');
    await shot(page, 'pix-code.png');
    // The buyer pays: the sandbox marks the payment approved.
    const paid = await fetch(`${sandboxUrl}/__sandbox/payments/${pay.body.id}/status`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 'approved' }) });
    v.control = { status: paid.status, body: await paid.json() };
    Object.assign(v, await untilPaid(page, polls));
    await shot(page, 'pix-approved.png');
    return v;
  });

  await step('boleto', async () => {
    const { page, errors } = await open(ctx, 'demo-boleto-1', '310.00');
    await page.getByRole('button', { name: 'Boleto', exact: true }).click();
    const payResp = page.waitForResponse((r) => isApi(r, 'process_payment'),
      { timeout: WAIT_MS });
    await page.getByRole('button', { name: 'Get boleto' }).click();
    const pay = await answerOf(await payResp);
    const shown = await settled(page, WAIT_MS);
    const link = page.locator('#voucher');
    const v = { pay, shown, errors, voucher: { visible: await link.isVisible(),
      href: await link.getAttribute('href') } };
    await shot(page, 'boleto.png');
    await page.close();
    return v;
  });

  // Mexico: a voucher to pay in cash at OXXO.
  await step('oxxo', async () => {
    const { page, errors } = await open(ctx, 'demo-oxxo-1', '250.00', 'MLM');
    const v = { header: { amount: await page.locator('#amount').innerText(),
      currency: await page.locator('#currency').innerText() },
    tabs: await page.locator('.tabs button:visible').allInnerTexts() };
    await page.getByRole('button', { name: 'OXXO', exact: true }).click();
    await page.locator('#oxxo').getByLabel('E-mail').fill(CARD.email);
    const payResp = page.waitForResponse((r) => isApi(r, 'process_payment'),
      { timeout: WAIT_MS });
    await page.getByRole('button', { name: 'Get OXXO voucher' }).click();
    const resp = await payResp;
    v.sent = resp.request().postDataJSON();
    v.api = new URL(resp.url()).pathname;
    v.pay = await answerOf(resp);
    v.shown = await settled(page, WAIT_MS);
    const link = page.locator('#voucher');
    v.voucher = { visible: await link.isVisible(), href: await link.getAttribute('href'),
      text: await link.innerText() };
    v.code = await page.locator('#voucher-code').innerText();
    v.errors = errors;
    await shot(page, 'oxxo.png');
    await page.close();
    return v;
  });

  // Colombia: PSE, a transfer the buyer makes at their bank's page.  The
  // test never goes there (Mercado Pago's URL does not exist offline): the
  // page's Simulate button has the sandbox approve the payment, and the
  // bank's return to callback_url is followed.
  await step('pse', async () => {
    const { page, errors, polls } = await open(ctx, 'demo-pse-1', '50000', 'MCO');
    const v = { header: { amount: await page.locator('#amount').innerText(),
      currency: await page.locator('#currency').innerText() },
    tabs: await page.locator('.tabs button:visible').allInnerTexts(), errors };
    await page.getByRole('button', { name: 'PSE', exact: true }).click();
    await page.locator('#pse').getByLabel('E-mail').fill(CARD.email);
    const payResp = page.waitForResponse((r) => isApi(r, 'process_payment'),
      { timeout: WAIT_MS });
    await page.getByRole('button', { name: 'Continue to your bank' }).click();
    const resp = await payResp;
    v.sent = resp.request().postDataJSON();
    v.api = new URL(resp.url()).pathname;
    v.pay = await answerOf(resp);
    v.shown = await settled(page, WAIT_MS);
    if (v.shown.state !== 'pending') {
      await shot(page, 'pse-not-created.png');
      return v;
    }
    const link = page.locator('#bank-link');
    v.bank = { visible: await link.isVisible(), href: await link.getAttribute('href') };
    v.page_url = page.url();
    await shot(page, 'pse-bank.png');
    v.control = await simulate(page, 'Simulate the bank: pay');
    Object.assign(v, await untilPaid(page, polls));
    v.page_url_after = page.url();
    await shot(page, 'pse-approved.png');
    await page.close();
    // The bank sends the buyer back to the shop's callback_url, which
    // brickgate sent to Mercado Pago with the purchase id in it.
    const log = await (await fetch(`${sandboxMcoUrl}/__sandbox/requests`)).json();
    const created = log.requests.filter((q) => q.method === 'POST' && q.path === '/v1/payments' &&
      q.body && q.body.payment_method_id === 'pse');
    v.callback_url = created.length ? created[created.length - 1].body.callback_url : null;
    if (v.callback_url && v.callback_url.startsWith(pageUrl + '/')) {
      const back = await openUrl(ctx, v.callback_url);
      v.returned = { shown: await outcome(back.page), amount: await back.page.locator('#amount').innerText(),
        tab: await back.page.locator('.tabs button.on').innerText(), errors: back.errors };
      await shot(back.page, 'pse-return.png');
      await back.page.close();
    }
    return v;
  });

  // The wallet: the shop makes a preference, the Brick's submission (null
  // formData) is answered with a redirect, and the buyer pays at Mercado
  // Pago (the page's Simulate button has the sandbox pay the preference).
  await step('wallet', async () => {
    const { page, errors, polls } = await open(ctx, 'demo-wallet-1', '120.00');
    await page.getByRole('button', { name: 'Mercado Pago', exact: true }).click();
    const prefResp = page.waitForResponse((r) => isApi(r, 'create_preference'),
      { timeout: WAIT_MS });
    const payResp = page.waitForResponse((r) => isApi(r, 'process_payment'),
      { timeout: WAIT_MS });
    await page.getByRole('button', { name: 'Pay with Mercado Pago' }).click();
    const v = { preference: await answerOf(await prefResp), errors };
    const resp = await payResp;
    v.sent = resp.request().postDataJSON();
    v.pay = await answerOf(resp);
    v.shown = await settled(page, WAIT_MS);
    v.preference_shown = await page.locator('#preference-id').innerText();
    await shot(page, 'wallet-redirect.png');
    if (v.shown.state !== 'pending') return v;
    v.control = await simulate(page, 'Simulate paying at Mercado Pago');
    Object.assign(v, await untilPaid(page, polls, true));
    await shot(page, 'wallet-approved.png');
    await page.close();
    return v;
  });

  out('external', { requests: external });
  await browser.close();
  out('total', { ms: Date.now() - t0 });
}

main().catch((e) => { out('crash', String(e && e.stack || e)); process.exit(1); });
