#!/usr/bin/env python3
"""The example shop's on_paid hook (brickgate.conf(5), on_paid), in Python
3, standard library only: brickgate runs it once a purchase's payment is
approved, with the purchase id as its argument and BRICKGATE_PURCHASE_ID,
BRICKGATE_PAYMENT_ID, BRICKGATE_STATUS and BRICKGATE_AMOUNT in its
environment, and nothing else (so its settings are the constants below).

It marks the order paid in the shop's own records, then sends the buyer
the confirmation, and exits 0 only when both are done: on any other exit
brickgate's reconcile runs it again.  Run again, an order already marked
paid is not marked again, and an e-mail already sent is not sent again,
so it never fulfils an order twice.

The buyer's address is the one the checkout wrote into the purchase
context; brickgate itself never hands the hook personal data."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

CONTEXT_DIR = "/home/shop/brickgate/contexts"   # as in checkout.py
ORDERS_DIR = "/home/shop/orders"                # the shop's own records
SENDMAIL = "/usr/sbin/sendmail"


def write_once(path, data):
    """Writes path atomically unless it exists: False when it did."""
    if os.path.exists(path):
        return False
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    with os.fdopen(fd, "w") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    try:
        os.link(tmp, path)       # refuses to replace: one writer wins
    except FileExistsError:
        return False
    finally:
        os.unlink(tmp)
    return True


def confirmation(purchase_id, payment_id, amount, email):
    return ("To: %s\nSubject: Pedido %s pago\n\nRecebemos o pagamento %s "
            "de R$ %s. Obrigado!\n" % (email, purchase_id, payment_id,
                                      amount))


def main():
    purchase_id = sys.argv[1]
    if os.environ.get("BRICKGATE_STATUS") != "approved" or \
            purchase_id != os.environ.get("BRICKGATE_PURCHASE_ID"):
        return 2
    payment_id = os.environ["BRICKGATE_PAYMENT_ID"]
    amount = os.environ["BRICKGATE_AMOUNT"]
    write_once(os.path.join(ORDERS_DIR, purchase_id + ".paid"),
               json.dumps({"payment_id": payment_id, "amount": amount}))
    sent = os.path.join(ORDERS_DIR, purchase_id + ".mailed")
    if os.path.exists(sent):
        return 0
    with open(os.path.join(CONTEXT_DIR, purchase_id + ".json")) as f:
        email = json.load(f)["payer"]["email"]
    mail = confirmation(purchase_id, payment_id, amount, email)
    if shutil.which(SENDMAIL) or os.access(SENDMAIL, os.X_OK):
        subprocess.run([SENDMAIL, "-t"], input=mail.encode(), check=True,
                       timeout=8)
    else:
        # No mail system on this host: keep the message for the operator.
        write_once(os.path.join(ORDERS_DIR, purchase_id + ".mail"), mail)
    write_once(sent, "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
