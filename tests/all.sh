#!/usr/bin/env bash
# The test command: installs what is needed, builds brickgate twice (with
# -Werror, and with AddressSanitizer + UndefinedBehaviorSanitizer; plus the
# shared-hosting binary with libfcgi and json-c linked in), runs the
# unit and integration suites against each build (and the demo in headless
# Chromium against the first), smoke-runs every fuzz driver, runs cppcheck
# and clang's analyzer over src/ and the integration suite under valgrind,
# and ends with "N passed, N failed" alone on its last line (", N skipped"
# follows when a test was skipped).  Exits non-zero on any failure.
set -u
cd "$(dirname "$0")/.."
SRC=$PWD
OUT=$SRC/out
mkdir -p "$OUT"

tests/install-deps.sh --tests || { echo "0 passed, 1 failed"; exit 1; }

build() {   # build DIR CONFIGURE-ARGS...
  local dir=$1; shift
  mkdir -p "$dir"
  ( cd "$dir" && "$SRC/configure" -q "$@" && make -j"$(nproc)" &&
    make -j"$(nproc)" check TESTS= ) >"$dir.build.log" 2>&1
}

fail_build() {
  echo "build failed: $1 (log follows)"
  tail -50 "$1.build.log"
}

passed=0 failed=0 skipped=0
count() {   # adds a counts file to the totals
  local p f s
  if read -r p f s <"$1"; then
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + ${s:-0}))
  else
    failed=$((failed + 1))
  fi
}

step() {    # step NAME COMMAND...: one counted check, its log in out/
  local name=$1; shift
  if "$@" >"$OUT/$name.log" 2>&1; then
    echo "ok - $name"; passed=$((passed + 1))
  else
    echo "not ok - $name (log follows)"; tail -30 "$OUT/$name.log"
    failed=$((failed + 1))
  fi
}

( autoreconf -fi ) >"$OUT/autoreconf.log" 2>&1 ||
  { cat "$OUT/autoreconf.log"; echo "0 passed, 1 failed"; exit 1; }

# What nginx's and Apache's workers (user nobody) must reach, sockets,
# pages and binaries, goes under a runtime directory of the run's own in
# /tmp, never under the clone, which may be in a private home (mode 0700).
# It goes when the run ends; after a failure it is kept as out/tmp.
rm -rf "$OUT/tmp"
BG_TEST_TMP=$(mktemp -d /tmp/brickgate-tests.XXXXXX) &&
  chmod 755 "$BG_TEST_TMP" || { echo "0 passed, 1 failed"; exit 1; }
export BG_TEST_TMP
keep_or_remove_tmp() {
  if [ "${failed:-1}" -eq 0 ]; then rm -rf "$BG_TEST_TMP"
  else mv "$BG_TEST_TMP" "$OUT/tmp" 2>/dev/null || rm -rf "$BG_TEST_TMP"
  fi
}
trap keep_or_remove_tmp EXIT
# Stopped by a signal: the runner in the foreground stops what it started
# (tests/run.py); this shell then goes, and its runtime directory with it.
trap 'failed=$((failed + 1)); exit 130' INT TERM

# 0. The shared-hosting build (libfcgi and json-c linked in, configure
# --enable-static-deps): test_shared_hosting.py uploads its binary.
mkdir -p "$OUT/build-static"
if ( cd "$OUT/build-static" && "$SRC/configure" -q --enable-werror \
    --enable-static-deps && make -j"$(nproc)" brickgate ) \
    >"$OUT/build-static.build.log" 2>&1; then
  export BRICKGATE_STATIC=$OUT/build-static/brickgate
else
  fail_build "$OUT/build-static"; failed=$((failed + 1))
fi

# 1. The normal build, warnings as errors: every suite.
if build "$OUT/build" --enable-werror; then
  BRICKGATE_BUILD=$OUT/build python3 tests/run.py --label werror \
    --counts "$OUT/counts-werror" "$OUT/build/tests/unit" "$OUT/build/tests/sandbox" tests/integration \
    tests/sandbox tests/browser
  count "$OUT/counts-werror"
  # The release tarball builds and passes its unit tests on its own.
  step distcheck make -C "$OUT/build" distcheck
else
  fail_build "$OUT/build"; failed=$((failed + 1))
fi

# 2. Sanitizers: a memory error or a leak makes the process fail, and the
# harness checks every exit status.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
if build "$OUT/build-asan" --enable-werror --enable-sanitizers; then
  BRICKGATE_BUILD=$OUT/build-asan python3 tests/run.py --label asan \
    --counts "$OUT/counts-asan" "$OUT/build-asan/tests/unit" \
    "$OUT/build-asan/tests/sandbox" \
    tests/integration tests/sandbox
  count "$OUT/counts-asan"
else
  fail_build "$OUT/build-asan"; failed=$((failed + 1))
fi

# 3. Fuzzing: every libFuzzer driver of fuzz/, built with clang, runs a
# short smoke (FUZZ_SECONDS each, default 20) that first replays its
# committed corpus whole, so an input that once crashed fails here.  The
# long runs are doc/testing.md's (Fuzzing and analysis).
if ( fuzz/build ) >"$OUT/fuzz.build.log" 2>&1; then
  fuzz/run --fresh --counts "$OUT/counts-fuzz" "${FUZZ_SECONDS:-20}"
  count "$OUT/counts-fuzz"
else
  fail_build "$OUT/fuzz"; failed=$((failed + 1))
fi

# 4. Static analysis of src/: cppcheck and clang's analyzer, each with no
# warning left but those tests/analysis/cppcheck.supp explains.
tests/analyze --counts "$OUT/counts-analysis"
count "$OUT/counts-analysis"

# 5. The integration suite once more with every FastCGI brickgate under
# valgrind's memcheck: an error, or bytes definitely or indirectly lost,
# fails the test that started it.
if [ -x "$OUT/build/brickgate" ]; then
  rm -f "$OUT/valgrind-totals"
  BG_VALGRIND=1 BG_VALGRIND_TOTALS=$OUT/valgrind-totals \
    BRICKGATE_BUILD=$OUT/build python3 tests/run.py --label valgrind \
    --counts "$OUT/counts-valgrind" tests/integration
  count "$OUT/counts-valgrind"
  [ -e "$OUT/valgrind-totals" ] && awk '{ p += $1; e += $2; d += $3;
    i += $4 } END { printf "# valgrind: %d brickgate processes, %d errors, " \
    "%d bytes definitely and %d indirectly lost\n", p, e, d, i }' \
    "$OUT/valgrind-totals"
fi

if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
