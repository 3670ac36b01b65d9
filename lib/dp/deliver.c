/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Delivery: each frame is parsed, classified and delivered by reference: one
 * mbuf, its reference count raised to the number of receivers. Deliveries
 * to endpoints are staged per endpoint and enqueued in bulk at the end of
 * each burst; frames for the wire are sent in bulk per port. Every mbuf ends
 * delivered or freed and counted under a named reason.
 */
#include <rte_ethdev.h>
#include <rte_prefetch.h>

#include "dp_internal.h"
#include "mv_ingress.h"

static inline void *
pending_key(const struct mv_dp_endpoint *vif)
{
	return (void *)(uintptr_t)((uint32_t)vif->port << 16 | vif->slot);
}

/*
 * Put @p vif on its owner's pending ring unless it is there already. The
 * owner clears the flag before it drains, so no delivery goes unnoticed.
 */
static inline void
schedule(struct mv_dp *dp, struct mv_dp_endpoint *vif)
{
	if (__atomic_exchange_n(&vif->scheduled, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (rte_ring_mp_enqueue(dp->pending[vif->owner], pending_key(vif)) != 0)
		__atomic_store_n(&vif->scheduled, 0, __ATOMIC_RELEASE);
}

/* The drop reason of each enum mv_backend_tx_fail. */
static const uint8_t tx_fail_reason[8] = {
	[MV_BACKEND_TX_FULL] = MV_DP_DROP_BACKEND_FULL,
	[MV_BACKEND_TX_DOWN] = MV_DP_DROP_BACKEND_DOWN,
	[MV_BACKEND_TX_GONE] = MV_DP_DROP_BACKEND_GONE,
	[MV_BACKEND_TX_REFUSED] = MV_DP_DROP_BACKEND_ERROR,
	[MV_BACKEND_TX_NO_PEER] = MV_DP_DROP_BACKEND_NO_PEER,
	[5] = MV_DP_DROP_BACKEND_ERROR, /* unknown reasons: an error */
	[6] = MV_DP_DROP_BACKEND_ERROR,
	[7] = MV_DP_DROP_BACKEND_ERROR,
};

/*
 * Hand @p n frames to @p vif's backend and count them: what the backend
 * delivered is the vif's received frames, the rest a named drop. The owner
 * calls tx_burst; another worker (@p from_any) calls tx_burst_from on a
 * queue of its own, and stops at MV_BACKEND_TX_NO_QUEUE: the frames from
 * there on are the caller's again. @p len and @p mcast: each frame's length
 * and multicast flag, read before (the backend may free what it takes).
 * Returns the frames handled (delivered or dropped).
 */
static unsigned int
backend_tx(struct worker *wk, struct mv_dp_endpoint *vif, bool from_any, struct rte_mbuf **m,
	   unsigned int n, const uint32_t *len, const uint8_t *mcast)
{
	struct mv_backend *be = __atomic_load_n(&vif->be, __ATOMIC_ACQUIRE);
	struct mv_vif_stats *s = &vif->stats[wk->index].s;
	unsigned int off = 0;

	while (off < n) {
		unsigned int sent, k;
		uint8_t fail;

		if (from_any) {
			sent = be->ops->tx_burst_from(be, wk->index, &m[off], (uint16_t)(n - off),
						      &fail);
		} else {
			sent = be->ops->tx_burst(be, &m[off], (uint16_t)(n - off));
			fail = be->tx_fail;
		}
		s->rx_packets += sent;
		for (unsigned int i = off; i < off + sent; i++) {
			s->rx_bytes += len[i];
			s->rx_multicast += mcast[i];
		}
		off += sent;
		if (off == n)
			break;
		if (from_any && fail == MV_BACKEND_TX_NO_QUEUE)
			return off;
		/* a frame refused alone: drop it, offer the rest again */
		k = fail == MV_BACKEND_TX_REFUSED ? 1 : n - off;
		s->rx_dropped += k;
		wk->pstats[vif->port].drops[tx_fail_reason[fail & 7]] += k;
		rte_pktmbuf_free_bulk(&m[off], k);
		off += k;
	}
	return n;
}

/*
 * Hand a vif its staged frames. Its owner gives them straight to the backend
 * when nothing waits in the vif's ring (the ring exists to take frames from
 * other workers in order); so does another worker when the backend has a
 * queue of its own for it (multi-queue); anyone else enqueues and schedules
 * the owner, which counts them when its backend takes them (vif_drain).
 */
static void
flush_stage(struct worker *wk, struct stage *st)
{
	struct mv_dp_endpoint *vif = st->vif;
	uint32_t len[MV_DP_MAX_BURST];
	void *e[MV_DP_MAX_BURST];
	unsigned int sent, done = 0;

	/* not scheduled: nothing waits in the ring (saves reading the ring's lines) */
	if (vif->owner == wk->index && !__atomic_load_n(&vif->scheduled, __ATOMIC_ACQUIRE)) {
		for (unsigned int i = 0; i < st->n; i++)
			len[i] = rte_pktmbuf_pkt_len(st->m[i]);
		backend_tx(wk, vif, false, st->m, st->n, len, st->mcast);
		st->n = 0;
		return;
	}
	if (vif->tx_from_any && vif->owner != wk->index) {
		for (unsigned int i = 0; i < st->n; i++)
			len[i] = rte_pktmbuf_pkt_len(st->m[i]);
		done = backend_tx(wk, vif, true, st->m, st->n, len, st->mcast);
		if (done == st->n) {
			st->n = 0;
			return;
		}
	}
	/* mbufs are cache-line aligned: bit 0 carries the multicast flag */
	for (unsigned int i = done; i < st->n; i++)
		e[i - done] = (void *)((uintptr_t)st->m[i] | st->mcast[i]);
	sent = rte_ring_mp_enqueue_burst(vif->ring, e, st->n - done, NULL);
	if (sent > 0)
		schedule(wk->dp, vif);
	if (done + sent < st->n) {
		vif->stats[wk->index].s.rx_dropped += st->n - done - sent;
		wk->pstats[vif->port].drops[MV_DP_DROP_VIF_RING_FULL] += st->n - done - sent;
		rte_pktmbuf_free_bulk(&st->m[done + sent], st->n - done - sent);
	}
	st->n = 0;
}

void
dp_flush_stages(struct worker *wk)
{
	for (uint16_t i = 0; i < wk->n_stages; i++) {
		struct stage *st = &wk->stages[i];

		if (st->n > 0)
			flush_stage(wk, st);
		wk->stage_of[st->key] = -1;
	}
	wk->n_stages = 0;
}

/* Stage @p m for @p vif (in @p slot of @p port) until the end of the loop. */
static inline void
stage(struct worker *wk, uint16_t port, uint16_t slot, struct mv_dp_endpoint *vif,
      struct rte_mbuf *m, uint8_t mcast)
{
	uint32_t key = (uint32_t)port * MV_PORT_MAX_VIFS + slot;
	int16_t idx = wk->stage_of[key];
	struct stage *st;

	if (idx < 0) {
		if (wk->n_stages == MAX_STAGES)
			dp_flush_stages(wk);
		idx = (int16_t)wk->n_stages++;
		wk->stage_of[key] = idx;
		wk->stages[idx].vif = vif;
		wk->stages[idx].key = key;
		wk->stages[idx].n = 0;
	}
	st = &wk->stages[idx];
	if (st->n == MV_DP_MAX_BURST)
		flush_stage(wk, st);
	st->mcast[st->n] = mcast;
	st->m[st->n++] = m;
}

/* Frames dropped in the common case are freed in bulk at the end of the loop. */
static inline void
free_later(struct worker *wk, struct rte_mbuf *m)
{
	if (wk->n_free == RTE_DIM(wk->to_free)) {
		rte_pktmbuf_free_bulk(wk->to_free, wk->n_free);
		wk->n_free = 0;
	}
	wk->to_free[wk->n_free++] = m;
}

/*
 * A delivery served in place (@p kind: the slot's mv_dp_slot_kind): a sink
 * counts it on the vif; a vif whose backend is gone drops it
 * (backend-gone). Nothing is handed over either way.
 */
static inline void
sink_count(struct worker *wk, uint16_t port, uint8_t kind, struct mv_dp_endpoint *vif, uint32_t len,
	   uint8_t mcast)
{
	struct mv_vif_stats *s = &vif->stats[wk->index].s;

	if (unlikely(kind != MV_DP_SLOT_SINK)) {
		s->rx_dropped++;
		wk->pstats[port].drops[MV_DP_DROP_BACKEND_GONE]++;
		return;
	}
	s->rx_packets++;
	s->rx_bytes += len;
	s->rx_multicast += mcast;
}

/* Deliver @p m, whose only receiver is the vif in @p slot. */
static inline void
to_vif(struct worker *wk, uint16_t port, uint16_t slot, struct rte_mbuf *m, uint32_t len)
{
	const struct mv_dp_port *dport = &wk->snap->ports[port];
	struct mv_dp_endpoint *vif = dport->vifs[slot];

	if (dport->sink[slot]) {
		sink_count(wk, port, dport->sink[slot], vif, len, 0);
		free_later(wk, m);
		return;
	}
	stage(wk, port, slot, vif, m, 0);
}

void
dp_flush_wire(struct worker *wk, uint16_t port)
{
	struct wire_buf *wb = &wk->wire[port];
	uint16_t port_id = wk->snap->ports[port].port_id;
	uint16_t sent = rte_eth_tx_burst(port_id, wk->index, wb->m, wb->n);
	struct mv_dp_port_stats *ps = &wk->pstats[port];

	for (uint16_t i = 0; i < sent; i++)
		ps->tx_bytes += rte_pktmbuf_pkt_len(wb->m[i]);
	ps->tx_packets += sent;
	if (sent < wb->n) {
		ps->drops[MV_DP_DROP_WIRE_FULL] += wb->n - sent;
		rte_pktmbuf_free_bulk(&wb->m[sent], wb->n - sent);
	}
	wb->n = 0;
}

static inline void
to_wire(struct worker *wk, uint16_t port, struct rte_mbuf *m)
{
	struct wire_buf *wb = &wk->wire[port];

	if (wb->n == WIRE_BUF)
		dp_flush_wire(wk, port);
	wb->m[wb->n++] = m;
	wk->wire_pending |= UINT32_C(1) << port;
}

/*
 * Execute a verdict for @p m on @p port. The mbuf's reference count is set to
 * the number of receivers that keep it (sinks count the frame and keep
 * nothing), then each of them takes one reference.
 */
void
dp_deliver(struct worker *wk, uint16_t port, struct rte_mbuf *m, const struct mv_verdict *v,
	   uint32_t len)
{
	const struct mv_dp_port *dport = &wk->snap->ports[port];
	const struct mv_fib *fib = dport->fib;
	unsigned int n_rc = 0, refs = 0, sunk = 0;
	bool queue = (v->act & MV_ACT_QUEUE) != 0;

	/* the common cases: unicast to one vif, or for the lower's stack only */
	if (likely(v->act == MV_ACT_VIF)) {
		to_vif(wk, port, v->vif, m, len);
		return;
	}
	if (v->act == MV_ACT_LOWER) {
		wk->pstats[port].lower_packets++;
		wk->pstats[port].drops[MV_DP_DROP_LOWER_NO_HOST]++;
		free_later(wk, m);
		return;
	}
	if (v->act & (MV_ACT_VIF | MV_ACT_SOURCES | (queue ? 0 : MV_ACT_FLOOD))) {
		struct mv_verdict now = *v;

		if (queue)
			now.act &= (uint8_t)~MV_ACT_FLOOD;
		n_rc = mv_verdict_expand(fib, &now, len, wk->rcpts, mv_verdict_max_rcpts(fib));
	}
	for (unsigned int i = 0; i < n_rc; i++) {
		struct mv_rcpt *rc = &wk->rcpts[i];
		struct mv_dp_endpoint *vif = dport->vifs[rc->slot];

		if (rc->kind == MV_RCPT_TOO_BIG) {
			vif->stats[wk->index].s.rx_errors++;
		} else if (dport->sink[rc->slot]) {
			sink_count(wk, port, dport->sink[rc->slot], vif, len,
				   rc->kind == MV_RCPT_FLOOD);
			sunk++;
		} else {
			refs++;
		}
	}
	refs += !!(v->act & MV_ACT_WIRE) + !!(v->act & MV_ACT_LOWER) + queue;
	if (refs == 0) {
		if (sunk > 0)
			free_later(wk, m);
		else
			drop(wk, port, m, v->drop != MV_DROP_NONE ? v->drop : MV_DROP_NO_RECEIVER);
		return;
	}
	if (refs > 1)
		rte_mbuf_refcnt_update(m, (int16_t)(refs - 1));
	for (unsigned int i = 0; i < n_rc; i++) {
		const struct mv_rcpt *rc = &wk->rcpts[i];

		if (rc->kind == MV_RCPT_TOO_BIG || dport->sink[rc->slot])
			continue; /* refused, or served above */
		stage(wk, port, rc->slot, dport->vifs[rc->slot], m, rc->kind == MV_RCPT_FLOOD);
	}
	if (v->act & MV_ACT_WIRE)
		to_wire(wk, port, m);
	if (v->act & MV_ACT_LOWER) {
		/* the lower's own stack: no host interface yet */
		wk->pstats[port].lower_packets++;
		drop(wk, port, m, MV_DP_DROP_LOWER_NO_HOST);
	}
	if (queue) {
		if (rte_ring_count(dport->bc_ring) >= fib->bc_queue_len ||
		    rte_ring_mp_enqueue(dport->bc_ring, m) != 0)
			drop(wk, port, m, MV_DP_DROP_BC_QUEUE_FULL);
	}
}

/*
 * The ingress checks (mv_ingress_check) of a frame a NIC at the port's MTU
 * would accept, or a vif at its MTU would send: the chain walked (at most
 * nb_segs + 1 segments), the decision the core's. Called for chains and
 * frames over the limit; a single segment within it needs only the parse.
 * Returns the drop reason, or MV_DROP_NONE with @p f parsed.
 */
static unsigned int
ingress_check(const struct rte_mbuf *m, uint32_t max_len, struct mv_frame_info *f)
{
	struct mv_ingress_frame in = {
		.pkt_len = rte_pktmbuf_pkt_len(m),
		.nb_segs = m->nb_segs,
		.data = rte_pktmbuf_mtod(m, const void *),
		.data_len = rte_pktmbuf_data_len(m),
	};

	for (const struct rte_mbuf *s = m; s != NULL && in.segs_seen <= in.nb_segs; s = s->next) {
		in.segs_seen++;
		in.seg_sum += rte_pktmbuf_data_len(s);
	}
	switch (mv_ingress_check(&in, max_len, f)) {
	case MV_INGRESS_OK:
		return MV_DROP_NONE;
	case MV_INGRESS_RUNT:
		return MV_DROP_RUNT;
	default:
		return MV_DP_DROP_RX_BAD_LENGTH;
	}
}

/* A frame's ingress verdict: the fast case inline, the rest by ingress_check(). */
static inline unsigned int
ingress(struct rte_mbuf *m, uint32_t max_len, struct mv_frame_info *f)
{
	uint32_t len = rte_pktmbuf_pkt_len(m);

	/* one segment holding it all, within the limit: the only check it needs */
	if (unlikely(len != rte_pktmbuf_data_len(m) || len > max_len))
		return ingress_check(m, max_len, f);
	return unlikely(parse(m, f) < 0) ? MV_DROP_RUNT : MV_DROP_NONE;
}

/* Frames from the wire on @p port. */
void
dp_wire_rx(struct worker *wk, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	const struct mv_dp_port *dport = &wk->snap->ports[port];
	struct mv_dp_endpoint *const *vifs = dport->vifs;
	const uint8_t *sink = dport->sink;
	struct mv_frame_info *finfo = wk->finfo;
	struct mv_verdict *verdicts = wk->verdicts;
	struct mv_dp_port_stats *ps = &wk->pstats[port];
	const uint32_t max_len = dport->rx_max_len;
	uint64_t bytes = 0;
	uint16_t k = 0;

	/* parse, dropping runts and frames of a bad length, compacting the burst */
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		unsigned int reason;

		bytes += rte_pktmbuf_pkt_len(m);
		reason = ingress(m, max_len, &finfo[k]);
		if (unlikely(reason != MV_DROP_NONE)) {
			drop(wk, port, m, reason);
			continue;
		}
		pkts[k++] = m;
	}
	ps->rx_bytes += bytes;
	ps->rx_packets += n;
	/*
	 * Room on the free list for every frame of the burst, so a sink's frame
	 * is appended without a check: each frame adds at most one entry, here
	 * or in dp_deliver() (whose free_later() only ever makes room).
	 */
	if (wk->n_free > RTE_DIM(wk->to_free) - k) {
		rte_pktmbuf_free_bulk(wk->to_free, wk->n_free);
		wk->n_free = 0;
	}
	mv_classify_rx_burst(dport->fib, finfo, verdicts, k);
	/* fetch the receivers' lines (the vif and this worker's counters) in parallel */
	for (uint16_t i = 0; i < k; i++) {
		if (verdicts[i].act == MV_ACT_VIF) {
			uint16_t slot = verdicts[i].vif;
			const struct mv_dp_endpoint *vif = vifs[slot];

			if (!sink[slot])
				rte_prefetch0(vif);
			rte_prefetch0(&vif->stats[wk->index]);
		}
	}
	for (uint16_t i = 0; i < k; i++) {
		const struct mv_verdict *v = &verdicts[i];
		uint16_t slot = v->vif;

		if (unlikely(v->act != MV_ACT_VIF)) {
			dp_deliver(wk, port, pkts[i], v, finfo[i].len);
		} else if (sink[slot]) {
			/* to_vif() for a sink, with this burst's fields at hand */
			sink_count(wk, port, sink[slot], vifs[slot], finfo[i].len, 0);
			wk->to_free[wk->n_free++] = pkts[i];
		} else {
			stage(wk, port, slot, vifs[slot], pkts[i], 0);
		}
	}
}

/* Frames a vif's backend offers: the vif transmits them. */
void
dp_vif_tx(struct worker *wk, struct mv_dp_endpoint *vif, struct rte_mbuf **pkts, uint16_t n)
{
	const struct mv_fib *fib = wk->snap->ports[vif->port].fib;
	struct mv_vif_stats *s = &vif->stats[wk->index].s;
	/* what a NIC at the vif's MTU sends (a guest may send anything) */
	const uint32_t max_len = fib->vifs[vif->slot].mtu + MV_DP_RX_L2_OVERHEAD;
	const uint32_t bcrate = fib->vifs[vif->slot].bcrate;
	uint64_t flood_cycles = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct mv_frame_info f;
		struct mv_verdict v;
		unsigned int reason;

		/* a backend's chain must hold what it claims, too, within the vif's MTU */
		reason = ingress(pkts[i], max_len, &f);
		if (unlikely(reason != MV_DROP_NONE)) {
			s->tx_dropped++;
			drop(wk, vif->port, pkts[i], reason);
			continue;
		}
		v = mv_classify_tx(fib, vif->slot, &f);
		if (v.act == 0 && v.drop != MV_DROP_NONE && v.drop != MV_DROP_NODST &&
		    v.drop != MV_DROP_LOCAL_LOWER) {
			/* refused before it left the vif */
			s->tx_dropped++;
			drop(wk, vif->port, pkts[i], v.drop);
			continue;
		}
		/* the vif's broadcast/multicast policer (bcrate; the core decides) */
		if (unlikely(bcrate != 0) && mv_mac_is_group(f.dst) &&
		    !mv_policer_conform(&vif->bcrate, rte_rdtsc(), rte_get_tsc_hz(), bcrate,
					mv_policer_depth(bcrate, wk->dp->burst))) {
			s->tx_dropped++;
			drop(wk, vif->port, pkts[i], MV_DP_DROP_TX_BCRATE);
			continue;
		}
		s->tx_packets++;
		s->tx_bytes += f.len;
		if (v.act & MV_ACT_FLOOD) {
			/* what its floods cost is the sender's (pace.c) */
			uint64_t t0 = rte_rdtsc();

			dp_deliver(wk, vif->port, pkts[i], &v, f.len);
			flood_cycles += rte_rdtsc() - t0;
		} else {
			dp_deliver(wk, vif->port, pkts[i], &v, f.len);
		}
	}
	if (flood_cycles > 0)
		dp_pace_charge(wk, vif, flood_cycles);
}

/* Send what other workers delivered to @p vif to its backend, and count it. */
void
dp_vif_drain(struct worker *wk, struct mv_dp_endpoint *vif)
{
	struct rte_mbuf *m[MV_DP_MAX_BURST];
	void *e[MV_DP_MAX_BURST];
	uint32_t len[MV_DP_MAX_BURST];
	uint8_t mcast[MV_DP_MAX_BURST];
	unsigned int n, left;

	__atomic_store_n(&vif->scheduled, 0, __ATOMIC_RELEASE);
	n = rte_ring_sc_dequeue_burst(vif->ring, e, wk->dp->burst, &left);
	if (left > 0)
		schedule(wk->dp, vif);
	for (unsigned int i = 0; i < n; i++) {
		m[i] = mv_dp_ring_mbuf(e[i]);
		mcast[i] = (uint8_t)((uintptr_t)e[i] & 1);
		len[i] = rte_pktmbuf_pkt_len(m[i]);
	}
	if (n > 0)
		backend_tx(wk, vif, false, m, n, len, mcast);
}
