"""The manual is in the tree and holds together: every man page is
lint-clean (mandoc -T lint, and groff's warnings), brickgate.conf(5)
documents exactly the keys of src/config.c's table (and of the built
binary's --help), and no file of the tree cites a document that is not in
it: no *.md file that is missing, no brickgate man page that man/ lacks,
and no comment citing "contract section N" (the external contract is not
part of a clone)."""
import os
import re
import shutil
import subprocess
import unittest

from harness import BRICKGATE, SRCDIR, help_keys

MAN = os.path.join(SRCDIR, "man")
PAGES = ["brickgate.8", "brickgate.conf.5", "brickgate-sandbox.1"]
CONF_PAGE = os.path.join(MAN, "brickgate.conf.5")


def page(name):
    return os.path.join(MAN, name)


def test_every_man_page_is_lint_clean():
    if shutil.which("mandoc") is None:
        raise unittest.SkipTest("mandoc is not installed "
                                "(tests/install-deps.sh --tests)")
    for name in PAGES:
        p = subprocess.run(["mandoc", "-T", "lint", page(name)],
                           capture_output=True, text=True, timeout=60)
        out = (p.stdout + p.stderr).strip()
        assert out == "", "mandoc -T lint %s:\n%s" % (name, out)
        assert p.returncode == 0, (name, p.returncode)


def test_every_man_page_renders_without_groff_warnings():
    if shutil.which("groff") is None:
        raise unittest.SkipTest("groff is not installed")
    for name in PAGES:
        p = subprocess.run(["groff", "-ww", "-man", "-z", page(name)],
                           capture_output=True, text=True, timeout=60)
        assert p.returncode == 0 and p.stderr == "", \
            "groff -ww -man -z %s:\n%s" % (name, p.stderr)


def table_keys():
    """The keys of src/config.c's key table, in its order."""
    with open(os.path.join(SRCDIR, "src", "config.c")) as f:
        src = f.read()
    m = re.search(r"static const struct keydef keys\[[A-Z_]+\] = \{(.*?)\n\};",
                  src, re.S)
    assert m, "src/config.c: no key table"
    keys = re.findall(r'^\t\{ "([a-z0-9_]+)", K_', m.group(1), re.M)
    assert len(keys) >= 20 and "access_token_file" in keys, keys
    return keys


def page_keys():
    """The keys brickgate.conf(5) documents: the tags of its KEYS
    section, one `.TP` item `.B key` each."""
    with open(CONF_PAGE) as f:
        text = f.read()
    m = re.search(r"^\.SH KEYS\n(.*?)^\.SH ", text, re.S | re.M)
    assert m, "brickgate.conf(5) has no KEYS section"
    return re.findall(r"^\.TP\n\.B ([a-z0-9_]+)\n", m.group(1), re.M)


def test_conf_page_documents_exactly_the_key_table():
    keys, documented = table_keys(), page_keys()
    assert len(documented) == len(set(documented)), \
        "a key documented twice: %s" % documented
    assert set(documented) == set(keys), \
        "in config.c, not in brickgate.conf(5): %s; in the page, not in " \
        "config.c: %s" % (sorted(set(keys) - set(documented)),
                          sorted(set(documented) - set(keys)))


def test_conf_page_gives_each_key_its_type_and_variable():
    with open(CONF_PAGE) as f:
        text = f.read()
    for k in table_keys():
        item = text.split(".TP\n.B %s\n" % k, 1)[1].split("\n.TP\n", 1)[0]
        assert item.startswith("Default"), (k, item[:40])
        assert re.search(r"^Type: (path|string|URL|integer|boolean|choice);",
                         item, re.M), (k, "no type")
        assert ".BR BRICKGATE_%s ." % k.upper() in item, (k, "no variable")


def test_help_lists_the_same_keys():
    """The built binary's --help names the keys of the table (what
    test_install.py checks the installed page against)."""
    if not os.access(BRICKGATE, os.X_OK):
        raise unittest.SkipTest("no built brickgate (BRICKGATE_BUILD)")
    listed = help_keys()
    assert listed == table_keys(), listed


def tree_files():
    """Every file git tracks, but fuzz/corpus (inputs, not text of ours)
    and files that are not UTF-8 text."""
    p = subprocess.run(["git", "-C", SRCDIR, "ls-files", "-z"],
                       capture_output=True, timeout=60)
    if p.returncode != 0:
        raise unittest.SkipTest("not a git clone: %s" % p.stderr.decode())
    names = [n for n in p.stdout.decode().split("\0") if n]
    out = {}
    for n in names:
        if n.startswith("fuzz/corpus/"):
            continue
        path = os.path.join(SRCDIR, n)
        if not os.path.isfile(path):
            continue        # deleted in the work tree, not yet committed
        try:
            with open(path, encoding="utf-8") as f:
                out[n] = f.read()
        except UnicodeDecodeError:
            continue
    assert "README.md" in out and "src/config.c" in out, sorted(out)[:5]
    return out


MD = re.compile(r"(?<![\w/.-])([\w./-]*\w\.md)\b")


def md_exists(cited, where, names):
    cited = cited.split("#", 1)[0]
    if cited.startswith("out/"):
        return True         # written by a run (bench/run), never tracked
    here = os.path.dirname(where)
    for cand in (cited, os.path.normpath(os.path.join(here, cited))):
        if cand in names:
            return True
    # A bare name ("results.md") of a file kept elsewhere in the tree.
    return "/" not in cited and any(n.endswith("/" + cited) for n in names)


def test_every_cited_md_file_is_in_the_tree():
    files = tree_files()
    names = set(files)
    missing = []
    for n, text in files.items():
        # roff writes a hyphen in a man page as a backslash and a hyphen.
        if n.startswith("man/"):
            text = text.replace("\\-", "-")
        for m in MD.finditer(text):
            if not md_exists(m.group(1), n, names):
                line = text.count("\n", 0, m.start()) + 1
                missing.append("%s:%d: %s" % (n, line, m.group(1)))
    assert not missing, "documents cited but not in the tree:\n" + \
        "\n".join(missing)


def test_every_cited_brickgate_man_page_is_in_the_tree():
    files = tree_files()
    ours = {"%s(%s)" % tuple(p.rsplit(".", 1)) for p in PAGES}
    wrong = []
    for n, text in files.items():
        # brickgate(8), brickgate.conf(5), brickgate-sandbox(1), and in
        # roff source .BR brickgate.conf (5) or brickgate\-sandbox (1).
        for m in re.finditer(r"\bbrickgate((?:\\?[-.][a-z]+)*) ?\((\d)\)",
                             text):
            cited = "brickgate%s(%s)" % (m.group(1).replace("\\", ""),
                                         m.group(2))
            if cited not in ours:
                line = text.count("\n", 0, m.start()) + 1
                wrong.append("%s:%d: %s" % (n, line, cited))
    assert not wrong, "man pages cited but not in man/:\n" + "\n".join(wrong)


def comment_text(text):
    """The text with line breaks and the comment leaders after them
    (" * ", "# ", "// ") folded to one space, so that a citation broken
    over two comment lines reads as one."""
    return re.sub(r"\s*\n\s*(?:\*(?!/)|#+|//+)?\s*", " ", text)


def test_no_comment_cites_the_external_contract():
    cites = re.compile(r"\bcontract,? sections? \d|\bsections? \d+ of (?:its|"
                       r"the|brickgate's) contract|\bcontract \d+\b", re.I)
    found = []
    for n, text in tree_files().items():
        if n == "tests/integration/test_manual.py":
            continue        # the patterns themselves
        for m in cites.finditer(comment_text(text)):
            found.append("%s: %s" % (n, m.group(0)))
    assert not found, "citations of the contract, which is not in the " \
        "tree:\n" + "\n".join(found)
