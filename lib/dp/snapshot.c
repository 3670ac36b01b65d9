/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Snapshots: built from the core's tables (the ports and their fibs) and the
 * endpoints the datapath holds by (port, slot), published through RCU. The
 * replaced snapshot, and the endpoints released before the publish, are
 * freed after its grace period. A commit publishes only when something a
 * snapshot is built from moved.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_malloc.h>

#include "dp_internal.h"
#include "mv_log.h"

void
dp_snapshot_free(void *arg)
{
	struct mv_dp_snapshot *snap = arg;

	if (snap == NULL)
		return;
	for (unsigned int p = 0; p < MV_MAX_PORTS; p++) {
		rte_free((void *)(uintptr_t)snap->ports[p].fib);
		rte_free(snap->ports[p].vifs);
	}
	for (unsigned int w = 0; w < snap->n_workers; w++)
		rte_free(snap->workers[w].poll);
	rte_free(snap);
}

/* Is port @p p part of a snapshot? */
static bool
port_present(const struct mv_dp *dp, unsigned int p)
{
	return dp->ctl->ports[p] != NULL && dp->ports[p].attached;
}

static int
build_port(struct mv_dp *dp, struct mv_dp_snapshot *snap, const struct mv_port *port)
{
	const struct mv_dp_port_conf *pc = &dp->ports[port->id];
	struct mv_dp_port *dport = &snap->ports[port->id];
	size_t size = mv_fib_size(port);
	void *mem = rte_malloc("mv_fib", size, RTE_CACHE_LINE_SIZE);
	const struct mv_fib *fib;

	if (mem == NULL)
		return -ENOMEM;
	fib = mv_fib_build(port, mem, size);
	dport->fib = fib;
	dport->active = true;
	dport->port_id = pc->port_id;
	dport->bc_ring = pc->bc_ring;
	dport->bc_owner = dp_place_bc(dp, port->id);
	/* what a NIC at this MTU accepts, and never more than the device itself */
	dport->rx_max_len = port->mtu + MV_DP_WIRE_L2_OVERHEAD;
	if (pc->max_rx_pktlen != 0 && pc->max_rx_pktlen < dport->rx_max_len)
		dport->rx_max_len = pc->max_rx_pktlen;
	/* vifs[] and sink[] in one block */
	dport->vifs = rte_zmalloc(
		"mv_dp_vifs", (fib->n_slots + 1u) * (sizeof(*dport->vifs) + sizeof(*dport->sink)),
		RTE_CACHE_LINE_SIZE);
	if (dport->vifs == NULL)
		return -ENOMEM;
	dport->sink = (uint8_t *)(dport->vifs + fib->n_slots + 1u);
	for (uint32_t slot = 0; slot < fib->n_slots; slot++) {
		struct mv_dp_endpoint *ep = pc->vifs[slot];
		struct mv_dp_worker_conf *wc;

		if (ep == NULL)
			continue;
		dport->vifs[slot] = ep;
		dport->sink[slot] = ep->gone   ? MV_DP_SLOT_GONE
				    : ep->sink ? MV_DP_SLOT_SINK
					       : MV_DP_SLOT_STAGED;
		if (ep->gone)
			continue; /* out of its owner's epoll set, not polled */
		/* only backends that can send need polling; those with an fd through epoll */
		wc = &snap->workers[ep->owner];
		if (ep->be->ops->rx_burst != NULL && ep->be->ops->rx_fd != NULL)
			wc->n_fd++;
		else if (ep->be->ops->rx_burst != NULL)
			wc->poll[wc->n_poll++] = ep;
	}
	for (uint16_t q = 0; q < pc->n_rxq; q++) {
		struct mv_dp_worker_conf *wc = &snap->workers[dp_place_rxq(dp, port->id, q)];

		if (wc->n_rxq < MV_DP_MAX_RXQ) {
			wc->rxq[wc->n_rxq].port = port->id;
			wc->rxq[wc->n_rxq].queue = q;
			wc->n_rxq++;
		}
	}
	return 0;
}

static struct mv_dp_snapshot *
snapshot_swap(struct mv_dp *dp, struct mv_dp_snapshot *snap)
{
	struct mv_dp_snapshot *old;

	if (snap != NULL)
		snap->seq = ++dp->seq;
	old = __atomic_exchange_n(&dp->snap, snap, __ATOMIC_ACQ_REL);
	return old;
}

int
dp_publish(struct mv_dp *dp)
{
	struct mv_dp_snapshot *snap, *old;
	uint32_t present = 0;
	uint64_t token;
	uint64_t gen[MV_MAX_PORTS] = { 0 };
	uint32_t n_freed;

	snap = rte_zmalloc("mv_snapshot", sizeof(*snap), RTE_CACHE_LINE_SIZE);
	if (snap == NULL)
		return -ENOMEM;
	snap->forwarding = dp->forwarding;
	snap->n_workers = dp->n_workers;
	for (uint16_t w = 0; w < dp->n_workers; w++) {
		snap->workers[w].poll =
			rte_zmalloc("mv_worker_poll", (dp->load[w] + 1u) * sizeof(void *), 0);
		if (snap->workers[w].poll == NULL)
			goto nomem;
	}
	for (unsigned int p = 0; p < MV_MAX_PORTS; p++) {
		if (!port_present(dp, p))
			continue;
		if (build_port(dp, snap, dp->ctl->ports[p]) < 0)
			goto nomem;
		present |= UINT32_C(1) << p;
		gen[p] = dp->ctl->ports[p]->generation;
	}
	old = snapshot_swap(dp, snap);
	/* the old snapshot and the endpoints released before this publish go together */
	n_freed = dp->n_released;
	token = rte_rcu_qsbr_start(dp->qsbr);
	dp_retire(dp, DP_RETIRED_SNAPSHOT, old, token, "publishing");
	dp_retire(dp, DP_RETIRED_ENDPOINTS, dp_endpoints_take_released(dp), token, "publishing");
	MV_LOG(DEBUG, dp, "snapshot %" PRIu64 " published, %u released endpoints retired", dp->seq,
	       n_freed);
	dp->published_ports = present;
	memcpy(dp->published_gen, gen, sizeof(gen));
	dp->published_changes = dp->changes;
	return 0;
nomem:
	dp_snapshot_free(snap);
	return -ENOMEM;
}

/* Did anything a snapshot is built from move since the last publish? */
static bool
moved(const struct mv_dp *dp)
{
	if (dp->snap == NULL || dp->changes != dp->published_changes)
		return true;
	for (unsigned int p = 0; p < MV_MAX_PORTS; p++) {
		bool present = port_present(dp, p);

		if (present != ((dp->published_ports >> p) & 1))
			return true;
		if (present && dp->ctl->ports[p]->generation != dp->published_gen[p])
			return true;
	}
	return false;
}

int
mv_dp_commit(struct mv_dp *dp)
{
	int ret;

	mv_dp_reclaim(dp);
	if (!moved(dp))
		return 0;
	ret = dp_publish(dp);
	return ret < 0 ? ret : 1;
}

void
dp_snapshot_fini(struct mv_dp *dp)
{
	if (dp->snap != NULL)
		dp_snapshot_free(snapshot_swap(dp, NULL));
}
