#!/bin/bash
# Install what bridge-auth needs to build and to run its whole test suite,
# from Debian's archive.  Idempotent; needs root.
set -euo pipefail

build=(autoconf automake libtool pkg-config make gcc
       libcap-ng-dev libconfig-dev libpam0g-dev libdbus-1-dev)
tests=(iproute2 util-linux procps mandoc valgrind jq clang libclang-rt-dev
       qemu-system-x86 qemu-system-common busybox-static cpio
       libpam-modules libpam-runtime passwd)
# The Debian packages (tests/test-package.sh): build, lint, piuparts, install.
tests+=(dpkg-dev debhelper lintian piuparts debootstrap libcap2-bin git)
# The directory test (modules/pam/tests/test-ldap.sh) runs its own slapd and
# nslcd inside private namespaces; the packages must not configure the host.
ldap=(slapd ldap-utils nslcd libnss-ldapd libpam-ldapd)
# The polkit test (modules/polkit/tests/test-polkit.sh) runs its own system
# bus and polkitd inside private namespaces: installed like the directory
# packages, with no service started on the host.
ldap+=(polkitd dbus-daemon dbus-bin)
# The libvirt test (tests/test-libvirt.sh) runs libvirtd in session mode as a
# test user inside private namespaces: the daemon, virsh and the QEMU driver,
# without recommends (no lvm2, swtpm, other hypervisors' drivers, nor a second
# QEMU); never libvirt-daemon-system (the system service, its group, default
# network and AppArmor profiles): nothing runs or changes on the host.
libvirt=(libvirt-daemon libvirt-clients libvirt-daemon-driver-qemu)
# rtnetlink through libmnl (per-bridge sections, marks, quotas).
build+=(libmnl-dev)

if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: run as root (it calls apt-get)" >&2
	exit 1
fi
installed() { dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q '^install ok installed$'; }
missing=()
for p in "${build[@]}" "${tests[@]}"; do
	installed "$p" || missing+=("$p")
done
missing_ldap=()
for p in "${ldap[@]}"; do
	installed "$p" || missing_ldap+=("$p")
done
missing_libvirt=()
for p in "${libvirt[@]}"; do
	installed "$p" || missing_libvirt+=("$p")
done
export DEBIAN_FRONTEND=noninteractive
if [ "${#missing[@]}" -gt 0 ] || [ "${#missing_ldap[@]}" -gt 0 ] || [ "${#missing_libvirt[@]}" -gt 0 ]; then
	apt-get update -q
fi
if [ "${#missing[@]}" -gt 0 ]; then
	echo "deps.sh: installing ${missing[*]}"
	apt-get install -y -q "${missing[@]}"
fi
if [ "${#missing_libvirt[@]}" -gt 0 ]; then
	echo "deps.sh: installing ${missing_libvirt[*]} (without recommends: no system daemon, no service)"
	apt-get install -y -q --no-install-recommends "${missing_libvirt[@]}"
fi
if [ "${#missing_ldap[@]}" -gt 0 ]; then
	echo "deps.sh: installing ${missing_ldap[*]} (no service started, host NSS and PAM untouched)"
	# No database, no nsswitch.conf edits, no services started during install.
	debconf-set-selections <<-'EOF'
	slapd slapd/no_configuration boolean true
	libnss-ldapd libnss-ldapd/nsswitch multiselect
	libnss-ldapd libnss-ldapd/clean_nsswitch boolean false
	libpam-ldapd libpam-ldapd/enable_shadow boolean false
	nslcd nslcd/ldap-uris string ldap://127.0.0.1/
	nslcd nslcd/ldap-base string dc=test
	EOF
	policy=/usr/sbin/policy-rc.d
	made_policy=
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made_policy=1
	fi
	apt-get install -y -q --no-install-recommends "${missing_ldap[@]}" || status=$?
	[ -z "$made_policy" ] || rm -f "$policy"
	[ "${status:-0}" -eq 0 ] || exit "$status"
	# libpam-ldapd's postinst adds pam_ldap to the host's common-* files: undo.
	pam-auth-update --package --remove ldap
fi
