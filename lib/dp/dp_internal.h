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
	/* senders' floods, paced per sender (pace.c) */
	bool pace;               /* this loop paces the senders (the last one was busy) */
	bool bc_flooded;         /* the broadcast queue flooded in this loop */
	uint32_t n_senders;      /* vifs that flooded or waited for credit in this loop */
	uint32_t n_senders_last; /* the same in the last loop, the broadcast queue included */
	uint64_t sender_earned;  /* what each sender earned so far (TSC cycles, cumulative) */
	int64_t sender_cap;      /* one loop's earning: no sender hoards more credit */
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

/* pace.c: every sender's flood work bounded as --flood-share bounds the broadcast queue's */
bool dp_pace_may_read(struct worker *wk, struct mv_dp_endpoint *vif);
void dp_pace_charge(struct worker *wk, struct mv_dp_endpoint *vif, uint64_t cycles);
void dp_pace_loop_end(struct worker *wk, bool busy);

/* placement.c: which worker does what */
uint16_t dp_place_endpoint(const struct mv_dp *dp);
uint16_t dp_place_rxq(const struct mv_dp *dp, uint16_t port, uint16_t queue);
uint16_t dp_place_bc(const struct mv_dp *dp, uint16_t port);

/* retire.c: what workers may still see, freed after its grace period */
enum dp_retired_kind {
	DP_RETIRED_SNAPSHOT = 0, /**< a replaced snapshot */
	DP_RETIRED_ENDPOINTS,    /**< a chain of released endpoints (next_released) */
	DP_RETIRED_BACKEND,      /**< a replaced backend */
};
/**
 * Wait for the grace period of @p token (rte_rcu_qsbr_start) for at most
 * @p ms: true when it passed; false after logging the workers that did not
 * report (why: what waited).
 */
bool dp_grace_wait(struct mv_dp *dp, uint64_t token, unsigned int ms, const char *why);
/**
 * Free @p obj (of @p kind) after the grace period of @p token: now if it
 * passes within MV_DP_GRACE_WAIT_MS (and nothing older waits), else when
 * mv_dp_reclaim() sees it passed.
 */
void dp_retire(struct mv_dp *dp, uint8_t kind, void *obj, uint64_t token, const char *why);
/** Free everything retired, passed or not (the workers have stopped). */
void dp_retired_fini(struct mv_dp *dp);

/* endpoint.c */
/** Take the chain of endpoints released so far (to retire them with a snapshot). */
struct mv_dp_endpoint *dp_endpoints_take_released(struct mv_dp *dp);
/** Free a chain of released endpoints (after their grace period). */
void dp_endpoint_list_free(struct mv_dp *dp, void *chain);
/** Free every endpoint (mv_dp_fini). */
void dp_endpoints_fini(struct mv_dp *dp);

/* snapshot.c */
/** Build and publish a snapshot now, free the replaced one and the released endpoints. */
int dp_publish(struct mv_dp *dp);
/** Withdraw and free the current snapshot (the workers have stopped). */
void dp_snapshot_fini(struct mv_dp *dp);
/** Free a snapshot no worker sees any more. */
void dp_snapshot_free(void *snap);

#endif /* MV_DP_INTERNAL_H */
