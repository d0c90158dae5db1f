#!/bin/bash
# Runs the kiosk exactly as systemd/sohoa-kiosk.service starts it (its ExecStart command line, read
# from the unit) under cage's headless backend, against a running appliance, with the managed
# Chromium policy of systemd/sohoa-kiosk-policy.json installed where Chromium reads it. All of it in
# private mount and network namespaces: the policy and port 8080 exist only in there.
#
#  1. the policy with only DevTools/remote debugging allowed (so a test can look): the UI fills the
#     output (screenshot written), and a page of any other address is blocked by the policy;
#  2. the policy as shipped: Chromium runs and refuses remote debugging (the port never opens).
#
# Needs root, cage, xwayland, chromium, `npm run build` done. Writes PNGs to $1 (default /tmp).
# Usage: sudo bash tests/systemd/kiosk-headless.sh [OUT_DIR]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
PROJECT=$(cd "$HERE/../.." && pwd)
OUT=${1:-/tmp}
mkdir -p "$OUT"
for c in cage Xwayland chromium unshare setpriv; do command -v "$c" >/dev/null || { echo "kiosk-headless: $c missing" >&2; exit 2; }; done

if [ "${KIOSK_INSIDE:-}" != 1 ]; then
  exec env KIOSK_INSIDE=1 unshare --mount --net --propagation private -- bash "$0" "$OUT"
fi

# --- inside the private namespaces --------------------------------------------------------------
ip link set lo up
W=$(mktemp -d /tmp/sohoa-kiosk-XXXXXX)
chmod 755 "$W"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 1; rm -rf "$W"; }
trap cleanup EXIT

# The appliance on its embedded defaults, in a temp data folder, on 127.0.0.1:8080 as on a device.
echo '{}' >"$W/config.json"
SOHOA_CONFIG=$W/config.json SOHOA_DATA_DIR=$W/data timeout 600 node "$PROJECT/dist/appliance/main.js" >"$W/appliance.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 60); do curl -sf -o /dev/null http://127.0.0.1:8080/ && break; sleep 1; done
curl -sf -o /dev/null http://127.0.0.1:8080/ || { echo "kiosk-headless: the appliance did not answer"; tail "$W/appliance.log"; exit 1; }

# The unit's ExecStart, continuation lines joined, its paths moved to the temp folder.
CMD=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$PROJECT/systemd/sohoa-kiosk.service" | sed 's/\\$//' | tr '\n' ' ' | sed 's/^ExecStart=//')
CMD=${CMD//\$\{SOHOA_KIOSK_URL\}/http://127.0.0.1:8080/}
CMD=${CMD//\/var\/lib\/sohoa-kiosk/$W\/home}
CMD=${CMD//\/run\/sohoa-kiosk/$W\/run}
echo "kiosk command line (from the unit): $CMD"

# Chromium reads its policies from /etc/chromium/policies: a tmpfs over /etc/chromium, in this
# mount namespace only, holds the folder's own files plus the policy under test.
mkdir -p "$W/etc-chromium" && cp -a /etc/chromium/. "$W/etc-chromium/"
install_policy() { # the shipped policy, with jq edits ($1) for a test
  umount /etc/chromium 2>/dev/null || true
  mount -t tmpfs tmpfs /etc/chromium
  cp -a "$W/etc-chromium/." /etc/chromium/
  mkdir -p /etc/chromium/policies/managed
  jq "$1" "$PROJECT/systemd/sohoa-kiosk-policy.json" >/etc/chromium/policies/managed/sohoa-kiosk.json
}

start_kiosk() { # as an unprivileged user, cage headless; extra Chromium flags in $1
  rm -rf "$W/home" "$W/run"; install -d -o 65534 -g 65534 -m 0700 "$W/home" "$W/run"
  # shellcheck disable=SC2086
  setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$W/home" WLR_BACKENDS=headless \
    WLR_LIBINPUT_NO_DEVICES=1 WLR_RENDERER=pixman ${CMD/--kiosk /--kiosk $1 } >"$W/kiosk.log" 2>&1 &
  KIOSK=$!
  PIDS+=($KIOSK)
}
stop_kiosk() { kill "$KIOSK" 2>/dev/null || true; wait "$KIOSK" 2>/dev/null || true; }

FAILED=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; FAILED=$((FAILED + 1)); }

# 1. DevTools allowed for this look only: screenshot and the URL allowlist.
install_policy '.DeveloperToolsAvailability = 1 | .RemoteDebuggingAllowed = true'
started=$(date +%s)
start_kiosk --remote-debugging-port=9222
for _ in $(seq 1 90); do curl -sf -o /dev/null http://127.0.0.1:9222/json/version && break; sleep 1; done
OPEN_AFTER=$(( $(date +%s) - started ))
echo "     remote debugging answered ${OPEN_AFTER} s after start (DevTools allowed)"
sleep 5
RESULT=$(cd "$PROJECT" && node --input-type=module -e '
  const { WebSocket } = await import("undici");
  const { writeFileSync } = await import("node:fs");
  const out = process.argv[1];
  const page = (await (await fetch("http://127.0.0.1:9222/json/list")).json()).find((t) => t.type === "page");
  const ws = new WebSocket(page.webSocketDebuggerUrl);
  await new Promise((r, j) => { ws.onopen = r; ws.onerror = j; });
  let n = 0; const waiting = new Map();
  ws.onmessage = (e) => { const m = JSON.parse(String(e.data)); waiting.get(m.id)?.(m); };
  const call = (method, params = {}) => new Promise((r) => { const id = ++n; waiting.set(id, r); ws.send(JSON.stringify({ id, method, params })); });
  const evaluate = async (expression) => (await call("Runtime.evaluate", { expression, returnByValue: true })).result.result.value;
  const shot = async (file) => writeFileSync(file, Buffer.from((await call("Page.captureScreenshot", { format: "png" })).result.data, "base64"));
  const ui = await evaluate("({ url: location.href, w: innerWidth, h: innerHeight, sw: screen.width, sh: screen.height, text: document.body.innerText.slice(0, 80) })");
  await shot(out + "/kiosk-ui.png");
  await call("Page.enable");
  await call("Page.navigate", { url: "http://127.0.0.1:8091/" });
  await new Promise((r) => setTimeout(r, 3000));
  const other = await evaluate("({ url: location.href, text: document.body.innerText.slice(0, 200) })");
  await shot(out + "/kiosk-blocked.png");
  // What Ctrl+T / Ctrl+N open (no page can cancel them): the new tab page.
  await call("Page.navigate", { url: "chrome://newtab/" });
  await new Promise((r) => setTimeout(r, 3000));
  const newtab = await evaluate("({ url: location.href, text: document.body.innerText.slice(0, 80) })");
  console.log(JSON.stringify({ ui, other, newtab }));
  process.exit(0);
' "$OUT" 2>&1) || true
echo "seen through DevTools: $RESULT"
grep -q '"url":"http://127.0.0.1:8080/"' <<<"$RESULT" && ok "the UI is loaded" || fail "the UI is not loaded"
jq -e '.ui.w == .ui.sw and .ui.h == .ui.sh' <<<"$RESULT" >/dev/null 2>&1 && ok "it fills the whole output (no address bar, no tabs): $(jq -r '"\(.ui.w)×\(.ui.h)"' <<<"$RESULT")" || fail "not full-screen"
jq -e '.newtab.url == "http://127.0.0.1:8080/"' <<<"$RESULT" >/dev/null 2>&1 && ok "a new tab or window (Ctrl+T, Ctrl+N) shows the desk" || fail "a new tab shows $(jq -c .newtab <<<"$RESULT" 2>/dev/null)"
grep -qiE 'ERR_BLOCKED_BY_ADMINISTRATOR|blocked|chặn' <<<"$(jq -c .other <<<"$RESULT" 2>/dev/null)" && ok "another address (the scanner simulator, 127.0.0.1:8091) is blocked by the policy" || fail "another address was not blocked"
stop_kiosk
# 2. The shipped policy: remote debugging refused, given three times as long as it took above.
install_policy '.'
start_kiosk --remote-debugging-port=9222
sleep $(( 3 * OPEN_AFTER + 10 ))
if pgrep -u 65534 -f 'chromium.*--kiosk' >/dev/null; then ok "cage + Chromium run with the unit's command line and the shipped policy"; else fail "the kiosk did not stay up: $(tail -5 "$W/kiosk.log")"; fi
if curl -s -o /dev/null http://127.0.0.1:9222/json/version; then fail "remote debugging answered despite RemoteDebuggingAllowed=false"; else ok "remote debugging refused by the policy (port 9222 closed)"; fi
stop_kiosk

echo "screenshots: $OUT/kiosk-ui.png $OUT/kiosk-blocked.png"
[ "$FAILED" = 0 ] && echo "RESULT ok" || { echo "RESULT failed ($FAILED)"; exit 1; }
