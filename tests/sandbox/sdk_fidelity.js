// Drives brickgate-sandbox with Mercado Pago's official Node SDK, unmodified
// but for its base URL, and prints one JSON line per step for the Python test
// to check.  usage: node sdk_fidelity.js SDK_DIR BASE_URL TOKEN
'use strict';
const path = require('path');
const [sdkDir, baseUrl, token] = process.argv.slice(2);
const req = (m) => require(path.join(sdkDir, 'node_modules', m));
// The SDK builds every URL from this static constant (doc/design.md): the least
// intrusive way to point it elsewhere.
req('mercadopago/dist/utils/config').AppConfig.BASE_URL = baseUrl;
const { MercadoPagoConfig, Payment, PaymentRefund, Preference, CardToken } = req('mercadopago');

const client = new MercadoPagoConfig({ accessToken: token, options: { timeout: 10000 } });
const payments = new Payment(client);
const out = (step, value) => console.log(JSON.stringify({ step, value }));

async function card(name) {
  return new CardToken(client).create({ body: {
    card_number: '5031433215406351', expiration_month: 11, expiration_year: 2030,
    security_code: '123',
    cardholder: { name, identification: { type: 'CPF', number: '19119119100' } } } });
}

async function main() {
  const ref = 'sdk-' + Date.now();
  const t1 = await card('APRO');
  out('token', { id: t1.id });
  const approved = await payments.create({ body: {
    token: t1.id, transaction_amount: 150.1, installments: 1, payment_method_id: 'master',
    external_reference: ref, payer: { email: 'test_user_1@testuser.com',
      identification: { type: 'CPF', number: '19119119100' } } } });
  out('approved', approved);
  const t2 = await card('FUND');
  out('rejected', await payments.create({ body: {
    token: t2.id, transaction_amount: 10, installments: 1, payment_method_id: 'master',
    external_reference: ref, payer: { email: 'test_user_1@testuser.com' } } }));
  out('pix', await payments.create({ body: {
    transaction_amount: 89.9, payment_method_id: 'pix', external_reference: ref,
    payer: { email: 'test_user_1@testuser.com' } } }));
  out('ticket', await payments.create({ body: {
    transaction_amount: 310, payment_method_id: 'bolbradesco', external_reference: ref,
    payer: { email: 'test_user_1@testuser.com', first_name: 'Carla', last_name: 'Mendes',
      identification: { type: 'CPF', number: '19119119100' },
      address: { zip_code: '01310100', street_name: 'Avenida Paulista', street_number: '1500',
        neighborhood: 'Bela Vista', city: 'Sao Paulo', federal_unit: 'SP' } } } }));
  out('get', await payments.get({ id: approved.id }));
  out('search', await payments.search({ options: { external_reference: ref } }));
  out('preference', await new Preference(client).create({ body: {
    items: [{ id: 'sku-1', title: 'Mug', quantity: 2, unit_price: 37.5 }],
    external_reference: ref } }));
  try {
    await payments.create({ body: { transaction_amount: 10, installments: 1,
      payment_method_id: 'master', payer: { email: 'test_user_1@testuser.com' } } });
    out('validation', { thrown: false });
  } catch (e) {
    out('validation', { thrown: true, name: e.name, status: e.status, causes: e.causes });
  }
  // PaymentRefund: a partial refund, the rest in full, the list, one by id,
  // and one more refused (nothing left).
  const refunds = new PaymentRefund(client);
  const partial = await refunds.create({ payment_id: approved.id, body: { amount: 50.1 } });
  out('refund_partial', partial);
  out('refund_partial_payment', await payments.get({ id: approved.id }));
  const total = await refunds.total({ payment_id: approved.id });
  out('refund_total', total);
  out('refund_list', await refunds.list({ payment_id: approved.id }));
  out('refund_get', await refunds.get({ payment_id: approved.id, refund_id: partial.id }));
  out('refund_payment', await payments.get({ id: approved.id }));
  try {
    await refunds.create({ payment_id: approved.id, body: { amount: 1 } });
    out('refund_refused', { thrown: false });
  } catch (e) {
    out('refund_refused', { thrown: true, status: e.status, causes: e.causes });
  }
  const bad = new Payment(new MercadoPagoConfig({ accessToken: 'APP_USR-wrong' }));
  try {
    await bad.get({ id: approved.id });
    out('auth', { thrown: false });
  } catch (e) {
    out('auth', { thrown: true, name: e.name, status: e.status, causes: e.causes });
  }
}

main().catch((e) => { out('crash', { message: String(e && e.message), stack: String(e && e.stack) }); process.exit(1); });
