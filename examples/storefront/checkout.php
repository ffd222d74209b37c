<?php
/*
 * A storefront's checkout page for brickgate, in plain PHP (7.4 or later,
 * no extensions beyond the default ones): it records the purchase where
 * brickgate reads it, then renders Mercado Pago's Payment Brick, which
 * posts the buyer's choice to brickgate with the purchase id.
 *
 * The amount the buyer pays is the one written here, on the server:
 * brickgate refuses a form whose amount differs, whatever the page says.
 * A changed cart is a new purchase with a new id; a context is written
 * once and never rewritten (brickgate records the payment in it).
 *
 * Settings: edit the defaults below, or set them in the environment
 * (SetEnv in .htaccess, fastcgi_param, or the shell for php-cli).
 * With brickgate's store = postgresql, set BRICKGATE_PG_DSN (a PDO DSN,
 * "pgsql:host=/run/postgresql;dbname=shop"; PHP's pdo_pgsql, Debian's
 * php-pgsql) and the purchase is inserted into brickgate.purchases
 * instead of written into the context directory.
 */

$CONTEXT_DIR = getenv('BRICKGATE_CONTEXT_DIR') ?: '/home/shop/brickgate/contexts';
$BRICKGATE_URL = getenv('BRICKGATE_URL') ?: '/cgi-bin/brickgate.cgi';
$PUBLIC_KEY = getenv('MP_PUBLIC_KEY') ?: 'APP_USR-REPLACE-WITH-YOUR-PUBLIC-KEY';
$SITE = getenv('BRICKGATE_SITE') ?: 'MLB';
$PG_DSN = getenv('BRICKGATE_PG_DSN') ?: null;
$PG_USER = getenv('BRICKGATE_PG_USER') ?: null;
$PG_PASSWORD = getenv('BRICKGATE_PG_PASSWORD') ?: null;
$LOCALE = 'pt-BR';

/*
 * The cart, priced on the server: in a real shop it comes from the
 * session and the catalogue.  Prices are decimal strings; they are added
 * as integer cents, never as floats (a float printed back can carry more
 * decimals than the currency has, and brickgate refuses such a context).
 */
$cart = [
	['id' => 'sku-101', 'title' => 'Camiseta', 'quantity' => 2,
	    'unit_price' => '49.90'],
	['id' => 'sku-202', 'title' => 'Caneca', 'quantity' => 1,
	    'unit_price' => '35.00'],
];
$buyer_email = 'buyer@example.com';

function cents($price)
{
	if (!preg_match('/^(\d{1,9})\.(\d{2})$/', $price, $m))
		throw new InvalidArgumentException("bad price: $price");
	return intval($m[1]) * 100 + intval($m[2]);
}

function decimal($cents)
{
	return sprintf('%d.%02d', intdiv($cents, 100), $cents % 100);
}

/*
 * Writes $context as <id>.json atomically: a temporary file in the same
 * directory, flushed to disk, then linked under its name, so brickgate
 * never reads half a file.  Mode 0660: brickgate and the shop share the directory's group.
 * (PHP cannot fsync a directory; a crash just after the link may lose
 * the new name, and the buyer then sees an unknown purchase, never a
 * wrong charge.)
 */
function write_context($dir, $id, $context)
{
	$json = json_encode($context, JSON_UNESCAPED_SLASHES |
	    JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR);
	$tmp = tempnam($dir, '.tmp-');
	if ($tmp === false || dirname($tmp) !== rtrim($dir, '/'))
		throw new RuntimeException("cannot create a file in $dir");
	try {
		$f = fopen($tmp, 'wb');
		if ($f === false || fwrite($f, $json) !== strlen($json) ||
		    !fflush($f) ||
		    (function_exists('fsync') && !fsync($f)))
			throw new RuntimeException("cannot write $tmp");
		fclose($f);
		chmod($tmp, 0660);
		/* link() fails if the name exists: a purchase is never replaced. */
		if (!link($tmp, "$dir/$id.json"))
			throw new RuntimeException("cannot create $id.json");
	} finally {
		@unlink($tmp);
	}
}

/*
 * With the PostgreSQL store: one INSERT, the way brickgate.conf(5) shows
 * it.  The primary key refuses a second purchase with the same id, so a
 * purchase is never replaced; the commit is the database's to make
 * durable.
 */
function insert_context($dsn, $user, $password, $id, $context)
{
	$db = new PDO($dsn, $user, $password,
	    [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
	$st = $db->prepare('INSERT INTO brickgate.purchases (id, context) ' .
	    'VALUES (?, ?::jsonb)');
	$st->execute([$id, json_encode($context, JSON_UNESCAPED_SLASHES |
	    JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR)]);
}

function record_purchase($id, $context)
{
	global $CONTEXT_DIR, $PG_DSN, $PG_USER, $PG_PASSWORD;

	if ($PG_DSN !== null)
		insert_context($PG_DSN, $PG_USER, $PG_PASSWORD, $id, $context);
	else
		write_context($CONTEXT_DIR, $id, $context);
}

$total = 0;
foreach ($cart as $item)
	$total += $item['quantity'] * cents($item['unit_price']);

/* Unguessable: /payment_status answers anyone who knows the id. */
$purchase_id = bin2hex(random_bytes(16));
record_purchase($purchase_id, [
	'amount' => decimal($total),
	'site' => $SITE,
	'description' => 'Pedido na Loja Exemplo',
	'payer' => ['email' => $buyer_email],
	'items' => $cart,
	'expires_at' => gmdate('Y-m-d\TH:i:s\Z', time() + 3600),
]);

/* Values for the page, escaped for HTML and for a script block. */
$js = function ($v) {
	return json_encode($v, JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS |
	    JSON_HEX_QUOT | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR);
};
header('Content-Type: text/html; charset=utf-8');
header('Cache-Control: no-store');
?>
<!doctype html>
<html lang="pt-BR">
<head>
<meta charset="utf-8">
<title>Pagamento</title>
<script src="https://sdk.mercadopago.com/js/v2"></script>
<!-- Mercado Pago's device fingerprint: sets MP_DEVICE_SESSION_ID, which
     raises approval rates (brickgate forwards it, never logs it). -->
<script src="https://www.mercadopago.com/v2/security.js" view="checkout"></script>
</head>
<body data-purchase-id="<?= htmlspecialchars($purchase_id) ?>">
<h1>Total: R$ <?= htmlspecialchars(decimal($total)) ?></h1>
<div id="paymentBrick_container"></div>
<div id="statusScreenBrick_container"></div>
<script>
const purchaseId = <?= $js($purchase_id) ?>;
const gateway = <?= $js($BRICKGATE_URL) ?>;
const mp = new MercadoPago(<?= $js($PUBLIC_KEY) ?>, { locale: <?= $js($LOCALE) ?> });
const bricks = mp.bricks();

/* brickgate answers 201 with the payment (brickgate(8), Answers) or
 * an error body {"error": {"code", "message", "field"}}. */
function pay({ formData }) {
	const headers = { "Content-Type": "application/json" };
	if (window.MP_DEVICE_SESSION_ID)
		headers["X-Meli-Session-Id"] = window.MP_DEVICE_SESSION_ID;
	return fetch(gateway + "/process_payment?purchase_id=" + purchaseId, {
		method: "POST",
		headers: headers,
		body: JSON.stringify(formData),
	}).then(async (r) => {
		const body = await r.json();
		if (!r.ok)
			throw new Error(body.error ? body.error.message : r.statusText);
		return body;
	}).then((payment) => {
		document.getElementById("paymentBrick_container").hidden = true;
		return bricks.create("statusScreen", "statusScreenBrick_container",
		    { initialization: { paymentId: String(payment.id) } });
	});
}

bricks.create("payment", "paymentBrick_container", {
	initialization: {
		/* A number, as the Brick wants; brickgate reads its digits. */
		amount: <?= decimal($total) ?>,
		payer: { email: <?= $js($buyer_email) ?> },
	},
	customization: {
		paymentMethods: { creditCard: "all", debitCard: "all",
		    ticket: "all", bankTransfer: "all" },
	},
	callbacks: {
		onReady: () => {},
		onSubmit: pay,
		onError: (error) => console.error(error),
	},
});
</script>
</body>
</html>
