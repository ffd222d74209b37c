'use strict';
// Contender 4 of bench/run: the backend a shop would write instead of
// brickgate, with Express and Mercado Pago's official Node SDK.  It does
// what Mercado Pago's own card sample does: take the Brick's form data as
// posted, build the payment from it, create it through the SDK and answer
// with the payment's id and status.  It keeps no record of the purchase,
// so it checks nothing against it and writes nothing to disk.
//
//   MP_BASE_URL=http://127.0.0.1:PORT MP_ACCESS_TOKEN=TEST-... \
//   PORT=8095 WORKERS=1 node server.js
//
// WORKERS > 1 forks that many processes sharing the port (node:cluster),
// one per core being the usual choice.  SIGTERM stops every process.
const cluster = require('node:cluster');
const express = require('express');
const { MercadoPagoConfig, Payment } = require('mercadopago');

// The SDK has no option for its base URL; it builds every URL from this
// static field (doc/testing.md, "Fidelity with the official SDK").
require('mercadopago/dist/utils/config').AppConfig.BASE_URL =
    process.env.MP_BASE_URL;

const workers = Number(process.env.WORKERS || 1);
const port = Number(process.env.PORT);

function serve() {
	const client = new MercadoPagoConfig({
		accessToken: process.env.MP_ACCESS_TOKEN,
		options: { timeout: 15000 },
	});
	const payments = new Payment(client);
	const app = express();

	app.use(express.json());
	app.post('/process_payment', async (req, res) => {
		const form = req.body || {};
		const payer = form.payer || {};
		const body = {
			transaction_amount: Number(form.transaction_amount),
			token: form.token,
			description: form.description,
			installments: Number(form.installments),
			payment_method_id: form.payment_method_id,
			issuer_id: form.issuer_id,
			payer: {
				email: payer.email,
				identification: payer.identification,
			},
		};
		try {
			const p = await payments.create({ body });
			res.status(201).json({
				id: p.id,
				status: p.status,
				status_detail: p.status_detail,
			});
		} catch (err) {
			res.status(502).json({ error: String(err && err.message) });
		}
	});
	app.get('/healthz', (req, res) => res.json({ status: 'ok' }));
	const server = app.listen(port, '127.0.0.1');
	process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

if (workers > 1 && cluster.isPrimary) {
	for (let i = 0; i < workers; i++)
		cluster.fork();
	process.on('SIGTERM', () => {
		for (const id in cluster.workers)
			cluster.workers[id].process.kill('SIGTERM');
		// The workers' exits end the primary: nothing else keeps it.
	});
} else {
	serve();
}
