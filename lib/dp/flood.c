/* SPDX-License-Identifier: BSD-3-Clause */
/* The broadcast queue, paced by --flood-share. */
#include <rte_cycles.h>

#include "dp_internal.h"

/*
 * The broadcast queue: flood now with the current tables (the kernel's
 * bc_work). While traffic keeps the worker busy (@p paced), the queue may
 * take dp->flood_share percent of the worker's time: a credit of TSC cycles
 * earned by the rest of the previous loop, debited with what each flood
 * costs (here, and its hand-over to the backends in dp_flood_phase()). What
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
		dp_deliver(wk, port, m, &v, f.len);
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
unsigned int
dp_flood_phase(struct worker *wk, bool paced)
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
			dp_flush_stages(wk);
			if (paced) {
				/*
				 * share/(100 - share) of the time the rest of the last
				 * loop took, split with the vifs that flooded (pace.c)
				 */
				int64_t earn = (int64_t)(wk->other_cycles * wk->dp->flood_share /
							 (100 - wk->dp->flood_share) /
							 RTE_MAX(wk->n_senders_last, 1u));

				/* a debt (a flood cost more) is paid back; credit is not hoarded */
				wk->flood_credit = RTE_MIN(wk->flood_credit + earn, earn);
			}
		}
		frames += bc_drain(wk, p, paced);
	}
	if (started) {
		wk->bc_flooded = true;
		t0 = rte_rdtsc();
		dp_flush_stages(wk);
		t0 = rte_rdtsc() - t0;
		wk->flood_cycles += t0;
		if (paced)
			wk->flood_credit -= (int64_t)t0;
	}
	return frames;
}
