#!/usr/bin/env bash
# Brings a checkout to a runnable state; called by `npm start` and `npm test` (pre-scripts), and by
# .ci/run. Idempotent and quick when nothing changed: installs missing Debian packages, the npm
# dependencies, builds, and provisions the development token for the embedded defaults.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'sohoa setup: %s\n' "$*" >&2; }

# Debian packages the appliance and its tests use (see README "What gets installed").
APT_PACKAGES=(
  sane-utils sane-airscan            # scanner: scanimage + eSCL backend (demo scanner, network scanners)
  qrencode zbar-tools                # separator sheets: QR made by qrencode, found in scanned pages by zbarimg
  softhsm2 opensc libengine-pkcs11-openssl libnss3-tools   # development token, token tools, pdfsig trust store
  pcscd libccid                      # CCID smart-card tokens (most agency USB tokens) through PC/SC
  poppler-utils                      # pdfsig / pdftotext / pdftoppm (verification, PDF input)
  tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd        # native OCR engine + Vietnamese and orientation data
  hunspell-vi                        # Vietnamese syllable list: names and words the extractor keeps as read
  ocrmypdf                           # OCR benchmark comparison only
  chromium                           # UI end-to-end tests
  fonts-dejavu-core                  # Vietnamese glyphs for the visible signature (seal)
  openssl ca-certificates
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  say "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then say "Node.js 20 or newer is needed (found $(node --version))"; exit 1; fi

# npm: native modules (pkcs11js, usb) build against the installed Node's headers, offline.
export npm_config_nodedir=/usr
# A node_modules that is a link (a git worktree sharing another checkout's) is managed where it lives.
if [ ! -L node_modules ] && { [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] || [ package.json -nt node_modules/.package-lock.json ]; }; then
  say "installing npm dependencies"
  # exactly the lockfile. (Rollup, vite's bundler, is its WebAssembly build — package.json
  # "overrides": the native one's per-platform optional packages are missing from npm 11's
  # lockfile and from this registry, and `npm ci` refused the lockfile for them.)
  npm ci --no-audit --no-fund --loglevel=error
fi

# Build (and type-check the tests) when any source or test is newer than the last build.
stamp=dist/.build-stamp
if [ ! -f "$stamp" ] || [ -n "$(find appliance drivers provisioning ui tests package.json tsconfig.json -newer "$stamp" -type f -print -quit 2>/dev/null)" ]; then
  say "building"
  npm run build --silent
  mkdir -p dist && touch "$stamp"
fi

# The embedded defaults sign with a development SoftHSM token; a provisioned device has its own.
if [ -z "${SOHOA_CONFIG:-}" ] && [ ! -f /etc/sohoa/config.json ]; then
  bash provisioning/dev-token.sh "${SOHOA_DATA_DIR:-var}/dev-token" >&2
fi
