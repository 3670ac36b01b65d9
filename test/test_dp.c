/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The datapath's lifecycle below the program: a core port with vifs, their
 * endpoints on a test backend (sinks and ring endpoints), one worker lcore.
 * Checks that a commit publishes only when something moved, that a released
 * endpoint stays alive until the grace period of the next publish, that ids
 * come back after it, and that releasing and stopping drain a ring endpoint
 * under their named drop reasons with every mbuf back in the pool.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "mv_control.h"
#include "mv_datapath.h"
#include "mv_port.h"
#include "mv_test.h"

#define POOL_SIZE 1023

static struct mv_ctl ctl;
static struct mv_dp dp;
static struct mv_port *port;
static struct rte_ring *bc_ring;
static struct rte_mempool *pool;
static unsigned int destroyed;    /* test backends destroyed so far */
static uint64_t destroyed_at_seq; /* dp.seq when the last one was destroyed */
static unsigned int vif_seq;
static char err[256];

/* ---- a test backend: counts its destruction, frees what it is given ---- */

struct test_backend {
	struct mv_backend base;
};

static void
tb_destroy(struct mv_backend *be)
{
	destroyed++;
	destroyed_at_seq = dp.seq;
	free(be);
}

static uint16_t
tb_tx_burst(struct mv_backend *be, struct rte_mbuf **pkts, uint16_t n)
{
	(void)be;
	rte_pktmbuf_free_bulk(pkts, n);
	return n;
}

static const struct mv_backend_ops tb_sink_ops = {
	.kind = "test-sink",
	.sink = true,
	.destroy = tb_destroy,
	.tx_burst = tb_tx_burst,
};

static const struct mv_backend_ops tb_ring_ops = {
	.kind = "test-ring",
	.destroy = tb_destroy,
	.tx_burst = tb_tx_burst,
};

/* A backend whose rx_burst does not return while `stall` is set: a worker stuck in a call. */
static int stall;
static int stalled; /* set by the worker once inside */

static uint16_t
tb_stall_rx(struct mv_backend *be, struct rte_mbuf **pkts, uint16_t n)
{
	(void)be;
	(void)pkts;
	(void)n;
	while (__atomic_load_n(&stall, __ATOMIC_ACQUIRE)) {
		__atomic_store_n(&stalled, 1, __ATOMIC_RELEASE);
		rte_pause();
	}
	return 0;
}

static const struct mv_backend_ops tb_stall_ops = {
	.kind = "test-stall",
	.destroy = tb_destroy,
	.rx_burst = tb_stall_rx,
	.tx_burst = tb_tx_burst,
};

static int
tb_create(void *arg, int socket_id, uint16_t owner, struct mv_backend **be, char *e, size_t elen)
{
	struct test_backend *tb = calloc(1, sizeof(*tb));

	(void)owner;
	(void)socket_id;
	if (tb == NULL) {
		snprintf(e, elen, "no memory");
		return -ENOMEM;
	}
	tb->base.ops = arg;
	*be = &tb->base;
	return 0;
}

/* ---- helpers ---- */

/* A vif in the core and its endpoint (sink or ring), as the program makes them. */
static struct mv_dp_endpoint *
vif_add(bool sink, struct mv_vif **vif_out)
{
	struct mv_dp_endpoint_params p;
	struct mv_vif_config cfg;
	struct mv_dp_endpoint *ep = NULL;
	struct mv_vif *vif;
	char name[MV_IFNAMSIZ];

	mv_vif_config_init(&cfg);
	snprintf(name, sizeof(name), "v%u", vif_seq++);
	cfg.name = name;
	cfg.has_mac = true;
	cfg.mac = 0x020000010000ULL + vif_seq;
	if (mv_vif_create(&ctl, port, &cfg, &vif) < 0)
		return NULL;
	memset(&p, 0, sizeof(p));
	p.kind = MV_DP_EP_VIF;
	p.port = port->id;
	p.slot = vif->slot;
	p.sink = sink;
	p.ring_size = 64;
	p.backend_create = tb_create;
	p.arg = (void *)(uintptr_t)(sink ? &tb_sink_ops : &tb_ring_ops);
	if (mv_dp_endpoint_create(&dp, &p, &ep, err, sizeof(err)) < 0) {
		fprintf(stderr, "endpoint: %s\n", err);
		mv_vif_delete(&ctl, vif);
		return NULL;
	}
	*vif_out = vif;
	return ep;
}

static void
vif_del(struct mv_vif *vif, struct mv_dp_endpoint *ep)
{
	mv_dp_endpoint_release(&dp, ep);
	mv_vif_delete(&ctl, vif);
}

static uint64_t
port_drops(unsigned int reason)
{
	struct mv_dp_port_stats s;

	mv_dp_port_stats_sum(&dp, port->id, &s);
	return s.drops[reason];
}

/* Put @p n fresh mbufs in @p ep's ring (forwarding is off: no worker drains it). */
static void
fill_ring(struct mv_dp_endpoint *ep, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

		CHECK(m != NULL);
		if (m != NULL && rte_ring_enqueue(ep->ring, m) != 0)
			rte_pktmbuf_free(m);
	}
	CHECK_EQ(rte_ring_count(ep->ring), n);
}

/* A published ring endpoint with @p n frames in its ring. */
static struct mv_dp_endpoint *
ring_endpoint_holding(unsigned int n, struct mv_vif **vif)
{
	struct mv_dp_endpoint *ep = vif_add(false, vif);

	CHECK(ep != NULL);
	if (ep == NULL)
		return NULL;
	CHECK(ep->ring != NULL && !ep->sink);
	CHECK_EQ(mv_dp_commit(&dp), 1);
	CHECK(!mv_dp_current(&dp)->ports[port->id].sink[(*vif)->slot]);
	fill_ring(ep, n);
	return ep;
}

/* ---- tests ---- */

static void
test_commit_publishes_only_changes(void)
{
	struct mv_dp_endpoint *ep;
	struct mv_vif *vif;
	uint64_t seq;

	CHECK_EQ(mv_dp_commit(&dp), 1); /* the first snapshot */
	seq = dp.seq;
	CHECK_EQ(mv_dp_commit(&dp), 0);
	CHECK_EQ(dp.seq, seq);

	/* a core change (generation) publishes */
	mv_port_set_promisc(port, true);
	CHECK_EQ(mv_dp_commit(&dp), 1);
	CHECK_EQ(dp.seq, seq + 1);
	mv_port_set_promisc(port, true); /* no change: no bump */
	CHECK_EQ(mv_dp_commit(&dp), 0);
	mv_port_set_promisc(port, false);
	CHECK_EQ(mv_dp_commit(&dp), 1);

	/* an endpoint publishes, with the vif's slot pointing at it */
	ep = vif_add(true, &vif);
	CHECK(ep != NULL);
	if (ep == NULL)
		return;
	CHECK_EQ(mv_dp_commit(&dp), 1);
	CHECK(mv_dp_current(&dp)->ports[port->id].vifs[vif->slot] == ep);
	CHECK(mv_dp_current(&dp)->ports[port->id].sink[vif->slot]);
	CHECK(mv_dp_endpoint_at(&dp, port->id, vif->slot) == ep);
	CHECK(ep->owner < dp.n_workers);
	CHECK_EQ(mv_dp_commit(&dp), 0);
	CHECK_EQ(mv_vif_set_up(vif, true), 0);
	CHECK_EQ(mv_dp_commit(&dp), 1);

	/* forwarding, the datapath's own state */
	seq = dp.seq;
	mv_dp_set_forwarding(&dp, false); /* it is off already */
	CHECK_EQ(mv_dp_commit(&dp), 0);
	mv_dp_set_forwarding(&dp, true);
	CHECK_EQ(mv_dp_commit(&dp), 1);
	CHECK(mv_dp_current(&dp)->forwarding);
	mv_dp_set_forwarding(&dp, false);
	CHECK_EQ(mv_dp_commit(&dp), 1);
	CHECK(!mv_dp_current(&dp)->forwarding);
	CHECK_EQ(dp.seq, seq + 2);

	/* a release publishes, and frees */
	vif_del(vif, ep);
	CHECK_EQ(mv_dp_commit(&dp), 1);
	CHECK_EQ(mv_dp_commit(&dp), 0);
}

static void
test_release_after_grace_period(void)
{
	struct mv_dp_endpoint *ep;
	struct mv_vif *vif;
	unsigned int before;
	uint64_t seq;
	uint16_t slot;

	ep = vif_add(true, &vif);
	CHECK(ep != NULL);
	if (ep == NULL)
		return;
	slot = vif->slot;
	CHECK_EQ(mv_dp_commit(&dp), 1);
	before = destroyed;
	vif_del(vif, ep);
	/* withdrawn from the tables, still in the published snapshot, not freed */
	CHECK(mv_dp_endpoint_at(&dp, port->id, slot) == NULL);
	CHECK(mv_dp_current(&dp)->ports[port->id].vifs[slot] == ep);
	CHECK_EQ(destroyed, before);
	CHECK_EQ(dp.n_released, 1);
	seq = dp.seq;
	/* the next publish's grace period frees it: after the snapshot without it is out */
	CHECK_EQ(mv_dp_commit(&dp), 1);
	CHECK_EQ(destroyed, before + 1);
	CHECK(destroyed_at_seq > seq);
	CHECK_EQ(dp.n_released, 0);
	CHECK(mv_dp_current(&dp)->ports[port->id].fib->n_slots <= slot ||
	      mv_dp_current(&dp)->ports[port->id].vifs[slot] == NULL);
}

static void
test_ids_reused_after_release(void)
{
	struct mv_dp_endpoint *a, *b, *c;
	struct mv_vif *va, *vb, *vc;
	uint32_t id_a;

	a = vif_add(true, &va);
	CHECK(a != NULL);
	if (a == NULL)
		return;
	CHECK_EQ(mv_dp_commit(&dp), 1);
	id_a = a->id;
	vif_del(va, a);
	/* not before the grace period: a snapshot still holds it */
	b = vif_add(true, &vb);
	CHECK(b != NULL);
	if (b == NULL)
		return;
	CHECK(b->id != id_a);
	CHECK_EQ(mv_dp_commit(&dp), 1);
	c = vif_add(true, &vc);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK_EQ(c->id, id_a);
	vif_del(vb, b);
	vif_del(vc, c);
	CHECK_EQ(mv_dp_commit(&dp), 1);
}

static void
test_release_drains_ring(void)
{
	uint64_t gone = port_drops(MV_DP_DROP_VIF_GONE);
	unsigned int free_before = rte_mempool_avail_count(pool);
	struct mv_vif *vif;
	struct mv_dp_endpoint *ep = ring_endpoint_holding(10, &vif);

	if (ep == NULL)
		return;
	vif_del(vif, ep);
	CHECK_EQ(port_drops(MV_DP_DROP_VIF_GONE), gone); /* not before the grace period */
	CHECK_EQ(mv_dp_commit(&dp), 1);
	CHECK_EQ(port_drops(MV_DP_DROP_VIF_GONE), gone + 10);
	CHECK_EQ(rte_mempool_avail_count(pool), free_before);
}

static void
test_gone_and_replaced_backend(void)
{
	struct mv_dp_endpoint *ep;
	struct mv_backend *nb = NULL;
	struct mv_vif *vif;
	unsigned int before;

	ep = vif_add(false, &vif);
	CHECK(ep != NULL);
	if (ep == NULL)
		return;
	CHECK_EQ(mv_dp_commit(&dp), 1);
	CHECK_EQ(mv_dp_current(&dp)->ports[port->id].sink[vif->slot], MV_DP_SLOT_STAGED);
	/* not a core change: the datapath publishes it by itself */
	CHECK_EQ(mv_dp_endpoint_set_gone(&dp, ep, true), 0);
	CHECK_EQ(mv_dp_commit(&dp), 1);
	CHECK_EQ(mv_dp_current(&dp)->ports[port->id].sink[vif->slot], MV_DP_SLOT_GONE);
	/* a new backend: the old one destroyed after a grace period */
	before = destroyed;
	CHECK_EQ(tb_create((void *)(uintptr_t)&tb_ring_ops, 0, 0, &nb, err, sizeof(err)), 0);
	mv_dp_endpoint_replace_backend(&dp, ep, nb);
	CHECK_EQ(destroyed, before + 1);
	CHECK(ep->be == nb);
	CHECK_EQ(mv_dp_endpoint_set_gone(&dp, ep, false), 0);
	CHECK_EQ(mv_dp_commit(&dp), 1);
	CHECK_EQ(mv_dp_current(&dp)->ports[port->id].sink[vif->slot], MV_DP_SLOT_STAGED);
	vif_del(vif, ep);
	CHECK_EQ(mv_dp_commit(&dp), 1);
	CHECK_EQ(destroyed, before + 2);
}

static uint64_t
ms_since(uint64_t t0)
{
	return (rte_get_timer_cycles() - t0) * 1000 / rte_get_timer_hz();
}

/* Wait up to 2 s for the worker to be inside the stalling backend. */
static bool
wait_stalled(void)
{
	uint64_t t0 = rte_get_timer_cycles();

	while (!__atomic_load_n(&stalled, __ATOMIC_ACQUIRE) && ms_since(t0) < 2000)
		rte_delay_us_sleep(1000);
	return __atomic_load_n(&stalled, __ATOMIC_ACQUIRE);
}

/* A stalling endpoint, published and polled (forwarding on), its worker stuck inside. */
static struct mv_dp_endpoint *
stalled_endpoint(struct mv_vif **vif)
{
	struct mv_dp_endpoint *ep = vif_add(false, vif);

	CHECK(ep != NULL);
	if (ep == NULL)
		return NULL;
	ep->be->ops = &tb_stall_ops;
	__atomic_store_n(&stalled, 0, __ATOMIC_RELEASE);
	mv_dp_set_forwarding(&dp, true);
	CHECK_EQ(mv_dp_commit(&dp), 1);
	/* stall only once the commit's grace period passed: a worker that took the new
	 * snapshot before the commit's token and stalled at once would leave the old one
	 * waiting, and the tests below start from "nothing waits" */
	CHECK_EQ(mv_dp_reclaim(&dp), 0);
	__atomic_store_n(&stall, 1, __ATOMIC_RELEASE);
	CHECK(wait_stalled());
	return ep;
}

/* A worker stuck in a backend's call: commits do not wait for it, frees wait. */
static void
test_stuck_worker_defers_frees(void)
{
	struct mv_dp_endpoint *ep, *other;
	struct mv_vif *vif, *ovif;
	unsigned int before;
	uint64_t t0;

	other = vif_add(true, &ovif);
	CHECK(other != NULL);
	ep = stalled_endpoint(&vif);
	if (ep == NULL || other == NULL)
		return;
	before = destroyed;
	vif_del(ovif, other);
	t0 = rte_get_timer_cycles();
	CHECK_EQ(mv_dp_commit(&dp), 1); /* published; the grace period does not come */
	CHECK(ms_since(t0) < MV_DP_GRACE_WAIT_MS + 500);
	CHECK(ms_since(t0) >= MV_DP_GRACE_WAIT_MS / 2);
	CHECK_EQ(destroyed, before);    /* the worker may still see it */
	CHECK(mv_dp_reclaim(&dp) >= 2); /* the old snapshot and the endpoint */
	/* while something waits, a commit does not wait at all */
	mv_dp_set_forwarding(&dp, false);
	t0 = rte_get_timer_cycles();
	CHECK_EQ(mv_dp_commit(&dp), 1);
	CHECK(ms_since(t0) < 200);
	CHECK_EQ(destroyed, before);
	/* the worker comes back: everything is freed, in order */
	__atomic_store_n(&stall, 0, __ATOMIC_RELEASE);
	t0 = rte_get_timer_cycles();
	while (mv_dp_reclaim(&dp) > 0 && ms_since(t0) < 2000)
		rte_delay_us_sleep(1000);
	CHECK_EQ(mv_dp_reclaim(&dp), 0);
	CHECK_EQ(destroyed, before + 1);
	vif_del(vif, ep);
	CHECK_EQ(mv_dp_commit(&dp), 1);
	CHECK_EQ(destroyed, before + 2);
}

/* Last: a worker stuck at stop: mv_dp_stop gives up (bounded), then stops once it returns. */
static void
test_stop_bounded(void)
{
	struct mv_dp_endpoint *ep;
	struct mv_vif *vif;
	uint64_t t0;

	CHECK_EQ(mv_dp_start(&dp), 0);
	ep = stalled_endpoint(&vif);
	if (ep == NULL)
		return;
	t0 = rte_get_timer_cycles();
	CHECK_EQ(mv_dp_stop(&dp), -EBUSY);
	CHECK(ms_since(t0) < 3 * MV_DP_STOP_WAIT_MS + 1000);
	CHECK(dp.started);
	__atomic_store_n(&stall, 0, __ATOMIC_RELEASE);
	CHECK_EQ(mv_dp_stop(&dp), 0);
	CHECK(!dp.started);
	vif_del(vif, ep);
	CHECK_EQ(mv_dp_commit(&dp), 1);
}

/* Stops the workers. */
static void
test_stop_drains_ring(void)
{
	uint64_t stopped = port_drops(MV_DP_DROP_STOPPED);
	struct mv_vif *vif;
	struct mv_dp_endpoint *ep = ring_endpoint_holding(7, &vif);

	if (ep == NULL)
		return;
	CHECK_EQ(mv_dp_stop(&dp), 0);
	CHECK(!dp.started);
	CHECK_EQ(rte_ring_count(ep->ring), 0);
	CHECK_EQ(port_drops(MV_DP_DROP_STOPPED), stopped + 7);
	CHECK_EQ(rte_mempool_avail_count(pool), POOL_SIZE);
	vif_del(vif, ep);
	CHECK_EQ(mv_dp_commit(&dp), 1);
}

int
main(int argc, char **argv)
{
	struct mv_port_params pp;
	struct mv_dp_config dc;
	unsigned int lcores[1];
	char prefix[64];
	char *eal_argv[16];
	int eal_argc = 0, ret;

	(void)argc;
	snprintf(prefix, sizeof(prefix), "--file-prefix=test_dp%d", (int)getpid());
	eal_argv[eal_argc++] = argv[0];
	eal_argv[eal_argc++] = "--no-huge";
	eal_argv[eal_argc++] = "--no-pci";
	eal_argv[eal_argc++] = "-m";
	eal_argv[eal_argc++] = "256";
	eal_argv[eal_argc++] = "--no-shconf";
	eal_argv[eal_argc++] = "--no-telemetry"; /* its socket would keep the runtime dir */
	eal_argv[eal_argc++] = "-l";
	eal_argv[eal_argc++] = "0-1";
	eal_argv[eal_argc++] = prefix;
	eal_argv[eal_argc] = NULL;
	if (rte_eal_init(eal_argc, eal_argv) < 0) {
		fprintf(stderr, "rte_eal_init failed\n");
		return EXIT_FAILURE;
	}
	lcores[0] = rte_get_next_lcore(-1, 1, 0);
	pool = rte_pktmbuf_pool_create("test_dp", POOL_SIZE, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	bc_ring = rte_ring_create("test_dp_bc", 1024, SOCKET_ID_ANY, RING_F_SC_DEQ);
	if (pool == NULL || bc_ring == NULL || lcores[0] >= RTE_MAX_LCORE) {
		fprintf(stderr, "no pool, ring or worker lcore\n");
		return EXIT_FAILURE;
	}
	mv_ctl_init(&ctl);
	memset(&pp, 0, sizeof(pp));
	pp.name = "p0";
	pp.id = 0;
	pp.mac = 0x020000000001ULL;
	pp.mtu = 1500;
	pp.admin_up = true;
	pp.carrier = true;
	if (mv_port_add(&ctl, &pp, &port) < 0) {
		fprintf(stderr, "mv_port_add failed\n");
		return EXIT_FAILURE;
	}
	memset(&dc, 0, sizeof(dc));
	dc.ctl = &ctl;
	dc.n_workers = 1;
	dc.lcores = lcores;
	dc.burst = 32;
	dc.socket_id = SOCKET_ID_ANY;
	ret = mv_dp_init(&dp, &dc);
	if (ret == 0)
		ret = mv_dp_port_attach(&dp, port->id, 0, 0, 0, bc_ring);
	if (ret == 0) {
		/* nothing to forward: rings keep what is put in them */
		mv_dp_set_forwarding(&dp, false);
		ret = mv_dp_start(&dp);
	}
	if (ret < 0) {
		fprintf(stderr, "datapath: %s\n", strerror(-ret));
		return EXIT_FAILURE;
	}

	RUN_TEST(test_commit_publishes_only_changes);
	RUN_TEST(test_release_after_grace_period);
	RUN_TEST(test_ids_reused_after_release);
	RUN_TEST(test_release_drains_ring);
	RUN_TEST(test_gone_and_replaced_backend);
	RUN_TEST(test_stuck_worker_defers_frees);
	RUN_TEST(test_stop_drains_ring);
	RUN_TEST(test_stop_bounded);

	mv_dp_stop(&dp);
	mv_dp_fini(&dp);
	mv_ctl_fini(&ctl);
	rte_ring_free(bc_ring);
	rte_mempool_free(pool);
	snprintf(prefix, sizeof(prefix), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	if (rmdir(prefix) < 0) /* EAL leaves its (empty) runtime directory behind */
		perror(prefix);
	return mv_test_summary("dp");
}
