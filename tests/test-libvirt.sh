#!/bin/bash
# Real libvirt: Debian's libvirtd in session mode (qemu:///session), started
# by virsh as the unprivileged user alice inside the test's namespaces, boots
# domains whose <interface type='bridge'> gets its tap from our setuid helper,
# named by bridge_helper in alice's ~/.config/libvirt/qemu.conf
# (tests/libvirt-lib.sh does the libvirt steps).
#
#   1. br0 allowed: virsh start succeeds; domiflist and the kernel show a tap
#      of alice's on br0, marked by our helper; the guest pings the host and
#      powers off; no tap.
#   2. libvirt's argv without --use-vnet (model rtl8139): the tap is on br0
#      without a vnet header; virsh destroy; no tap.
#   3. br1 denied: virsh start fails, quoting our helper's refusal with the
#      argv libvirt used (--use-vnet --br=br1 --fd=N: libvirt's order, not
#      QEMU's); the domain is shut off; no tap.
#   4. No qemu.conf: libvirt runs its compiled-in default helper path, where
#      a package puts ours (here a copy in the private overlay of /usr).
# Our helper's syslog line is checked for each request.
#
# TCG, no /dev/kvm: the boot takes about 10 s; libvirtd's first connection
# about 4.5 s (it probes QEMU's capabilities).

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

if ! ba_in_ns; then
	ba_require_root
	for t in virsh libvirtd virtlogd qemu-system-x86_64; do
		command -v "$t" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin command -v "$t" >/dev/null 2>&1 ||
			ba_skip_all "$t not found (libvirt-clients, libvirt-daemon, libvirt-daemon-driver-qemu, qemu-system-x86)"
	done
	ba_guest
fi
ba_enter_ns "$@"
ba_need_ours
. "$top_srcdir/tests/libvirt-lib.sh"

[ -n "${BA_SYSLOG:-}" ] || ba_syslog_sink
ba_bridge br0
ip addr add "$LV_PEER/24" dev br0 || ba_fatal "cannot address br0"
ba_bridge br1
ba_bridge_conf 'allow br0
deny br1'

elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

lv_session alice "$BA_HELPER"
t0=$EPOCHREALTIME
lv_define vm br0
diag "first connection (libvirtd starts; probes QEMU unless cached): $(elapsed "$t0") s"
lv_define vm8139 br0 rtl8139
lv_define vmdenied br1

# 1. The guest boots on br0 and pings the host.
n=$(lv_log_lines)
lv_boot_ping vm br0 "virtio on br0"
lv_logged "$n" "virtio on br0: our helper logged the grant" \
	"user=- uid=4001 bridge=br0 tap=$LV_IF verdict=granted module=acl"

# 2. Without --use-vnet, then virsh destroy.
n=$(lv_log_lines)
lv_start vm8139
is "$LV_RC" 0 "rtl8139 on br0: virsh start exits 0" || diag "$LV_ERR"
lv_iface vm8139
like "$LV_IF_LINE" '^tap[0-9]+ bridge br0 rtl8139 ' "rtl8139 on br0: domiflist shows a tap on br0"
link=$(lv_link "$LV_IF")
like "$link" ' master br0 ' "rtl8139 on br0: the kernel has the tap on br0"
like "$link" ' user (alice|4001) ' "rtl8139 on br0: the tap is owned by alice"
like "$link" ' vnet_hdr off ' "rtl8139 on br0: no vnet header (libvirt passed no --use-vnet)"
lv_logged "$n" "rtl8139 on br0: our helper logged the grant" \
	"user=- uid=4001 bridge=br0 tap=$LV_IF verdict=granted module=acl"
lv_destroy vm8139
is "$LV_RC" 0 "virsh destroy exits 0" || diag "$LV_ERR"
is "$(lv_state vm8139)" "shut off" "virsh destroy: the domain is shut off"
ba_no_taps "virsh destroy: no tap remains"

# 3. Denied: libvirt quotes the helper's argv and its whole stderr.
n=$(lv_log_lines)
lv_start_denied vmdenied br1 "$BA_HELPER" "$BA_BRIDGE_CONF:2" "br1 denied"
lv_logged "$n" "br1 denied: our helper logged the refusal" \
	'user=alice uid=4001 bridge=br1 tap=- verdict=denied module=acl reason="denied by /etc/qemu/bridge\.conf:2 \(deny br1\)"'

# 4. No qemu.conf: libvirt's compiled-in bridge_helper, where a package
# installs ours (here only in the private overlay of /usr).
install -o root -g root -m 4755 "$BA_HELPER" "$BA_UPSTREAM_SRC" || ba_fatal "cannot install our helper at $BA_UPSTREAM_SRC"
lv_session alice none
t0=$EPOCHREALTIME
lv_define vmdefault br0
diag "first connection of the second daemon: $(elapsed "$t0") s"
[ ! -e "$LV_HOME/.config/libvirt/qemu.conf" ] || ba_fatal "lv_session none wrote a qemu.conf"
n=$(lv_log_lines)
lv_start vmdefault
is "$LV_RC" 0 "no qemu.conf: virsh start exits 0" || diag "$LV_ERR"
lv_iface vmdefault
like "$LV_IF_LINE" '^tap[0-9]+ bridge br0 virtio ' "no qemu.conf: domiflist shows a tap on br0"
like "$(lv_link "$LV_IF")" ' master br0 .* user (alice|4001) ' "no qemu.conf: the kernel has alice's tap on br0"
lv_logged "$n" "no qemu.conf: the tap came from our helper at $BA_UPSTREAM_SRC" \
	"qemu-bridge-helper\\[[0-9]+\\]: user=- uid=4001 bridge=br0 tap=$LV_IF verdict=granted module=acl"
lv_destroy vmdefault
is "$LV_RC" 0 "no qemu.conf: virsh destroy exits 0" || diag "$LV_ERR"
ba_no_taps "no qemu.conf: no tap remains after virsh destroy"

lv_stop
is "$(pgrep -c -u alice)" 0 "no process of alice's is left (libvirtd, virtlogd, QEMU)"

ba_done
