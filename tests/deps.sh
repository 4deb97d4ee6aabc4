#!/bin/bash
# Install what bridge-auth needs to build and to run its whole test suite,
# from Debian's archive.  Idempotent; needs root.
set -euo pipefail

build=(autoconf automake libtool pkg-config make gcc
       libcap-ng-dev libconfig-dev libpam0g-dev)
tests=(iproute2 util-linux procps mandoc valgrind
       qemu-system-x86 qemu-system-common busybox-static cpio
       libpam-modules libpam-runtime passwd)

if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: run as root (it calls apt-get)" >&2
	exit 1
fi
missing=()
for p in "${build[@]}" "${tests[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	echo "deps.sh: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q "${missing[@]}"
fi
