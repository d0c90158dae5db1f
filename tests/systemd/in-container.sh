#!/bin/bash
# Runs inside the container of verify-units.sh, as root, under systemd as PID 1. Writes its report
# to $1; the last line is "RESULT ok" or "RESULT failed (<n> checks)".
set -uo pipefail
REPORT=${1:-/dev/stdout}
API=http://127.0.0.1:8080
FAILED=0
say() { echo "$*" >>"$REPORT"; }
check() { # check "<what>" <command...>: runs the command, records ok/FAIL
  local what=$1; shift
  if "$@" >>"$REPORT" 2>&1; then say "ok   $what"; else say "FAIL $what"; FAILED=$((FAILED + 1)); fi
}
prop() { systemctl show -P "$2" "$1"; }
json() { curl -sS --max-time 20 -H 'content-type: application/json' ${SESSION:+-H "authorization: Bearer $SESSION"} "$@"; }

say "== sohoa.service under systemd $(systemctl --version | head -1 | cut -d' ' -f2)"
start=$(date +%s%N)
check "systemctl start sohoa returns (Type=notify: only after READY=1)" timeout 120 systemctl start sohoa
say "     start → active: $(( ($(date +%s%N) - start) / 1000000 )) ms"
PID=$(prop sohoa MainPID)
say "     $(systemctl show -p ActiveState -p SubState -p StatusText -p WatchdogUSec -p NotifyAccess sohoa | tr '\n' ' ')"
check "StatusText carries the URL (STATUS=)" grep -q 'http://127.0.0.1:8080/' <<<"$(prop sohoa StatusText)"
check "/api/status answers" json -o /dev/null -f "$API/api/status"

say "== the sandbox as the kernel sees it (main process $PID)"
grep -E '^(Uid|Gid|Groups|NoNewPrivs|Seccomp|CapEff|CapBnd|CapAmb):' "/proc/$PID/status" | sed 's/^/     /' >>"$REPORT"
check "no capabilities, no new privileges, seccomp filter on" \
  bash -c "grep -qE '^CapBnd:\s+0+$' /proc/$PID/status && grep -qE '^NoNewPrivs:\s+1' /proc/$PID/status && grep -qE '^Seccomp:\s+2' /proc/$PID/status"
check "supplementary groups scanner and plugdev" \
  bash -c "g=\$(grep ^Groups: /proc/$PID/status); for n in scanner plugdev; do grep -qw \"\$(getent group \$n | cut -d: -f3)\" <<<\"\$g\" || exit 1; done"
say "     /proc seen by the service: $(nsenter -t "$PID" -m ls /proc | grep -cE '^[0-9]+$') processes, others: $(nsenter -t "$PID" -m ls /proc | grep -vE '^[0-9]+$' | tr '\n' ' ')"
check "ProcSubset=pid: no /proc/cpuinfo" bash -c "! nsenter -t $PID -m test -e /proc/cpuinfo"
check "ProtectSystem=strict: /opt and /etc read-only" bash -c "! nsenter -t $PID -m -S \$(id -u sohoa) -G \$(id -g sohoa) touch /etc/sohoa/x /opt/sohoa/x 2>/dev/null"
check "PrivateTmp: its /tmp is not the host's" bash -c "[ \"\$(stat -Lc %i /tmp)\" != \"\$(nsenter -t $PID -m stat -Lc %i /tmp)\" ]"
check "ProtectHome: /root and /home empty" bash -c "[ -z \"\$(nsenter -t $PID -m find /root /home -mindepth 1 -maxdepth 1)\" ]"
# PrivateUsers=yes shows the supplementary groups as "nogroup": access must still be by real group.
install -m 0660 -g scanner /dev/null /run/sohoa-probe-scanner && echo readable >/run/sohoa-probe-scanner
check "PrivateUsers=yes keeps access by group (a root:scanner 0660 file, read as the unit's user)" \
  bash -c "systemd-run --wait --pipe --quiet -p User=sohoa -p SupplementaryGroups='scanner plugdev' -p PrivateUsers=yes cat /run/sohoa-probe-scanner | grep -q readable"
say "     cgroups of the service: $(tr '\n' ' ' </proc/$PID/cgroup)"
# DevicePolicy=closed + DeviceAllow: a process put in the service's cgroup, as user sohoa, opens a
# USB device node (allowed: fails only because no such device exists here) and a FUSE node (not in
# the list: refused by the device cgroup, although its file mode 0666 lets anyone open it).
mknod -m 666 /dev/sohoa-probe-usb c 189 0; mknod -m 666 /dev/sohoa-probe-fuse c 10 229
probe() {
  local procs
  procs=$(awk -F: '$2=="devices" {print "/sys/fs/cgroup/devices"$3"/cgroup.procs"}' /proc/$PID/cgroup)
  [ -n "$procs" ] || procs=/sys/fs/cgroup/unified$(awk -F: '$1=="0" {print $3}' /proc/$PID/cgroup)/cgroup.procs
  bash -c "echo \$\$ >$procs && exec setpriv --reuid=sohoa --regid=sohoa --init-groups -- bash -c 'exec 3<>$1 && echo opened' 2>&1"
}
if grep -qE '^[0-9]+:devices:/$' /proc/$PID/cgroup; then
  # Under a cgroup v1/hybrid host (as this build machine) nspawn does not delegate the devices
  # controller: systemd cannot enforce DevicePolicy here. Debian 12 boots cgroup v2, where systemd
  # attaches a BPF device program to the service's cgroup instead.
  say "SKIP device cgroup: the devices controller is not delegated to this container (host: $(stat -fc %T /sys/fs/cgroup))"
else
  say "     open a USB node (189:0): $(probe /dev/sohoa-probe-usb)"
  say "     open a FUSE node (10:229): $(probe /dev/sohoa-probe-fuse)"
  check "device cgroup: USB devices allowed (no EPERM)" bash -c "! grep -q 'not permitted' <<<\"$(probe /dev/sohoa-probe-usb)\""
  check "device cgroup: other devices refused (EPERM)" grep -q 'not permitted' <<<"$(probe /dev/sohoa-probe-fuse)"
fi

say "== a whole desk round trip through the sandboxed service (scanimage, tesseract, token, central)"
SESSION=$(json -X POST -d '{"name":"Kiểm Tra","pin":"480715"}' "$API/api/session" | jq -r .token)
check "clerk logs in" test -n "$SESSION" -a "$SESSION" != null
check "token unlocks (SoftHSM through the token worker)" bash -c "[ \"\$(curl -sS -H 'content-type: application/json' -H 'authorization: Bearer $SESSION' -d '{\"pin\":\"123456\"}' $API/api/token/unlock | jq -r .loggedIn)\" = true ]"
JOB=$(json -X POST -d '{}' "$API/api/scan" | jq -r .jobId)
state=; for _ in $(seq 1 120); do
  state=$(json "$API/api/jobs/$JOB" | jq -r .state); [ "$state" = review ] || [ "$state" = failed ] && break; sleep 1
done
check "scan + OCR + extraction reach review (job $JOB: $state)" test "$state" = review
FIELDS=$(json "$API/api/jobs/$JOB" | jq '.result | del(.confidence, .text, .flagged, .issuerId)')
DOC=$(json -X POST -d "$FIELDS" "$API/api/jobs/$JOB/register" | jq -r .docId)
for _ in $(seq 1 120); do
  doc=$(json "$API/api/documents/$DOC"); state=$(jq -r .state <<<"$doc"); [ "$state" = delivered ] && break; sleep 1
done
check "registered, signed, delivered (document $DOC: $state, StatusCode $(jq -r .delivery.statusCode <<<"$doc"))" test "$state" = delivered
check "no seccomp, permission or EROFS error in the service's journal" \
  bash -c "! journalctl -u sohoa -o cat | grep -iE 'EPERM|EACCES|EROFS|operation not permitted|permission denied|read-only file system|SIGSYS'"

say "== sohoa-backup.service"
check "systemctl start sohoa-backup succeeds" timeout 300 systemctl start sohoa-backup
say "     $(journalctl -u sohoa-backup -o cat | grep -v '^Start\|^Finish\|Deactivated' | tr -d '\n ' | tail -c 300)"
check "an archive was written to /var/lib/sohoa/backup" bash -c "ls /var/lib/sohoa/backup/* >/dev/null"

say "== watchdog: the service's event loop blocked for good (busy loop through its inspector)"
before=$(prop sohoa NRestarts)
kill -USR1 "$PID" # Node opens its inspector on 127.0.0.1:9229 on SIGUSR1
sleep 2
blocked=$(date +%s)
SOHOA=/opt/sohoa timeout 20 /opt/sohoa/node/bin/node --input-type=module -e '
  const { WebSocket } = await import("/opt/sohoa/node_modules/undici/index.js");
  const [target] = await (await fetch("http://127.0.0.1:9229/json/list")).json();
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  ws.onopen = () => { ws.send(JSON.stringify({ id: 1, method: "Runtime.evaluate", params: { expression: "for (;;);" } })); setTimeout(() => process.exit(0), 1000); };
' >>"$REPORT" 2>&1
for _ in $(seq 1 120); do [ "$(prop sohoa NRestarts)" != "$before" ] && break; sleep 1; done
check "systemd restarted it (NRestarts $before → $(prop sohoa NRestarts), $(( $(date +%s) - blocked )) s after the loop blocked)" test "$(prop sohoa NRestarts)" != "$before"
say "     $(journalctl -u sohoa -o cat | grep -iE 'watchdog timeout|killing process' | head -2 | tr '\n' ' ')"
check "and it is ready again, a new process" bash -c "timeout 120 systemctl start sohoa && [ \"\$(systemctl show -P MainPID sohoa)\" != $PID ]"

say "== sohoa-kiosk.service (cage headless here: no screen in a container)"
systemctl start systemd-user-sessions.service # a real boot has it through multi-user.target
since=$(date '+%Y-%m-%d %H:%M:%S')
check "systemctl start sohoa-kiosk" timeout 60 systemctl start sohoa-kiosk
sleep 40
check "still running after 40 s, never restarted (NRestarts $(prop sohoa-kiosk NRestarts))" \
  bash -c "[ \"\$(systemctl is-active sohoa-kiosk)\" = active ] && [ \"\$(systemctl show -P NRestarts sohoa-kiosk)\" = 0 ]"
say "     logind session: $(loginctl list-sessions --no-legend 2>/dev/null | grep sohoa-kiosk | tr -s ' ')"
check "a logind session was opened for sohoa-kiosk (PAMName=login)" bash -c "loginctl list-sessions --no-legend | grep -q sohoa-kiosk"
RENDERER=$(pgrep -u sohoa-kiosk -f -- '--type=renderer' | head -1)
check "Chromium renderer processes run (pid ${RENDERER:-none})" test -n "$RENDERER"
if [ -n "$RENDERER" ]; then
  say "     renderer: $(grep -E '^(NSpid|Seccomp|NoNewPrivs):' /proc/$RENDERER/status | tr -s '\t\n' '  ')"
  check "Chromium's own sandbox works inside the unit's (renderer in its own PID namespace, seccomp on)" \
    bash -c "grep -qE '^NSpid:\s+[0-9]+\s+[0-9]+' /proc/$RENDERER/status && grep -qE '^Seccomp:\s+2' /proc/$RENDERER/status"
fi
check "the kiosk loaded the desk's UI from the service" bash -c "journalctl -u sohoa --since '$since' -o cat | grep -q '\"url\":\"/\"'"
say "     kiosk journal (last lines): $(journalctl -u sohoa-kiosk -o cat | grep -v 'Basic output test' | tail -4 | cut -c1-200 | tr '\n' ' ')"

if [ "$FAILED" = 0 ]; then say "RESULT ok"; else say "RESULT failed ($FAILED checks)"; journalctl -u sohoa -o cat | tail -40 >>"$REPORT"; fi
