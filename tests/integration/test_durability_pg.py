"""test_durability.py once more on the PostgreSQL store, two brickgate
hosts behind one nginx upstream: the open attempt is committed without
waiting for the WAL to reach the disk, and a power cut that loses it is
simulated by putting the row back as the last synchronous commit left
it.  Left out: the torn and the left-behind side file, which the file
store has and a database, committing a row whole or not at all, has
not."""
import importlib.util
import os

from pg import PgSite, Postgres

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "durability_on_postgresql", os.path.join(HERE, "test_durability.py"))
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


FILE_STORE_ONLY = ("test_power_cut_tears_the_open_attempt",
                   "test_side_file_left_behind_is_never_read")
for _name in dir(base):
    if _name.startswith("test_") and _name not in FILE_STORE_ONLY:
        globals()[_name] = getattr(base, _name)
