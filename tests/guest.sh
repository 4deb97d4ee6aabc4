#!/bin/bash
# tests/guest.sh: build, and cache, a tiny Linux guest for the QEMU test (and
# the README demo): Debian's kernel and a busybox initramfs whose /init
# brings up the virtio-net NIC and pings the host.
#
#   bash tests/guest.sh     ->  prints, on stdout, one line: the two paths
#       /var/cache/bridge-auth-test/kernel-<kver>/boot/vmlinuz-<kver> \
#       /var/cache/bridge-auth-test/guest/initramfs-<kver>-<hash>.cpio.gz
#   (read -r kernel initrd <<<"$(bash tests/guest.sh)")
#
# Boot it with: -kernel $kernel -initrd $initrd
#   -append 'console=ttyS0 panic=-1 quiet ba.ip=10.0.2.15/24 ba.peer=10.0.2.1'
# and a virtio-net-pci NIC; the console then shows "BA-GUEST: PING OK" or
# "BA-GUEST: PING FAILED (...)", and the guest powers off.
#
# Cache: ${BA_CACHE:-/var/cache/bridge-auth-test}.  The kernel package is the
# one linux-image-amd64 depends on (apt-cache depends), fetched with
# apt-get download (after apt-get update if that fails); a package already in
# the cache is used when apt cannot get one (offline).  Only vmlinuz and the
# virtio modules are extracted (dpkg-deb --fsys-tarfile | tar), into the
# cache, never into /.  Needs: dpkg-deb, busybox (static), cpio, gzip.
# Exit status: 0; 77 when no kernel package can be had; 1 on other errors.
# Diagnostics go to stderr.

set -u
umask 022

CACHE=${BA_CACHE:-/var/cache/bridge-auth-test}
case $CACHE in
/*) ;;
*) echo "guest.sh: BA_CACHE must be an absolute path" >&2; exit 1 ;;
esac
case $CACHE in *[[:space:]]*)
	echo "guest.sh: BA_CACHE must not contain white space" >&2
	exit 1
	;;
esac
# virtio_net and virtio_pci are modules in Debian's kernel; they and their
# dependencies (virtio_ring, virtio, virtio_pci_modern_dev,
# virtio_pci_legacy_dev, failover, net_failover) are loaded in the order their
# depends= fields give; those built into the kernel (modules.builtin) are
# skipped.
ROOT_MODULES="virtio_pci virtio_net"

die() {
	echo "guest.sh: $*" >&2
	exit 1
}
note() { echo "guest.sh: $*" >&2; }

for t in dpkg-deb cpio gzip tar sha256sum flock; do
	command -v "$t" >/dev/null 2>&1 || die "$t not found"
done
BUSYBOX=$(command -v busybox) || die "busybox not found (install busybox-static)"
if ldd "$BUSYBOX" >/dev/null 2>&1; then
	die "$BUSYBOX is dynamically linked: install busybox-static"
fi

mkdir -p "$CACHE" || die "cannot create $CACHE"
chmod 0755 "$CACHE" || die "chmod $CACHE"
exec 9>"$CACHE/.lock" || die "cannot open $CACHE/.lock"
flock -w 600 9 || die "cannot lock $CACHE/.lock"

WORK=$(mktemp -d "$CACHE/.build.XXXXXX") || die "mktemp in $CACHE"
trap 'rm -rf -- "$WORK"' EXIT

# ------------------------------------------------------------------ kernel package

newest_cached() {
	ls -1 "$CACHE"/linux-image-[0-9]*-amd64_*_amd64.deb 2>/dev/null | sort -V | tail -n 1
}

PKG=$(apt-cache depends linux-image-amd64 2>/dev/null |
	awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9].*-amd64$/ { print $2; exit }')
DEB=
if [ -n "$PKG" ]; then
	DEB=$(ls -1 "$CACHE/${PKG}_"*_amd64.deb 2>/dev/null | sort -V | tail -n 1)
	if [ -z "$DEB" ]; then
		note "downloading $PKG into $CACHE"
		if ! (cd "$CACHE" && apt-get download "$PKG" >&2); then
			note "apt-get download failed; apt-get update and retry"
			apt-get update >&2 && (cd "$CACHE" && apt-get download "$PKG" >&2) ||
				note "cannot download $PKG"
		fi
		DEB=$(ls -1 "$CACHE/${PKG}_"*_amd64.deb 2>/dev/null | sort -V | tail -n 1)
	fi
else
	note "apt-cache does not resolve linux-image-amd64; using the cache"
fi
[ -n "$DEB" ] || DEB=$(newest_cached)
if [ -z "$DEB" ]; then
	echo "guest.sh: no Debian kernel package (linux-image-*-amd64) in $CACHE and none could be downloaded" >&2
	exit 77
fi

PKGNAME=$(dpkg-deb -f "$DEB" Package) || die "$DEB is not a Debian package"
PKGVER=$(dpkg-deb -f "$DEB" Version) || die "no version in $DEB"
KVER=${PKGNAME#linux-image-}
case $KVER in [0-9]*-amd64) ;; *) die "unexpected kernel package name $PKGNAME" ;; esac

# ------------------------------------------------------------------ vmlinuz and modules

KDIR=$CACHE/kernel-$KVER
if [ ! -f "$KDIR/.complete" ] || [ "$(cat "$KDIR/.complete")" != "$PKGVER" ]; then
	note "extracting vmlinuz and virtio modules of $PKGNAME $PKGVER"
	mkdir "$WORK/k" || die "mkdir"
	set -o pipefail
	dpkg-deb --fsys-tarfile "$DEB" |
		tar -x -C "$WORK/k" --wildcards --no-same-owner \
			"./boot/vmlinuz-$KVER" \
			"./lib/modules/$KVER/modules.builtin" \
			"./lib/modules/$KVER/kernel/drivers/virtio/*.ko" \
			"./lib/modules/$KVER/kernel/drivers/net/*failover.ko" \
			"./lib/modules/$KVER/kernel/drivers/net/virtio_net.ko" \
			"./lib/modules/$KVER/kernel/net/core/failover.ko" ||
		die "cannot extract from $DEB"
	set +o pipefail
	[ -f "$WORK/k/boot/vmlinuz-$KVER" ] || die "no vmlinuz-$KVER in $DEB"
	echo "$PKGVER" >"$WORK/k/.complete" || die "write"
	chmod -R u=rwX,go=rX "$WORK/k" || die "chmod"
	rm -rf "$KDIR" && mv "$WORK/k" "$KDIR" || die "cannot install $KDIR"
fi
VMLINUZ=$KDIR/boot/vmlinuz-$KVER
MODDIR=$KDIR/lib/modules/$KVER

# Modules to load, dependencies first (from each .ko's .modinfo "depends="
# field, so that no kmod is needed); built-in ones are skipped, missing ones
# are an error.
modfile() {
	find "$MODDIR/kernel" \( -name "$1.ko" -o -name "${1//_/-}.ko" \) -print -quit
}
declare -A SEEN=()
LOAD=
visit() {
	local m=$1 f deps d
	[ -z "${SEEN[$m]:-}" ] || return 0
	SEEN[$m]=1
	f=$(modfile "$m")
	if [ -z "$f" ]; then
		grep -Eq "/($m|${m//_/-})\.ko\$" "$MODDIR/modules.builtin" 2>/dev/null ||
			die "module $m is neither extracted from $PKGNAME nor built into its kernel"
		return 0
	fi
	deps=$(tr '\0' '\n' <"$f" | sed -n 's/^depends=//p' | head -n 1)
	for d in ${deps//,/ }; do
		visit "$d"
	done
	LOAD="$LOAD $m"
}
for m in $ROOT_MODULES; do
	visit "$m"
done
LOAD=${LOAD# }

# ------------------------------------------------------------------ initramfs

INIT=$(
	cat <<'EOF'
#!/bin/busybox sh
# bridge-auth test guest: bring up eth0, ping the host, power off.
/bin/busybox mkdir -p /proc /sys /dev /tmp /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
say() { echo "BA-GUEST: $*"; }
ip_addr= peer=
for arg in $(cat /proc/cmdline); do
	case $arg in
	ba.ip=*) ip_addr=${arg#ba.ip=} ;;
	ba.peer=*) peer=${arg#ba.peer=} ;;
	esac
done
for m in @LOAD@; do
	insmod "/lib/modules/$m.ko" || say "insmod $m failed"
done
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 20 ]; do
	sleep 1
	i=$((i + 1))
done
if [ -z "$ip_addr" ] || [ -z "$peer" ]; then
	say "PING FAILED (no ba.ip= or ba.peer= on the kernel command line)"
elif [ ! -e /sys/class/net/eth0 ]; then
	say "PING FAILED (no eth0)"
else
	ip link set lo up
	ip link set eth0 up
	ip addr add "$ip_addr" dev eth0
	say "eth0 $(cat /sys/class/net/eth0/address) $ip_addr, pinging $peer"
	if ping -c 3 -w 30 "$peer"; then
		say "PING OK"
	else
		say "PING FAILED (no reply from $peer)"
	fi
fi
poweroff -f
EOF
)
INIT=${INIT//@LOAD@/$LOAD}

KEY=$({
	printf '%s\n' "$INIT" "$KVER" "$PKGVER"
	sha256sum "$BUSYBOX"
	for m in $LOAD; do sha256sum "$(modfile "$m")"; done
} | sha256sum | cut -c1-16)
INITRD=$CACHE/guest/initramfs-$KVER-$KEY.cpio.gz

if [ ! -f "$INITRD" ]; then
	note "building $INITRD (modules, in load order: $LOAD)"
	R=$WORK/root
	mkdir -p "$R/bin" "$R/dev" "$R/proc" "$R/sys" "$R/tmp" "$R/lib/modules" || die "mkdir"
	cp "$BUSYBOX" "$R/bin/busybox" || die "copy busybox"
	ln -s busybox "$R/bin/sh" || die "ln"
	printf '%s\n' "$INIT" >"$R/init" && chmod 0755 "$R/init" || die "write /init"
	for m in $LOAD; do
		cp "$(modfile "$m")" "$R/lib/modules/$m.ko" || die "copy $m.ko"
	done
	mknod -m 0600 "$R/dev/console" c 5 1 || die "mknod console"
	mkdir -p "$CACHE/guest" || die "mkdir $CACHE/guest"
	set -o pipefail
	(cd "$R" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet -R 0:0) |
		gzip -9n >"$WORK/initrd" || die "cpio | gzip failed"
	set +o pipefail
	chmod 0644 "$WORK/initrd" && mv "$WORK/initrd" "$INITRD" || die "cannot install $INITRD"
	# Older builds are of no further use.
	for f in "$CACHE/guest"/initramfs-*.cpio.gz; do
		[ "$f" = "$INITRD" ] || rm -f -- "$f"
	done
fi

printf '%s %s\n' "$VMLINUZ" "$INITRD"
