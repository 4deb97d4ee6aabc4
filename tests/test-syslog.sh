#!/bin/bash
# One syslog line per request, LOG_AUTHPRIV: user, uid, bridge, tap, verdict,
# deciding module and reason; for grants, refusals and failures alike.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
ba_enter_ns "$@"
ba_need_ours

ba_syslog_sink
LOG=$BA_SYSLOG

ba_bridge br0
ba_bridge br1
ba_policy_default
ba_bridge_conf "allow br0
deny br1
allow nosuch0"
H=$BA_HELPER

ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
is "$(ba_decision)" granted "br0 granted"
TAP=$BA_TAPNAME
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br1
is "$(ba_decision)" refused "br1 refused"
ba_run bob "$H" --use-vnet --fd=@FD@ --br=br2
is "$(ba_decision)" refused "br2 refused (no rule)"
ba_run alice "$H" --use-vnet --fd=@FD@ --br=nosuch0
is "$BA_RC" 4 "nosuch0 allowed but missing: exit 4"
sleep 0.2

mapfile -t lines <"$LOG"
is "${#lines[@]}" 4 "exactly one line per request"
diag "$(cat "$LOG")"
# <85> is LOG_AUTHPRIV (10) * 8 + LOG_NOTICE (5).
like "${lines[0]:-}" '^<85>.*qemu-bridge-helper\[[0-9]+\]: user=- uid=4001 bridge=br0 tap='"$TAP"' verdict=granted module=acl reason="allowed by /etc/qemu/bridge\.conf:1 \(allow br0\)"$' \
	"grant: authpriv.notice, user, uid, bridge, tap, verdict, module, reason"
like "${lines[1]:-}" '^<85>.*user=alice uid=4001 bridge=br1 tap=- verdict=denied module=acl reason="denied by /etc/qemu/bridge\.conf:2 \(deny br1\)"$' \
	"refusal by a module: no tap, the module and its reason"
like "${lines[2]:-}" '^<85>.*user=bob uid=4002 bridge=br2 tap=- verdict=denied module=- reason="no module allowed it \(acl: no rule for bridge br2 in /etc/qemu/bridge\.conf\)"$' \
	"refusal by default: no deciding module, the silent module's reason"
like "${lines[3]:-}" '^<85>.*user=alice uid=4001 bridge=nosuch0 tap=- verdict=failed module=acl reason="bridge nosuch0 does not exist"$' \
	"failure after a grant: verdict failed"
ba_no_taps "no tap remains"
ba_done
