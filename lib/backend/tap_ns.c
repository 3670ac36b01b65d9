/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TAP backend's network namespaces: entering one, and what its vifs
 * share (an ioctl socket and the netns's dev_mcast, parsed into a table of
 * link-layer memberships). Control thread only.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include <rte_debug.h>

#include "tap_ns.h"

static LIST_HEAD(, tap_ns) tap_namespaces = LIST_HEAD_INITIALIZER(tap_namespaces);

/* Move the calling thread into @p nsfd's netns; @p saved gets the way back. */
int
tap_netns_enter(int nsfd, int *saved)
{
	int ret;

	*saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*saved < 0)
		return -errno;
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		ret = -errno;
		close(*saved);
		*saved = -1;
		return ret;
	}
	return 0;
}

void
tap_netns_leave(int saved)
{
	/* cannot fail: the thread was in that netns a moment ago */
	if (setns(saved, CLONE_NEWNET) < 0)
		rte_panic("tap backend: cannot return to the original netns: %s\n",
			  strerror(errno));
	close(saved);
}

struct tap_ns *
tap_ns_find(const struct stat *st)
{
	struct tap_ns *ns;

	LIST_FOREACH (ns, &tap_namespaces, next)
		if (ns->dev == st->st_dev && ns->ino == st->st_ino)
			return ns;
	return NULL;
}

/* Open the shared parts of the netns the calling thread is in. */
int
tap_ns_open(const struct stat *st, struct tap_ns **out)
{
	struct tap_ns *ns = calloc(1, sizeof(*ns));
	int ret;

	if (ns == NULL)
		return -ENOMEM;
	ns->dev = st->st_dev;
	ns->ino = st->st_ino;
	ns->mc_fd = -1;
	ns->dev_fd = -1;
	ns->nl_fd = -1;
	LIST_INIT(&ns->members);
	ns->ctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (ns->ctl < 0)
		goto fail;
	/* thread-self: /proc/self/net would show the netns of the main thread */
	ns->mc_fd = open("/proc/thread-self/net/dev_mcast", O_RDONLY | O_CLOEXEC);
	if (ns->mc_fd < 0)
		goto fail;
	ns->dev_fd = open("/proc/thread-self/net/dev", O_RDONLY | O_CLOEXEC);
	if (ns->dev_fd < 0)
		goto fail;
	ret = tap_nl_open(ns);
	if (ret < 0) {
		errno = -ret;
		goto fail;
	}
	ns->refs = 0;
	LIST_INSERT_HEAD(&tap_namespaces, ns, next);
	*out = ns;
	return 0;
fail:
	ret = -errno;
	if (ns->ctl >= 0)
		close(ns->ctl);
	if (ns->mc_fd >= 0)
		close(ns->mc_fd);
	if (ns->dev_fd >= 0)
		close(ns->dev_fd);
	free(ns);
	return ret;
}

void
tap_ns_put(struct tap_ns *ns)
{
	if (--ns->refs > 0)
		return;
	LIST_REMOVE(ns, next);
	tap_nl_close(ns);
	close(ns->ctl);
	close(ns->mc_fd);
	close(ns->dev_fd);
	free(ns->mc);
	free(ns->buf);
	free(ns);
}

int
tap_ns_tx_dropped(struct tap_ns *ns, const char *ifname, uint64_t *out)
{
	char buf[16384], *line, *save = NULL;
	size_t name_len = strlen(ifname);
	ssize_t n = pread(ns->dev_fd, buf, sizeof(buf) - 1, 0);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	/* "  name: rx bytes packets errs drop fifo frame compressed multicast, tx bytes packets errs drop ..." */
	for (line = strtok_r(buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long v[12];

		line += strspn(line, " ");
		if (strncmp(line, ifname, name_len) != 0 || line[name_len] != ':')
			continue;
		if (sscanf(line + name_len + 1,
			   "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
			   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &v[10],
			   &v[11]) != 12)
			return -EINVAL;
		*out = v[11];
		return 0;
	}
	return -ENOENT;
}

uint64_t
tap_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int
mc_cmp(const void *a, const void *b)
{
	const struct tap_mc *x = a, *y = b;

	if (x->ifindex != y->ifindex)
		return x->ifindex < y->ifindex ? -1 : 1;
	return x->mac < y->mac ? -1 : x->mac > y->mac;
}

/* Read the whole of dev_mcast into ns->buf (NUL-terminated). */
static int
mc_read_file(struct tap_ns *ns)
{
	size_t len = 0;

	for (;;) {
		ssize_t r;

		if (ns->buf_size - len < 2) {
			size_t size = ns->buf_size != 0 ? ns->buf_size * 2 : 16384;
			char *b = realloc(ns->buf, size);

			if (b == NULL)
				return -ENOMEM;
			ns->buf = b;
			ns->buf_size = size;
		}
		r = pread(ns->mc_fd, ns->buf + len, ns->buf_size - len - 1, (off_t)len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	ns->buf[len] = '\0';
	return 0;
}

/*
 * Parse "ifindex name users global hexaddr" lines (the kernel's
 * dev_mc_seq_show) into ns->mc, sorted by ifindex.
 */
int
tap_mc_refresh(struct tap_ns *ns)
{
	char *line, *save = NULL;
	int ret = mc_read_file(ns);

	if (ret < 0)
		return ret;
	ns->mc_n = 0;
	for (line = strtok_r(ns->buf, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char hex[16];
		uint8_t b[6];
		int ifindex;

		if (sscanf(line, "%d %*s %*d %*d %15s", &ifindex, hex) != 2 || strlen(hex) != 12)
			continue; /* not an Ethernet-sized address */
		if (sscanf(hex, "%2hhx%2hhx%2hhx%2hhx%2hhx%2hhx", &b[0], &b[1], &b[2], &b[3], &b[4],
			   &b[5]) != 6)
			continue;
		if (ns->mc_n == ns->mc_cap) {
			uint32_t cap = ns->mc_cap != 0 ? ns->mc_cap * 2 : 64;
			struct tap_mc *mc = realloc(ns->mc, cap * sizeof(*mc));

			if (mc == NULL)
				return -ENOMEM;
			ns->mc = mc;
			ns->mc_cap = cap;
		}
		ns->mc[ns->mc_n].ifindex = ifindex;
		ns->mc[ns->mc_n].mac = mv_mac_from_bytes(b);
		ns->mc_n++;
	}
	qsort(ns->mc, ns->mc_n, sizeof(*ns->mc), mc_cmp);
	ns->mc_stamp = tap_now_ns();
	return 0;
}
