/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtnetlink of a TAP netns: what is done to a TAP from its namespace (`ip
 * link set mv0 address|mtu|up|down`, `ip link del mv0`) reaches the
 * program as RTM_NEWLINK / RTM_DELLINK on a socket opened in that netns,
 * watched by the control loop: no polling. A message only says "look at
 * ifindex N again": the TAP's backend notifies its vif, and the control
 * thread reads the netdev's state and adopts or refuses it (app vifs.c),
 * so the program's own changes, which the socket reports too, are no-ops.
 * Control thread only.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "mv_log.h"
#include "tap_ns.h"

int
tap_nl_open(struct tap_ns *ns)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
	int rcvbuf = 1 << 20;

	if (fd < 0)
		return -errno;
	/* a burst of changes (1000 TAPs set up) must not overrun it; an overrun is handled */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	ns->nl_fd = fd;
	return 0;
}

static void
notify_members(struct tap_ns *ns, int ifindex)
{
	struct tap_member *m;

	LIST_FOREACH (m, &ns->members, next)
		if ((ifindex < 0 || m->ifindex == ifindex) && m->notify != NULL)
			m->notify(m->notify_ctx);
}

/* Readable: every pending message; a lost one (ENOBUFS) makes every TAP look again. */
static void
on_readable(void *arg)
{
	struct tap_ns *ns = arg;
	char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));

	for (;;) {
		ssize_t n = recv(ns->nl_fd, buf, sizeof(buf), 0);

		if (n < 0) {
			if (errno == ENOBUFS) {
				MV_LOG(INFO, backend,
				       "tap: rtnetlink overrun in a netns: every TAP there is read "
				       "again");
				notify_members(ns, -1);
				continue;
			}
			return; /* EAGAIN: all read */
		}
		if (n == 0)
			return;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			const struct ifinfomsg *ifi;

			if (h->nlmsg_type != RTM_NEWLINK && h->nlmsg_type != RTM_DELLINK)
				continue;
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
				continue;
			ifi = NLMSG_DATA(h);
			notify_members(ns, ifi->ifi_index);
		}
	}
}

int
tap_nl_watch(struct tap_ns *ns, tap_watch_fn watch, void *ctx)
{
	int ret;

	if (ns->watch != NULL || watch == NULL || ns->nl_fd < 0)
		return 0;
	ret = watch(ctx, ns->nl_fd, on_readable, ns);
	if (ret < 0)
		return ret;
	ns->watch = watch;
	ns->watch_ctx = ctx;
	return 0;
}

void
tap_nl_close(struct tap_ns *ns)
{
	if (ns->nl_fd < 0)
		return;
	if (ns->watch != NULL)
		ns->watch(ns->watch_ctx, ns->nl_fd, NULL, NULL);
	ns->watch = NULL;
	close(ns->nl_fd);
	ns->nl_fd = -1;
}
