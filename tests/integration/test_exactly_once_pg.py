"""The exactly-once suite of test_exactly_once.py (concurrent submits,
5xx and 429 retried with one key, a late answer, SIGKILL in the middle of
the call, reconcile) once more on the PostgreSQL store, with two
brickgate hosts behind one nginx upstream taking the requests in turn.
Payments are counted on the sandbox's side, as there; a purchase busy
for reconcile is held by another database session's advisory lock."""
import importlib.util
import os

from pg import PgSite, Postgres

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "exactly_once_on_postgresql", os.path.join(HERE, "test_exactly_once.py"))
base = importlib.util.module_from_spec(spec)
spec.loader.exec_module(base)

DB = None


def setup_module():
    global DB
    DB = Postgres()
    base.make_site = lambda site, config=None: PgSite(DB, site, config,
                                                      hosts=2)
    base.setup_module()


def teardown_module():
    try:
        base.teardown_module()
    finally:
        if DB is not None:
            rc = DB.close()
            assert rc == 0, rc


for _name in dir(base):
    if _name.startswith("test_"):
        globals()[_name] = getattr(base, _name)
