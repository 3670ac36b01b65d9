/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_TAP_NS_H
#define MV_TAP_NS_H

/*
 * What the TAP backend's vifs of one network namespace share: entering the
 * netns, its ioctl socket and its /proc/net/dev_mcast, read into a table of
 * memberships (control thread only; tap.c is the only user).
 */

#include <stdint.h>
#include <sys/queue.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "mv_mac.h"

#define TAP_NETNS_DIR "/var/run/netns"

/* One link-layer multicast membership of a netdev. */
struct tap_mc {
	int ifindex;
	mv_mac_t mac;
};

/*
 * A TAP of the netns, told when rtnetlink reports a change of its netdev
 * (address, MTU, flags, deleted): tap.c embeds one per backend.
 */
struct tap_member {
	LIST_ENTRY(tap_member) next;
	int ifindex;
	void (*notify)(void *ctx);
	void *notify_ctx;
};

/* The control loop's watch of a notification socket (mv_backend_params.watch_fd). */
typedef int (*tap_watch_fn)(void *ctx, int fd, void (*cb)(void *arg), void *arg);

/* What the vifs of one network namespace share (control thread only). */
struct tap_ns {
	LIST_ENTRY(tap_ns) next;
	LIST_HEAD(, tap_member) members;
	unsigned int refs;
	dev_t dev; /* the netns's identity: its nsfs inode */
	ino_t ino;
	int ctl;            /* AF_INET socket in the netns, for the netdev ioctls */
	int mc_fd;          /* the netns's /proc/net/dev_mcast */
	int dev_fd;         /* the netns's /proc/net/dev (the netdevs' kernel counters) */
	int nl_fd;          /* rtnetlink, RTMGRP_LINK, in the netns (tap_nl.c) */
	tap_watch_fn watch; /* how the control loop watches nl_fd; NULL: not watched */
	void *watch_ctx;
	uint64_t mc_stamp;
	struct tap_mc *mc; /* the last read, sorted by ifindex */
	uint32_t mc_n;
	uint32_t mc_cap;
	char *buf;
	size_t buf_size;
};

/* Move the calling thread into @p nsfd's netns; @p saved gets the way back. */
int tap_netns_enter(int nsfd, int *saved);
/* Back to the netns tap_netns_enter() saved (cannot fail). */
void tap_netns_leave(int saved);
/* The shared parts of the netns @p st identifies, or NULL. */
struct tap_ns *tap_ns_find(const struct stat *st);
/* Open the shared parts of the netns the calling thread is in (refs 0). */
int tap_ns_open(const struct stat *st, struct tap_ns **out);
/* Drop one reference; the last closes everything. */
void tap_ns_put(struct tap_ns *ns);
/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t tap_now_ns(void);
/*
 * The kernel's TX drop counter of netdev @p ifname in @p ns (its
 * /proc/net/dev): for a TAP, the frames its stack sent that did not fit in
 * the tun queue. 0 or -errno (-ENOENT: no such netdev).
 */
int tap_ns_tx_dropped(struct tap_ns *ns, const char *ifname, uint64_t *out);

/*
 * rtnetlink of the netns (tap_nl.c): open the socket in the netns the
 * calling thread is in; have the control loop watch it (once per netns);
 * stop watching and close it. Each RTM_NEWLINK or RTM_DELLINK of a
 * member's ifindex calls its notify (an overrun calls every member's).
 */
int tap_nl_open(struct tap_ns *ns);
int tap_nl_watch(struct tap_ns *ns, tap_watch_fn watch, void *ctx);
void tap_nl_close(struct tap_ns *ns);
/* Read dev_mcast again into ns->mc (sorted by ifindex). */
int tap_mc_refresh(struct tap_ns *ns);

#endif /* MV_TAP_NS_H */
