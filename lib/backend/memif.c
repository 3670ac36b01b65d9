/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The memif backend: the vif as one interface of the memif protocol 2.0
 * (shared-memory rings with a DPDK net_memif or VPP/libmemif peer), on the
 * program's own implementation (lib/memif, memif_*.c), not net_memif: no
 * ethdev port per vif, and one socket serves many vifs told apart by id.
 * The parts and their threads: memif_priv.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "memif_priv.h"

/* Ethernet header and one VLAN tag above the MTU */
#define MEMIF_L2_OVERHEAD 18

static void
memif_set_max_frame(struct memif_backend *mb, uint32_t mtu)
{
	__atomic_store_n(&mb->max_frame, (mtu != 0 ? mtu : 1500) + MEMIF_L2_OVERHEAD,
			 __ATOMIC_RELAXED);
}

static int
memif_create(const struct mv_backend_params *p, struct mv_backend **out, char *err, size_t errlen)
{
	const char *path = mv_backend_arg(p->args, "socket");
	const char *id = mv_backend_arg(p->args, "id");
	const char *role = mv_backend_arg(p->args, "role");
	const char *secret = mv_backend_arg(p->args, "secret");
	const char *group = mv_backend_arg(p->args, "socket-group");
	struct memif_backend *mb;
	uint32_t idv;
	int ret;

	if (path == NULL || id == NULL) {
		snprintf(err, errlen,
			 "memif backend: needs a socket and an id (backend memif "
			 "<socket path> id <n>)");
		return -EINVAL;
	}
	if (mv_memif_parse_id(id, &idv) < 0) {
		snprintf(err, errlen, "memif backend: invalid id \"%s\"", id);
		return -EINVAL;
	}
	mb = rte_zmalloc_socket("mv_memif_backend", sizeof(*mb), RTE_CACHE_LINE_SIZE, p->socket_id);
	if (mb == NULL) {
		snprintf(err, errlen, "memif backend: out of memory");
		return -ENOMEM;
	}
	mb->base.ops = &mv_backend_memif_ops;
	mb->pool = p->pool;
	mb->mbuf_room = rte_pktmbuf_data_room_size(p->pool) - RTE_PKTMBUF_HEADROOM;
	memif_set_max_frame(mb, p->mtu);
	mb->id = idv;
	mb->client = role != NULL && strcmp(role, "client") == 0;
	snprintf(mb->secret, sizeof(mb->secret), "%s", secret != NULL ? secret : "");
	snprintf(mb->vif_name, sizeof(mb->vif_name), "%s", p->vif_name);
	mb->qsbr = p->qsbr;
	mb->notify = p->notify;
	mb->notify_ctx = p->notify_ctx;
	ret = memif_socket_attach(mb, path, group != NULL ? group : p->socket_group, err, errlen);
	if (ret < 0) {
		rte_free(mb);
		return ret;
	}
	*out = &mb->base;
	return 0;
}

static void
memif_destroy(struct mv_backend *be)
{
	struct memif_backend *mb = memif_of(be);

	/* no notify from here on: the vif is going */
	pthread_mutex_lock(&memif_lock);
	mb->notify = NULL;
	pthread_mutex_unlock(&memif_lock);
	memif_socket_detach(mb);
	rte_free(mb);
}

static int
memif_peer_state(struct mv_backend *be)
{
	return (int)__atomic_load_n(&memif_of(be)->ready, __ATOMIC_ACQUIRE);
}

static int
memif_set_mtu(struct mv_backend *be, uint32_t mtu)
{
	memif_set_max_frame(memif_of(be), mtu);
	return 0;
}

static void
memif_describe(struct mv_backend *be, char *buf, size_t len)
{
	struct memif_backend *mb = memif_of(be);

	pthread_mutex_lock(&memif_lock);
	snprintf(buf, len, "memif %s id %u role %s (%s%s)", mb->sock != NULL ? mb->sock->path : "?",
		 mb->id, mb->client ? "client" : "server",
		 __atomic_load_n(&mb->ready, __ATOMIC_RELAXED) ? "peer " : "no peer",
		 __atomic_load_n(&mb->ready, __ATOMIC_RELAXED) ? mb->peer_name : "");
	pthread_mutex_unlock(&memif_lock);
}

static int
memif_info_get(struct mv_backend *be, struct mv_backend_info *kv, unsigned int n)
{
	struct memif_backend *mb = memif_of(be);
	unsigned int i = 0;

#define KV(k, ...)                                                                                 \
	do {                                                                                       \
		if (i < n) {                                                                       \
			snprintf(kv[i].key, sizeof(kv[i].key), "%s", (k));                         \
			snprintf(kv[i].value, sizeof(kv[i].value), __VA_ARGS__);                   \
		}                                                                                  \
		i++;                                                                               \
	} while (0)
	pthread_mutex_lock(&memif_lock);
	const struct memif_rings *r = mb->rings;
	bool up = __atomic_load_n(&mb->ready, __ATOMIC_RELAXED) && r != NULL;

	KV("role", "%s", mb->client ? "client" : "server");
	KV("id", "%u", mb->id);
	KV("socket", "%s", mb->sock != NULL ? mb->sock->path : "");
	KV("connected", "%s", up ? "yes" : "no");
	if (up) {
		KV("peer", "%s", mb->peer_name);
		KV("peer_interface", "%s", mb->peer_if_name);
		KV("queues", "1");
		KV("ring_slots", "%u", r->size[r->rx_dir]);
		if (r->we_allocate)
			KV("buffer_size", "%u", r->layout.buffer_size);
	}
	KV("secret", "%s", mb->secret[0] != '\0' ? "yes" : "no");
	KV("connects", "%" PRIu64, mb->connects);
	if (mb->last_error[0] != '\0')
		KV("last_error", "%s", mb->last_error);
	pthread_mutex_unlock(&memif_lock);
#undef KV
	return (int)i;
}

static int
memif_stats_get(struct mv_backend *be, struct mv_backend_xstat *xs, unsigned int n)
{
	const struct memif_backend *mb = memif_of(be);
	const struct {
		const char *name;
		const uint64_t *v;
	} c[] = {
		{ "rx_frames", &mb->rx_frames },     { "rx_bytes", &mb->rx_bytes },
		{ "rx_bad_desc", &mb->rx_bad_desc }, { "rx_runt", &mb->rx_runt },
		{ "rx_too_long", &mb->rx_too_long }, { "rx_nombuf", &mb->rx_nombuf },
		{ "tx_frames", &mb->tx_frames },     { "tx_bytes", &mb->tx_bytes },
		{ "tx_full", &mb->tx_full },         { "tx_no_peer", &mb->tx_no_peer },
		{ "tx_bad_desc", &mb->tx_bad_desc }, { "tx_interrupts", &mb->tx_interrupts },
		{ "bad_ring", &mb->bad_ring },       { "connects", &mb->connects },
		{ "disconnects", &mb->disconnects }, { "refused", &mb->refused },
	};

	for (unsigned int i = 0; i < RTE_DIM(c) && i < n; i++) {
		snprintf(xs[i].name, sizeof(xs[i].name), "%s", c[i].name);
		/* written by one thread each: a relaxed read of a whole word */
		xs[i].value = __atomic_load_n(c[i].v, __ATOMIC_RELAXED);
	}
	return (int)RTE_DIM(c);
}

const struct mv_backend_ops mv_backend_memif_ops = {
	.kind = "memif",
	.create = memif_create,
	.destroy = memif_destroy,
	.rx_burst = memif_rx_burst,
	.tx_burst = memif_tx_burst,
	.set_mtu = memif_set_mtu,
	.describe = memif_describe,
	.stats_get = memif_stats_get,
	.peer_state = memif_peer_state,
	.info_get = memif_info_get,
};
