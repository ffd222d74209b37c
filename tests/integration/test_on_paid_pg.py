"""test_on_paid.py once more on the PostgreSQL store, two brickgate
hosts behind one nginx upstream, each with its own runner: the answer,
the webhooks and /payment_status land on either host, and the hook
still runs once per purchase (the purchase's advisory lock is held
while it runs and its record is read)."""
import os

from pg import on_postgresql

HERE = os.path.dirname(os.path.abspath(__file__))
# The storefront example reads the buyer's address from a context file.
on_postgresql(os.path.join(HERE, "test_on_paid.py"), globals(),
              leave_out=("test_the_storefront_example_marks_the_order_"
                         "and_mails_once",))
