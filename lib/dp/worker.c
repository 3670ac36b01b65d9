/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker loop: receive from the wire and the endpoints' backends, flood
 * the broadcast queues, hand staged frames over, drain the rings of the
 * endpoints with work; report quiescence once everything is flushed.
 */
#include "dp_trace.h" /* first: it may enable the fast-path points */

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "dp_internal.h"

/* Drain the rings of the vifs that got frames (entries of deleted vifs are skipped). */
static void
drain_pending(struct worker *wk)
{
	struct rte_ring *pending = wk->dp->pending[wk->index];
	void *keys[MV_DP_MAX_BURST];
	unsigned int n = rte_ring_sc_dequeue_burst(pending, keys, RTE_DIM(keys), NULL);

	for (unsigned int i = 0; i < n; i++) {
		uint32_t key = (uint32_t)(uintptr_t)keys[i];
		const struct mv_dp_port *dport = &wk->snap->ports[key >> 16];
		uint16_t slot = key & 0xffff;
		struct mv_dp_endpoint *vif;

		if (!dport->active || slot >= dport->fib->n_slots)
			continue;
		vif = dport->vifs[slot];
		/* a key can outlive its vif; the slot's new vif may be a sink (no ring) */
		if (vif != NULL && vif->ring != NULL && vif->owner == wk->index)
			dp_vif_drain(wk, vif);
	}
}

static int
worker_alloc(struct worker *wk, struct mv_dp *dp, uint16_t index)
{
	int socket = (int)rte_socket_id();

	memset(wk, 0, sizeof(*wk));
	wk->dp = dp;
	wk->index = index;
	wk->pstats = dp->port_stats[index];
	wk->stage_of = rte_malloc_socket("mv_stage_of", STAGE_KEYS * sizeof(int16_t), 0, socket);
	wk->rcpts = rte_malloc_socket(
		"mv_rcpts", (2 * MV_PORT_MAX_VIFS + 1) * sizeof(struct mv_rcpt), 0, socket);
	if (wk->stage_of == NULL || wk->rcpts == NULL)
		return -ENOMEM;
	memset(wk->stage_of, 0xff, STAGE_KEYS * sizeof(int16_t));
	return 0;
}

/*
 * Vifs whose backend has a file descriptor (TAP) are read only when it is
 * readable: one epoll_wait replaces a read per vif. Events of a vif deleted
 * meanwhile find its slot empty (or reused: a spurious, harmless read).
 */
static unsigned int
poll_ready_vifs(struct worker *wk, struct rte_mbuf **pkts)
{
	struct epoll_event ev[MV_DP_MAX_BURST];
	unsigned int frames = 0;
	int n = epoll_wait(wk->dp->epfd[wk->index], ev, RTE_DIM(ev), 0);

	for (int i = 0; i < n; i++) {
		uint32_t key = (uint32_t)ev[i].data.u64;
		const struct mv_dp_port *dport = &wk->snap->ports[key >> 16];
		uint16_t slot = key & 0xffff, got;
		struct mv_dp_endpoint *vif;
		struct mv_backend *be;

		if (!dport->active || slot >= dport->fib->n_slots)
			continue;
		vif = dport->vifs[slot];
		if (vif == NULL || vif->owner != wk->index || !dp_pace_may_read(wk, vif))
			continue;
		be = __atomic_load_n(&vif->be, __ATOMIC_ACQUIRE);
		if (be->ops->rx_burst == NULL)
			continue;
		got = be->ops->rx_burst(be, pkts, wk->dp->burst);
		mv_trace_dp_vif_rx(wk->index, vif->port, vif->slot, got);
		if (got > 0)
			dp_vif_tx(wk, vif, pkts, got);
		frames += got;
	}
	return frames;
}

static unsigned int
worker_iteration(struct worker *wk)
{
	const struct mv_dp_worker_conf *conf = &wk->snap->workers[wk->index];
	struct rte_mbuf *pkts[MV_DP_MAX_BURST];
	uint16_t burst = wk->dp->burst;
	bool receive = !__atomic_load_n(&wk->dp->draining, __ATOMIC_ACQUIRE), paced;
	unsigned int frames = 0;

	wk->flood_cycles = 0;

	for (uint16_t q = 0; receive && q < conf->n_rxq; q++) {
		const struct mv_dp_rxq *rq = &conf->rxq[q];
		uint16_t n =
			rte_eth_rx_burst(wk->snap->ports[rq->port].port_id, rq->queue, pkts, burst);

		mv_trace_dp_wire_rx(wk->index, rq->port, n);
		if (n > 0)
			dp_wire_rx(wk, rq->port, pkts, n);
		frames += n;
	}
	for (uint32_t i = 0; receive && i < conf->n_poll; i++) {
		struct mv_dp_endpoint *vif = conf->poll[i];
		struct mv_backend *be = __atomic_load_n(&vif->be, __ATOMIC_ACQUIRE);
		uint16_t n;

		if (!dp_pace_may_read(wk, vif))
			continue;
		n = be->ops->rx_burst(be, pkts, burst);

		mv_trace_dp_vif_rx(wk->index, vif->port, vif->slot, n);
		if (n > 0)
			dp_vif_tx(wk, vif, pkts, n);
		frames += n;
	}
	if (receive && conf->n_fd > 0)
		frames += poll_ready_vifs(wk, pkts);
	paced = wk->dp->flood_share < 100 && frames > 0;
	frames += dp_flood_phase(wk, paced);
	dp_flush_stages(wk);
	if (wk->n_free > 0) {
		rte_pktmbuf_free_bulk(wk->to_free, wk->n_free);
		wk->n_free = 0;
	}
	drain_pending(wk);
	while (wk->wire_pending != 0) {
		uint16_t p = (uint16_t)rte_bsf32(wk->wire_pending);

		dp_flush_wire(wk, p);
		wk->wire_pending &= wk->wire_pending - 1;
	}
	return frames;
}

/* The ports whose broadcast queue this worker drains, as of a new snapshot. */
static void
snapshot_changed(struct worker *wk)
{
	wk->n_bc_ports = 0;
	for (uint16_t p = 0; p < MV_MAX_PORTS; p++)
		if (wk->snap->ports[p].active && wk->snap->ports[p].bc_owner == wk->index)
			wk->bc_ports[wk->n_bc_ports++] = p;
}

int
mv_dp_worker_main(void *arg)
{
	struct mv_dp_worker_arg *wa = arg;
	struct mv_dp *dp = wa->dp;
	struct mv_dp_worker_stats *ws = &dp->worker_stats[wa->index];
	const struct mv_dp_snapshot *snap;
	struct worker *wk;

	wk = rte_zmalloc_socket("mv_worker", sizeof(*wk), RTE_CACHE_LINE_SIZE,
				(int)rte_socket_id());
	if (wk == NULL || worker_alloc(wk, dp, wa->index) < 0) {
		if (wk != NULL) {
			rte_free(wk->stage_of);
			rte_free(wk->rcpts);
		}
		rte_free(wk);
		return -ENOMEM;
	}
	rte_rcu_qsbr_thread_register(dp->qsbr, wa->index);
	rte_rcu_qsbr_thread_online(dp->qsbr, wa->index);
	while (!__atomic_load_n(&dp->quit, __ATOMIC_ACQUIRE)) {
		snap = __atomic_load_n(&dp->snap, __ATOMIC_ACQUIRE);
		wk->snap = snap;
		/* by sequence: a new snapshot may get the address of a freed one */
		if (snap != NULL && snap->seq != wk->snap_seq) {
			wk->snap_seq = snap->seq;
			snapshot_changed(wk);
		}
		ws->loops++;
		if (wk->snap != NULL && wk->snap->forwarding) {
			uint64_t t0 = rte_rdtsc();
			unsigned int n = worker_iteration(wk);

			if (n > 0) {
				uint64_t busy = rte_rdtsc() - t0;

				ws->busy_loops++;
				ws->busy_cycles += busy;
				ws->frames += n;
				/* what the broadcast queue's share is measured against */
				wk->other_cycles = busy - RTE_MIN(busy, wk->flood_cycles);
			}
			dp_pace_loop_end(wk, n > 0);
		} else {
			rte_pause();
		}
		rte_rcu_qsbr_quiescent(dp->qsbr, wa->index);
	}
	rte_rcu_qsbr_thread_offline(dp->qsbr, wa->index);
	rte_rcu_qsbr_thread_unregister(dp->qsbr, wa->index);
	rte_free(wk->stage_of);
	rte_free(wk->rcpts);
	rte_free(wk);
	return 0;
}
