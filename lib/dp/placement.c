/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which worker does what: rx queue q of port p goes to worker (p + q) % W,
 * port p's broadcast queue to worker p % W, a new endpoint to the worker
 * that owns the fewest.
 */
#include "dp_internal.h"

uint16_t
dp_place_endpoint(const struct mv_dp *dp)
{
	uint16_t best = 0;

	for (uint16_t w = 1; w < dp->n_workers; w++)
		if (dp->load[w] < dp->load[best])
			best = w;
	return best;
}

uint16_t
dp_place_rxq(const struct mv_dp *dp, uint16_t port, uint16_t queue)
{
	return (uint16_t)((port + queue) % dp->n_workers);
}

uint16_t
dp_place_bc(const struct mv_dp *dp, uint16_t port)
{
	return (uint16_t)(port % dp->n_workers);
}
