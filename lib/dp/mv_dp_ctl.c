/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The datapath as the control thread sees it: setup, publishing snapshots,
 * the workers' epoll sets, the names of the drop reasons, the sums of the
 * per-worker counters, and the counted release of what is left in a ring.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "mv_datapath.h"

int
mv_dp_init(struct mv_dp *dp, uint16_t n_workers, uint16_t burst, int socket_id)
{
	size_t sz;

	memset(dp, 0, sizeof(*dp));
	if (n_workers == 0 || n_workers > MV_DP_MAX_WORKERS || burst == 0 ||
	    burst > MV_DP_MAX_BURST)
		return -EINVAL;
	dp->n_workers = n_workers;
	dp->burst = burst;
	dp->flood_share = MV_DP_DEFAULT_FLOOD_SHARE;
	for (uint16_t w = 0; w < MV_DP_MAX_WORKERS; w++)
		dp->epfd[w] = -1;
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
			rte_ring_create(name, 2 * MV_DP_MAX_VIFS, socket_id, RING_F_SC_DEQ);
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
	return 0;
fail:
	mv_dp_fini(dp);
	return -ENOMEM;
}

void
mv_dp_fini(struct mv_dp *dp)
{
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

struct mv_dp_snapshot *
mv_dp_publish(struct mv_dp *dp, struct mv_dp_snapshot *snap)
{
	struct mv_dp_snapshot *old;

	if (snap != NULL)
		snap->seq = ++dp->seq;
	old = __atomic_exchange_n(&dp->snap, snap, __ATOMIC_ACQ_REL);

	rte_rcu_qsbr_synchronize(dp->qsbr, RTE_QSBR_THRID_INVALID);
	return old;
}

int
mv_dp_vif_watch(struct mv_dp *dp, struct mv_dp_vif *vif, bool add)
{
	struct epoll_event ev;
	int fd;

	if (vif->be->ops->rx_fd == NULL)
		return 0;
	fd = vif->be->ops->rx_fd(vif->be);
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = (uint64_t)vif->port << 16 | vif->slot;
	if (epoll_ctl(dp->epfd[vif->owner], add ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, fd, &ev) < 0)
		return -errno;
	return 0;
}

static const char *const dp_drop_names[MV_DP_DROP__COUNT - MV_DROP__COUNT] = {
	[MV_DP_DROP_LOWER_NO_HOST - MV_DROP__COUNT] = "lower-no-host-if",
	[MV_DP_DROP_BC_QUEUE_FULL - MV_DROP__COUNT] = "bc-queue-full",
	[MV_DP_DROP_VIF_RING_FULL - MV_DROP__COUNT] = "vif-ring-full",
	[MV_DP_DROP_BACKEND_FULL - MV_DROP__COUNT] = "backend-full",
	[MV_DP_DROP_WIRE_FULL - MV_DROP__COUNT] = "wire-tx-full",
	[MV_DP_DROP_STOPPED - MV_DROP__COUNT] = "stopped",
	[MV_DP_DROP_VIF_GONE - MV_DROP__COUNT] = "vif-deleted",
	[MV_DP_DROP_RX_BAD_LENGTH - MV_DROP__COUNT] = "rx-bad-length",
	[MV_DP_DROP_BACKEND_DOWN - MV_DROP__COUNT] = "backend-down",
	[MV_DP_DROP_BACKEND_GONE - MV_DROP__COUNT] = "backend-gone",
	[MV_DP_DROP_BACKEND_ERROR - MV_DROP__COUNT] = "backend-error",
};

const char *
mv_dp_drop_name(unsigned int reason)
{
	if (reason < MV_DROP__COUNT)
		return mv_drop_name(reason);
	if (reason < MV_DP_DROP__COUNT)
		return dp_drop_names[reason - MV_DROP__COUNT];
	return "unknown";
}

void
mv_dp_vif_stats_sum(const struct mv_dp *dp, const struct mv_dp_vif *vif, struct mv_vif_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (uint16_t w = 0; w <= dp->n_workers; w++) {
		const struct mv_vif_stats *s = &vif->stats[w].s;

		out->rx_packets += s->rx_packets;
		out->rx_bytes += s->rx_bytes;
		out->rx_multicast += s->rx_multicast;
		out->rx_errors += s->rx_errors;
		out->rx_dropped += s->rx_dropped;
		out->tx_packets += s->tx_packets;
		out->tx_bytes += s->tx_bytes;
		out->tx_dropped += s->tx_dropped;
	}
}

void
mv_dp_port_stats_sum(const struct mv_dp *dp, uint16_t port, struct mv_dp_port_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (uint16_t w = 0; w <= dp->n_workers; w++) {
		const struct mv_dp_port_stats *s = &dp->port_stats[w][port];

		out->rx_packets += s->rx_packets;
		out->rx_bytes += s->rx_bytes;
		out->tx_packets += s->tx_packets;
		out->tx_bytes += s->tx_bytes;
		out->lower_packets += s->lower_packets;
		for (unsigned int i = 0; i < MV_DP_DROP__COUNT; i++)
			out->drops[i] += s->drops[i];
	}
}

void
mv_dp_drain_ring(struct mv_dp *dp, struct rte_ring *ring, uint16_t port, unsigned int reason)
{
	struct mv_dp_port_stats *ps = &dp->port_stats[dp->n_workers][port];
	struct rte_mbuf *m[64];
	unsigned int n;

	if (ring == NULL)
		return;
	while ((n = rte_ring_dequeue_burst(ring, (void **)m, RTE_DIM(m), NULL)) > 0) {
		for (unsigned int i = 0; i < n; i++)
			m[i] = mv_dp_ring_mbuf(m[i]);
		rte_pktmbuf_free_bulk(m, n);
		ps->drops[reason] += n;
	}
}
