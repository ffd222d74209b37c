#!/usr/bin/env python3
"""A storefront's checkout page for brickgate, in Python 3 (standard
library only): it records the purchase where brickgate reads it, then
renders Mercado Pago's Payment Brick, which posts the buyer's choice to
brickgate with the purchase id.

`application` is a WSGI app (gunicorn, mod_wsgi, uWSGI); run as a file it
is a CGI program.  The amount the buyer pays is the one written here, on
the server: brickgate refuses a form whose amount differs.  A changed cart
is a new purchase with a new id; a context is written once and never
rewritten (brickgate records the payment in it).

Settings come from the environment, with the defaults below.  With
brickgate's store = postgresql, set BRICKGATE_DATABASE_URL (the same
libpq string brickgate uses) and the purchase is inserted into
brickgate.purchases with psycopg2 (Debian's python3-psycopg2) instead of
written into the context directory."""
import html
import json
import os
import secrets
import tempfile
import time
from decimal import Decimal

CONTEXT_DIR = os.environ.get("BRICKGATE_CONTEXT_DIR",
                             "/home/shop/brickgate/contexts")
BRICKGATE_URL = os.environ.get("BRICKGATE_URL", "/api")
PUBLIC_KEY = os.environ.get("MP_PUBLIC_KEY",
                            "APP_USR-REPLACE-WITH-YOUR-PUBLIC-KEY")
SITE = os.environ.get("BRICKGATE_SITE", "MLB")
DATABASE_URL = os.environ.get("BRICKGATE_DATABASE_URL")
LOCALE = "pt-BR"


def cart():
    """The cart, priced on the server (in a shop: the session and the
    catalogue).  Prices are decimal strings, summed as Decimal, never as
    floats: a float can print more decimals than the currency has, and
    brickgate refuses such a context."""
    return [{"id": "sku-101", "title": "Camiseta", "quantity": 2,
             "unit_price": "49.90"},
            {"id": "sku-202", "title": "Caneca", "quantity": 1,
             "unit_price": "35.00"}]


def write_context(directory, purchase_id, context):
    """<id>.json written atomically: a temporary file in the same
    directory, fsync, rename, fsync of the directory, so that brickgate
    never reads half a file and a crash never loses a purchase whose page
    was shown.  Mode 0660: brickgate and the shop share the group."""
    data = json.dumps(context, ensure_ascii=False).encode()
    final = os.path.join(directory, purchase_id + ".json")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o660)
        # link() fails if the name exists: a purchase is never replaced.
        os.link(tmp, final)
    finally:
        os.unlink(tmp)
    dfd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def insert_context(url, purchase_id, context):
    """With the PostgreSQL store: one INSERT, the way brickgate.conf(5)
    shows it, committed before the page is shown.  The primary key
    refuses a second purchase with the same id: none is replaced."""
    import psycopg2     # only this store needs it
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("INSERT INTO brickgate.purchases (id, context) "
                        "VALUES (%s, %s::jsonb)",
                        (purchase_id, json.dumps(context)))
    finally:
        conn.close()


def record_purchase(purchase_id, context):
    if DATABASE_URL:
        insert_context(DATABASE_URL, purchase_id, context)
    else:
        write_context(CONTEXT_DIR, purchase_id, context)


def new_purchase(email):
    items = cart()
    total = sum(Decimal(i["unit_price"]) * i["quantity"] for i in items)
    amount = "%.2f" % total      # Decimal: exact, two places as summed
    # Unguessable: /payment_status answers anyone who knows the id.
    purchase_id = secrets.token_hex(16)
    record_purchase(purchase_id, {
        "amount": amount, "site": SITE,
        "description": "Pedido na Loja Exemplo",
        "payer": {"email": email}, "items": items,
        "expires_at": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                    time.gmtime(time.time() + 3600))})
    return purchase_id, amount


def js(value):
    """A value for a <script> block: JSON with <, >, & escaped."""
    return (json.dumps(value).replace("<", "\\u003c")
            .replace(">", "\\u003e").replace("&", "\\u0026"))


PAGE = """<!doctype html>
<html lang="pt-BR">
<head>
<meta charset="utf-8">
<title>Pagamento</title>
<script src="https://sdk.mercadopago.com/js/v2"></script>
<!-- Mercado Pago's device fingerprint: sets MP_DEVICE_SESSION_ID, which
     raises approval rates (brickgate forwards it, never logs it). -->
<script src="https://www.mercadopago.com/v2/security.js" view="checkout"></script>
</head>
<body data-purchase-id="{attr_id}">
<h1>Total: R$ {attr_amount}</h1>
<div id="paymentBrick_container"></div>
<div id="statusScreenBrick_container"></div>
<script>
const purchaseId = {id};
const gateway = {gateway};
const mp = new MercadoPago({key}, {{ locale: {locale} }});
const bricks = mp.bricks();

/* brickgate answers 201 with the payment, or an error body
 * {{"error": {{"code", "message", "field"}}}}. */
function pay({{ formData }}) {{
  const headers = {{ "Content-Type": "application/json" }};
  if (window.MP_DEVICE_SESSION_ID)
    headers["X-Meli-Session-Id"] = window.MP_DEVICE_SESSION_ID;
  return fetch(gateway + "/process_payment?purchase_id=" + purchaseId, {{
    method: "POST",
    headers: headers,
    body: JSON.stringify(formData),
  }}).then(async (r) => {{
    const body = await r.json();
    if (!r.ok)
      throw new Error(body.error ? body.error.message : r.statusText);
    return body;
  }}).then((payment) => {{
    document.getElementById("paymentBrick_container").hidden = true;
    return bricks.create("statusScreen", "statusScreenBrick_container",
        {{ initialization: {{ paymentId: String(payment.id) }} }});
  }});
}}

bricks.create("payment", "paymentBrick_container", {{
  initialization: {{
    amount: {amount},   /* a number, as the Brick wants */
    payer: {{ email: {email} }},
  }},
  customization: {{
    paymentMethods: {{ creditCard: "all", debitCard: "all",
        ticket: "all", bankTransfer: "all" }},
  }},
  callbacks: {{
    onReady: () => {{}},
    onSubmit: pay,
    onError: (error) => console.error(error),
  }},
}});
</script>
</body>
</html>
"""


def application(environ, start_response):
    email = "buyer@example.com"
    purchase_id, amount = new_purchase(email)
    body = PAGE.format(attr_id=html.escape(purchase_id),
                       attr_amount=html.escape(amount),
                       id=js(purchase_id), gateway=js(BRICKGATE_URL),
                       key=js(PUBLIC_KEY), locale=js(LOCALE),
                       amount=amount, email=js(email)).encode()
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                              ("Cache-Control", "no-store"),
                              ("Content-Length", str(len(body)))])
    return [body]


if __name__ == "__main__":
    from wsgiref.handlers import CGIHandler
    CGIHandler().run(application)
