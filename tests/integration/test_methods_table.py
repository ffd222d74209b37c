"""The README's table of supported methods is the registry's own listing
(brickgate --list-methods), so the two cannot drift apart."""
import os

from harness import run_brickgate

README = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                      "README.md")
BEGIN = "<!-- brickgate --list-methods -->"
END = "<!-- end of brickgate --list-methods -->"


def readme_table():
    with open(README, encoding="utf-8") as f:
        text = f.read()
    assert BEGIN in text and END in text, "README lacks the methods table"
    return text.split(BEGIN, 1)[1].split(END, 1)[0].strip()


def test_readme_table_is_the_registry():
    rc, out, err = run_brickgate(["--list-methods"])
    assert rc == 0, err
    assert out.strip() == readme_table(), \
        "README's methods table differs from `brickgate --list-methods`:\n" + out


def test_every_site_has_cards_and_the_wallet():
    rows = [r for r in readme_table().splitlines()[2:]]
    assert [r.split("|")[1].strip() for r in rows] == \
        ["MLA", "MLB", "MLM", "MPE", "MCO", "MLU", "MLC"]
    for r in rows:
        cells = [c.strip() for c in r.split("|")[2:-1]]
        assert "`visa`" in cells[0] and "`account_money`" in cells[-1], r
    assert "`pse`" in rows[4] and "`pix`" in rows[1]
