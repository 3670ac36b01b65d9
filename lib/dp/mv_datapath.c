/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker loop. Each frame is parsed, classified and delivered by
 * reference: one mbuf, its reference count raised to the number of
 * receivers. Deliveries to vifs are staged per vif and enqueued in bulk at
 * the end of each burst; frames for the wire are sent in bulk per port.
 * Every mbuf ends delivered or freed and counted under a named reason.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>

#include "mv_datapath.h"

#define MAX_STAGES 128
#define STAGE_KEYS ((size_t)MV_MAX_PORTS * MV_PORT_MAX_VIFS)
#define WIRE_BUF   (2 * MV_DP_MAX_BURST)

_Static_assert(MV_MAX_PORTS <= 32, "wire_pending is a 32-bit mask");

/* Frames staged for one vif during a burst. */
struct stage {
	struct mv_dp_vif *vif;
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

/* ---- delivery ---- */

static inline void
drop(struct worker *wk, uint16_t port, struct rte_mbuf *m, unsigned int reason)
{
	wk->pstats[port].drops[reason]++;
	rte_pktmbuf_free(m);
}

static inline void *
pending_key(const struct mv_dp_vif *vif)
{
	return (void *)(uintptr_t)((uint32_t)vif->port << 16 | vif->slot);
}

/*
 * Put @p vif on its owner's pending ring unless it is there already. The
 * owner clears the flag before it drains, so no delivery goes unnoticed.
 */
static inline void
schedule(struct mv_dp *dp, struct mv_dp_vif *vif)
{
	if (__atomic_exchange_n(&vif->scheduled, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (rte_ring_mp_enqueue(dp->pending[vif->owner], pending_key(vif)) != 0)
		__atomic_store_n(&vif->scheduled, 0, __ATOMIC_RELEASE);
}

/* The drop reason of each enum mv_backend_tx_fail. */
static const uint8_t tx_fail_reason[4] = {
	[MV_BACKEND_TX_FULL] = MV_DP_DROP_BACKEND_FULL,
	[MV_BACKEND_TX_DOWN] = MV_DP_DROP_BACKEND_DOWN,
	[MV_BACKEND_TX_GONE] = MV_DP_DROP_BACKEND_GONE,
	[MV_BACKEND_TX_REFUSED] = MV_DP_DROP_BACKEND_ERROR,
};

/*
 * Hand @p n frames to @p vif's backend (its owner only) and count them: what
 * the backend delivered is the vif's received frames, the rest a named drop.
 * @p len and @p mcast: each frame's length and multicast flag, read before
 * (the backend may free what it takes).
 */
static void
backend_tx(struct worker *wk, struct mv_dp_vif *vif, struct rte_mbuf **m, unsigned int n,
	   const uint32_t *len, const uint8_t *mcast)
{
	struct mv_backend *be = __atomic_load_n(&vif->be, __ATOMIC_ACQUIRE);
	struct mv_vif_stats *s = &vif->stats[wk->index].s;
	unsigned int off = 0;

	while (off < n) {
		unsigned int sent = be->ops->tx_burst(be, &m[off], (uint16_t)(n - off)), k;

		s->rx_packets += sent;
		for (unsigned int i = off; i < off + sent; i++) {
			s->rx_bytes += len[i];
			s->rx_multicast += mcast[i];
		}
		off += sent;
		if (off == n)
			break;
		/* a frame refused alone: drop it, offer the rest again */
		k = be->tx_fail == MV_BACKEND_TX_REFUSED ? 1 : n - off;
		s->rx_dropped += k;
		wk->pstats[vif->port].drops[tx_fail_reason[be->tx_fail & 3]] += k;
		rte_pktmbuf_free_bulk(&m[off], k);
		off += k;
	}
}

/*
 * Hand a vif its staged frames. Its owner gives them straight to the backend
 * when nothing waits in the vif's ring (the ring exists to take frames from
 * other workers in order); anyone else enqueues and schedules the owner,
 * which counts them when its backend takes them (vif_drain).
 */
static void
flush_stage(struct worker *wk, struct stage *st)
{
	struct mv_dp_vif *vif = st->vif;
	uint32_t len[MV_DP_MAX_BURST];
	void *e[MV_DP_MAX_BURST];
	unsigned int sent;

	/* not scheduled: nothing waits in the ring (saves reading the ring's lines) */
	if (vif->owner == wk->index && !__atomic_load_n(&vif->scheduled, __ATOMIC_ACQUIRE)) {
		for (unsigned int i = 0; i < st->n; i++)
			len[i] = rte_pktmbuf_pkt_len(st->m[i]);
		backend_tx(wk, vif, st->m, st->n, len, st->mcast);
		st->n = 0;
		return;
	}
	/* mbufs are cache-line aligned: bit 0 carries the multicast flag */
	for (unsigned int i = 0; i < st->n; i++)
		e[i] = (void *)((uintptr_t)st->m[i] | st->mcast[i]);
	sent = rte_ring_mp_enqueue_burst(vif->ring, e, st->n, NULL);
	if (sent > 0)
		schedule(wk->dp, vif);
	if (sent < st->n) {
		vif->stats[wk->index].s.rx_dropped += st->n - sent;
		wk->pstats[vif->port].drops[MV_DP_DROP_VIF_RING_FULL] += st->n - sent;
		rte_pktmbuf_free_bulk(&st->m[sent], st->n - sent);
	}
	st->n = 0;
}

static void
flush_stages(struct worker *wk)
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
stage(struct worker *wk, uint16_t port, uint16_t slot, struct mv_dp_vif *vif, struct rte_mbuf *m,
      uint8_t mcast)
{
	uint32_t key = (uint32_t)port * MV_PORT_MAX_VIFS + slot;
	int16_t idx = wk->stage_of[key];
	struct stage *st;

	if (idx < 0) {
		if (wk->n_stages == MAX_STAGES)
			flush_stages(wk);
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
sink_count(struct worker *wk, uint16_t port, uint8_t kind, struct mv_dp_vif *vif, uint32_t len,
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
	struct mv_dp_vif *vif = dport->vifs[slot];

	if (dport->sink[slot]) {
		sink_count(wk, port, dport->sink[slot], vif, len, 0);
		free_later(wk, m);
		return;
	}
	stage(wk, port, slot, vif, m, 0);
}

static void
flush_wire(struct worker *wk, uint16_t port)
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
		flush_wire(wk, port);
	wb->m[wb->n++] = m;
	wk->wire_pending |= UINT32_C(1) << port;
}

/*
 * Execute a verdict for @p m on @p port. The mbuf's reference count is set to
 * the number of receivers that keep it (sinks count the frame and keep
 * nothing), then each of them takes one reference.
 */
static void
deliver(struct worker *wk, uint16_t port, struct rte_mbuf *m, const struct mv_verdict *v,
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
		struct mv_dp_vif *vif = dport->vifs[rc->slot];

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

static inline int
parse(struct rte_mbuf *m, struct mv_frame_info *f)
{
	int ret = mv_frame_parse(rte_pktmbuf_mtod(m, const void *), rte_pktmbuf_data_len(m), f);

	f->len = rte_pktmbuf_pkt_len(m);
	return ret;
}

/*
 * A frame from the wire a NIC at the port's MTU would accept, whose mbuf
 * chain holds what it claims: pkt_len within @p max_len, nb_segs segments
 * whose data_len add up to pkt_len (net_pcap in DPDK 22.11 builds chains
 * shorter than the pkt_len it sets for captures above 64 KiB).
 */
static bool
rx_len_ok(const struct rte_mbuf *m, uint32_t max_len)
{
	uint32_t len = rte_pktmbuf_pkt_len(m), sum = 0;
	uint16_t segs = m->nb_segs, seen = 0;

	if (len > max_len)
		return false;
	for (const struct rte_mbuf *s = m; s != NULL; s = s->next) {
		if (++seen > segs)
			return false;
		sum += rte_pktmbuf_data_len(s);
	}
	return seen == segs && sum == len;
}

/* Frames from the wire on @p port. */
static void
wire_rx(struct worker *wk, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	const struct mv_dp_port *dport = &wk->snap->ports[port];
	struct mv_dp_vif *const *vifs = dport->vifs;
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
		uint32_t len = rte_pktmbuf_pkt_len(m);

		bytes += len;
		/* one segment holding it all, within the limit: the only check it needs */
		if (unlikely((len != rte_pktmbuf_data_len(m) || len > max_len) &&
			     !rx_len_ok(m, max_len))) {
			drop(wk, port, m, MV_DP_DROP_RX_BAD_LENGTH);
			continue;
		}
		if (unlikely(parse(m, &finfo[k]) < 0)) {
			drop(wk, port, m, MV_DROP_RUNT);
			continue;
		}
		pkts[k++] = m;
	}
	ps->rx_bytes += bytes;
	ps->rx_packets += n;
	/*
	 * Room on the free list for every frame of the burst, so a sink's frame
	 * is appended without a check: each frame adds at most one entry, here
	 * or in deliver() (whose free_later() only ever makes room).
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
			const struct mv_dp_vif *vif = vifs[slot];

			if (!sink[slot])
				rte_prefetch0(vif);
			rte_prefetch0(&vif->stats[wk->index]);
		}
	}
	for (uint16_t i = 0; i < k; i++) {
		const struct mv_verdict *v = &verdicts[i];
		uint16_t slot = v->vif;

		if (unlikely(v->act != MV_ACT_VIF)) {
			deliver(wk, port, pkts[i], v, finfo[i].len);
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
static void
vif_tx(struct worker *wk, struct mv_dp_vif *vif, struct rte_mbuf **pkts, uint16_t n)
{
	const struct mv_fib *fib = wk->snap->ports[vif->port].fib;
	struct mv_vif_stats *s = &vif->stats[wk->index].s;

	for (uint16_t i = 0; i < n; i++) {
		struct mv_frame_info f;
		struct mv_verdict v;

		/* a backend's chain must hold what it claims, too (no length limit) */
		if (unlikely(rte_pktmbuf_pkt_len(pkts[i]) != rte_pktmbuf_data_len(pkts[i]) &&
			     !rx_len_ok(pkts[i], UINT32_MAX))) {
			s->tx_dropped++;
			drop(wk, vif->port, pkts[i], MV_DP_DROP_RX_BAD_LENGTH);
			continue;
		}
		if (parse(pkts[i], &f) < 0) {
			s->tx_dropped++;
			drop(wk, vif->port, pkts[i], MV_DROP_RUNT);
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
		s->tx_packets++;
		s->tx_bytes += f.len;
		deliver(wk, vif->port, pkts[i], &v, f.len);
	}
}

/* Send what other workers delivered to @p vif to its backend, and count it. */
static void
vif_drain(struct worker *wk, struct mv_dp_vif *vif)
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
		backend_tx(wk, vif, m, n, len, mcast);
}

/*
 * The broadcast queue: flood now with the current tables (the kernel's
 * bc_work). While traffic keeps the worker busy (@p paced), the queue may
 * take dp->flood_share percent of the worker's time: a credit of TSC cycles
 * earned by the rest of the previous loop, debited with what each flood
 * costs (here, and its hand-over to the backends in flood_phase()). What
 * does not fit waits in the queue, which overflows into bc-queue-full as the
 * kernel's does when its bc_work falls behind; broadcasts to thousands of
 * vifs cannot starve everything else. An idle worker drains a burst.
 */
static unsigned int
bc_drain(struct worker *wk, uint16_t port, bool paced)
{
	const struct mv_dp_port *dport = &wk->snap->ports[port];
	unsigned int n = 0;

	while (n < wk->dp->burst && (!paced || wk->flood_credit > 0)) {
		uint64_t t0 = rte_rdtsc(), spent;
		struct mv_frame_info f;
		struct mv_verdict v;
		struct rte_mbuf *m;

		if (rte_ring_sc_dequeue(dport->bc_ring, (void **)&m) != 0)
			break;
		parse(m, &f);
		v = mv_classify_rx(dport->fib, &f);
		/* only the flood part is still to be done */
		v.act &= MV_ACT_FLOOD;
		deliver(wk, port, m, &v, f.len);
		spent = rte_rdtsc() - t0;
		wk->flood_cycles += spent;
		if (paced)
			wk->flood_credit -= (int64_t)spent;
		n++;
	}
	return n;
}

/*
 * The broadcast queues this worker drains, when one holds frames. What the
 * rest of the loop staged goes to the backends first, so that the flood's
 * own hand-over, measured after it, is all that is charged to it.
 */
static unsigned int
flood_phase(struct worker *wk, bool paced)
{
	unsigned int frames = 0;
	bool started = false;
	uint64_t t0;

	for (uint16_t i = 0; i < wk->n_bc_ports; i++) {
		uint16_t p = wk->bc_ports[i];

		if (rte_ring_empty(wk->snap->ports[p].bc_ring))
			continue;
		if (!started) {
			started = true;
			flush_stages(wk);
			if (paced) {
				/* share/(100 - share) of the time the rest of the last loop took */
				int64_t earn = (int64_t)(wk->other_cycles * wk->dp->flood_share /
							 (100 - wk->dp->flood_share));

				/* a debt (a flood cost more) is paid back; credit is not hoarded */
				wk->flood_credit = RTE_MIN(wk->flood_credit + earn, earn);
			}
		}
		frames += bc_drain(wk, p, paced);
	}
	if (started) {
		t0 = rte_rdtsc();
		flush_stages(wk);
		t0 = rte_rdtsc() - t0;
		wk->flood_cycles += t0;
		if (paced)
			wk->flood_credit -= (int64_t)t0;
	}
	return frames;
}

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
		struct mv_dp_vif *vif;

		if (!dport->active || slot >= dport->fib->n_slots)
			continue;
		vif = dport->vifs[slot];
		/* a key can outlive its vif; the slot's new vif may be a sink (no ring) */
		if (vif != NULL && vif->ring != NULL && vif->owner == wk->index)
			vif_drain(wk, vif);
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
		struct mv_dp_vif *vif;
		struct mv_backend *be;

		if (!dport->active || slot >= dport->fib->n_slots)
			continue;
		vif = dport->vifs[slot];
		if (vif == NULL || vif->owner != wk->index)
			continue;
		be = __atomic_load_n(&vif->be, __ATOMIC_ACQUIRE);
		if (be->ops->rx_burst == NULL)
			continue;
		got = be->ops->rx_burst(be, pkts, wk->dp->burst);
		if (got > 0)
			vif_tx(wk, vif, pkts, got);
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
	bool receive = !wk->dp->draining, paced;
	unsigned int frames = 0;

	wk->flood_cycles = 0;

	for (uint16_t q = 0; receive && q < conf->n_rxq; q++) {
		const struct mv_dp_rxq *rq = &conf->rxq[q];
		uint16_t n =
			rte_eth_rx_burst(wk->snap->ports[rq->port].port_id, rq->queue, pkts, burst);

		if (n > 0)
			wire_rx(wk, rq->port, pkts, n);
		frames += n;
	}
	for (uint32_t i = 0; receive && i < conf->n_vifs; i++) {
		struct mv_dp_vif *vif = conf->vifs[i];
		struct mv_backend *be = __atomic_load_n(&vif->be, __ATOMIC_ACQUIRE);
		uint16_t n = be->ops->rx_burst(be, pkts, burst);

		if (n > 0)
			vif_tx(wk, vif, pkts, n);
		frames += n;
	}
	if (receive && conf->n_fd_vifs > 0)
		frames += poll_ready_vifs(wk, pkts);
	paced = wk->dp->flood_share < 100 && frames > 0;
	frames += flood_phase(wk, paced);
	flush_stages(wk);
	if (wk->n_free > 0) {
		rte_pktmbuf_free_bulk(wk->to_free, wk->n_free);
		wk->n_free = 0;
	}
	drain_pending(wk);
	while (wk->wire_pending != 0) {
		uint16_t p = (uint16_t)rte_bsf32(wk->wire_pending);

		flush_wire(wk, p);
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
	while (!dp->quit) {
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
				wk->other_cycles = busy - wk->flood_cycles;
			}
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
