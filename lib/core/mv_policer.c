/* SPDX-License-Identifier: BSD-3-Clause */
/* The broadcast/multicast policer's token bucket (mv_policer.h). */
#include "mv_policer.h"

uint32_t
mv_policer_depth(uint32_t rate, uint32_t min_depth)
{
	uint32_t d = rate / 50;

	if (d < min_depth)
		d = min_depth;
	if (d < 1)
		d = 1;
	return d > MV_POLICER_MAX_DEPTH ? MV_POLICER_MAX_DEPTH : d;
}

bool
mv_policer_conform(struct mv_policer *p, uint64_t now, uint64_t hz, uint32_t rate, uint32_t depth)
{
	uint64_t cap, elapsed;

	if (rate == 0)
		return true;
	if (hz == 0)
		hz = 1;
	if (depth == 0)
		depth = 1;
	if (depth > MV_POLICER_MAX_DEPTH)
		depth = MV_POLICER_MAX_DEPTH;
	cap = (uint64_t)depth * hz;
	if (p->tokens > cap)
		p->tokens = cap; /* the depth shrank (a new rate) */
	elapsed = now > p->last ? now - p->last : 0;
	p->last = now > p->last ? now : p->last;
	/* each tick earns rate; more than what fills the bucket is not needed */
	if (elapsed > (cap - p->tokens) / rate)
		p->tokens = cap;
	else
		p->tokens += elapsed * rate;
	if (p->tokens < hz)
		return false;
	p->tokens -= hz;
	return true;
}
