/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The null backend: a sink that frees what it is given and never sends
 * anything (benchmarks, dry runs). Workers execute it themselves (ops.sink):
 * the vif's rx counters are its count.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_malloc.h>

#include "mv_backend.h"

struct null_backend {
	struct mv_backend base;
};

static int
null_create(const struct mv_backend_params *p, struct mv_backend **out, char *err, size_t errlen)
{
	struct null_backend *nb;

	nb = rte_zmalloc_socket("mv_null_backend", sizeof(*nb), RTE_CACHE_LINE_SIZE, p->socket_id);
	if (nb == NULL) {
		snprintf(err, errlen, "null backend: out of memory");
		return -ENOMEM;
	}
	nb->base.ops = &mv_backend_null_ops;
	*out = &nb->base;
	return 0;
}

static void
null_destroy(struct mv_backend *be)
{
	rte_free(be);
}

static uint16_t
null_tx_burst(struct mv_backend *be, struct rte_mbuf **pkts, uint16_t n)
{
	(void)be;
	rte_pktmbuf_free_bulk(pkts, n);
	return n;
}

static void
null_describe(struct mv_backend *be, char *buf, size_t len)
{
	(void)be;
	snprintf(buf, len, "null (sink)");
}

const struct mv_backend_ops mv_backend_null_ops = {
	.kind = "null",
	.sink = true,
	.create = null_create,
	.destroy = null_destroy,
	.rx_burst = NULL, /* a sink: never polled */
	.tx_burst = null_tx_burst,
	.describe = null_describe,
};
