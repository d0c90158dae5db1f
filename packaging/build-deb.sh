#!/usr/bin/env bash
# npm run package — builds dist-pkg/sohoa_<version>_<arch>.deb from this checkout, for Debian 12.
#
# The payload is built here, on the build machine (tsc + vite, `npm ci --omit=dev` compiling the
# native modules against the Node runtime we ship), then laid out as the installed tree and packed
# with `dpkg-deb --root-owner-group --build`: no debhelper/source package, because there is nothing
# left to compile from a Debian source tree and npm cannot fetch inside a Debian build chroot.
#
# Environment:
#   SOHOA_NODE=/usr/bin/node   the Node runtime to vendor (≥ 20.19; its headers must be in
#                              $npm_config_nodedir, default /usr, for the native modules)
#   SOHOA_DEB_VERSION=…        Debian version (default: package.json's version)
#   SOHOA_SKIP_BUILD=1         use the existing dist/ (else `npm run build` first)
#   SOHOA_PKG_OUT=dir          output folder (default dist-pkg/)
#   SOHOA_DEB_COMPRESS=xz      xz instead of zstd -9: measured on the loaded 2-core machine,
#                              xz -6 gave 54 MB in 474 s, zstd -9 70 MB in 14 s (dpkg ≥ 1.21.18,
#                              Debian 12's, reads both)
# Prints the .deb's path on its last line.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HERE="$ROOT/packaging"
NODE_SRC="${SOHOA_NODE:-/usr/bin/node}"
NODEDIR="${npm_config_nodedir:-/usr}"
OUT="${SOHOA_PKG_OUT:-$ROOT/dist-pkg}"

die() { echo "build-deb: $*" >&2; exit 1; }
step() { echo "build-deb: $*" >&2; }
for t in dpkg-deb dpkg-shlibdeps npm "$NODE_SRC"; do
  command -v "$t" >/dev/null || die "'$t' not found (dpkg-deb and dpkg-shlibdeps: Debian package dpkg-dev)"
done

cd "$ROOT"
VERSION="${SOHOA_DEB_VERSION:-$("$NODE_SRC" -p 'require("./package.json").version')}"
ARCH="$(dpkg --print-architecture)"
DEB="$OUT/sohoa_${VERSION}_${ARCH}.deb"

# --- the runtime: ≥ 20.19 (package.json engines), and the headers the addons compile against -----
NODE_VERSION="$("$NODE_SRC" -p 'process.versions.node')"
"$NODE_SRC" -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || die "$NODE_SRC is Node $NODE_VERSION; Sohoa needs ≥ 20.19"
HDR="$NODEDIR/include/node/node_version.h"
[ -f "$HDR" ] || die "Node headers not found at $HDR (set npm_config_nodedir to the runtime's prefix)"
HDR_VERSION="$(awk '/define NODE_(MAJOR|MINOR|PATCH)_VERSION/ { v = v (v ? "." : "") $3 } END { print v }' "$HDR")"
[ "$HDR_VERSION" = "$NODE_VERSION" ] || die "headers in $NODEDIR are Node $HDR_VERSION, the runtime is $NODE_VERSION: native modules would not match"
NODE_PKG="$(dpkg -S "$(readlink -f "$NODE_SRC")" 2>/dev/null | cut -d: -f1 | head -1 || true)"
NODE_PKG_VERSION="$( [ -n "$NODE_PKG" ] && dpkg-query -W -f='${Version} (${Maintainer})' "$NODE_PKG" || echo 'not from a Debian package')"
NODE_LICENSE=""
for f in "$(dirname "$(readlink -f "$NODE_SRC")")/../share/doc/node/LICENSE" /usr/share/doc/nodejs/LICENSE; do
  [ -f "$f" ] && { NODE_LICENSE="$f"; break; }
done
[ -n "$NODE_LICENSE" ] || die "Node's LICENSE not found beside $NODE_SRC: it must ship with the runtime"

# --- build ------------------------------------------------------------------------------------
if [ -z "${SOHOA_SKIP_BUILD:-}" ]; then
  step "npm run build"
  npm run build --silent >&2
fi
[ -f dist/appliance/main.js ] && [ -f dist/ui/index.html ] || die "dist/ is not built (npm run build)"

STAGE="$(mktemp -d "${TMPDIR:-/tmp}/sohoa-deb.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
PKG="$STAGE/root"
OPT="$PKG/opt/sohoa"
umask 022
mkdir -p "$OPT" "$PKG/DEBIAN" "$PKG/usr/bin" "$PKG/etc/sohoa" "$PKG/usr/share/doc/sohoa"

step "program files → /opt/sohoa"
mkdir -p "$OPT/dist" "$OPT/provisioning" "$OPT/appliance/pdf"
for d in dist/*/; do
  case "$d" in dist/tests/) continue ;; esac          # compiled tests and benchmarks stay out
  cp -a "$d" "$OPT/dist/"
done
cp -a bin package.json README.md "$OPT/"
# The commit this package was built from, for sohoa_build_info (metrics/build-info.ts reads
# dist/COMMIT; a device has no git checkout to ask).
git rev-parse HEAD >"$OPT/dist/COMMIT" 2>/dev/null || echo unknown >"$OPT/dist/COMMIT"
# Run-time assets read from the project root: the PDF/A colour profile and the demo profile's parts.
cp -a appliance/pdf/icc "$OPT/appliance/pdf/"
cp -a provisioning/demo-pages provisioning/dev-token.sh provisioning/dev-seal.mjs "$OPT/provisioning/"
find "$OPT" -name '*.map' -delete

step "production npm dependencies (npm ci --omit=dev, native modules against Node $NODE_VERSION)"
mkdir "$STAGE/npm"
cp package.json package-lock.json "$STAGE/npm/"
( cd "$STAGE/npm" && PATH="$(dirname "$NODE_SRC"):$PATH" npm_config_nodedir="$NODEDIR" \
    npm ci --omit=dev --ignore-scripts=false --prefer-offline --no-audit --no-fund --loglevel=error ) >&2 \
  || die "npm ci --omit=dev failed"
mv "$STAGE/npm/node_modules" "$OPT/node_modules"
# Build leftovers of the compiled addons (object files, makefiles): only the .node files are used.
find "$OPT/node_modules" -path '*/build/Release/obj.target' -prune -exec rm -rf {} + \
  -o -path '*/build/Release/.deps' -prune -exec rm -rf {} +
# Prebuilt addons for other systems (usb, node-hid ship Windows, macOS, Android, musl and other
# CPUs' builds): only this Debian's glibc build of this architecture is kept, so dpkg-shlibdeps
# reads only what can run here (and the package is smaller).
case "$ARCH" in amd64) KEEP=x64 ;; arm64) KEEP=arm64 ;; armhf) KEEP=arm ;; i386) KEEP=ia32 ;; *) KEEP="$ARCH" ;; esac
find "$OPT/node_modules" -type d -name prebuilds -prune -print0 | while IFS= read -r -d '' pre; do
  find "$pre" -mindepth 1 -maxdepth 1 -type d ! -name "linux-$KEEP" ! -name "*-linux-$KEEP" -exec rm -rf {} +
  find "$pre" -type f -name '*musl*' -delete
done
for dev in vite vitest typescript playwright-core @preact/preset-vite esbuild rollup; do
  [ ! -e "$OPT/node_modules/$dev" ] || die "development package $dev ended up in the production tree"
done

step "Node runtime $NODE_VERSION → /opt/sohoa/node"
mkdir -p "$OPT/node/bin"
cp "$NODE_SRC" "$OPT/node/bin/node"
chmod 755 "$OPT/node/bin/node"
cp "$NODE_LICENSE" "$OPT/node/LICENSE"
# The addons must load in the runtime we ship (same ABI as the headers they were compiled with).
( cd "$OPT" && ./node/bin/node -e 'require("pkcs11js"); require("sharp"); require("unix-dgram"); require("usb"); require("node-hid")' ) \
  || die "a native module does not load in the vendored Node runtime"

step "command, configuration, units, udev rules, documentation"
install -m 755 "$HERE/sohoa" "$PKG/usr/bin/sohoa"
install -m 644 "$HERE/etc/sohoa.env" "$HERE/etc/config.example.json" "$PKG/etc/sohoa/"
UNITS_ALL=""; UNITS_ENABLE=""
for f in systemd/*.service systemd/*.timer; do
  [ -e "$f" ] || continue
  mkdir -p "$PKG/lib/systemd/system"
  install -m 644 "$f" "$PKG/lib/systemd/system/"
  u="$(basename "$f")"
  UNITS_ALL="${UNITS_ALL:+$UNITS_ALL }$u"
  grep -q '^\[Install\]' "$f" && UNITS_ENABLE="${UNITS_ENABLE:+$UNITS_ENABLE }$u"
done
for f in systemd/*.rules; do
  [ -e "$f" ] || continue
  mkdir -p "$PKG/lib/udev/rules.d"
  install -m 644 "$f" "$PKG/lib/udev/rules.d/"
done
# The kiosk browser's managed policy (only the local service's address), where Chromium reads it.
if [ -f systemd/sohoa-kiosk-policy.json ]; then
  mkdir -p "$PKG/etc/chromium/policies/managed"
  install -m 644 systemd/sohoa-kiosk-policy.json "$PKG/etc/chromium/policies/managed/sohoa-kiosk.json"
fi
NODE_SHA256="$(sha256sum "$NODE_SRC" | cut -d' ' -f1)"
sed -e "s|@NODE_VERSION@|$NODE_VERSION|g" -e "s|@NODE_SOURCE@|$NODE_SRC|g" \
    -e "s|@NODE_PKG@|${NODE_PKG:-none} $NODE_PKG_VERSION|g" -e "s|@NODE_SHA256@|$NODE_SHA256|g" \
    -e "s|@NODE_MODULES_ABI@|$("$NODE_SRC" -p process.versions.modules)|g" \
    -e "s|@VERSION@|$VERSION|g" "$HERE/doc/README.Debian" >"$PKG/usr/share/doc/sohoa/README.Debian"
install -m 644 "$HERE/doc/copyright" "$PKG/usr/share/doc/sohoa/copyright"

step "maintainer scripts and control"
for s in postinst prerm postrm; do
  sed -e "s|#UNITS_ALL#|$UNITS_ALL|" -e "s|#UNITS_ENABLE#|$UNITS_ENABLE|" "$HERE/debian/$s" >"$PKG/DEBIAN/$s"
  chmod 755 "$PKG/DEBIAN/$s"
done
# Conffiles: dpkg keeps a technician's edits on upgrade (and asks when both sides changed).
( cd "$PKG" && find etc -type f | sort | sed 's|^|/|' ) >"$PKG/DEBIAN/conffiles"

# Shared libraries of the runtime and of every addon (sharp's bundled libvips is found with -l).
mapfile -t ELF < <(find "$OPT" -type f \( -name '*.node' -o -name '*.so' -o -name '*.so.*' \) | sort)
ELF=("$OPT/node/bin/node" "${ELF[@]}")
PRIVATE_LIBS="$(find "$OPT/node_modules" -type f -name '*.so*' -printf '%h\n' | sort -u | sed 's|^|-l|')"
SHLIBS="$(cd "$STAGE" && mkdir -p debian && printf 'Source: sohoa\n\nPackage: sohoa\nArchitecture: any\n' >debian/control \
  && dpkg-shlibdeps -O --warnings=0 $PRIVATE_LIBS "${ELF[@]/#/-e}" 2>"$STAGE/shlibdeps.log")" \
  || { cat "$STAGE/shlibdeps.log" >&2; die "dpkg-shlibdeps failed"; }
SHLIBS="${SHLIBS#shlibs:Depends=}"
step "shared-library dependencies (dpkg-shlibdeps over ${#ELF[@]} ELF files): $SHLIBS"

RUNTIME_DEPENDS="adduser, systemd, udev, tesseract-ocr, tesseract-ocr-vie, tesseract-ocr-osd, hunspell-vi, sane-utils, sane-airscan, qrencode, zbar-tools, pcscd, libccid, opensc, poppler-utils, fonts-dejavu-core, cage, chromium"
INSTALLED_KB="$(du -sk --exclude=DEBIAN "$PKG" | cut -f1)"
cat >"$PKG/DEBIAN/control" <<CONTROL
Package: sohoa
Version: $VERSION
Architecture: $ARCH
Maintainer: Sohoa maintainers <sohoa@localhost>
Section: misc
Priority: optional
Installed-Size: $INSTALLED_KB
Depends: $RUNTIME_DEPENDS, $SHLIBS
Suggests: softhsm2, libnss3-tools, openssl
Description: front-desk document scanning appliance (scan, Vietnamese OCR, register, sign, deliver)
 Sohoa turns a mini-PC with a touchscreen, a document scanner and the agency's
 USB signing token into the front desk's digitising station: it scans, reads
 the Vietnamese text locally, registers the document, signs the PDF with the
 token over PKCS#11 and delivers it to the province's central system through a
 queue that survives outages.
 .
 Ships its own Node.js $NODE_VERSION runtime in /opt/sohoa/node (Debian 12 has
 Node 18 only). Without /etc/sohoa/config.json it runs a demo profile.
 softhsm2 and libnss3-tools are only for the demo profile's development token
 (/opt/sohoa/provisioning/dev-token.sh).
CONTROL

step "dpkg-deb --build"
mkdir -p "$OUT"
case "${SOHOA_DEB_COMPRESS:-zstd}" in
  xz) COMPRESS=(-Zxz) ;;
  zstd) COMPRESS=(-Zzstd -z9) ;;
  *) die "SOHOA_DEB_COMPRESS must be zstd or xz" ;;
esac
dpkg-deb --root-owner-group "${COMPRESS[@]}" --build "$PKG" "$DEB" >&2
step "$(du -h "$DEB" | cut -f1) packed, ${INSTALLED_KB} KiB installed"
echo "$DEB"
