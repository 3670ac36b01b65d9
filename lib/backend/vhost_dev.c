/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rte_vhost's callbacks for the vhost-user backend, and the table of live
 * backends they find their socket in. The callbacks run on rte_vhost's
 * threads (vhost-events, the reconnect thread) and, for a guest still
 * attached when its vif is deleted, inside rte_vhost_driver_unregister on
 * the control thread. They change only the backend's own state under the
 * table's lock and tell the control thread through params->notify; the one
 * wait is destroy_device's grace period, for the workers (never for the
 * control thread, which may be inside rte_vhost_driver_unregister waiting
 * for this very callback to return).
 */
#include <stdio.h>
#include <string.h>

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

void
vhost_update_tx_queues(struct vhost_backend *vb)
{
	uint16_t k = 0, max = RTE_MIN(vb->queues, vb->n_workers);

	while (k < max && k < 32 && (vb->vring_enabled & (UINT64_C(1) << (2 * k))))
		k++;
	__atomic_store_n(&vb->tx_queues, k, __ATOMIC_RELEASE);
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

static void
destroy_connection(int vid)
{
	struct vhost_backend *vb;

	pthread_mutex_lock(&vhost_table.lock);
	vb = backend_of(vid);
	if (vb != NULL && vb->connected && vb->conn_vid == vid) {
		vb->connected = false;
		vb->conn_vid = -1;
		vb->disconnects++;
		MV_LOG(INFO, backend, "%s: vhost guest disconnected from %s", vb->vif_name,
		       vb->path);
		tell(vb);
	}
	pthread_mutex_unlock(&vhost_table.lock);
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
	rte_vhost_get_negotiated_features(vid, &features);
	if (rte_vhost_get_mtu(vid, &mtu) < 0)
		mtu = 0;
	vb->features = features;
	vb->guest_mtu = mtu;
	vb->n_vrings = nr;
	vb->n_txq = RTE_MIN(vb->queues, (uint16_t)(nr / 2));
	if (vb->n_txq == 0)
		vb->n_txq = 1;
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
 * The guest's rings go away when this returns: workers see the device not
 * ready, and after a grace period none is still inside a burst on it.
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
	rte_rcu_qsbr_synchronize(vb->qsbr, RTE_QSBR_THRID_INVALID);
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
		else
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
