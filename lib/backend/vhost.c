/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vhost-user backend: a VM (QEMU) or a container (DPDK's virtio-user)
 * attaches to the vif through a vhost-user socket, served by the rte_vhost
 * library directly (not net_vhost: a vif is no ethdev, so the 32 ports of
 * the build do not bound the vifs).
 *
 * Server mode (default): the program listens on the socket and the guest
 * connects. Client mode: the program connects to the guest's socket and
 * rte_vhost reconnects whenever the guest comes back. The guest's arrival
 * and departure come from rte_vhost's callbacks (vhost_dev.c), which tell
 * the control thread (params->notify); the vif has carrier while a guest's
 * driver is ready (peer_state).
 *
 * Datapath (the owner lcore): rx_burst dequeues what the guest sent on its
 * TX queues (odd vring ids), tx_burst enqueues to its first RX queue
 * (vring 0); enqueue copies, so the backend frees what it delivered. Guest
 * interrupts are disabled on every vring at new_device: nothing waits for
 * them, the rings are polled.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_malloc.h>
#include <rte_vhost.h>

#include "mv_log.h"
#include "mv_unix_sock.h"
#include "vhost_priv.h"

/*
 * Offloads the program does not implement: it neither computes checksums
 * nor segments, and the wire and the other vifs expect whole frames with
 * their checksums.
 */
#define VHOST_UNSUPPORTED_FEATURES                                                                 \
	((UINT64_C(1) << VIRTIO_NET_F_CSUM) | (UINT64_C(1) << VIRTIO_NET_F_GUEST_CSUM) |           \
	 (UINT64_C(1) << VIRTIO_NET_F_GSO) | (UINT64_C(1) << VIRTIO_NET_F_HOST_TSO4) |             \
	 (UINT64_C(1) << VIRTIO_NET_F_HOST_TSO6) | (UINT64_C(1) << VIRTIO_NET_F_HOST_UFO) |        \
	 (UINT64_C(1) << VIRTIO_NET_F_HOST_ECN) | (UINT64_C(1) << VIRTIO_NET_F_GUEST_TSO4) |       \
	 (UINT64_C(1) << VIRTIO_NET_F_GUEST_TSO6) | (UINT64_C(1) << VIRTIO_NET_F_GUEST_UFO) |      \
	 (UINT64_C(1) << VIRTIO_NET_F_GUEST_ECN))

static unsigned int
parse_queues(const char *v)
{
	unsigned int q = 0;

	for (; v != NULL && *v >= '0' && *v <= '9'; v++)
		q = q * 10 + (unsigned int)(*v - '0');
	return q >= 1 && q <= MV_VHOST_MAX_QUEUES ? q : 1;
}

/*
 * Room in rte_vhost's poll set for one more vif (table locked): 0, or
 * -ENOSPC with the limit in @p err; -EEXIST when another vif has the path.
 */
static int
check_limits(const struct vhost_backend *vb, char *err, size_t errlen)
{
	const struct vhost_backend *other = vhost_table_find(vb->path);
	unsigned int slots = 2 * vhost_table.n_server + vhost_table.n_client;

	if (other != NULL) {
		snprintf(err, errlen, "vhost backend: socket %s is vif %s's already", vb->path,
			 other->vif_name);
		return -EEXIST;
	}
	if (slots + (vb->client ? 1 : 2) > MV_VHOST_FD_SLOTS) {
		snprintf(err, errlen,
			 "vhost backend: no room for another vhost vif (%u server-mode and %u "
			 "client-mode vifs exist; rte_vhost serves at most %u server-mode or %u "
			 "client-mode vifs in one process: 2 * server + client <= %u)",
			 vhost_table.n_server, vhost_table.n_client, MV_VHOST_FD_SLOTS / 2,
			 MV_VHOST_FD_SLOTS, MV_VHOST_FD_SLOTS);
		return -ENOSPC;
	}
	return 0;
}

static void
table_add(struct vhost_backend *vb)
{
	vb->next = vhost_table.head;
	vhost_table.head = vb;
	if (vb->client)
		vhost_table.n_client++;
	else
		vhost_table.n_server++;
}

static void
table_del(struct vhost_backend *vb)
{
	for (struct vhost_backend **pp = &vhost_table.head; *pp != NULL; pp = &(*pp)->next)
		if (*pp == vb) {
			*pp = vb->next;
			if (vb->client)
				vhost_table.n_client--;
			else
				vhost_table.n_server--;
			return;
		}
}

/* Register the socket with rte_vhost: flags, callbacks, features. */
static int
driver_register(struct vhost_backend *vb, char *err, size_t errlen)
{
	uint64_t flags = vb->client ? RTE_VHOST_USER_CLIENT : 0;
	uint64_t off = VHOST_UNSUPPORTED_FEATURES;

	if (rte_vhost_driver_register(vb->path, flags) != 0) {
		snprintf(err, errlen, "vhost backend: rte_vhost refused socket %s", vb->path);
		return -EINVAL;
	}
	/* one queue pair: no multi-queue to negotiate */
	if (vb->queues == 1)
		off |= UINT64_C(1) << VIRTIO_NET_F_MQ;
	if (rte_vhost_driver_callback_register(vb->path, &vhost_dev_ops) != 0 ||
	    rte_vhost_driver_disable_features(vb->path, off) != 0 ||
	    rte_vhost_driver_get_features(vb->path, &vb->offered) != 0) {
		rte_vhost_driver_unregister(vb->path);
		snprintf(err, errlen, "vhost backend: cannot set up socket %s", vb->path);
		return -EINVAL;
	}
	return 0;
}

/*
 * Start serving the socket. Server mode: the path was claimed (a stale
 * file removed, a live listener refused), rte_vhost binds it here; it is
 * created mode 0660 (umask) and given its group right after.
 */
static int
driver_start(struct vhost_backend *vb, const char *group, char *err, size_t errlen)
{
	char why[200] = "";
	mode_t old_mask = 0;
	int ret;

	if (!vb->client)
		old_mask = umask(0117);
	ret = rte_vhost_driver_start(vb->path);
	if (!vb->client)
		umask(old_mask);
	if (ret != 0) {
		snprintf(err, errlen, "vhost backend: cannot %s %s",
			 vb->client ? "use" : "listen on", vb->path);
		return -EIO;
	}
	if (vb->client)
		return 0;
	ret = mv_unix_sock_set_owner(vb->path, group, why, sizeof(why));
	if (ret < 0) {
		snprintf(err, errlen, "vhost backend: %s", why);
		return ret;
	}
	return 0;
}

static int
vhost_create(const struct mv_backend_params *p, struct mv_backend **out, char *err, size_t errlen)
{
	const char *path = mv_backend_arg(p->args, "path");
	const char *group = mv_backend_arg(p->args, "socket-group");
	struct vhost_backend *vb;
	char why[200] = "";
	pid_t holder = 0;
	int ret;

	if (path == NULL || path[0] == '\0' || strlen(path) > MV_VHOST_PATH_MAX) {
		snprintf(err, errlen, "vhost backend: a socket path of 1..%d bytes is needed",
			 MV_VHOST_PATH_MAX);
		return -EINVAL;
	}
	if (group == NULL)
		group = p->socket_group;
	vb = rte_zmalloc_socket("mv_vhost_backend", sizeof(*vb), RTE_CACHE_LINE_SIZE, p->socket_id);
	if (vb == NULL) {
		snprintf(err, errlen, "vhost backend: out of memory");
		return -ENOMEM;
	}
	vb->base.ops = &mv_backend_vhost_ops;
	pthread_mutex_init(&vb->quiet_lock, NULL);
	vb->n_txq = 1;
	vb->vid = -1;
	vb->conn_vid = -1;
	vb->pool = p->pool;
	vb->qsbr = p->qsbr;
	vb->notify = p->notify;
	vb->notify_ctx = p->notify_ctx;
	vb->mtu = p->mtu;
	vb->owner = p->owner;
	vb->n_workers = p->n_workers;
	vb->client = mv_backend_arg(p->args, "client") != NULL;
	vb->queues = (uint16_t)parse_queues(mv_backend_arg(p->args, "queues"));
	snprintf(vb->path, sizeof(vb->path), "%s", path);
	snprintf(vb->vif_name, sizeof(vb->vif_name), "%s", p->vif_name);

	pthread_mutex_lock(&vhost_table.lock);
	ret = check_limits(vb, err, errlen);
	if (ret == 0)
		table_add(vb); /* before start: the callbacks find it */
	pthread_mutex_unlock(&vhost_table.lock);
	if (ret < 0)
		goto fail_free;
	if (!vb->client) {
		ret = mv_unix_sock_claim(vb->path, &holder, why, sizeof(why));
		if (ret < 0) {
			snprintf(err, errlen, "vhost backend: %s", why);
			goto fail_table;
		}
	}
	ret = driver_register(vb, err, errlen);
	if (ret < 0)
		goto fail_table;
	ret = driver_start(vb, group, err, errlen);
	if (ret < 0) {
		rte_vhost_driver_unregister(vb->path); /* and unlinks a server's file */
		goto fail_table;
	}
	MV_LOG(INFO, backend, "%s: vhost-user %s on %s, %u queue pair(s)", vb->vif_name,
	       vb->client ? "client" : "server", vb->path, vb->queues);
	*out = &vb->base;
	return 0;
fail_table:
	pthread_mutex_lock(&vhost_table.lock);
	table_del(vb);
	pthread_mutex_unlock(&vhost_table.lock);
fail_free:
	pthread_mutex_destroy(&vb->quiet_lock);
	rte_free(vb);
	return ret;
}

/*
 * After a grace period (no worker uses the backend). rte_vhost_driver_unregister
 * waits while a callback of this socket runs (it retries until the
 * callback returned), so no lock a callback takes is held across it; it
 * runs destroy_device for an attached guest itself, closes the
 * connection and, in server mode, removes the socket file.
 */
static void
vhost_destroy(struct mv_backend *be)
{
	struct vhost_backend *vb = (struct vhost_backend *)be;
	struct stat st;

	pthread_mutex_lock(&vhost_table.lock);
	vb->destroying = true;
	pthread_mutex_unlock(&vhost_table.lock);
	if (rte_vhost_driver_unregister(vb->path) != 0) {
		MV_LOG(WARNING, backend, "%s: rte_vhost did not know socket %s", vb->vif_name,
		       vb->path);
		/* a server's file is the program's: make sure it is gone */
		if (!vb->client && lstat(vb->path, &st) == 0 && S_ISSOCK(st.st_mode))
			unlink(vb->path);
	}
	pthread_mutex_lock(&vhost_table.lock);
	table_del(vb);
	pthread_mutex_unlock(&vhost_table.lock);
	MV_LOG(INFO, backend, "%s: vhost-user socket %s closed", vb->vif_name, vb->path);
	pthread_mutex_destroy(&vb->quiet_lock);
	rte_free(vb);
}

/* What the guest sent, from each of its TX queues the vif serves in turn. */
static uint16_t
vhost_rx_burst(struct mv_backend *be, struct rte_mbuf **pkts, uint16_t n)
{
	struct vhost_backend *vb = (struct vhost_backend *)be;
	uint16_t got = 0, q, n_txq;

	if (!__atomic_load_n(&vb->ready, __ATOMIC_ACQUIRE))
		return 0;
	n_txq = __atomic_load_n(&vb->n_txq, __ATOMIC_ACQUIRE);
	q = vb->next_txq < n_txq ? vb->next_txq : 0;
	for (uint16_t i = 0; i < n_txq && got < n; i++) {
		uint16_t k = rte_vhost_dequeue_burst(vb->vid, (uint16_t)(2 * q + 1), vb->pool,
						     pkts + got, (uint16_t)(n - got));

		got = (uint16_t)(got + k);
		if (++q == n_txq)
			q = 0;
	}
	vb->next_txq = q;
	vb->dequeued += got;
	vb->dequeue_calls_full += got == n;
	return got;
}

/*
 * Enqueue to the guest's RX vring 2 * @p k (its queue pair k). A ring that
 * takes some frames is offered the rest again, at most VHOST_TX_RETRIES
 * times; one that takes none stops. Enqueue copies: what it took is freed.
 */
static uint16_t
enqueue(struct vhost_backend *vb, uint16_t k, struct rte_mbuf **pkts, uint16_t n)
{
	struct vhost_txq_stats *st = &vb->txq[k];
	uint16_t sent = 0;

	for (unsigned int tries = 0; sent < n; tries++) {
		uint16_t got = rte_vhost_enqueue_burst(vb->vid, (uint16_t)(2 * k), pkts + sent,
						       (uint16_t)(n - sent));

		sent = (uint16_t)(sent + got);
		if (got == 0 || sent == n || tries == VHOST_TX_RETRIES)
			break;
		st->retries++;
	}
	st->enqueued += sent;
	st->full += (uint16_t)(n - sent);
	if (sent > 0)
		rte_pktmbuf_free_bulk(pkts, sent);
	return sent;
}

/* The owner: to the guest's first RX queue (MV_BACKEND_TX_FULL when it is full). */
static uint16_t
vhost_tx_burst(struct mv_backend *be, struct rte_mbuf **pkts, uint16_t n)
{
	struct vhost_backend *vb = (struct vhost_backend *)be;
	uint16_t sent;

	if (!__atomic_load_n(&vb->ready, __ATOMIC_ACQUIRE)) {
		vb->enqueue_no_guest += n;
		be->tx_fail = MV_BACKEND_TX_NO_PEER;
		return 0;
	}
	sent = enqueue(vb, 0, pkts, n);
	if (sent < n)
		be->tx_fail = MV_BACKEND_TX_FULL;
	return sent;
}

/*
 * Another worker: to the RX queue pair of its own when the guest enabled
 * it, else MV_BACKEND_TX_NO_QUEUE (the frames go through the owner).
 */
static uint16_t
vhost_tx_burst_from(struct mv_backend *be, uint16_t worker, struct rte_mbuf **pkts, uint16_t n,
		    uint8_t *fail)
{
	struct vhost_backend *vb = (struct vhost_backend *)be;
	uint16_t k, sent;

	if (!__atomic_load_n(&vb->ready, __ATOMIC_ACQUIRE) || vb->n_workers == 0) {
		*fail = MV_BACKEND_TX_NO_QUEUE;
		return 0;
	}
	k = (uint16_t)((worker + vb->n_workers - vb->owner) % vb->n_workers);
	if (k == 0 || k >= __atomic_load_n(&vb->tx_queues, __ATOMIC_ACQUIRE)) {
		*fail = MV_BACKEND_TX_NO_QUEUE;
		return 0;
	}
	sent = enqueue(vb, k, pkts, n);
	if (sent < n)
		*fail = MV_BACKEND_TX_FULL;
	return sent;
}

static int
vhost_set_mtu(struct mv_backend *be, uint32_t mtu)
{
	struct vhost_backend *vb = (struct vhost_backend *)be;

	/* vhost-user has no message for it: the guest's MTU is QEMU's host_mtu */
	pthread_mutex_lock(&vhost_table.lock);
	vb->mtu = mtu;
	pthread_mutex_unlock(&vhost_table.lock);
	return 0;
}

/* On the control thread after a notify: also what the callbacks could not do. */
static int
vhost_peer_state(struct mv_backend *be)
{
	struct vhost_backend *vb = (struct vhost_backend *)be;

	vhost_quiet_new_vrings(vb);
	return (int)__atomic_load_n(&vb->ready, __ATOMIC_ACQUIRE);
}

static void
vhost_describe(struct mv_backend *be, char *buf, size_t len)
{
	struct vhost_backend *vb = (struct vhost_backend *)be;

	snprintf(buf, len, "vhost %s %s queues %u", vb->path, vb->client ? "client" : "server",
		 vb->queues);
}

static void kv_set(struct mv_backend_info *kv, unsigned int n, unsigned int i, const char *key,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
kv_set(struct mv_backend_info *kv, unsigned int n, unsigned int i, const char *key, const char *fmt,
       ...)
{
	va_list ap;

	if (i >= n)
		return;
	snprintf(kv[i].key, sizeof(kv[i].key), "%s", key);
	va_start(ap, fmt);
	vsnprintf(kv[i].value, sizeof(kv[i].value), fmt, ap);
	va_end(ap);
}

/* The vrings in @p mask as "0,1,2" into @p buf. */
static void
vring_list(uint64_t mask, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned int q = 0; q < 64 && off < len; q++)
		if (mask & (UINT64_C(1) << q))
			off += (size_t)snprintf(buf + off, len - off, "%s%u", off > 0 ? "," : "",
						q);
}

static int
vhost_info_get(struct mv_backend *be, struct mv_backend_info *kv, unsigned int n)
{
	struct vhost_backend *vb = (struct vhost_backend *)be;
	char feat[160], rings[160];
	unsigned int i = 0;
	bool ready;

	pthread_mutex_lock(&vhost_table.lock);
	ready = __atomic_load_n(&vb->ready, __ATOMIC_ACQUIRE) != 0;
	kv_set(kv, n, i++, "socket", "%s", vb->path);
	kv_set(kv, n, i++, "mode", "%s", vb->client ? "client" : "server");
	kv_set(kv, n, i++, "queues", "%u", vb->queues);
	kv_set(kv, n, i++, "connected", "%s", vb->connected ? "yes" : "no");
	kv_set(kv, n, i++, "guest", "%s", ready ? "ready" : "none");
	if (ready) {
		vhost_feature_names(vb->features, feat, sizeof(feat));
		vring_list(vb->vring_enabled, rings, sizeof(rings));
		kv_set(kv, n, i++, "features", "%s", feat);
		kv_set(kv, n, i++, "queue_pairs", "%u", vb->n_vrings / 2);
		kv_set(kv, n, i++, "txq_polled", "%u",
		       __atomic_load_n(&vb->n_txq, __ATOMIC_RELAXED));
		kv_set(kv, n, i++, "rxq_workers", "%u",
		       __atomic_load_n(&vb->tx_queues, __ATOMIC_ACQUIRE));
		kv_set(kv, n, i++, "vrings_enabled", "%s", rings);
		if (vb->guest_mtu != 0)
			kv_set(kv, n, i++, "guest_mtu", "%u", vb->guest_mtu);
	}
	vhost_feature_names(vb->offered, feat, sizeof(feat));
	kv_set(kv, n, i++, "offered", "%s", feat);
	pthread_mutex_unlock(&vhost_table.lock);
	return (int)i;
}

static int
vhost_stats_get(struct mv_backend *be, struct mv_backend_xstat *xs, unsigned int n)
{
	struct vhost_backend *vb = (struct vhost_backend *)be;
	uint64_t connects, disconnects, refused, enq = 0, retries = 0, full = 0, mq = 0;
	unsigned int i;

	for (unsigned int k = 0; k < MV_VHOST_MAX_QUEUES; k++) {
		enq += vb->txq[k].enqueued;
		retries += vb->txq[k].retries;
		full += vb->txq[k].full;
		if (k > 0)
			mq += vb->txq[k].enqueued;
	}

	pthread_mutex_lock(&vhost_table.lock);
	connects = vb->connects;
	disconnects = vb->disconnects;
	refused = vb->refused;
	pthread_mutex_unlock(&vhost_table.lock);
	{
		const struct {
			const char *name;
			uint64_t v;
		} c[] = {
			{ "dequeued", vb->dequeued },
			{ "dequeue_full_bursts", vb->dequeue_calls_full },
			{ "enqueued", enq },
			{ "enqueued_by_others", mq },
			{ "enqueue_retries", retries },
			{ "enqueue_full", full },
			{ "enqueue_no_guest", vb->enqueue_no_guest },
			{ "connects", connects },
			{ "disconnects", disconnects },
			{ "refused_connections", refused },
		};

		for (i = 0; i < RTE_DIM(c) && i < n; i++) {
			snprintf(xs[i].name, sizeof(xs[i].name), "%s", c[i].name);
			xs[i].value = c[i].v;
		}
		return (int)RTE_DIM(c);
	}
}

const struct mv_backend_ops mv_backend_vhost_ops = {
	.kind = "vhost",
	.create = vhost_create,
	.destroy = vhost_destroy,
	.rx_burst = vhost_rx_burst,
	.tx_burst = vhost_tx_burst,
	.tx_burst_from = vhost_tx_burst_from,
	.set_mtu = vhost_set_mtu,
	.describe = vhost_describe,
	.stats_get = vhost_stats_get,
	.peer_state = vhost_peer_state,
	.info_get = vhost_info_get,
};
