/* SPDX-License-Identifier: BSD-3-Clause */
/* Drop reasons and the control thread's view of the per-worker counters. */
#include <string.h>

#include "dp_internal.h"

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
	[MV_DP_DROP_BACKEND_NO_PEER - MV_DROP__COUNT] = "backend-no-peer",
	[MV_DP_DROP_TX_BCRATE - MV_DROP__COUNT] = "tx-bcrate",
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
mv_dp_endpoint_stats_sum(const struct mv_dp *dp, const struct mv_dp_endpoint *ep,
			 struct mv_vif_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (uint16_t w = 0; w <= dp->n_workers; w++) {
		const struct mv_vif_stats *s = &ep->stats[w].s;

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
