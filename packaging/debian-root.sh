#!/usr/bin/env bash
# Makes a clean Debian 12 (bookworm) minbase root in DIR, from a cached base tarball when there is
# one (/var/cache/sohoa-test/, or SOHOA_TEST_CACHE), else with debootstrap from the Debian mirror this
# machine is configured with (the first URIs of /etc/apt/sources.list.d/debian.sources), caching it.
# The root gets the same Debian sources as this machine (main, updates, security) and nothing else.
# Usage: packaging/debian-root.sh DIR     (run as root; DIR must not exist or be empty)
set -euo pipefail

DIR="${1:?usage: debian-root.sh DIR}"
CACHE="${SOHOA_TEST_CACHE:-/var/cache/sohoa-test}"
SOURCES=/etc/apt/sources.list.d/debian.sources
ARCH="$(dpkg --print-architecture)"
BASE="$CACHE/bookworm-minbase-$ARCH.tar.gz"

die() { echo "debian-root: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root (debootstrap and chroot)"
[ -f "$SOURCES" ] || die "$SOURCES not found: no Debian mirror configured"

if [ ! -s "$BASE" ]; then
  command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; } \
    || die "debootstrap is missing and could not be installed"
  MIRROR="$(awk '/^URIs:/ { print $2; exit }' "$SOURCES")"
  [ -n "$MIRROR" ] || die "no URIs: line in $SOURCES"
  mkdir -p "$CACHE"
  WORK="$(mktemp -d "$CACHE/base.XXXXXX")"
  trap 'rm -rf "$WORK"' EXIT
  echo "debian-root: debootstrap --variant=minbase bookworm from $MIRROR (cached afterwards in $BASE)" >&2
  debootstrap --variant=minbase bookworm "$WORK/root" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log" >&2; die "debootstrap failed"; }
  # The same Debian sources as this machine (bookworm, -updates, -security), nothing else.
  rm -f "$WORK/root/etc/apt/sources.list"
  cp "$SOURCES" "$WORK/root/etc/apt/sources.list.d/debian.sources"
  # apt's own defaults (Recommends installed, as a technician's `apt install` does); no translations.
  printf 'Acquire::Languages "none";\n' >"$WORK/root/etc/apt/apt.conf.d/90sohoa-test"
  rm -rf "$WORK/root/var/cache/apt/archives/"*.deb "$WORK/root/var/lib/apt/lists/"*
  tar -C "$WORK/root" -czf "$BASE.tmp" . && mv "$BASE.tmp" "$BASE"
fi

mkdir -p "$DIR"
[ -z "$(ls -A "$DIR")" ] || die "$DIR is not empty"
tar -C "$DIR" -xzf "$BASE"
echo "$BASE"
