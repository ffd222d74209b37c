"""test_durability.py once more on the PostgreSQL store, two brickgate
hosts behind one nginx upstream: the open attempt is committed without
waiting for the WAL to reach the disk, and a power cut that loses it is
simulated by putting the row back as the last synchronous commit left
it.  Left out: the torn and the left-behind side file, which the file
store has and a database, committing a row whole or not at all, has
not."""

import os

from pg import on_postgresql

HERE = os.path.dirname(os.path.abspath(__file__))
on_postgresql(os.path.join(HERE, "test_durability.py"), globals(),
              leave_out=("test_power_cut_tears_the_open_attempt",
                         "test_side_file_left_behind_is_never_read"))
