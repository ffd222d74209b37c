"""test_on_paid.py once more on the PostgreSQL store, two brickgate
hosts behind one nginx upstream, each with its own runner: the answer,
the webhooks and /payment_status land on either host, and the hook
still runs once per purchase (the purchase's advisory lock is held
while it runs and its record is read)."""
import os

from pg import on_postgresql

HERE = os.path.dirname(os.path.abspath(__file__))
on_postgresql(os.path.join(HERE, "test_on_paid.py"), globals())
