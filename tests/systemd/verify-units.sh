#!/bin/bash
# Runs the real units under a real systemd: boots systemd as PID 1 in a systemd-nspawn container
# whose root is a throwaway overlay of this machine's root (everything written in it is lost), with
# this checkout installed at /opt/sohoa as the package lays it out, and the units of systemd/ in
# /etc/systemd/system. Inside, tests/systemd/in-container.sh starts sohoa.service (Type=notify,
# the hardening as written), does a whole desk round trip through it (scan → OCR → register →
# sign → deliver), runs sohoa-backup.service, then blocks the service's event loop and watches
# systemd's watchdog restart it. Prints the container's report; exit 0 when every check passed.
#
# Needs root, systemd-nspawn (Debian: systemd-container), overlayfs, and `npm run build` done.
# Usage: sudo bash tests/systemd/verify-units.sh
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
PROJECT=$(cd "$HERE/../.." && pwd)
command -v systemd-nspawn >/dev/null || { echo "verify-units: systemd-nspawn missing (apt-get install systemd-container)" >&2; exit 2; }
[ -f "$PROJECT/dist/appliance/main.js" ] || { echo "verify-units: run npm run build first" >&2; exit 2; }

B=$(mktemp -d /tmp/sohoa-units-XXXXXX)
R=$B/root
cleanup() {
  umount -R "$R/dev" "$R/proc" 2>/dev/null || true
  umount "$R" 2>/dev/null || true
  umount "$B/rw" 2>/dev/null || true
  rm -rf "$B"
}
[ -n "${SOHOA_VERIFY_KEEP:-}" ] || trap cleanup EXIT
mkdir -p "$B/rw" "$R" "$B/out"
mount -t tmpfs -o size=2G tmpfs "$B/rw"
mkdir -p "$B/rw/upper" "$B/rw/work"
mount -t overlay overlay -o "lowerdir=/,upperdir=$B/rw/upper,workdir=$B/rw/work" "$R"

# /dev and /proc for the setup commands run through chroot (nspawn brings its own later)
mount --rbind /dev "$R/dev"
mount -t proc proc "$R/proc"

# --- installed as the package lays it out (the package itself is built elsewhere) --------------
mkdir -p "$R/opt/sohoa/node/bin"
for f in "$PROJECT"/*; do ln -s "$f" "$R/opt/sohoa/$(basename "$f")"; done
ln -s /usr/bin/node "$R/opt/sohoa/node/bin/node" # stands for the vendored runtime
cp "$PROJECT"/systemd/sohoa.service "$PROJECT"/systemd/sohoa-backup.service "$PROJECT"/systemd/sohoa-kiosk.service "$R/etc/systemd/system/"
mkdir -p "$R/etc/chromium/policies/managed"
cp "$PROJECT/systemd/sohoa-kiosk-policy.json" "$R/etc/chromium/policies/managed/sohoa-kiosk.json"
# The container has no screen, input or VT: cage's headless backend instead of DRM, no tty; the
# rest of the kiosk unit (user, PAM session, sandbox, Chromium command line) stays as written.
mkdir -p "$R/etc/systemd/system/sohoa-kiosk.service.d"
cat >"$R/etc/systemd/system/sohoa-kiosk.service.d/headless.conf" <<EOF
[Unit]
ConditionPathExists=
[Service]
Environment=WLR_BACKENDS=headless WLR_LIBINPUT_NO_DEVICES=1 WLR_RENDERER=pixman
StandardInput=null
# logind refuses a session on tty1 of a seat without VTs: the session gets the console instead.
TTYPath=/dev/console
TTYReset=no
TTYVHangup=no
TTYVTDisallocate=no
EOF
chroot "$R" getent group scanner >/dev/null || chroot "$R" groupadd --system scanner
chroot "$R" useradd --system --home-dir /var/lib/sohoa --no-create-home --shell /usr/sbin/nologin \
  --groups scanner,plugdev sohoa
chroot "$R" useradd --system --home-dir /var/lib/sohoa-kiosk --no-create-home --shell /usr/sbin/nologin sohoa-kiosk
install -d -m 0700 "$R/var/lib/sohoa" "$R/etc/sohoa"
chroot "$R" chown sohoa:sohoa /var/lib/sohoa
echo '{}' > "$R/etc/sohoa/config.json" # the embedded defaults, moved to /var/lib/sohoa by the unit
chroot "$R" chgrp sohoa /etc/sohoa /etc/sohoa/config.json
chmod 0750 "$R/etc/sohoa"; chmod 0640 "$R/etc/sohoa/config.json"
as_sohoa() { chroot "$R" runuser -u sohoa -- env HOME=/var/lib/sohoa SOHOA_CONFIG=/etc/sohoa/config.json SOHOA_DATA_DIR=/var/lib/sohoa "$@"; }
as_sohoa bash /opt/sohoa/provisioning/dev-token.sh /var/lib/sohoa/dev-token >/dev/null
as_sohoa env SOHOA_USER_PIN=480715 /opt/sohoa/node/bin/node /opt/sohoa/bin/sohoa.js users add "Kiểm Tra" >/dev/null
umount -R "$R/dev" "$R/proc"
# A machine of its own (nspawn refuses the host's machine id)
tr -d - </proc/sys/kernel/random/uuid >"$R/etc/machine-id"

# --- what runs the checks, then powers the container off ----------------------------------------
cat > "$R/etc/systemd/system/sohoa-verify.service" <<EOF
[Unit]
Description=Sohoa unit checks
After=basic.target
SuccessAction=poweroff-force
FailureAction=poweroff-force
[Service]
Type=oneshot
ExecStart=/bin/bash ${SOHOA_VERIFY_SCRIPT:-$HERE/in-container.sh} /verify/report.txt
TimeoutStartSec=15min
EOF
cat > "$R/etc/systemd/system/sohoa-verify.target" <<EOF
[Unit]
Description=Sohoa unit checks
Requires=basic.target sohoa-verify.service
After=basic.target
EOF

set +e
timeout 20m systemd-nspawn --quiet --directory="$R" --boot --private-network --register=no --keep-unit --link-journal=no \
  --bind="$B/out:/verify" --console=pipe -- systemd.unit=sohoa-verify.target >"$B/out/console.txt" 2>&1
rc=$?
set -e
cat "$B/out/report.txt" 2>/dev/null || { echo "verify-units: no report (nspawn exit $rc); console:"; tail -50 "$B/out/console.txt"; exit 1; }
grep -q '^RESULT ok' "$B/out/report.txt"
