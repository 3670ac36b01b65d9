/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The datapath's control side: its long-lived state, the workers' start and
 * stop, grace periods.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_malloc.h>

#include "dp_internal.h"
#include "mv_log.h"

int
mv_dp_init(struct mv_dp *dp, const struct mv_dp_config *cfg)
{
	uint16_t n_workers = cfg->n_workers;
	int socket_id = cfg->socket_id;
	size_t sz;

	memset(dp, 0, sizeof(*dp));
	for (uint16_t w = 0; w < MV_DP_MAX_WORKERS; w++)
		dp->epfd[w] = -1;
	if (cfg->ctl == NULL || n_workers == 0 || n_workers > MV_DP_MAX_WORKERS ||
	    cfg->lcores == NULL || cfg->burst == 0 || cfg->burst > MV_DP_MAX_BURST ||
	    cfg->flood_share > 100)
		return -EINVAL;
	dp->ctl = cfg->ctl;
	dp->n_workers = n_workers;
	dp->burst = cfg->burst;
	dp->flood_share = cfg->flood_share != 0 ? cfg->flood_share : MV_DP_DEFAULT_FLOOD_SHARE;
	dp->forwarding = true;
	dp->released_tail = &dp->released;
	dp->retired_tail = &dp->retired;
	memcpy(dp->lcore, cfg->lcores, n_workers * sizeof(dp->lcore[0]));
	for (uint16_t w = 0; w < n_workers; w++) {
		dp->epfd[w] = epoll_create1(EPOLL_CLOEXEC);
		if (dp->epfd[w] < 0)
			goto fail;
	}
	sz = rte_rcu_qsbr_get_memsize(n_workers);
	dp->qsbr = rte_zmalloc_socket("mv_qsbr", sz, RTE_CACHE_LINE_SIZE, socket_id);
	if (dp->qsbr == NULL || rte_rcu_qsbr_init(dp->qsbr, n_workers) != 0)
		goto fail;
	for (uint16_t w = 0; w < n_workers; w++) {
		char name[RTE_RING_NAMESIZE];

		snprintf(name, sizeof(name), "mv_pending_%u", w);
		dp->pending[w] =
			rte_ring_create(name, 2 * MV_DP_MAX_ENDPOINTS, socket_id, RING_F_SC_DEQ);
		if (dp->pending[w] == NULL)
			goto fail;
	}
	/* one stats array per worker, plus one for the control thread */
	for (uint16_t w = 0; w <= n_workers; w++) {
		dp->port_stats[w] = rte_zmalloc_socket(
			"mv_port_stats", MV_MAX_PORTS * sizeof(struct mv_dp_port_stats),
			RTE_CACHE_LINE_SIZE, socket_id);
		if (dp->port_stats[w] == NULL)
			goto fail;
	}
	dp->by_id = rte_zmalloc_socket("mv_endpoints", MV_DP_MAX_ENDPOINTS * sizeof(*dp->by_id), 0,
				       socket_id);
	dp->free_ids = rte_malloc_socket("mv_endpoint_ids",
					 MV_DP_MAX_ENDPOINTS * sizeof(*dp->free_ids), 0, socket_id);
	if (dp->by_id == NULL || dp->free_ids == NULL)
		goto fail;
	/* a stack: the lowest id comes first */
	for (uint32_t i = 0; i < MV_DP_MAX_ENDPOINTS; i++)
		dp->free_ids[i] = (uint16_t)(MV_DP_MAX_ENDPOINTS - 1 - i);
	dp->n_free_ids = MV_DP_MAX_ENDPOINTS;
	return 0;
fail:
	mv_dp_fini(dp);
	return -ENOMEM;
}

void
mv_dp_fini(struct mv_dp *dp)
{
	dp_retired_fini(dp);
	dp_snapshot_fini(dp);
	if (dp->by_id != NULL)
		dp_endpoints_fini(dp);
	for (unsigned int p = 0; p < MV_MAX_PORTS; p++) {
		rte_free(dp->ports[p].vifs);
		memset(&dp->ports[p], 0, sizeof(dp->ports[p]));
	}
	rte_free(dp->by_id);
	rte_free(dp->free_ids);
	dp->by_id = NULL;
	dp->free_ids = NULL;
	for (uint16_t w = 0; w <= MV_DP_MAX_WORKERS; w++) {
		rte_free(dp->port_stats[w]);
		dp->port_stats[w] = NULL;
	}
	for (uint16_t w = 0; w < MV_DP_MAX_WORKERS; w++) {
		rte_ring_free(dp->pending[w]);
		dp->pending[w] = NULL;
		if (dp->epfd[w] >= 0)
			close(dp->epfd[w]);
		dp->epfd[w] = -1;
	}
	rte_free(dp->qsbr);
	dp->qsbr = NULL;
}

int
mv_dp_port_attach(struct mv_dp *dp, uint16_t port, uint16_t port_id, uint16_t n_rxq,
		  uint32_t max_rx_pktlen, struct rte_ring *bc_ring)
{
	struct mv_dp_port_conf *pc;

	if (port >= MV_MAX_PORTS || bc_ring == NULL)
		return -EINVAL;
	pc = &dp->ports[port];
	if (pc->attached)
		return -EEXIST;
	pc->vifs = rte_zmalloc("mv_port_endpoints", MV_PORT_MAX_VIFS * sizeof(*pc->vifs), 0);
	if (pc->vifs == NULL)
		return -ENOMEM;
	pc->port_id = port_id;
	pc->n_rxq = n_rxq;
	pc->max_rx_pktlen = max_rx_pktlen;
	pc->bc_ring = bc_ring;
	pc->attached = true;
	dp->changes++;
	return 0;
}

void
mv_dp_set_forwarding(struct mv_dp *dp, bool on)
{
	if (dp->forwarding != on) {
		dp->forwarding = on;
		dp->changes++;
	}
}

int
mv_dp_start(struct mv_dp *dp)
{
	if (dp->started)
		return -EALREADY;
	__atomic_store_n(&dp->quit, false, __ATOMIC_RELEASE);
	__atomic_store_n(&dp->draining, false, __ATOMIC_RELEASE);
	for (uint16_t w = 0; w < dp->n_workers; w++) {
		int ret;

		dp->wargs[w].dp = dp;
		dp->wargs[w].index = w;
		ret = rte_eal_remote_launch(mv_dp_worker_main, &dp->wargs[w], dp->lcore[w]);
		if (ret < 0) {
			MV_LOG(ERR, dp, "cannot launch worker %u on lcore %u: %s", w, dp->lcore[w],
			       strerror(-ret));
			/* the ones launched stop as usual */
			dp->n_workers = w;
			dp->started = w > 0;
			return ret;
		}
	}
	dp->started = true;
	return 0;
}

/* Does any broadcast queue or endpoint ring still hold frames? */
static bool
queues_empty(const struct mv_dp *dp)
{
	for (unsigned int p = 0; p < MV_MAX_PORTS; p++)
		if (dp->ports[p].attached && !rte_ring_empty(dp->ports[p].bc_ring))
			return false;
	for (uint32_t i = 0; i < MV_DP_MAX_ENDPOINTS; i++) {
		const struct mv_dp_endpoint *ep = dp->by_id[i];

		if (ep != NULL && ep->ring != NULL && !rte_ring_empty(ep->ring))
			return false;
	}
	return true;
}

/* Wait up to @p ms for worker @p w's lcore to return from its loop. */
static bool
lcore_returned(const struct mv_dp *dp, uint16_t w, unsigned int ms)
{
	uint64_t end = rte_get_timer_cycles() + rte_get_timer_hz() * ms / 1000;

	while (rte_eal_get_lcore_state(dp->lcore[w]) == RUNNING) {
		if (rte_get_timer_cycles() >= end)
			return false;
		rte_delay_us_sleep(1000);
	}
	rte_eal_wait_lcore(dp->lcore[w]);
	return true;
}

int
mv_dp_stop(struct mv_dp *dp)
{
	const struct mv_dp_snapshot *snap = mv_dp_current(dp);
	bool stuck = false;

	if (!dp->started)
		return 0;
	/* after one grace period no worker receives any more */
	__atomic_store_n(&dp->draining, true, __ATOMIC_RELEASE);
	stuck = !dp_grace_wait(dp, rte_rcu_qsbr_start(dp->qsbr), MV_DP_STOP_WAIT_MS, "stopping");
	if (snap != NULL && snap->forwarding && !stuck) {
		/* what is queued is still delivered, for at most a second */
		uint64_t deadline = rte_get_timer_cycles() + rte_get_timer_hz();

		while (!queues_empty(dp) && rte_get_timer_cycles() < deadline)
			rte_delay_us_sleep(1000);
	}
	/* every worker has finished the loop it was in, with everything flushed */
	if (!stuck)
		stuck = !dp_grace_wait(dp, rte_rcu_qsbr_start(dp->qsbr), MV_DP_STOP_WAIT_MS,
				       "stopping");
	__atomic_store_n(&dp->quit, true, __ATOMIC_RELEASE);
	for (uint16_t w = 0; w < dp->n_workers; w++) {
		if (!lcore_returned(dp, w, MV_DP_STOP_WAIT_MS)) {
			MV_LOG(ERR, dp,
			       "worker %u (lcore %u) does not return from a backend or driver "
			       "call; stopping without it",
			       w, dp->lcore[w]);
			return -EBUSY;
		}
	}
	dp->started = false;
	dp_retired_fini(dp); /* no worker runs: nothing retired is seen */
	/* what no worker delivered */
	for (uint32_t i = 0; i < MV_DP_MAX_ENDPOINTS; i++) {
		struct mv_dp_endpoint *ep = dp->by_id[i];

		if (ep != NULL)
			mv_dp_drain_ring(dp, ep->ring, ep->port, MV_DP_DROP_STOPPED);
	}
	return 0;
}
