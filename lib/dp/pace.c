/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every sender's flood work bounded as --flood-share bounds the broadcast
 * queue's. A vif's frames that flood (a bridge vif's broadcast or multicast:
 * the kernel does these inline) cost its owner a copy per receiver; what
 * they cost is measured and debited from the vif's own credit. While the
 * worker is busy, each loop earns flood_share/(100 - flood_share) of the time
 * the rest of the loop took, split evenly between the senders that flooded
 * or waited (the broadcast queue is one of them, flood.c); a vif in debt is
 * not read until its share has paid the debt back: its frames wait in its
 * backend (a TAP's tun queue, a guest's ring), as behind a qdisc. One noisy
 * vif thus takes at most its share, never the wire's unicast or the other
 * senders' share. An idle worker reads every vif (nothing to protect).
 */
#include "dp_internal.h"

bool
dp_pace_may_read(struct worker *wk, struct mv_dp_endpoint *vif)
{
	int64_t credit;

	if (!wk->pace)
		return true;
	credit = vif->flood_credit + (int64_t)(wk->sender_earned - vif->flood_mark);
	vif->flood_mark = wk->sender_earned;
	/* a debt is paid back; credit is not hoarded */
	vif->flood_credit = RTE_MIN(credit, wk->sender_cap);
	if (vif->flood_credit >= 0)
		return true;
	wk->n_senders++;
	wk->dp->worker_stats[wk->index].sender_waits++;
	return false;
}

void
dp_pace_charge(struct worker *wk, struct mv_dp_endpoint *vif, uint64_t cycles)
{
	wk->flood_cycles += cycles;
	wk->n_senders++;
	if (wk->pace)
		vif->flood_credit -= (int64_t)cycles;
}

void
dp_pace_loop_end(struct worker *wk, bool busy)
{
	uint32_t n = wk->n_senders + wk->bc_flooded;
	uint32_t share = wk->dp->flood_share;

	wk->pace = busy && share < 100;
	if (wk->pace) {
		int64_t earn = (int64_t)(wk->other_cycles * share / (100 - share) / RTE_MAX(n, 1u));

		wk->sender_earned += (uint64_t)earn;
		wk->sender_cap = earn;
	}
	wk->n_senders_last = n;
	wk->n_senders = 0;
	wk->bc_flooded = false;
}
