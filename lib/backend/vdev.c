/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vdev backend: any DPDK virtual device (net_pcap, net_ring, net_tap,
 * net_memif, ...) as the vif's port, hot-plugged with the vif and removed
 * with it. Bounded by the build's RTE_MAX_ETHPORTS.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_bus_vdev.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>

#include "mv_backend.h"

#define VDEV_NB_DESC 512

struct vdev_backend {
	struct mv_backend base;
	uint16_t port_id;
	char name[RTE_DEV_NAME_MAX_LEN];
};

static int
vdev_name_of(const char *devargs, char *name, size_t len)
{
	size_t n = strcspn(devargs, ",");

	if (n == 0 || n >= len)
		return -EINVAL;
	memcpy(name, devargs, n);
	name[n] = '\0';
	return 0;
}

static int
vdev_start(uint16_t port_id, const struct mv_backend_params *p, char *err, size_t errlen)
{
	struct rte_eth_conf conf;
	int ret;

	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_configure(port_id, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(port_id, 0, VDEV_NB_DESC, p->socket_id, NULL, p->pool);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(port_id, 0, VDEV_NB_DESC, p->socket_id, NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(port_id);
	if (ret < 0) {
		snprintf(err, errlen, "vdev backend: cannot start port %u: %s", port_id,
			 strerror(-ret));
		return ret;
	}
	/* receive whatever the device's side sends, as a macvlan vif does */
	rte_eth_promiscuous_enable(port_id);
	return 0;
}

static int
vdev_create(const struct mv_backend_params *p, struct mv_backend **out, char *err, size_t errlen)
{
	const char *devargs = mv_backend_arg(p->args, "devargs");
	char name[RTE_DEV_NAME_MAX_LEN];
	struct vdev_backend *vb;
	uint16_t port_id;
	int ret;

	if (devargs == NULL || vdev_name_of(devargs, name, sizeof(name)) < 0) {
		snprintf(err, errlen, "vdev backend: invalid devargs \"%s\"",
			 devargs != NULL ? devargs : "");
		return -EINVAL;
	}
	if (rte_eth_dev_get_port_by_name(name, &port_id) == 0) {
		snprintf(err, errlen, "vdev backend: device \"%s\" already exists", name);
		return -EEXIST;
	}
	if (rte_eth_dev_count_total() >= RTE_MAX_ETHPORTS) {
		snprintf(err, errlen,
			 "vdev backend: all %d ethdev ports of this DPDK build are in use "
			 "(RTE_MAX_ETHPORTS); use backend tap or null",
			 RTE_MAX_ETHPORTS);
		return -ENOSPC;
	}
	vb = rte_zmalloc_socket("mv_vdev_backend", sizeof(*vb), RTE_CACHE_LINE_SIZE, p->socket_id);
	if (vb == NULL) {
		snprintf(err, errlen, "vdev backend: out of memory");
		return -ENOMEM;
	}
	ret = rte_dev_probe(devargs);
	if (ret < 0) {
		snprintf(err, errlen, "vdev backend: cannot create \"%s\": %s", devargs,
			 strerror(-ret));
		rte_free(vb);
		return ret;
	}
	if (rte_eth_dev_get_port_by_name(name, &port_id) != 0) {
		snprintf(err, errlen, "vdev backend: \"%s\" is not an ethdev", name);
		rte_eal_hotplug_remove("vdev", name);
		rte_free(vb);
		return -ENODEV;
	}
	ret = vdev_start(port_id, p, err, errlen);
	if (ret < 0) {
		rte_eth_dev_close(port_id);
		rte_eal_hotplug_remove("vdev", name);
		rte_free(vb);
		return ret;
	}
	vb->base.ops = &mv_backend_vdev_ops;
	vb->port_id = port_id;
	snprintf(vb->name, sizeof(vb->name), "%s", name);
	*out = &vb->base;
	return 0;
}

static void
vdev_destroy(struct mv_backend *be)
{
	struct vdev_backend *vb = (struct vdev_backend *)be;

	/* stop and close complete the device's output (e.g. a pcap file) */
	rte_eth_dev_stop(vb->port_id);
	rte_eth_dev_close(vb->port_id);
	rte_eal_hotplug_remove("vdev", vb->name);
	rte_free(vb);
}

static uint16_t
vdev_rx_burst(struct mv_backend *be, struct rte_mbuf **pkts, uint16_t n)
{
	return rte_eth_rx_burst(((struct vdev_backend *)be)->port_id, 0, pkts, n);
}

static uint16_t
vdev_tx_burst(struct mv_backend *be, struct rte_mbuf **pkts, uint16_t n)
{
	return rte_eth_tx_burst(((struct vdev_backend *)be)->port_id, 0, pkts, n);
}

static int
vdev_set_mac(struct mv_backend *be, mv_mac_t mac)
{
	struct rte_ether_addr addr;
	int ret;

	mv_mac_to_bytes(mac, addr.addr_bytes);
	ret = rte_eth_dev_default_mac_addr_set(((struct vdev_backend *)be)->port_id, &addr);
	return ret == -ENOTSUP ? 0 : ret;
}

static int
vdev_set_mtu(struct mv_backend *be, uint32_t mtu)
{
	int ret = rte_eth_dev_set_mtu(((struct vdev_backend *)be)->port_id, (uint16_t)mtu);

	return ret == -ENOTSUP ? 0 : ret;
}

static int
vdev_set_admin(struct mv_backend *be, bool up)
{
	uint16_t port_id = ((struct vdev_backend *)be)->port_id;
	int ret = up ? rte_eth_dev_set_link_up(port_id) : rte_eth_dev_set_link_down(port_id);

	return ret == -ENOTSUP ? 0 : ret;
}

static void
vdev_describe(struct mv_backend *be, char *buf, size_t len)
{
	struct vdev_backend *vb = (struct vdev_backend *)be;

	snprintf(buf, len, "vdev %s (port %u)", vb->name, vb->port_id);
}

/* The ethdev's basic counters: ipackets is what the vif sent, opackets what it received. */
static int
vdev_stats_get(struct mv_backend *be, struct mv_backend_xstat *xs, unsigned int n)
{
	struct rte_eth_stats es = { 0 };
	int ret = rte_eth_stats_get(((struct vdev_backend *)be)->port_id, &es);
	const struct {
		const char *name;
		uint64_t v;
	} c[] = {
		{ "ipackets", es.ipackets }, { "ibytes", es.ibytes },   { "imissed", es.imissed },
		{ "ierrors", es.ierrors },   { "rx_nombuf", es.rx_nombuf }, { "opackets", es.opackets },
		{ "obytes", es.obytes },     { "oerrors", es.oerrors },
	};

	if (ret < 0)
		return ret;
	for (unsigned int i = 0; i < RTE_DIM(c) && i < n; i++) {
		snprintf(xs[i].name, sizeof(xs[i].name), "%s", c[i].name);
		xs[i].value = c[i].v;
	}
	return (int)RTE_DIM(c);
}

const struct mv_backend_ops mv_backend_vdev_ops = {
	.kind = "vdev",
	.create = vdev_create,
	.destroy = vdev_destroy,
	.rx_burst = vdev_rx_burst,
	.tx_burst = vdev_tx_burst,
	.set_mac = vdev_set_mac,
	.set_mtu = vdev_set_mtu,
	.set_admin = vdev_set_admin,
	.describe = vdev_describe,
	.stats_get = vdev_stats_get,
};
