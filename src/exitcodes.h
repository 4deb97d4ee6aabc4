/* Exit status of qemu-bridge-helper, one per class of failure (see qemu-bridge-helper(8)). */
#ifndef BRIDGE_AUTH_EXITCODES_H
#define BRIDGE_AUTH_EXITCODES_H

enum {
	EXIT_GRANTED = 0,   /* tap created, attached, fd sent */
	EXIT_DENIED = 1,    /* the policy refused (same status as QEMU's helper) */
	EXIT_USAGE = 2,     /* bad command line: option, --fd, bridge name */
	EXIT_CONFIG = 3,    /* policy unreadable, untrusted or invalid; module not loadable */
	EXIT_NETWORK = 4,   /* bridge missing or not a bridge; tap creation, attach or fd passing failed */
	EXIT_PRIVILEGE = 5, /* not installed setuid root, or privileges could not be dropped */
	EXIT_INTERNAL = 6,  /* out of memory, caller's identity unavailable, other system error */
};

#endif
