/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TAP backend: the vif as a kernel netdev, through a /dev/net/tun fd the
 * program owns (not net_tap: no ethdev port per vif, so thousands of vifs).
 *
 * A named netns is entered (setns on the calling thread, then back) for as
 * long as it takes to open /dev/net/tun, an ioctl socket and the netns's
 * /proc/net/dev_mcast: the tun device is created in the netns its fd was
 * opened in, so it never appears in the program's own netns and its name
 * only has to be free inside the target. Everything opened in a netns stays
 * bound to it, so later control operations need no setns. The ioctl socket
 * and dev_mcast are shared by the vifs of one netns.
 *
 * Datapath: one readv() per received frame into an mbuf, one write()/writev()
 * per sent frame, no locks. Closing the fd deletes the netdev, in any netns.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <linux/if_tun.h>

#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "mv_backend.h"
#include "mv_log.h"
#include "tap_ns.h"

/* the most segments a transmitted mbuf chain may have */
#define TAP_TX_MAX_SEGS 64
/* at most this many mbufs per received frame: 8 x 2048 bytes hold an MTU of 16000 */
#define TAP_RX_MAX_SEGS 8u
/* how long the vifs of one netns share one read of its dev_mcast */
#define TAP_MC_CACHE_NS (10 * 1000 * 1000ull)

struct tap_backend {
	struct mv_backend base;
	/* datapath, owner lcore only */
	int fd;
	struct rte_mempool *pool;
	/* allocated but unused: an idle poll allocates nothing; [rx_segs] used per read */
	struct rte_mbuf *spare[TAP_RX_MAX_SEGS];
	/* mbufs one read offers: enough for the MTU (a jumbo frame is a chain) */
	uint16_t rx_segs;
	uint64_t rx_frames;
	uint64_t rx_bytes;
	uint64_t rx_too_big; /* larger than an mbuf's data room: dropped */
	uint64_t rx_nombuf;
	uint64_t rx_errors;
	uint64_t tx_frames;
	uint64_t tx_bytes;
	uint64_t tx_eagain;     /* bursts cut short: the tap's queue was full (EAGAIN, ENOBUFS) */
	uint64_t tx_down;       /* bursts cut short: the netdev was down (EIO) */
	uint64_t tx_gone;       /* bursts cut short: the netdev was deleted (EBADFD) */
	uint64_t tx_errors;     /* frames refused alone (too short, too many segments) */
	uint32_t gone;          /* EBADFD seen: the netdev is gone (read by the control thread) */
	uint8_t rx_overflow[8]; /* catches the bytes of a frame too big for an mbuf */
	/* control thread */
	struct tap_ns *ns;
	struct tap_member member; /* in ns->members once configured */
	bool member_linked;
	int ifindex;
	char ifname[IFNAMSIZ];
	char netns[NAME_MAX + 1]; /* "" for the program's own */
} __rte_cache_aligned;

static inline struct tap_backend *
tap_of(struct mv_backend *be)
{
	return (struct tap_backend *)be;
}

/* ---- netdev ioctls, in the netdev's netns ---- */

/* The netdev's current name (it may have been renamed inside its netns). */
static int
tap_ifreq(struct tap_backend *tb, struct ifreq *ifr)
{
	memset(ifr, 0, sizeof(*ifr));
	ifr->ifr_ifindex = tb->ifindex;
	if (ioctl(tb->ns->ctl, SIOCGIFNAME, ifr) < 0)
		return -errno;
	return 0;
}

static int
tap_set_mac(struct mv_backend *be, mv_mac_t mac)
{
	struct tap_backend *tb = tap_of(be);
	struct ifreq ifr;
	int ret = tap_ifreq(tb, &ifr);

	if (ret < 0)
		return ret;
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	mv_mac_to_bytes(mac, (uint8_t *)ifr.ifr_hwaddr.sa_data);
	if (ioctl(tb->ns->ctl, SIOCSIFHWADDR, &ifr) < 0)
		return -errno;
	return 0;
}

/*
 * Mbufs per read for frames up to @p mtu plus an Ethernet header and two
 * VLAN tags: 1 up to an MTU of about 2000, a chain above (jumbo).
 */
static void
tap_size_rx(struct tap_backend *tb, uint32_t mtu)
{
	uint32_t room = rte_pktmbuf_data_room_size(tb->pool) - RTE_PKTMBUF_HEADROOM;
	uint32_t segs = (mtu + 22 + room - 1) / room;

	__atomic_store_n(&tb->rx_segs, (uint16_t)RTE_MAX(1u, RTE_MIN(segs, TAP_RX_MAX_SEGS)),
			 __ATOMIC_RELAXED);
}

static int
tap_set_mtu(struct mv_backend *be, uint32_t mtu)
{
	struct tap_backend *tb = tap_of(be);
	struct ifreq ifr;
	int ret;

	if (mtu > INT_MAX)
		return -EINVAL;
	ret = tap_ifreq(tb, &ifr);
	if (ret < 0)
		return ret;
	ifr.ifr_mtu = (int)mtu;
	if (ioctl(tb->ns->ctl, SIOCSIFMTU, &ifr) < 0)
		return -errno;
	tap_size_rx(tb, mtu);
	return 0;
}

static int
tap_set_carrier(struct mv_backend *be, bool on)
{
	int v = on;

	if (ioctl(tap_of(be)->fd, TUNSETCARRIER, &v) < 0)
		return -errno;
	return 0;
}

static int
tap_set_admin(struct mv_backend *be, bool up)
{
	struct tap_backend *tb = tap_of(be);
	struct ifreq ifr;
	int ret = tap_ifreq(tb, &ifr);

	if (ret < 0)
		return ret;
	if (ioctl(tb->ns->ctl, SIOCGIFFLAGS, &ifr) < 0)
		return -errno;
	if (!!(ifr.ifr_flags & IFF_UP) == up)
		return 0;
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	if (ioctl(tb->ns->ctl, SIOCSIFFLAGS, &ifr) < 0)
		return -errno;
	return 0;
}

static int
tap_get_admin(struct mv_backend *be)
{
	struct tap_backend *tb = tap_of(be);
	struct ifreq ifr;
	int ret = tap_ifreq(tb, &ifr);

	if (ret < 0)
		return ret;
	if (ioctl(tb->ns->ctl, SIOCGIFFLAGS, &ifr) < 0)
		return -errno;
	return (ifr.ifr_flags & IFF_UP) != 0;
}

static int
tap_get_mac(struct mv_backend *be, mv_mac_t *mac)
{
	struct tap_backend *tb = tap_of(be);
	struct ifreq ifr;
	int ret = tap_ifreq(tb, &ifr);

	if (ret < 0)
		return ret;
	if (ioctl(tb->ns->ctl, SIOCGIFHWADDR, &ifr) < 0)
		return -errno;
	*mac = mv_mac_from_bytes((const uint8_t *)ifr.ifr_hwaddr.sa_data);
	return 0;
}

static int
tap_get_mtu(struct mv_backend *be, uint32_t *mtu)
{
	struct tap_backend *tb = tap_of(be);
	struct ifreq ifr;
	int ret = tap_ifreq(tb, &ifr);

	if (ret < 0)
		return ret;
	if (ioctl(tb->ns->ctl, SIOCGIFMTU, &ifr) < 0)
		return -errno;
	*mtu = (uint32_t)ifr.ifr_mtu;
	return 0;
}

static int
tap_get_mc(struct mv_backend *be, mv_mac_t *out, uint32_t max)
{
	struct tap_backend *tb = tap_of(be);
	struct tap_ns *ns = tb->ns;
	uint32_t lo = 0, hi, count = 0;

	/* a netns's vifs polled in one round share one read of the file */
	if (ns->refs == 1 || ns->mc_stamp == 0 || tap_now_ns() - ns->mc_stamp > TAP_MC_CACHE_NS) {
		int ret = tap_mc_refresh(ns);

		if (ret < 0) {
			ns->mc_stamp = 0;
			return ret;
		}
	}
	hi = ns->mc_n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (ns->mc[mid].ifindex < tb->ifindex)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (uint32_t i = lo; i < ns->mc_n && ns->mc[i].ifindex == tb->ifindex; i++) {
		if (count < max)
			out[count] = ns->mc[i].mac;
		count++;
	}
	return (int)count;
}

static void
tap_describe(struct mv_backend *be, char *buf, size_t len)
{
	struct tap_backend *tb = tap_of(be);
	struct ifreq ifr;

	const char *gone = __atomic_load_n(&tb->gone, __ATOMIC_RELAXED) ? " (netdev gone)" : "";

	/* the name it has now, if it was renamed in its netns */
	if (gone[0] == '\0' && tap_ifreq(tb, &ifr) == 0)
		memcpy(tb->ifname, ifr.ifr_name, sizeof(tb->ifname));
	if (tb->netns[0] != '\0')
		snprintf(buf, len, "tap ifname %s netns %s%s", tb->ifname, tb->netns, gone);
	else
		snprintf(buf, len, "tap ifname %s%s", tb->ifname, gone);
}

/* ---- create and destroy ---- */

/* The kernel's dev_valid_name(), with a reason. */
static const char *
ifname_invalid(const char *name)
{
	if (name[0] == '\0')
		return "is empty";
	if (strlen(name) >= IFNAMSIZ)
		return "is too long (at most 15 characters)";
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return "is not a valid interface name";
	for (const char *c = name; *c != '\0'; c++)
		if (*c == '/' || *c == ':' || *c == '%' || *c <= ' ' || *c == 0x7f)
			return "contains a character not allowed in interface names";
	return NULL;
}

static int
netns_open(const char *name, int *nsfd, struct stat *st, char *err, size_t errlen)
{
	char path[sizeof(TAP_NETNS_DIR) + NAME_MAX + 1];
	int ret;

	if (strlen(name) > NAME_MAX || strchr(name, '/') != NULL || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0) {
		snprintf(err, errlen, "tap backend: invalid netns name \"%s\"", name);
		return -EINVAL;
	}
	snprintf(path, sizeof(path), TAP_NETNS_DIR "/%s", name);
	*nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (*nsfd < 0) {
		ret = -errno;
		if (ret == -ENOENT)
			snprintf(err, errlen, "tap backend: netns \"%s\" does not exist (no %s)",
				 name, path);
		else
			snprintf(err, errlen, "tap backend: cannot open netns %s: %s", path,
				 strerror(-ret));
		return ret;
	}
	if (fstat(*nsfd, st) < 0) {
		ret = -errno;
		snprintf(err, errlen, "tap backend: cannot stat %s: %s", path, strerror(-ret));
		close(*nsfd);
		return ret;
	}
	return 0;
}

/*
 * In the target netns (the thread has entered it, or it is the program's own):
 * create the tun device and, on the netns's first vif, its shared parts.
 */
static int
tap_open_in_ns(struct tap_backend *tb, const char *name, const struct stat *st, const char *where,
	       char *err, size_t errlen)
{
	struct ifreq ifr;
	int ret;

	tb->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (tb->fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "tap backend: cannot open /dev/net/tun: %s%s", strerror(-ret),
			 ret == -ENOENT ? " (is the tun module loaded?)" : "");
		return ret;
	}
	memset(&ifr, 0, sizeof(ifr));
	/* EXCL: never attach to an existing (persistent) tap of that name */
	ifr.ifr_flags = (short)(IFF_TAP | IFF_NO_PI | IFF_TUN_EXCL);
	memcpy(ifr.ifr_name, name, strlen(name) + 1);
	if (ioctl(tb->fd, TUNSETIFF, &ifr) < 0) {
		ret = -errno;
		if (ret == -EBUSY) {
			/* IFF_TUN_EXCL: a netdev of that name, of any type */
			ret = -EEXIST;
			snprintf(err, errlen, "tap backend: a netdev named %s already exists in %s",
				 name, where);
		} else {
			snprintf(err, errlen, "tap backend: cannot create tap %s in %s: %s%s", name,
				 where, strerror(-ret),
				 ret == -EPERM ? " (needs CAP_NET_ADMIN)" : "");
		}
		close(tb->fd);
		tb->fd = -1;
		return ret;
	}
	memcpy(tb->ifname, ifr.ifr_name, sizeof(tb->ifname));
	tb->ifname[IFNAMSIZ - 1] = '\0';

	tb->ns = tap_ns_find(st);
	if (tb->ns == NULL) {
		ret = tap_ns_open(st, &tb->ns);
		if (ret < 0) {
			snprintf(err, errlen,
				 "tap backend: cannot open a socket and dev_mcast in %s: %s", where,
				 strerror(-ret));
			close(tb->fd);
			tb->fd = -1;
			return ret;
		}
	}
	tb->ns->refs++;
	return 0;
}

static void
tap_release(struct tap_backend *tb)
{
	if (tb->member_linked)
		LIST_REMOVE(&tb->member, next);
	/* deletes the netdev, in whichever netns it is */
	mv_backend_close_fd(tb->fd);
	if (tb->ns != NULL)
		tap_ns_put(tb->ns);
	for (unsigned int i = 0; i < TAP_RX_MAX_SEGS; i++)
		if (tb->spare[i] != NULL)
			rte_pktmbuf_free(tb->spare[i]);
	rte_free(tb);
}

/* MAC, MTU and carrier of a new netdev. */
static int
tap_configure(struct tap_backend *tb, const struct mv_backend_params *p, char *err, size_t errlen)
{
	char mac[MV_MAC_STRLEN];
	struct ifreq ifr;
	int ret;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, tb->ifname, sizeof(ifr.ifr_name));
	if (ioctl(tb->ns->ctl, SIOCGIFINDEX, &ifr) < 0) {
		ret = -errno;
		snprintf(err, errlen, "tap backend: cannot find the new tap %s: %s", tb->ifname,
			 strerror(-ret));
		return ret;
	}
	tb->ifindex = ifr.ifr_ifindex;
	ret = tap_set_mac(&tb->base, p->mac);
	if (ret < 0) {
		snprintf(err, errlen, "tap backend: cannot set MAC %s on %s: %s",
			 mv_mac_format(p->mac, mac, sizeof(mac)), tb->ifname, strerror(-ret));
		return ret;
	}
	if (p->mtu != 0) {
		ret = tap_set_mtu(&tb->base, p->mtu);
		if (ret < 0) {
			snprintf(err, errlen, "tap backend: cannot set MTU %u on %s: %s", p->mtu,
				 tb->ifname, strerror(-ret));
			return ret;
		}
	}
	ret = tap_set_carrier(&tb->base, p->carrier);
	if (ret < 0) {
		snprintf(err, errlen, "tap backend: cannot set the carrier of %s: %s", tb->ifname,
			 strerror(-ret));
		return ret;
	}
	/* changes made from the netns: rtnetlink tells, the vif is notified */
	ret = tap_nl_watch(tb->ns, p->watch_fd, p->watch_ctx);
	if (ret < 0)
		MV_LOG(WARNING, backend,
		       "%s: changes made to the tap from its netns will not be seen: %s",
		       tb->ifname, strerror(-ret));
	tb->member.ifindex = tb->ifindex;
	tb->member.notify = p->notify;
	tb->member.notify_ctx = p->notify_ctx;
	LIST_INSERT_HEAD(&tb->ns->members, &tb->member, next);
	tb->member_linked = true;
	return 0;
}

static int
tap_create(const struct mv_backend_params *p, struct mv_backend **out, char *err, size_t errlen)
{
	const char *ifname = mv_backend_arg(p->args, "ifname");
	const char *netns = mv_backend_arg(p->args, "netns");
	const char *name = ifname != NULL && ifname[0] != '\0' ? ifname : p->vif_name;
	bool in_ns = netns != NULL && netns[0] != '\0';
	char where[NAME_MAX + 16];
	struct tap_backend *tb;
	const char *why;
	struct stat st;
	int nsfd = -1, saved = -1;
	int ret;

	if (name == NULL)
		name = "";
	why = ifname_invalid(name);
	if (why != NULL) {
		snprintf(err, errlen, "tap backend: interface name \"%s\" %s", name, why);
		return -EINVAL;
	}
	if (p->pool == NULL) {
		snprintf(err, errlen, "tap backend: no mbuf pool");
		return -EINVAL;
	}
	if (in_ns) {
		ret = netns_open(netns, &nsfd, &st, err, errlen);
		if (ret < 0)
			return ret;
		snprintf(where, sizeof(where), "netns %s", netns);
	} else {
		if (stat("/proc/thread-self/ns/net", &st) < 0) {
			ret = -errno;
			snprintf(err, errlen,
				 "tap backend: cannot stat /proc/thread-self/ns/net: %s",
				 strerror(-ret));
			return ret;
		}
		snprintf(where, sizeof(where), "the program's netns");
	}

	tb = rte_zmalloc_socket("mv_tap_backend", sizeof(*tb), RTE_CACHE_LINE_SIZE, p->socket_id);
	if (tb == NULL) {
		snprintf(err, errlen, "tap backend: out of memory");
		if (nsfd >= 0)
			close(nsfd);
		return -ENOMEM;
	}
	tb->base.ops = &mv_backend_tap_ops;
	tb->fd = -1;
	tb->pool = p->pool;
	tap_size_rx(tb, p->mtu);
	if (in_ns)
		snprintf(tb->netns, sizeof(tb->netns), "%s", netns);

	if (in_ns) {
		ret = tap_netns_enter(nsfd, &saved);
		close(nsfd);
		if (ret < 0) {
			snprintf(err, errlen, "tap backend: cannot enter netns %s: %s", netns,
				 ret == -EINVAL ? "not a network namespace" : strerror(-ret));
			rte_free(tb);
			return ret;
		}
	}
	ret = tap_open_in_ns(tb, name, &st, where, err, errlen);
	if (in_ns)
		tap_netns_leave(saved);
	if (ret == 0)
		ret = tap_configure(tb, p, err, errlen);
	if (ret < 0) {
		tap_release(tb);
		return ret;
	}
	*out = &tb->base;
	return 0;
}

static void
tap_destroy(struct mv_backend *be)
{
	tap_release(tap_of(be));
}

/* ---- datapath ---- */

static int
tap_rx_fd(struct mv_backend *be)
{
	return tap_of(be)->fd;
}

/* Make sure spare[0..segs) hold mbufs; false when the pool is empty. */
static bool
rx_spares(struct tap_backend *tb, uint16_t segs)
{
	for (uint16_t s = 0; s < segs; s++)
		if (tb->spare[s] == NULL && (tb->spare[s] = rte_pktmbuf_alloc(tb->pool)) == NULL)
			return false;
	return true;
}

/*
 * The @p len bytes a read put into spare[0..): one mbuf, or a chain of as
 * many as it filled (a jumbo frame); the unused spares move up.
 */
static struct rte_mbuf *
rx_take(struct tap_backend *tb, uint32_t len, uint16_t segs)
{
	struct rte_mbuf *head = tb->spare[0], *prev = NULL;
	uint32_t left = len;
	uint16_t used = 0;

	while (left > 0 && used < segs) {
		struct rte_mbuf *m = tb->spare[used++];
		uint16_t take = (uint16_t)RTE_MIN(left, (uint32_t)rte_pktmbuf_tailroom(m));

		m->data_len = take;
		left -= take;
		if (prev != NULL)
			prev->next = m;
		prev = m;
	}
	prev->next = NULL;
	head->nb_segs = used;
	head->pkt_len = len;
	memmove(&tb->spare[0], &tb->spare[used], (size_t)(segs - used) * sizeof(tb->spare[0]));
	for (uint16_t s = segs - used; s < segs; s++)
		tb->spare[s] = NULL;
	return head;
}

static uint16_t
tap_rx_burst(struct mv_backend *be, struct rte_mbuf **pkts, uint16_t n)
{
	struct tap_backend *tb = tap_of(be);
	uint16_t segs = __atomic_load_n(&tb->rx_segs, __ATOMIC_RELAXED), nb = 0;
	struct iovec iov[TAP_RX_MAX_SEGS + 1];

	for (uint16_t i = 0; i < n; i++) {
		uint32_t room = 0;
		ssize_t r;

		if (!rx_spares(tb, segs)) {
			tb->rx_nombuf++;
			break; /* the frames wait in the tap's queue */
		}
		for (uint16_t s = 0; s < segs; s++) {
			iov[s].iov_base = rte_pktmbuf_mtod(tb->spare[s], void *);
			iov[s].iov_len = rte_pktmbuf_tailroom(tb->spare[s]);
			room += (uint32_t)iov[s].iov_len;
		}
		iov[segs].iov_base = tb->rx_overflow;
		iov[segs].iov_len = sizeof(tb->rx_overflow);
		r = readv(tb->fd, iov, segs + 1);
		if (r < 0) {
			if (errno != EAGAIN && errno != EINTR)
				tb->rx_errors++;
			if (errno == EBADFD)
				__atomic_store_n(&tb->gone, 1, __ATOMIC_RELAXED);
			break;
		}
		if ((size_t)r > room) {
			/*
			 * Longer than the MTU the buffers are sized for (the netdev's
			 * MTU was raised from its namespace). Depending on the kernel,
			 * read() returns the frame's length or what it copied: the
			 * overflow iovec makes both exceed the room.
			 */
			tb->rx_too_big++;
			continue;
		}
		if (r == 0)
			continue;
		pkts[nb++] = rx_take(tb, (uint32_t)r, segs);
		tb->rx_bytes += (uint64_t)r;
	}
	tb->rx_frames += nb;
	return nb;
}

static ssize_t
tap_write_chain(int fd, struct rte_mbuf *m)
{
	struct iovec iov[TAP_TX_MAX_SEGS];
	int n = 0;

	if (m->nb_segs > TAP_TX_MAX_SEGS) {
		errno = EMSGSIZE;
		return -1;
	}
	for (; m != NULL; m = m->next) {
		iov[n].iov_base = rte_pktmbuf_mtod(m, void *);
		iov[n].iov_len = m->data_len;
		n++;
	}
	return writev(fd, iov, n);
}

static uint16_t
tap_tx_burst(struct mv_backend *be, struct rte_mbuf **pkts, uint16_t n)
{
	struct tap_backend *tb = tap_of(be);
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		ssize_t r;

		if (m->nb_segs == 1)
			r = write(tb->fd, rte_pktmbuf_mtod(m, void *), m->data_len);
		else
			r = tap_write_chain(tb->fd, m);
		if (r < 0) {
			/* stop here: the caller frees and counts the rest (see tx_fail) */
			switch (errno) {
			case EAGAIN:
			case ENOBUFS:
				tb->tx_eagain++;
				tb->base.tx_fail = MV_BACKEND_TX_FULL;
				break;
			case EIO:
			case ENETDOWN:
				tb->tx_down++;
				tb->base.tx_fail = MV_BACKEND_TX_DOWN;
				break;
			case EBADFD:
				tb->tx_gone++;
				tb->base.tx_fail = MV_BACKEND_TX_GONE;
				__atomic_store_n(&tb->gone, 1, __ATOMIC_RELAXED);
				break;
			default:
				tb->tx_errors++; /* this frame only (e.g. too short) */
				tb->base.tx_fail = MV_BACKEND_TX_REFUSED;
				break;
			}
			break;
		}
		tb->tx_frames++;
		tb->tx_bytes += (uint64_t)r;
	}
	rte_pktmbuf_free_bulk(pkts, i);
	return i;
}

/* ---- state and counters (control thread) ---- */

/* A deleted netdev leaves the fd detached: tun's ioctls then fail with EBADFD. */
static int
tap_check(struct mv_backend *be)
{
	struct tap_backend *tb = tap_of(be);
	struct ifreq ifr;

	if (__atomic_load_n(&tb->gone, __ATOMIC_RELAXED))
		return -ENODEV;
	if (tb->netns[0] != '\0') {
		/* `ip netns del` removed the name: the netns lives on only through us */
		char path[sizeof(TAP_NETNS_DIR) + NAME_MAX + 1];
		struct stat st;

		int r;

		snprintf(path, sizeof(path), TAP_NETNS_DIR "/%s", tb->netns);
		r = stat(path, &st);
		if ((r < 0 && errno == ENOENT) ||
		    (r == 0 && (st.st_dev != tb->ns->dev || st.st_ino != tb->ns->ino)))
			return -EOWNERDEAD;
	}
	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(tb->fd, TUNGETIFF, &ifr) < 0 && errno == EBADFD) {
		__atomic_store_n(&tb->gone, 1, __ATOMIC_RELAXED);
		return -ENODEV;
	}
	return 0;
}

static int
tap_stats_get(struct mv_backend *be, struct mv_backend_xstat *xs, unsigned int n)
{
	const struct tap_backend *tb = tap_of(be);
	const struct {
		const char *name;
		const uint64_t *v;
	} c[] = {
		{ "rx_frames", &tb->rx_frames },   { "rx_bytes", &tb->rx_bytes },
		{ "rx_too_big", &tb->rx_too_big }, { "rx_nombuf", &tb->rx_nombuf },
		{ "rx_errors", &tb->rx_errors },   { "tx_frames", &tb->tx_frames },
		{ "tx_bytes", &tb->tx_bytes },     { "tx_eagain", &tb->tx_eagain },
		{ "tx_down", &tb->tx_down },       { "tx_gone", &tb->tx_gone },
		{ "tx_errors", &tb->tx_errors },
	};
	struct ifreq ifr;
	uint64_t kdrop = 0;

	for (unsigned int i = 0; i < RTE_DIM(c) && i < n; i++) {
		snprintf(xs[i].name, sizeof(xs[i].name), "%s", c[i].name);
		/* written by the owner lcore: a relaxed read of a whole word */
		xs[i].value = __atomic_load_n(c[i].v, __ATOMIC_RELAXED);
	}
	/* what the netdev's stack sent that its queue dropped before a read (the kernel's count) */
	if (!__atomic_load_n(&tb->gone, __ATOMIC_RELAXED) &&
	    tap_ifreq((struct tap_backend *)(uintptr_t)tb, &ifr) == 0)
		tap_ns_tx_dropped(tb->ns, ifr.ifr_name, &kdrop);
	if (RTE_DIM(c) < n) {
		snprintf(xs[RTE_DIM(c)].name, sizeof(xs[0].name), MV_BACKEND_PEER_TX_DROPPED);
		xs[RTE_DIM(c)].value = kdrop;
	}
	return (int)RTE_DIM(c) + 1;
}

const struct mv_backend_ops mv_backend_tap_ops = {
	.kind = "tap",
	.create = tap_create,
	.destroy = tap_destroy,
	.rx_burst = tap_rx_burst,
	.rx_fd = tap_rx_fd,
	.tx_burst = tap_tx_burst,
	.set_mac = tap_set_mac,
	.set_mtu = tap_set_mtu,
	.set_carrier = tap_set_carrier,
	.set_admin = tap_set_admin,
	.get_admin = tap_get_admin,
	.get_mac = tap_get_mac,
	.get_mtu = tap_get_mtu,
	.get_mc = tap_get_mc,
	.describe = tap_describe,
	.stats_get = tap_stats_get,
	.check = tap_check,
};
