"""test_refund.py once more on the PostgreSQL store, two brickgate hosts
behind one nginx upstream: the refund goes through the store interface,
its lock and its durable save included."""

import os

from pg import on_postgresql

HERE = os.path.dirname(os.path.abspath(__file__))
on_postgresql(os.path.join(HERE, "test_refund.py"), globals())
