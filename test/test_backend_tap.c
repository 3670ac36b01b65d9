/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TAP backend against the real kernel: a tap in a named netns, its
 * control operations as `ip -n NS` sees them, frames both ways through an
 * AF_PACKET socket inside the netns, and the rates of one TAP. Runs as root.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <linux/if_packet.h>

#include <rte_eal.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "mv_backend.h"
#include "mv_test.h"

#define TEST_ETHERTYPE 0x88b5 /* IEEE local experimental */
#define BENCH_BURST    32
#define BENCH_LEN      64

static struct rte_mempool *pool;
static char ns_name[32];
static bool ns_created;
static char err[256];

/* ---- helpers ---- */

static int
sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return st == -1 || !WIFEXITED(st) ? -1 : WEXITSTATUS(st);
}

/* Run a command and keep its stdout; returns its exit status. */
static int
sh_out(char *out, size_t len, const char *fmt, ...)
{
	char cmd[512];
	size_t n = 0;
	va_list ap;
	FILE *f;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	out[0] = '\0';
	f = popen(cmd, "r");
	if (f == NULL)
		return -1;
	while (n + 1 < len) {
		size_t r = fread(out + n, 1, len - n - 1, f);

		if (r == 0)
			break;
		n += r;
	}
	out[n] = '\0';
	st = pclose(f);
	return st == -1 || !WIFEXITED(st) ? -1 : WEXITSTATUS(st);
}

static void
cleanup_netns(void)
{
	if (ns_created) {
		sh("ip netns del %s 2>/dev/null", ns_name);
		ns_created = false;
	}
}

/*
 * EAL leaves its runtime dir behind (empty with --no-shconf once telemetry
 * unlinked its socket, from an atexit handler: this one is registered first,
 * so it runs last).
 */
static char run_dir[PATH_MAX];

static void
cleanup_run_dir(void)
{
	if (run_dir[0] != '\0')
		rmdir(run_dir);
}

static void
on_signal(int sig)
{
	(void)sig;
	exit(EXIT_FAILURE); /* runs cleanup_netns */
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct mv_backend *
tap_new_vif(const char *vif_name, const char *ifname, const char *netns, mv_mac_t mac, uint32_t mtu,
	    int *ret)
{
	static struct mv_backend_args args;
	struct mv_backend_params p;
	struct mv_backend *be = NULL;

	/* the options as the grammar gives them (mv_backend_args.h) */
	memset(&args, 0, sizeof(args));
	snprintf(args.kind, sizeof(args.kind), "tap");
	if (ifname != NULL) {
		args.v[args.n].key = "ifname";
		snprintf(args.v[args.n++].value, sizeof(args.v[0].value), "%s", ifname);
	}
	if (netns != NULL) {
		args.v[args.n].key = "netns";
		snprintf(args.v[args.n++].value, sizeof(args.v[0].value), "%s", netns);
	}
	memset(&p, 0, sizeof(p));
	p.vif_name = vif_name;
	p.args = &args;
	p.mac = mac;
	p.mtu = mtu;
	p.carrier = true;
	p.socket_id = SOCKET_ID_ANY;
	p.pool = pool;
	err[0] = '\0';
	*ret = mv_backend_tap_ops.create(&p, &be, err, sizeof(err));
	if (*ret < 0) {
		printf("  create %s: %d (%s)\n", ifname ? ifname : vif_name, *ret, err);
		return NULL;
	}
	return be;
}

static struct mv_backend *
tap_new(const char *ifname, const char *netns, mv_mac_t mac, uint32_t mtu, int *ret)
{
	return tap_new_vif(ifname, ifname, netns, mac, mtu, ret);
}

static bool
has_group(struct mv_backend *be, mv_mac_t group)
{
	mv_mac_t g[64];
	int n = mv_backend_tap_ops.get_mc(be, g, 64);

	for (int i = 0; i < n && i < 64; i++)
		if (g[i] == group)
			return true;
	return false;
}

/* Wait up to 2 s for a membership to be (or not be) there. */
static bool
wait_group(struct mv_backend *be, mv_mac_t group, bool want)
{
	uint64_t end = now_ms() + 2000;

	while (has_group(be, group) != want) {
		if (now_ms() > end)
			return false;
		usleep(10000);
	}
	return true;
}

static int
netns_fd(void)
{
	char path[64];

	snprintf(path, sizeof(path), "/var/run/netns/%s", ns_name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/*
 * An AF_PACKET socket inside the test netns, bound to @p ifname and @p proto
 * (host order). Made on this thread: enter the netns, socket(), come back.
 */
static int
ns_packet_socket(const char *ifname, uint16_t proto, int *ifindex)
{
	int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int nsfd = netns_fd();
	struct sockaddr_ll sll;
	int s = -1;

	if (self < 0 || nsfd < 0 || setns(nsfd, CLONE_NEWNET) < 0)
		goto out;
	*ifindex = (int)if_nametoindex(ifname);
	s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(proto));
	if (s >= 0 && *ifindex > 0) {
		memset(&sll, 0, sizeof(sll));
		sll.sll_family = AF_PACKET;
		sll.sll_protocol = htons(proto);
		sll.sll_ifindex = *ifindex;
		if (bind(s, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
			close(s);
			s = -1;
		}
	}
	if (setns(self, CLONE_NEWNET) < 0) {
		perror("setns back");
		abort();
	}
out:
	if (self >= 0)
		close(self);
	if (nsfd >= 0)
		close(nsfd);
	return s;
}

static void
make_frame(uint8_t *f, size_t len, mv_mac_t dst, mv_mac_t src, uint8_t seed)
{
	mv_mac_to_bytes(dst, f);
	mv_mac_to_bytes(src, f + 6);
	f[12] = TEST_ETHERTYPE >> 8;
	f[13] = TEST_ETHERTYPE & 0xff;
	for (size_t i = 14; i < len; i++)
		f[i] = (uint8_t)(seed + i * 7);
}

static int
send_in_ns(int s, int ifindex, const uint8_t *f, size_t len)
{
	struct sockaddr_ll sll;

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = ifindex;
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, f, 6);
	return sendto(s, f, len, 0, (struct sockaddr *)&sll, sizeof(sll)) == (ssize_t)len ? 0
											  : -errno;
}

/* Receive on the packet socket within 1 s; returns the length or -1. */
static ssize_t
recv_in_ns(int s, uint8_t *buf, size_t len)
{
	struct pollfd pfd = { .fd = s, .events = POLLIN };

	if (poll(&pfd, 1, 1000) != 1)
		return -1;
	return recv(s, buf, len, MSG_DONTWAIT);
}

/* rx_burst until a frame of the test's ethertype comes (others are freed). */
static struct rte_mbuf *
rx_test_frame(struct mv_backend *be, unsigned int *others)
{
	uint64_t end = now_ms() + 1000;
	struct rte_mbuf *got = NULL;

	while (got == NULL && now_ms() < end) {
		struct rte_mbuf *m[32];
		uint16_t n = mv_backend_tap_ops.rx_burst(be, m, 32);

		for (uint16_t i = 0; i < n; i++) {
			const uint8_t *d = rte_pktmbuf_mtod(m[i], const uint8_t *);

			if (got == NULL && m[i]->data_len >= 14 && d[12] == TEST_ETHERTYPE >> 8 &&
			    d[13] == (TEST_ETHERTYPE & 0xff)) {
				got = m[i];
				continue;
			}
			(*others)++;
			rte_pktmbuf_free(m[i]);
		}
		if (n == 0)
			usleep(1000);
	}
	return got;
}

/* ---- tests ---- */

static void
test_bad_names(void)
{
	struct mv_backend *be;
	int ret;

	be = tap_new("a-name-far-too-long", NULL, 0x020000000001, 1500, &ret);
	CHECK(be == NULL);
	CHECK_EQ(ret, -EINVAL);
	CHECK(strstr(err, "too long") != NULL);
	CHECK(strstr(err, "a-name-far-too-long") != NULL);
	CHECK(strchr(err, '\n') == NULL);

	be = tap_new("a/b", NULL, 0x020000000001, 1500, &ret);
	CHECK(be == NULL);
	CHECK_EQ(ret, -EINVAL);
	CHECK(strstr(err, "not allowed") != NULL);

	be = tap_new_vif("", NULL, NULL, 0x020000000001, 1500, &ret);
	CHECK(be == NULL);
	CHECK_EQ(ret, -EINVAL);
	CHECK(strstr(err, "empty") != NULL);
	/* the vif's name is checked the same way when no ifname is given */
	be = tap_new_vif("a-vif-name-far-too-long", NULL, NULL, 0x020000000001, 1500, &ret);
	CHECK(be == NULL);
	CHECK_EQ(ret, -EINVAL);
}

static void
test_unknown_netns(void)
{
	char bad_ns[64], ifname[IFNAMSIZ];
	struct mv_backend *be;
	int ret;

	snprintf(bad_ns, sizeof(bad_ns), "mvtap-none-%d", (int)getpid());
	snprintf(ifname, sizeof(ifname), "mvu%d", (int)getpid());
	be = tap_new(ifname, bad_ns, 0x020000000001, 1500, &ret);
	CHECK(be == NULL);
	CHECK_EQ(ret, -ENOENT);
	CHECK(strstr(err, "does not exist") != NULL);
	CHECK(strstr(err, bad_ns) != NULL);
	/* nothing left behind in the program's netns */
	CHECK(sh("ip link show %s >/dev/null 2>&1", ifname) != 0);

	be = tap_new(ifname, "../etc", 0x020000000001, 1500, &ret);
	CHECK(be == NULL);
	CHECK_EQ(ret, -EINVAL);
}

static void
test_netns_control(void)
{
	const mv_mac_t mac = 0x02aabbcc0001, mac2 = 0x02aabbcc0002;
	char ifname[IFNAMSIZ], out[4096], desc[128], want[128];
	struct mv_backend *be, *dup;
	mv_mac_t groups[64];
	int ret, n;

	snprintf(ifname, sizeof(ifname), "mvt%d", (int)getpid());
	be = tap_new(ifname, ns_name, mac, 1500, &ret);
	CHECK(be != NULL);
	if (be == NULL)
		return;

	/* it lives in the netns, not here */
	CHECK_EQ(sh("ip -n %s link show %s >/dev/null 2>&1", ns_name, ifname), 0);
	CHECK(sh("ip link show %s >/dev/null 2>&1", ifname) != 0);
	mv_backend_tap_ops.describe(be, desc, sizeof(desc));
	snprintf(want, sizeof(want), "tap ifname %s netns %s", ifname, ns_name);
	CHECK(strcmp(desc, want) == 0);
	CHECK_EQ(sh_out(out, sizeof(out), "ip -n %s link show %s", ns_name, ifname), 0);
	CHECK(strstr(out, "link/ether 02:aa:bb:cc:00:01") != NULL);

	/* a second tap of the same name in the same netns */
	dup = tap_new(ifname, ns_name, mac, 1500, &ret);
	CHECK(dup == NULL);
	CHECK_EQ(ret, -EEXIST);
	CHECK(strstr(err, "already exists") != NULL);

	/* admin state, both ways */
	CHECK_EQ(mv_backend_tap_ops.get_admin(be), 0);
	CHECK_EQ(mv_backend_tap_ops.set_admin(be, true), 0);
	CHECK_EQ(mv_backend_tap_ops.get_admin(be), 1);
	CHECK_EQ(sh_out(out, sizeof(out), "ip -n %s link show %s", ns_name, ifname), 0);
	CHECK(strstr(out, ",UP") != NULL || strstr(out, "<UP") != NULL);

	/* MAC and MTU as the netns sees them */
	CHECK_EQ(mv_backend_tap_ops.set_mac(be, mac2), 0);
	CHECK_EQ(mv_backend_tap_ops.set_mtu(be, 1400), 0);
	CHECK_EQ(sh_out(out, sizeof(out), "ip -n %s link show %s", ns_name, ifname), 0);
	CHECK(strstr(out, "link/ether 02:aa:bb:cc:00:02") != NULL);
	CHECK(strstr(out, "mtu 1400") != NULL);
	CHECK(mv_backend_tap_ops.set_mtu(be, 10) < 0); /* below the minimum */

	/* the kernel's IPv6 joined all-nodes when it came up */
	CHECK(wait_group(be, MV_MAC_ALL_NODES_V6, true));
	/* a membership added in the netns, then removed */
	CHECK_EQ(sh("ip -n %s maddr add 33:33:ff:00:00:42 dev %s", ns_name, ifname), 0);
	CHECK(wait_group(be, 0x3333ff000042, true));
	n = mv_backend_tap_ops.get_mc(be, groups, 0); /* counting only */
	CHECK(n >= 2);
	CHECK_EQ(mv_backend_tap_ops.get_mc(be, groups, 64), n);
	CHECK_EQ(sh("ip -n %s maddr del 33:33:ff:00:00:42 dev %s", ns_name, ifname), 0);
	CHECK(wait_group(be, 0x3333ff000042, false));
	/* the program's own netns has no such membership on any device */
	CHECK(sh("grep -q 3333ff000042 /proc/net/dev_mcast") != 0);

	/* renamed and set down inside the netns: still followed */
	CHECK_EQ(sh("ip -n %s link set %s down", ns_name, ifname), 0);
	CHECK_EQ(mv_backend_tap_ops.get_admin(be), 0);
	CHECK_EQ(sh("ip -n %s link set %s name %sr", ns_name, ifname, ifname), 0);
	CHECK_EQ(mv_backend_tap_ops.set_admin(be, true), 0);
	CHECK_EQ(mv_backend_tap_ops.get_admin(be), 1);
	mv_backend_tap_ops.describe(be, desc, sizeof(desc));
	snprintf(want, sizeof(want), "tap ifname %sr netns %s", ifname, ns_name);
	CHECK(strcmp(desc, want) == 0);

	/* carrier */
	CHECK_EQ(mv_backend_tap_ops.set_carrier(be, false), 0);
	CHECK_EQ(sh_out(out, sizeof(out), "ip -n %s link show %sr", ns_name, ifname), 0);
	CHECK(strstr(out, "NO-CARRIER") != NULL);
	CHECK_EQ(mv_backend_tap_ops.set_carrier(be, true), 0);
	CHECK_EQ(sh_out(out, sizeof(out), "ip -n %s link show %sr", ns_name, ifname), 0);
	CHECK(strstr(out, "NO-CARRIER") == NULL);

	mv_backend_tap_ops.destroy(be);
	CHECK(sh("ip -n %s link show %sr >/dev/null 2>&1", ns_name, ifname) != 0);
	CHECK(sh("ip -n %s link show %s >/dev/null 2>&1", ns_name, ifname) != 0);
}

static void
test_own_netns(void)
{
	char ifname[IFNAMSIZ], desc[128], want[128];
	struct mv_backend *be;
	int ret;

	snprintf(ifname, sizeof(ifname), "mvh%d", (int)getpid());
	/* no ifname: the vif's name */
	be = tap_new_vif(ifname, NULL, NULL, 0x02aabbcc0003, 1500, &ret);
	CHECK(be != NULL);
	if (be == NULL)
		return;
	CHECK_EQ(sh("ip link show %s >/dev/null 2>&1", ifname), 0);
	CHECK(sh("ip -n %s link show %s >/dev/null 2>&1", ns_name, ifname) != 0);
	mv_backend_tap_ops.describe(be, desc, sizeof(desc));
	snprintf(want, sizeof(want), "tap ifname %s", ifname);
	CHECK(strcmp(desc, want) == 0);
	CHECK_EQ(mv_backend_tap_ops.set_admin(be, true), 0);
	CHECK_EQ(mv_backend_tap_ops.get_admin(be), 1);
	CHECK_EQ(sh("ip maddr add 33:33:ff:00:00:43 dev %s", ifname), 0);
	CHECK(wait_group(be, 0x3333ff000043, true));
	mv_backend_tap_ops.destroy(be);
	CHECK(sh("ip link show %s >/dev/null 2>&1", ifname) != 0);
}

/* Two vifs in one netns share its socket and dev_mcast: each sees only its own groups. */
static void
test_shared_netns(void)
{
	char a[IFNAMSIZ], b[IFNAMSIZ], desc[128];
	struct mv_backend *ba, *bb, *lo;
	int ret;

	snprintf(a, sizeof(a), "mva%d", (int)getpid());
	snprintf(b, sizeof(b), "mvb%d", (int)getpid());
	ba = tap_new(a, ns_name, 0x02aabbcc0051, 1500, &ret);
	bb = tap_new(b, ns_name, 0x02aabbcc0052, 1500, &ret);
	CHECK(ba != NULL && bb != NULL);
	if (ba == NULL || bb == NULL)
		goto out;
	CHECK_EQ(mv_backend_tap_ops.set_admin(ba, true), 0);
	CHECK_EQ(mv_backend_tap_ops.get_admin(ba), 1);
	CHECK_EQ(mv_backend_tap_ops.get_admin(bb), 0);
	CHECK_EQ(sh("ip -n %s maddr add 01:00:5e:00:00:44 dev %s", ns_name, b), 0);
	CHECK(wait_group(bb, 0x01005e000044, true));
	CHECK(!has_group(ba, 0x01005e000044));
	CHECK(wait_group(ba, MV_MAC_ALL_NODES_V6, true));

	/* a name taken by a netdev that is not a tap */
	lo = tap_new("lo", ns_name, 0x02aabbcc0053, 1500, &ret);
	CHECK(lo == NULL);
	CHECK_EQ(ret, -EEXIST);
	CHECK(strstr(err, "already exists") != NULL);

	/* the netns's shared parts outlive the first vif */
	mv_backend_tap_ops.destroy(ba);
	ba = NULL;
	CHECK(sh("ip -n %s link show %s >/dev/null 2>&1", ns_name, a) != 0);
	CHECK_EQ(mv_backend_tap_ops.set_admin(bb, true), 0);
	CHECK_EQ(mv_backend_tap_ops.get_admin(bb), 1);
	CHECK(wait_group(bb, MV_MAC_ALL_NODES_V6, true));
	CHECK(has_group(bb, 0x01005e000044));
	mv_backend_tap_ops.describe(bb, desc, sizeof(desc));
	CHECK(strstr(desc, b) != NULL);
out:
	if (ba != NULL)
		mv_backend_tap_ops.destroy(ba);
	if (bb != NULL)
		mv_backend_tap_ops.destroy(bb);
	CHECK(sh("ip -n %s link show %s >/dev/null 2>&1", ns_name, b) != 0);
}

static uint64_t xstat(struct mv_backend *be, const char *name);

static void
test_frames(void)
{
	const mv_mac_t mac = 0x02aabbcc0010, peer = 0x02aabbcc0020;
	uint8_t f[3000], buf[4096];
	unsigned int others = 0;
	char ifname[IFNAMSIZ];
	struct rte_mbuf *m, *m2;
	struct mv_backend *be;
	int ret, s, ifindex = 0;
	ssize_t r;

	snprintf(ifname, sizeof(ifname), "mvf%d", (int)getpid());
	be = tap_new(ifname, ns_name, mac, 1500, &ret);
	CHECK(be != NULL);
	if (be == NULL)
		return;
	CHECK_EQ(mv_backend_tap_ops.set_admin(be, true), 0);
	s = ns_packet_socket(ifname, TEST_ETHERTYPE, &ifindex);
	CHECK(s >= 0);
	if (s < 0)
		goto out;

	/* vif -> kernel: one segment */
	CHECK_EQ(mv_backend_tap_ops.tx_burst(be, NULL, 0), 0);
	make_frame(f, 100, mac, peer, 1);
	m = rte_pktmbuf_alloc(pool);
	memcpy(rte_pktmbuf_append(m, 100), f, 100);
	CHECK_EQ(mv_backend_tap_ops.tx_burst(be, &m, 1), 1);
	r = recv_in_ns(s, buf, sizeof(buf));
	CHECK_EQ(r, 100);
	CHECK(r == 100 && memcmp(buf, f, 100) == 0);

	/* vif -> kernel: two segments */
	make_frame(f, 300, mac, peer, 2);
	m = rte_pktmbuf_alloc(pool);
	m2 = rte_pktmbuf_alloc(pool);
	memcpy(rte_pktmbuf_append(m, 100), f, 100);
	memcpy(rte_pktmbuf_append(m2, 200), f + 100, 200);
	CHECK_EQ(rte_pktmbuf_chain(m, m2), 0);
	CHECK_EQ(mv_backend_tap_ops.tx_burst(be, &m, 1), 1);
	r = recv_in_ns(s, buf, sizeof(buf));
	CHECK_EQ(r, 300);
	CHECK(r == 300 && memcmp(buf, f, 300) == 0);

	/* kernel -> vif, byte for byte */
	make_frame(f, 200, peer, mac, 3);
	CHECK_EQ(send_in_ns(s, ifindex, f, 200), 0);
	m = rx_test_frame(be, &others);
	CHECK(m != NULL);
	if (m != NULL) {
		CHECK_EQ(rte_pktmbuf_pkt_len(m), 200);
		CHECK_EQ(m->nb_segs, 1);
		CHECK(rte_pktmbuf_pkt_len(m) == 200 &&
		      memcmp(rte_pktmbuf_mtod(m, void *), f, 200) == 0);
		rte_pktmbuf_free(m);
	}

	/* at mtu 9000 a frame larger than an mbuf comes as a chain, byte for byte */
	CHECK_EQ(mv_backend_tap_ops.set_mtu(be, 9000), 0);
	make_frame(f, 3000, peer, mac, 4);
	CHECK_EQ(send_in_ns(s, ifindex, f, 3000), 0);
	m = rx_test_frame(be, &others);
	CHECK(m != NULL);
	if (m != NULL) {
		uint8_t flat[3000];

		CHECK_EQ(rte_pktmbuf_pkt_len(m), 3000);
		CHECK_EQ(m->nb_segs, 2);
		CHECK(rte_pktmbuf_pkt_len(m) == 3000 &&
		      memcmp(rte_pktmbuf_read(m, 0, 3000, flat), f, 3000) == 0);
		rte_pktmbuf_free(m);
	}
	/* the netdev's MTU raised behind the backend's back: too big, counted; the next comes */
	CHECK_EQ(mv_backend_tap_ops.set_mtu(be, 1500), 0);
	CHECK_EQ(sh("ip -n %s link set %s mtu 9000", ns_name, ifname), 0);
	make_frame(f, 3000, peer, mac, 5);
	CHECK_EQ(send_in_ns(s, ifindex, f, 3000), 0);
	make_frame(f, 60, peer, mac, 6);
	CHECK_EQ(send_in_ns(s, ifindex, f, 60), 0);
	m = rx_test_frame(be, &others);
	CHECK(m != NULL);
	if (m != NULL) {
		CHECK_EQ(rte_pktmbuf_pkt_len(m), 60);
		CHECK(rte_pktmbuf_pkt_len(m) == 60 &&
		      memcmp(rte_pktmbuf_mtod(m, void *), f, 60) == 0);
		rte_pktmbuf_free(m);
	}
	CHECK_EQ(xstat(be, "rx_too_big"), 1);
	printf("  frames: ok (%u frames of the kernel's own ignored)\n", others);
	close(s);
out:
	mv_backend_tap_ops.destroy(be);
	CHECK(sh("ip -n %s link show %s >/dev/null 2>&1", ns_name, ifname) != 0);
}

/* Value of backend counter @p name, or UINT64_MAX if it has none. */
static uint64_t
xstat(struct mv_backend *be, const char *name)
{
	struct mv_backend_xstat xs[32];
	int n = mv_backend_stats_get(be, xs, RTE_DIM(xs));

	for (int i = 0; i < n && i < (int)RTE_DIM(xs); i++)
		if (strcmp(xs[i].name, name) == 0)
			return xs[i].value;
	return UINT64_MAX;
}

/*
 * A burst stops at the first frame the kernel refuses, and says why
 * (tx_fail): the netdev down (EIO), then deleted (EBADFD: check() says so).
 */
static void
test_tx_faults(void)
{
	mv_mac_t mac = 0x02000000a201ull, peer = 0x02000000a202ull;
	struct rte_mbuf *m[2];
	char ifname[IFNAMSIZ];
	uint8_t f[100];
	struct mv_backend *be;
	int ret;

	snprintf(ifname, sizeof(ifname), "mvx%d", (int)getpid());
	be = tap_new(ifname, ns_name, mac, 1500, &ret);
	CHECK(be != NULL);
	if (be == NULL)
		return;
	CHECK_EQ(mv_backend_check(be), 0);
	CHECK_EQ(xstat(be, "tx_down"), 0);
	make_frame(f, sizeof(f), peer, mac, 7);
	for (int i = 0; i < 2; i++) {
		m[i] = rte_pktmbuf_alloc(pool);
		memcpy(rte_pktmbuf_append(m[i], sizeof(f)), f, sizeof(f));
	}
	/* down (set_admin false): EIO, nothing delivered */
	CHECK_EQ(mv_backend_tap_ops.set_admin(be, false), 0);
	CHECK_EQ(mv_backend_tap_ops.tx_burst(be, m, 2), 0);
	CHECK_EQ(be->tx_fail, MV_BACKEND_TX_DOWN);
	CHECK_EQ(xstat(be, "tx_down"), 1);
	/* deleted from its netns: EBADFD, and check() reports it */
	CHECK_EQ(sh("ip -n %s link del %s", ns_name, ifname), 0);
	CHECK_EQ(mv_backend_check(be), -ENODEV);
	CHECK_EQ(mv_backend_tap_ops.tx_burst(be, m, 2), 0);
	CHECK_EQ(be->tx_fail, MV_BACKEND_TX_GONE);
	CHECK_EQ(xstat(be, "tx_gone"), 1);
	rte_pktmbuf_free_bulk(m, 2); /* the caller's: not delivered */
	mv_backend_tap_ops.destroy(be);
	CHECK_EQ(mv_backend_stats_get(&(struct mv_backend){ .ops = &mv_backend_null_ops }, NULL, 0),
		 -ENOTSUP);
	printf("  tx faults: ok\n");
}

/* ---- rates ---- */

struct sender {
	const char *ifname;
	atomic_bool stop;
	atomic_bool ready;
	uint64_t sent;
	int error;
};

/* The kernel side of the rx measurement: AF_PACKET in the netns, flat out. */
static void *
sender_main(void *arg)
{
	struct sender *snd = arg;
	struct mmsghdr msgs[BENCH_BURST];
	struct iovec iov[BENCH_BURST];
	uint8_t frame[BENCH_LEN];
	struct sockaddr_ll sll;
	int s, ifindex = 0, one = 1;
	cpu_set_t all;

	/* not pinned to the EAL lcore this thread was created from */
	CPU_ZERO(&all);
	for (int c = 0; c < CPU_SETSIZE; c++)
		CPU_SET(c, &all);
	sched_setaffinity(0, sizeof(all), &all);

	s = ns_packet_socket(snd->ifname, TEST_ETHERTYPE, &ifindex);
	if (s < 0) {
		snd->error = errno;
		atomic_store(&snd->ready, true);
		return NULL;
	}
	setsockopt(s, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	make_frame(frame, sizeof(frame), 0x02aabbcc0030, 0x02aabbcc0040, 9);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = ifindex;
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, frame, 6);
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < BENCH_BURST; i++) {
		iov[i].iov_base = frame;
		iov[i].iov_len = sizeof(frame);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &sll;
		msgs[i].msg_hdr.msg_namelen = sizeof(sll);
	}
	atomic_store(&snd->ready, true);
	while (!atomic_load_explicit(&snd->stop, memory_order_relaxed)) {
		int r = sendmmsg(s, msgs, BENCH_BURST, 0);

		if (r > 0)
			snd->sent += (uint64_t)r;
	}
	close(s);
	return NULL;
}

/* vif -> kernel: frames to the tap's own MAC, dropped by the kernel (unknown ethertype). */
static void
bench_tx(struct mv_backend *be, mv_mac_t mac)
{
	struct rte_mbuf *m[BENCH_BURST];
	uint8_t frame[BENCH_LEN];
	uint64_t tx = 0;
	double t0, t;

	make_frame(frame, sizeof(frame), mac, 0x02aabbcc0040, 8);
	t0 = t = now_s();
	while (t - t0 < 1.0) {
		uint16_t sent;

		if (rte_pktmbuf_alloc_bulk(pool, m, BENCH_BURST) != 0)
			break;
		for (int i = 0; i < BENCH_BURST; i++)
			memcpy(rte_pktmbuf_append(m[i], BENCH_LEN), frame, BENCH_LEN);
		sent = mv_backend_tap_ops.tx_burst(be, m, BENCH_BURST);
		if (sent < BENCH_BURST)
			rte_pktmbuf_free_bulk(&m[sent], BENCH_BURST - sent);
		tx += sent;
		t = now_s();
	}
	CHECK(tx > 0);
	printf("  TAP tx: %.0f frames/s (%d-byte frames, bursts of %d)\n", (double)tx / (t - t0),
	       BENCH_LEN, BENCH_BURST);
}

/*
 * kernel -> vif, the backend's own cost: fill the tap's queue from the netns,
 * then time only the draining, until that adds up to a second.
 */
static void
bench_rx_drain(struct mv_backend *be, const char *ifname)
{
	const unsigned int fill = 16384;
	struct rte_mbuf *m[BENCH_BURST];
	struct mmsghdr msgs[BENCH_BURST];
	struct iovec iov;
	uint8_t frame[BENCH_LEN];
	struct sockaddr_ll sll;
	uint64_t rx = 0, offered = 0;
	double busy = 0;
	int s, ifindex = 0;

	if (sh("ip -n %s link set %s txqueuelen %u", ns_name, ifname, fill) != 0) {
		CHECK(false);
		return;
	}
	s = ns_packet_socket(ifname, TEST_ETHERTYPE, &ifindex);
	CHECK(s >= 0);
	if (s < 0)
		return;
	make_frame(frame, sizeof(frame), 0x02aabbcc0030, 0x02aabbcc0040, 9);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = ifindex;
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, frame, 6);
	iov.iov_base = frame;
	iov.iov_len = sizeof(frame);
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < BENCH_BURST; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &sll;
		msgs[i].msg_hdr.msg_namelen = sizeof(sll);
	}
	while (busy < 1.0) {
		double t0;
		uint16_t n;

		for (unsigned int i = 0; i < fill; i += BENCH_BURST) {
			int r = sendmmsg(s, msgs, BENCH_BURST, 0);

			if (r <= 0)
				break;
			offered += (uint64_t)r;
		}
		t0 = now_s();
		do {
			n = mv_backend_tap_ops.rx_burst(be, m, BENCH_BURST);
			rte_pktmbuf_free_bulk(m, n);
			rx += n;
		} while (n > 0);
		busy += now_s() - t0;
		if (rx == 0)
			break;
	}
	close(s);
	CHECK(rx > 0);
	printf("  TAP rx: %.0f frames/s (%d-byte frames, bursts of %d; draining a filled "
	       "queue: %" PRIu64 " of %" PRIu64 " offered frames in %.2f s)\n",
	       busy > 0 ? (double)rx / busy : 0.0, BENCH_LEN, BENCH_BURST, rx, offered, busy);
}

/* kernel -> vif with a concurrent sender: bounded by the sender on 2 vCPUs. */
static void
bench_rx_live(struct mv_backend *be, const char *ifname)
{
	struct rte_mbuf *m[BENCH_BURST];
	struct sender snd = { 0 };
	uint64_t rx = 0, calls = 0;
	pthread_t thr;
	double t0, t;

	snd.ifname = ifname;
	CHECK_EQ(pthread_create(&thr, NULL, sender_main, &snd), 0);
	while (!atomic_load(&snd.ready))
		usleep(1000);
	CHECK_EQ(snd.error, 0);
	t0 = t = now_s();
	while (t - t0 < 1.0) {
		uint16_t n = mv_backend_tap_ops.rx_burst(be, m, BENCH_BURST);

		rte_pktmbuf_free_bulk(m, n);
		rx += n;
		calls++;
		t = now_s();
	}
	atomic_store(&snd.stop, true);
	pthread_join(thr, NULL);
	printf("  TAP rx: %.0f frames/s (live: an AF_PACKET sender thread offering %.0f/s; "
	       "%.1f frames per rx_burst)\n",
	       (double)rx / (t - t0), (double)snd.sent / (t - t0),
	       calls ? (double)rx / (double)calls : 0.0);
}

static void
bench_rates(void)
{
	const mv_mac_t mac = 0x02aabbcc0030;
	char ifname[IFNAMSIZ];
	struct mv_backend *be;
	int ret;

	snprintf(ifname, sizeof(ifname), "mvb%d", (int)getpid());
	be = tap_new(ifname, ns_name, mac, 1500, &ret);
	CHECK(be != NULL);
	if (be == NULL)
		return;
	CHECK_EQ(mv_backend_tap_ops.set_admin(be, true), 0);
	bench_tx(be, mac);
	bench_rx_drain(be, ifname);
	bench_rx_live(be, ifname);
	mv_backend_tap_ops.destroy(be);
}

int
main(int argc, char **argv)
{
	char prefix[64];
	char *eal_argv[16];
	int eal_argc = 0;

	(void)argc;
	snprintf(prefix, sizeof(prefix), "--file-prefix=tap%d", (int)getpid());
	eal_argv[eal_argc++] = argv[0];
	eal_argv[eal_argc++] = "--no-huge";
	eal_argv[eal_argc++] = "-m";
	eal_argv[eal_argc++] = "256";
	eal_argv[eal_argc++] = "--no-pci";
	eal_argv[eal_argc++] = "--no-shconf";
	eal_argv[eal_argc++] = prefix;
	eal_argv[eal_argc++] = "-l";
	eal_argv[eal_argc++] = "0";
	eal_argv[eal_argc++] = "--log-level=warning";
	atexit(cleanup_run_dir);
	if (rte_eal_init(eal_argc, eal_argv) < 0) {
		fprintf(stderr, "rte_eal_init failed\n");
		return EXIT_FAILURE;
	}
	snprintf(run_dir, sizeof(run_dir), "%s", rte_eal_get_runtime_dir());
	pool = rte_pktmbuf_pool_create("tap_test", 8191, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	if (pool == NULL) {
		fprintf(stderr, "no mbuf pool\n");
		return EXIT_FAILURE;
	}

	snprintf(ns_name, sizeof(ns_name), "mvtap%d", (int)getpid());
	atexit(cleanup_netns);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (sh("ip netns add %s", ns_name) != 0) {
		fprintf(stderr, "cannot create netns %s\n", ns_name);
		return EXIT_FAILURE;
	}
	ns_created = true;

	RUN_TEST(test_bad_names);
	RUN_TEST(test_unknown_netns);
	RUN_TEST(test_netns_control);
	RUN_TEST(test_own_netns);
	RUN_TEST(test_shared_netns);
	RUN_TEST(test_tx_faults);
	RUN_TEST(test_frames);
	RUN_TEST(bench_rates);

	cleanup_netns();
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return mv_test_summary("backend_tap");
}
