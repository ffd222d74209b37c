"""The storefront examples (examples/storefront/): run one the way its
web server would and read the purchase id off the page it renders."""
import os
import re
import shutil
import subprocess
import sys

from harness import SRCDIR, TOKEN, as_user, base_env, reachable

EXAMPLES = os.path.join(SRCDIR, "examples", "storefront")
# What the examples' cart adds up to, and their buyer.
AMOUNT = "134.80"
EMAIL = "buyer@example.com"


def render(kind, ctx_dir, user=None, db=None):
    """Runs the example once (as user, a (uid, gid) pair, when given:
    the account that owns the context dir); returns (purchase id,
    page).  db: (PDO DSN, libpq string) of the PostgreSQL store the
    example then inserts the purchase into."""
    env = base_env()
    env.update({"BRICKGATE_CONTEXT_DIR": ctx_dir,
                "BRICKGATE_URL": "/shop/pay",
                "MP_PUBLIC_KEY": "TEST-public-key-1234"})
    if db is not None:
        env.update({"BRICKGATE_PG_DSN": db[0], "BRICKGATE_PG_USER":
                    "postgres", "BRICKGATE_DATABASE_URL": db[1]})
    if kind == "php":
        php = shutil.which("php")
        assert php, "php-cli is missing: tests/install-deps.sh --tests " \
            "installs it"
        argv = [php, os.path.join(EXAMPLES, "checkout.php")]
    else:
        # A CGI program: the web server's variables, the page on stdout.
        env.update({"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET",
                    "SERVER_NAME": "shop.example", "SERVER_PORT": "443",
                    "SERVER_PROTOCOL": "HTTP/1.1", "SCRIPT_NAME": "/"})
        # psycopg2 is Debian's (python3-psycopg2): its Python runs the
        # example that uses it.
        python = "/usr/bin/python3" if db is not None else sys.executable
        argv = [python, os.path.join(EXAMPLES, "checkout.py")]
    if user:
        # The account's user may not enter the clone: a copy it can read.
        argv[1] = reachable(argv[1])
    p = subprocess.run(argv, env=env, capture_output=True, timeout=60,
                       stdin=subprocess.DEVNULL, **as_user(user))
    page = p.stdout.decode()
    assert p.returncode == 0, (p.returncode, p.stderr.decode(), page)
    if kind == "py":
        head, _, page = page.partition("\r\n\r\n")
        assert head.startswith("Status: 200"), head
        assert "Content-Type: text/html; charset=utf-8" in head, head
    m = re.search(r'<body data-purchase-id="([0-9a-f]{32})">', page)
    assert m, page
    pid = m.group(1)
    # The page's script names the same purchase, the gateway and the
    # amount as a number; no secret of brickgate's is on it.
    assert 'const purchaseId = "%s";' % pid in page, page
    assert 'const gateway = "/shop/pay";' in page, page
    assert re.search(r"amount: 134\.80,", page), page
    assert '"TEST-public-key-1234"' in page and TOKEN not in page
    return pid, page


def card_form(site, amount):
    """The Brick's card form for the examples' buyer (the context's
    payer), with the amount as the page's script gives it."""
    f = site.card_form(amount=amount)
    f["payer"]["email"] = EMAIL
    return f
