#!/usr/bin/env bash
# Installs the Debian packages brickgate's build and demo need, and with
# --tests also what only the tests use (Chromium for the browser test,
# man-db to render the man pages and mandoc to lint them,
# Node.js for it and the SDK fidelity test, Apache and mod_fcgid for the
# Apache recipes: apache2-bin has the server and its modules without the
# system service on port 80 that apache2 would start); installs nothing
# that is already there.  Run as root (or with sudo).
set -eu
PKGS="autoconf automake libtool pkg-config make gcc libc6-dev
  libfcgi-dev libfcgi-bin spawn-fcgi libcurl4-openssl-dev libjson-c-dev
  libssl-dev libseccomp-dev libseccomp2 libmicrohttpd-dev libqrencode-dev zlib1g-dev libcmocka-dev
  libpq-dev nginx-light python3 curl util-linux ca-certificates"
[ "${1:-}" = "--tests" ] && PKGS="$PKGS chromium man-db mandoc
  apache2-bin libapache2-mod-fcgid"
# systemd (systemd-analyze, systemd-socket-activate) and logrotate: the
# checks of examples/systemd and examples/logrotate.
[ "${1:-}" = "--tests" ] && PKGS="$PKGS systemd logrotate"
# prometheus: its promtool checks GET /metrics' exposition
# (test_metrics.py).
[ "${1:-}" = "--tests" ] && PKGS="$PKGS prometheus"
# php-cli: the PHP storefront example (examples/storefront) is run.
[ "${1:-}" = "--tests" ] && PKGS="$PKGS php-cli"
# postgresql: a private server for the PostgreSQL store's tests (the
# tests run their own cluster and never use the package's); php-pgsql
# and python3-psycopg2 for the storefront examples' database variant.
[ "${1:-}" = "--tests" ] && PKGS="$PKGS postgresql php-pgsql
  python3-psycopg2"
# The fuzz drivers (clang and libFuzzer's runtime; llvm for llvm-cov and
# llvm-profdata), the static analyzers (cppcheck; scan-build is in
# clang-tools) and valgrind.
[ "${1:-}" = "--tests" ] && PKGS="$PKGS clang libclang-rt-14-dev llvm
  cppcheck clang-tools valgrind"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
    missing="$missing $p"
done
# Node.js and npm: Debian's only when the machine has none of its own.
if [ "${1:-}" = "--tests" ]; then
  command -v node >/dev/null 2>&1 || missing="$missing nodejs"
  command -v npm >/dev/null 2>&1 || missing="$missing npm"
fi
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has no package lists yet; an old one may have stale ones.
if ! $SUDO apt-get install -y -q $missing; then
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q $missing
fi
