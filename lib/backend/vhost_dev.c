/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rte_vhost's callbacks for the vhost-user backend, and the table of live
 * backends they find their socket in. The callbacks run on rte_vhost's
 * threads (vhost-events, the reconnect thread) and, for a guest still
 * attached when its vif is deleted, inside rte_vhost_driver_unregister on
 * the control thread. They change only the backend's own state under the
 * table's lock and tell the control thread through params->notify; the one
 * wait is destroy_device's grace period, for the workers, without the
 * table's lock (never for the control thread, which may be inside
 * rte_vhost_driver_unregister waiting for this very callback to return).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_pause.h>
#include <rte_vhost.h>

#include "mv_log.h"
#include "vhost_priv.h"

struct vhost_table vhost_table = { .lock = PTHREAD_MUTEX_INITIALIZER };

struct vhost_backend *
vhost_table_find(const char *path)
{
	for (struct vhost_backend *vb = vhost_table.head; vb != NULL; vb = vb->next)
		if (strcmp(vb->path, path) == 0)
			return vb;
	return NULL;
}

/* The backend of @p vid's socket (table locked), NULL when it is going away. */
static struct vhost_backend *
backend_of(int vid)
{
	char path[MV_VHOST_PATH_MAX + 1];
	struct vhost_backend *vb;

	if (rte_vhost_get_ifname(vid, path, sizeof(path)) < 0)
		return NULL;
	vb = vhost_table_find(path);
	return vb != NULL && !vb->destroying ? vb : NULL;
}

/*
 * The queue pairs in use follow the guest's enabled vrings: workers send on
 * consecutive enabled RX vrings from 0 (at most queues and n_workers), the
 * owner polls consecutive enabled TX vrings from 1 (at most queues; at
 * least one, a disabled vring gives nothing), so a pair the guest enables
 * after attaching is used too.
 */
void
vhost_update_tx_queues(struct vhost_backend *vb)
{
	uint16_t k = 0, max = RTE_MIN(vb->queues, vb->n_workers), rx = 0;

	while (k < max && k < 32 && (vb->vring_enabled & (UINT64_C(1) << (2 * k))))
		k++;
	__atomic_store_n(&vb->tx_queues, k, __ATOMIC_RELEASE);
	while (rx < vb->queues && rx < 32 && (vb->vring_enabled & (UINT64_C(1) << (2 * rx + 1))))
		rx++;
	__atomic_store_n(&vb->n_txq, RTE_MAX(rx, (uint16_t)1), __ATOMIC_RELEASE);
}

/*
 * On the control thread (peer_state, after a notify): kicks off on the
 * vrings enabled since new_device. The device stays allocated meanwhile:
 * destroy_connection, which comes before rte_vhost frees it, waits on
 * quiet_lock.
 */
void
vhost_quiet_new_vrings(struct vhost_backend *vb)
{
	uint64_t mask;
	int vid = -1;

	pthread_mutex_lock(&vb->quiet_lock);
	pthread_mutex_lock(&vhost_table.lock);
	mask = vb->to_quiet;
	vb->to_quiet = 0;
	if (mask != 0 && vb->connected && !vb->destroying &&
	    __atomic_load_n(&vb->ready, __ATOMIC_ACQUIRE) && vb->vid == vb->conn_vid) {
		vid = vb->vid;
		vb->quieted |= mask;
	}
	pthread_mutex_unlock(&vhost_table.lock);
	for (uint16_t q = 0; vid >= 0 && q < 64; q++)
		if (mask & (UINT64_C(1) << q))
			rte_vhost_enable_guest_notification(vid, q, 0);
	pthread_mutex_unlock(&vb->quiet_lock);
}

static void
tell(struct vhost_backend *vb)
{
	if (vb->notify != NULL && !vb->destroying)
		vb->notify(vb->notify_ctx);
}

/* One guest per vif: a second connection to a server socket is closed. */
static int
new_connection(int vid)
{
	struct vhost_backend *vb;
	int ret = 0;

	pthread_mutex_lock(&vhost_table.lock);
	vb = backend_of(vid);
	if (vb == NULL) {
		ret = -1;
	} else if (vb->connected) {
		vb->refused++;
		MV_LOG(WARNING, backend,
		       "%s: vhost socket %s: a second guest connected, closing its connection "
		       "(one guest per vif)",
		       vb->vif_name, vb->path);
		ret = -1;
	} else {
		vb->connected = true;
		vb->conn_vid = vid;
		vb->connects++;
		MV_LOG(INFO, backend, "%s: vhost guest connected on %s", vb->vif_name, vb->path);
	}
	pthread_mutex_unlock(&vhost_table.lock);
	return ret;
}

/* Before rte_vhost frees the device: no control-thread call on it may be running. */
static void
destroy_connection(int vid)
{
	struct vhost_backend *vb;
	pthread_mutex_t *quiet = NULL;

	pthread_mutex_lock(&vhost_table.lock);
	vb = backend_of(vid);
	if (vb != NULL && vb->connected && vb->conn_vid == vid)
		quiet = &vb->quiet_lock; /* the backend lives until destroy() returns */
	pthread_mutex_unlock(&vhost_table.lock);
	if (quiet == NULL)
		return;
	pthread_mutex_lock(quiet);
	pthread_mutex_lock(&vhost_table.lock);
	vb = backend_of(vid);
	if (vb != NULL && vb->connected && vb->conn_vid == vid) {
		vb->connected = false;
		vb->conn_vid = -1;
		vb->quieted = 0;
		vb->to_quiet = 0;
		vb->disconnects++;
		MV_LOG(INFO, backend, "%s: vhost guest disconnected from %s", vb->vif_name,
		       vb->path);
		tell(vb);
	}
	pthread_mutex_unlock(&vhost_table.lock);
	pthread_mutex_unlock(quiet);
}

/*
 * The guest's driver is ready: no guest interrupts on any vring (the rings
 * are polled), then the workers may use the device.
 */
static int
new_device(int vid)
{
	struct vhost_backend *vb;
	uint16_t nr, mtu = 0;
	uint64_t features = 0;

	pthread_mutex_lock(&vhost_table.lock);
	vb = backend_of(vid);
	if (vb == NULL || vb->conn_vid != vid) {
		pthread_mutex_unlock(&vhost_table.lock);
		return -1;
	}
	nr = rte_vhost_get_vring_num(vid);
	for (uint16_t q = 0; q < nr; q++)
		rte_vhost_enable_guest_notification(vid, q, 0);
	vb->quieted = nr >= 64 ? UINT64_MAX : (UINT64_C(1) << nr) - 1;
	vb->to_quiet = 0;
	rte_vhost_get_negotiated_features(vid, &features);
	if (rte_vhost_get_mtu(vid, &mtu) < 0)
		mtu = 0;
	vb->features = features;
	vb->guest_mtu = mtu;
	vb->n_vrings = nr;
	vb->next_txq = 0;
	vb->vid = vid;
	vhost_update_tx_queues(vb);
	__atomic_store_n(&vb->ready, 1, __ATOMIC_RELEASE);
	if (nr / 2 > vb->queues)
		MV_LOG(WARNING, backend,
		       "%s: the guest set up %u queue pairs, the vif serves %u (queues): what it "
		       "sends on the others is not read",
		       vb->vif_name, nr / 2, vb->queues);
	if (mtu != 0 && mtu != vb->mtu)
		MV_LOG(WARNING, backend, "%s: the guest's MTU is %u, the vif's %u", vb->vif_name,
		       mtu, vb->mtu);
	MV_LOG(INFO, backend, "%s: vhost guest ready (%u vrings)", vb->vif_name, nr);
	tell(vb);
	pthread_mutex_unlock(&vhost_table.lock);
	return 0;
}

/*
 * Until every worker reported once after @p vb stopped being ready: none is
 * inside a burst on its rings then (a worker checks ready and uses the rings
 * in the same call, with nothing in between that blocks). A worker that does
 * not report within MV_VHOST_GRACE_WARN_MS is stuck elsewhere (a driver, a
 * backend's write): named in the log, and waited for without spinning; the
 * rings cannot be let go earlier, the guest's memory is unmapped after.
 */
static void
wait_for_workers(struct vhost_backend *vb)
{
	uint64_t token = rte_rcu_qsbr_start(vb->qsbr);
	uint64_t hz = rte_get_timer_hz(), start = rte_get_timer_cycles(), waited;
	bool warned = false;

	while (rte_rcu_qsbr_check(vb->qsbr, token, false) == 0) {
		waited = rte_get_timer_cycles() - start;
		if (!warned && waited >= hz * MV_VHOST_GRACE_WARN_MS / 1000) {
			MV_LOG(WARNING, backend,
			       "%s: the guest left; a worker has not reported for %u ms (stuck in "
			       "a "
			       "backend or driver call?): its rings stay mapped until it does",
			       vb->vif_name, MV_VHOST_GRACE_WARN_MS);
			warned = true;
		}
		if (waited >= hz / 1000)
			rte_delay_us_sleep(100);
		else
			rte_pause();
	}
	if (warned)
		MV_LOG(INFO, backend, "%s: the workers reported after %" PRIu64 " ms", vb->vif_name,
		       (rte_get_timer_cycles() - start) * 1000 / hz);
}

/*
 * The guest's rings go away when this returns: workers see the device not
 * ready, and after a grace period none is still inside a burst on it. When
 * the vif is being deleted (destroying), its backend is out of every
 * snapshot since a grace period already: no wait.
 */
static void
destroy_device(int vid)
{
	struct vhost_backend *vb;
	char path[MV_VHOST_PATH_MAX + 1];

	pthread_mutex_lock(&vhost_table.lock);
	if (rte_vhost_get_ifname(vid, path, sizeof(path)) < 0)
		vb = NULL;
	else
		vb = vhost_table_find(path); /* destroying too: the rings still go */
	if (vb == NULL || !__atomic_load_n(&vb->ready, __ATOMIC_ACQUIRE) || vb->vid != vid) {
		pthread_mutex_unlock(&vhost_table.lock);
		return;
	}
	__atomic_store_n(&vb->ready, 0, __ATOMIC_RELEASE);
	if (!vb->destroying) {
		/* the control thread may want the lock meanwhile: it never waits on a worker */
		pthread_mutex_unlock(&vhost_table.lock);
		wait_for_workers(vb);
		pthread_mutex_lock(&vhost_table.lock);
	}
	vb->vring_enabled = 0;
	vhost_update_tx_queues(vb);
	MV_LOG(INFO, backend, "%s: vhost guest stopped", vb->vif_name);
	tell(vb);
	pthread_mutex_unlock(&vhost_table.lock);
}

/* Runs with every queue's lock held: record and tell, nothing else. */
static int
vring_state_changed(int vid, uint16_t queue_id, int enable)
{
	struct vhost_backend *vb;

	pthread_mutex_lock(&vhost_table.lock);
	vb = backend_of(vid);
	if (vb != NULL && queue_id < 64) {
		if (enable)
			vb->vring_enabled |= UINT64_C(1) << queue_id;
		if (enable && !(vb->quieted & (UINT64_C(1) << queue_id)))
			vb->to_quiet |= UINT64_C(1) << queue_id;
		if (!enable)
			vb->vring_enabled &= ~(UINT64_C(1) << queue_id);
		vhost_update_tx_queues(vb);
		tell(vb);
	}
	pthread_mutex_unlock(&vhost_table.lock);
	return 0;
}

static int
features_changed(int vid, uint64_t features)
{
	struct vhost_backend *vb;

	pthread_mutex_lock(&vhost_table.lock);
	vb = backend_of(vid);
	if (vb != NULL) {
		vb->features = features;
		tell(vb);
	}
	pthread_mutex_unlock(&vhost_table.lock);
	return 0;
}

const struct rte_vhost_device_ops vhost_dev_ops = {
	.new_device = new_device,
	.destroy_device = destroy_device,
	.vring_state_changed = vring_state_changed,
	.features_changed = features_changed,
	.new_connection = new_connection,
	.destroy_connection = destroy_connection,
};

static const struct {
	uint8_t bit;
	const char *name;
} feature_names[] = {
	{ VIRTIO_NET_F_CSUM, "CSUM" },
	{ VIRTIO_NET_F_GUEST_CSUM, "GUEST_CSUM" },
	{ VIRTIO_NET_F_CTRL_GUEST_OFFLOADS, "CTRL_GUEST_OFFLOADS" },
	{ VIRTIO_NET_F_MTU, "MTU" },
	{ VIRTIO_NET_F_MAC, "MAC" },
	{ VIRTIO_NET_F_GSO, "GSO" },
	{ VIRTIO_NET_F_GUEST_TSO4, "GUEST_TSO4" },
	{ VIRTIO_NET_F_GUEST_TSO6, "GUEST_TSO6" },
	{ VIRTIO_NET_F_GUEST_ECN, "GUEST_ECN" },
	{ VIRTIO_NET_F_GUEST_UFO, "GUEST_UFO" },
	{ VIRTIO_NET_F_HOST_TSO4, "HOST_TSO4" },
	{ VIRTIO_NET_F_HOST_TSO6, "HOST_TSO6" },
	{ VIRTIO_NET_F_HOST_ECN, "HOST_ECN" },
	{ VIRTIO_NET_F_HOST_UFO, "HOST_UFO" },
	{ VIRTIO_NET_F_MRG_RXBUF, "MRG_RXBUF" },
	{ VIRTIO_NET_F_STATUS, "STATUS" },
	{ VIRTIO_NET_F_CTRL_VQ, "CTRL_VQ" },
	{ VIRTIO_NET_F_CTRL_RX, "CTRL_RX" },
	{ VIRTIO_NET_F_CTRL_VLAN, "CTRL_VLAN" },
	{ VIRTIO_NET_F_GUEST_ANNOUNCE, "GUEST_ANNOUNCE" },
	{ VIRTIO_NET_F_MQ, "MQ" },
	{ VIRTIO_F_NOTIFY_ON_EMPTY, "NOTIFY_ON_EMPTY" },
	{ VIRTIO_F_ANY_LAYOUT, "ANY_LAYOUT" },
	{ VIRTIO_RING_F_INDIRECT_DESC, "INDIRECT_DESC" },
	{ VIRTIO_RING_F_EVENT_IDX, "EVENT_IDX" },
	{ VHOST_USER_F_PROTOCOL_FEATURES, "PROTOCOL_FEATURES" },
	{ VIRTIO_F_VERSION_1, "VERSION_1" },
	{ VIRTIO_F_IOMMU_PLATFORM, "IOMMU_PLATFORM" },
	{ VIRTIO_F_RING_PACKED, "RING_PACKED" },
	{ VIRTIO_F_IN_ORDER, "IN_ORDER" },
	{ VHOST_F_LOG_ALL, "LOG_ALL" },
};

void
vhost_feature_names(uint64_t features, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < RTE_DIM(feature_names) && off < len; i++) {
		if (!(features & (UINT64_C(1) << feature_names[i].bit)))
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%s", off > 0 ? "," : "",
					feature_names[i].name);
		features &= ~(UINT64_C(1) << feature_names[i].bit);
	}
	/* bits without a name, by number */
	for (unsigned int b = 0; b < 64 && off < len; b++)
		if (features & (UINT64_C(1) << b))
			off += (size_t)snprintf(buf + off, len - off, "%sbit%u", off > 0 ? "," : "",
						b);
}
