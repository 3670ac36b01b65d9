/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_DP_INTERNAL_H
#define MV_DP_INTERNAL_H

/*
 * What the datapath's files share and nothing outside lib/dp sees: a
 * worker's private state and the functions the worker loop, delivery and
 * flooding call across files.
 */

#include <rte_mbuf.h>

#include "mv_datapath.h"

#define MAX_STAGES 128
#define STAGE_KEYS ((size_t)MV_MAX_PORTS * MV_PORT_MAX_VIFS)
#define WIRE_BUF   (2 * MV_DP_MAX_BURST)

_Static_assert(MV_MAX_PORTS <= 32, "wire_pending and published_ports are 32-bit masks");

/* Frames staged for one vif during a burst. */
struct stage {
	struct mv_dp_endpoint *vif;
	uint32_t key; /* port * MV_PORT_MAX_VIFS + slot */
	uint16_t n;
	uint8_t mcast[MV_DP_MAX_BURST];
	struct rte_mbuf *m[MV_DP_MAX_BURST];
};

struct wire_buf {
	uint16_t n;
	struct rte_mbuf *m[WIRE_BUF];
};

/* A worker's private state. */
struct worker {
	struct mv_dp *dp;
	uint16_t index;
	const struct mv_dp_snapshot *snap;
	uint64_t snap_seq;               /* seq of the snapshot the lists below were made from */
	struct mv_dp_port_stats *pstats; /* [MV_MAX_PORTS] */
	uint16_t n_stages;
	int16_t *stage_of; /* [MV_MAX_PORTS * MV_PORT_MAX_VIFS] by port and slot: stage or -1 */
	struct stage stages[MAX_STAGES];
	struct wire_buf wire[MV_MAX_PORTS];
	uint32_t wire_pending; /* bit p: wire[p] holds frames */
	uint16_t n_bc_ports;   /* ports whose broadcast queue it drains */
	uint16_t bc_ports[MV_MAX_PORTS];
	struct mv_rcpt *rcpts; /* [2 * MV_PORT_MAX_VIFS + 1] */
	struct mv_frame_info finfo[MV_DP_MAX_BURST];
	int64_t flood_credit;  /* TSC cycles the broadcast queue may still take */
	uint64_t flood_cycles; /* TSC cycles it took in this loop */
	uint64_t other_cycles; /* TSC cycles the last busy loop spent on the rest */
	uint16_t n_free;
	struct rte_mbuf *to_free[MV_DP_MAX_BURST];
	struct mv_verdict verdicts[MV_DP_MAX_BURST];
};

static inline void
drop(struct worker *wk, uint16_t port, struct rte_mbuf *m, unsigned int reason)
{
	wk->pstats[port].drops[reason]++;
	rte_pktmbuf_free(m);
}

static inline int
parse(struct rte_mbuf *m, struct mv_frame_info *f)
{
	int ret = mv_frame_parse(rte_pktmbuf_mtod(m, const void *), rte_pktmbuf_data_len(m), f);

	f->len = rte_pktmbuf_pkt_len(m);
	return ret;
}

/* deliver.c */
void dp_flush_stages(struct worker *wk);
void dp_deliver(struct worker *wk, uint16_t port, struct rte_mbuf *m, const struct mv_verdict *v,
		uint32_t len);
void dp_flush_wire(struct worker *wk, uint16_t port);
void dp_wire_rx(struct worker *wk, uint16_t port, struct rte_mbuf **pkts, uint16_t n);
void dp_vif_tx(struct worker *wk, struct mv_dp_endpoint *vif, struct rte_mbuf **pkts, uint16_t n);
void dp_vif_drain(struct worker *wk, struct mv_dp_endpoint *vif);

/* flood.c */
unsigned int dp_flood_phase(struct worker *wk, bool paced);

/* placement.c: which worker does what */
uint16_t dp_place_endpoint(const struct mv_dp *dp);
uint16_t dp_place_rxq(const struct mv_dp *dp, uint16_t port, uint16_t queue);
uint16_t dp_place_bc(const struct mv_dp *dp, uint16_t port);

/* dp.c */
/** Wait for a grace period; logs while a worker does not report (stuck in a driver). */
void dp_grace_wait(struct mv_dp *dp, const char *why);

/* endpoint.c */
/** Free the endpoints released before the last publish (after its grace period). */
void dp_endpoints_reclaim(struct mv_dp *dp);
/** Free every endpoint (mv_dp_fini). */
void dp_endpoints_fini(struct mv_dp *dp);

/* snapshot.c */
/** Build and publish a snapshot now, free the replaced one and the released endpoints. */
int dp_publish(struct mv_dp *dp);
/** Withdraw and free the current snapshot (the workers have stopped). */
void dp_snapshot_fini(struct mv_dp *dp);

#endif /* MV_DP_INTERNAL_H */
