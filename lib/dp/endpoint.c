/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Endpoints: created with an id, an owner and their memory on the owner's
 * NUMA node; released at once from the tables and freed only after the
 * grace period of the first publish that no longer references them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>

#include <rte_lcore.h>
#include <rte_malloc.h>

#include "dp_internal.h"
#include "mv_log.h"

/*
 * An endpoint's ring lives in the malloc heap, not in a memzone of its own:
 * DPDK has 2560 memzones, and thousands of endpoints are the point.
 */
static struct rte_ring *
ring_new(const char *name, uint32_t count, int socket)
{
	ssize_t size = rte_ring_get_memsize(count);
	struct rte_ring *r;

	if (size < 0)
		return NULL;
	r = rte_malloc_socket(name, (size_t)size, RTE_CACHE_LINE_SIZE, socket);
	if (r != NULL && rte_ring_init(r, name, count, RING_F_SC_DEQ) != 0) {
		rte_free(r);
		return NULL;
	}
	return r;
}

/* Add (or remove) the backend's rx_fd to (from) its owner's epoll set. */
static int
watch(struct mv_dp *dp, struct mv_dp_endpoint *ep, bool add)
{
	struct epoll_event ev;
	int fd;

	if (ep->be->ops->rx_fd == NULL)
		return 0;
	fd = ep->be->ops->rx_fd(ep->be);
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = (uint64_t)ep->port << 16 | ep->slot;
	if (epoll_ctl(dp->epfd[ep->owner], add ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, fd, &ev) < 0)
		return -errno;
	return 0;
}

static int
id_alloc(struct mv_dp *dp)
{
	if (dp->n_free_ids == 0 && dp->n_released > 0) {
		/* ids of released endpoints come back once a snapshot no longer holds them */
		int ret = dp_publish(dp);

		if (ret < 0)
			MV_LOG(WARNING, dp, "cannot publish to reclaim endpoint ids: %s",
			       strerror(-ret));
	}
	if (dp->n_free_ids == 0)
		return -1;
	return dp->free_ids[--dp->n_free_ids];
}

static void
id_free(struct mv_dp *dp, uint32_t id)
{
	dp->by_id[id] = NULL;
	dp->free_ids[dp->n_free_ids++] = (uint16_t)id;
}

/* Free @p ep now (no snapshot references it; its ring is drained as @p reason). */
static void
endpoint_free(struct mv_dp *dp, struct mv_dp_endpoint *ep, unsigned int reason)
{
	mv_dp_drain_ring(dp, ep->ring, ep->port, reason);
	if (ep->be != NULL)
		ep->be->ops->destroy(ep->be);
	rte_free(ep->ring); /* ring_new() */
	id_free(dp, ep->id);
	rte_free(ep);
}

int
mv_dp_endpoint_create(struct mv_dp *dp, const struct mv_dp_endpoint_params *p,
		      struct mv_dp_endpoint **out, char *err, size_t errlen)
{
	struct mv_dp_port_conf *pc;
	struct mv_dp_endpoint *ep;
	char name[RTE_RING_NAMESIZE];
	int id, socket, ret;
	uint16_t owner;

	if (p->kind != MV_DP_EP_VIF || p->port >= MV_MAX_PORTS || !dp->ports[p->port].attached ||
	    p->slot >= MV_PORT_MAX_VIFS || p->backend_create == NULL) {
		snprintf(err, errlen, "invalid endpoint");
		return -EINVAL;
	}
	pc = &dp->ports[p->port];
	if (pc->vifs[p->slot] != NULL) {
		snprintf(err, errlen, "slot %u of port %u has an endpoint", p->slot, p->port);
		return -EEXIST;
	}
	id = id_alloc(dp);
	if (id < 0) {
		snprintf(err, errlen, "too many vifs (at most %d endpoints)", MV_DP_MAX_ENDPOINTS);
		return -ENOSPC;
	}
	/*
	 * On the owner worker's NUMA node: it drains the ring and writes most
	 * counters. The counters follow the endpoint in one block: no pointer
	 * to chase per frame.
	 */
	owner = dp_place_endpoint(dp);
	socket = (int)rte_lcore_to_socket_id(dp->lcore[owner]);
	ep = rte_zmalloc_socket("mv_dp_endpoint",
				sizeof(*ep) + (dp->n_workers + 1u) * sizeof(ep->stats[0]),
				RTE_CACHE_LINE_SIZE, socket);
	if (ep == NULL) {
		snprintf(err, errlen, "out of memory for the endpoint");
		goto fail_id;
	}
	/* a sink consumes in place: nothing ever waits for it */
	if (!p->sink) {
		snprintf(name, sizeof(name), "mv_ep_%d", id);
		ep->ring = ring_new(name, p->ring_size, socket);
		if (ep->ring == NULL) {
			snprintf(err, errlen, "out of memory for the vif's ring (%u entries)",
				 p->ring_size);
			goto fail_mem;
		}
	}
	ep->sink = p->sink;
	ep->kind = p->kind;
	ep->id = (uint32_t)id;
	ep->port = p->port;
	ep->slot = p->slot;
	ep->owner = owner;
	ret = p->backend_create(p->arg, socket, owner, &ep->be, err, errlen);
	if (ret < 0)
		goto fail_ring;
	ret = watch(dp, ep, true);
	if (ret < 0) {
		snprintf(err, errlen, "cannot watch the backend: %s", strerror(-ret));
		ep->be->ops->destroy(ep->be);
		goto fail_ring;
	}
	dp->by_id[id] = ep;
	pc->vifs[p->slot] = ep;
	dp->load[owner]++;
	dp->changes++;
	*out = ep;
	return 0;
fail_ring:
	rte_free(ep->ring);
	rte_free(ep);
	id_free(dp, (uint32_t)id);
	return ret;
fail_mem:
	rte_free(ep);
fail_id:
	id_free(dp, (uint32_t)id);
	return -ENOMEM;
}

void
mv_dp_endpoint_release(struct mv_dp *dp, struct mv_dp_endpoint *ep)
{
	struct mv_dp_port_conf *pc = &dp->ports[ep->port];
	int ret = ep->gone ? 0 : watch(dp, ep, false);

	if (ret < 0)
		MV_LOG(WARNING, dp, "endpoint %u: cannot leave the epoll set: %s", ep->id,
		       strerror(-ret));
	if (pc->vifs != NULL && pc->vifs[ep->slot] == ep)
		pc->vifs[ep->slot] = NULL;
	dp->load[ep->owner]--;
	dp->changes++;
	/* a queue, not an array: a failed publish keeps it for the next one */
	ep->next_released = NULL;
	*dp->released_tail = ep;
	dp->released_tail = &ep->next_released;
	dp->n_released++;
}

int
mv_dp_endpoint_set_gone(struct mv_dp *dp, struct mv_dp_endpoint *ep, bool gone)
{
	int ret;

	if (ep->gone == gone)
		return 0;
	ep->gone = gone;
	dp->changes++;
	ret = watch(dp, ep, !gone);
	if (ret < 0)
		MV_LOG(WARNING, dp, "endpoint %u: cannot %s the epoll set: %s", ep->id,
		       gone ? "leave" : "join", strerror(-ret));
	return ret;
}

void
mv_dp_endpoint_replace_backend(struct mv_dp *dp, struct mv_dp_endpoint *ep, struct mv_backend *be)
{
	struct mv_backend *old = ep->be;

	__atomic_store_n(&ep->be, be, __ATOMIC_RELEASE);
	dp_retire(dp, DP_RETIRED_BACKEND, old, rte_rcu_qsbr_start(dp->qsbr), "replacing a backend");
	dp->changes++;
}

struct mv_dp_endpoint *
mv_dp_endpoint_at(const struct mv_dp *dp, uint16_t port, uint16_t slot)
{
	if (port >= MV_MAX_PORTS || slot >= MV_PORT_MAX_VIFS || dp->ports[port].vifs == NULL)
		return NULL;
	return dp->ports[port].vifs[slot];
}

struct mv_dp_endpoint *
dp_endpoints_take_released(struct mv_dp *dp)
{
	struct mv_dp_endpoint *chain = dp->released;

	dp->released = NULL;
	dp->released_tail = &dp->released;
	dp->n_released = 0;
	return chain;
}

void
dp_endpoint_list_free(struct mv_dp *dp, void *chain)
{
	struct mv_dp_endpoint *ep = chain, *next;

	for (; ep != NULL; ep = next) {
		next = ep->next_released;
		endpoint_free(dp, ep, MV_DP_DROP_VIF_GONE);
	}
}

void
dp_endpoints_fini(struct mv_dp *dp)
{
	dp_endpoint_list_free(dp, dp_endpoints_take_released(dp));
	for (uint32_t i = 0; i < MV_DP_MAX_ENDPOINTS; i++) {
		struct mv_dp_endpoint *ep = dp->by_id[i];

		if (ep == NULL)
			continue;
		if (!ep->gone)
			watch(dp, ep, false);
		dp->ports[ep->port].vifs[ep->slot] = NULL;
		dp->load[ep->owner]--;
		endpoint_free(dp, ep, MV_DP_DROP_STOPPED);
	}
}
