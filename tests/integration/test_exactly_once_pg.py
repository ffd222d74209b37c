"""The exactly-once suite of test_exactly_once.py (concurrent submits,
5xx and 429 retried with one key, a late answer, SIGKILL in the middle of
the call, reconcile) once more on the PostgreSQL store, with two
brickgate hosts behind one nginx upstream taking the requests in turn.
Payments are counted on the sandbox's side, as there; a purchase busy
for reconcile is held by another database session's advisory lock."""

import os

from pg import on_postgresql

HERE = os.path.dirname(os.path.abspath(__file__))
on_postgresql(os.path.join(HERE, "test_exactly_once.py"), globals())
