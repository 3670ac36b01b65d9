/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Physical ports: every port EAL probed is a lower. Set up with one rx queue
 * per worker (RSS where the driver has it) and one tx queue per worker;
 * their link state is polled (and LSC used where the driver raises it) and
 * mirrored on the vifs; their receive filter follows the vifs as the kernel
 * programs a lower with dev_uc_add / dev_mc_sync.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_ethdev.h>
#include <rte_ring.h>

#include "app.h"
#include "trace.h"
#include "mv_log.h"
#include "ctl_queue.h"
#include "events.h"
#include "mv_link_events.h"

static int
port_configure(struct app *app, uint16_t port_id, struct app_port *ap)
{
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	int socket = rte_eth_dev_socket_id(port_id);
	int ret;

	if (socket < 0)
		socket = (int)rte_socket_id();
	ret = rte_eth_dev_info_get(port_id, &info);
	if (ret < 0)
		return ret;
	if (info.max_tx_queues < app->n_workers) {
		fprintf(stderr,
			"Error: port %u (%s) has %u tx queues: use at most %u worker lcores with "
			"it\n",
			port_id, info.driver_name, info.max_tx_queues, info.max_tx_queues);
		return -EINVAL;
	}
	memset(&conf, 0, sizeof(conf));
	ap->n_rxq = RTE_MIN(app->n_workers, info.max_rx_queues);
	ap->n_txq = app->n_workers;
	if (ap->n_rxq > 1 && info.flow_type_rss_offloads != 0) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_IP & info.flow_type_rss_offloads;
	} else {
		ap->n_rxq = 1;
	}
	ap->lsc = (*info.dev_flags & RTE_ETH_DEV_INTR_LSC) != 0;
	ap->max_rx_pktlen = info.max_rx_pktlen;
	conf.intr_conf.lsc = ap->lsc;
	ret = rte_eth_dev_configure(port_id, ap->n_rxq, ap->n_txq, &conf);
	for (uint16_t q = 0; ret == 0 && q < ap->n_rxq; q++)
		ret = rte_eth_rx_queue_setup(port_id, q, APP_RX_DESC, (unsigned int)socket, NULL,
					     app->pool);
	for (uint16_t q = 0; ret == 0 && q < ap->n_txq; q++)
		ret = rte_eth_tx_queue_setup(port_id, q, APP_TX_DESC, (unsigned int)socket, NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(port_id);
	if (ret < 0)
		fprintf(stderr, "Error: port %u (%s): cannot start: %s\n", port_id,
			info.driver_name, strerror(-ret));
	return ret;
}

/*
 * net_af_packet reports its link up for good once started; the carrier of
 * the kernel netdev it binds is what a NIC's link state would be.
 */
static void
find_kernel_iface(uint16_t port_id, struct app_port *ap)
{
	struct rte_eth_dev_info info;
	const struct rte_devargs *da;
	const char *args, *p;

	if (rte_eth_dev_info_get(port_id, &info) < 0 || info.device == NULL ||
	    strcmp(info.driver_name, "net_af_packet") != 0)
		return;
	da = rte_dev_devargs(info.device);
	args = da != NULL ? da->args : NULL;
	p = args != NULL ? strstr(args, "iface=") : NULL;
	if (p != NULL) {
		size_t n = strcspn(p + 6, ",");

		if (n > 0 && n < sizeof(ap->kernel_iface)) {
			memcpy(ap->kernel_iface, p + 6, n);
			ap->kernel_iface[n] = '\0';
		}
	}
}

static bool
kernel_carrier(const char *iface)
{
	char path[64], v = '0';
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/carrier", iface);
	f = fopen(path, "r");
	if (f == NULL)
		return false;
	if (fread(&v, 1, 1, f) != 1)
		v = '0'; /* reading fails while the netdev is down */
	fclose(f);
	return v == '1';
}

/* On the control thread, for an LSC interrupt: read every port's link now. */
static void
lsc_poll(struct app *app, void *arg)
{
	(void)arg;
	app_ports_poll_link(app);
}

/* LSC callbacks run on the interrupt thread: they hand the poll to the control thread. */
static int
lsc_event(uint16_t port_id, enum rte_eth_event_type type, void *arg, void *ret_param)
{
	(void)port_id;
	(void)type;
	(void)ret_param;
	app_queue_push(arg, lsc_poll, NULL);
	return 0;
}

int
app_ports_init(struct app *app)
{
	uint16_t port_id;

	RTE_ETH_FOREACH_DEV (port_id) {
		struct mv_port_params params;
		struct rte_eth_dev_info info;
		struct rte_ether_addr addr;
		struct rte_eth_link link;
		struct mv_port *port;
		struct app_port *ap;
		char name[MV_IFNAMSIZ], ring_name[32];
		uint16_t mtu = 1500;
		int ret;

		if (port_id >= MV_MAX_PORTS) {
			fprintf(stderr, "Error: port %u: only %d physical ports are supported\n",
				port_id, MV_MAX_PORTS);
			return -ENOSPC;
		}
		ap = calloc(1, sizeof(*ap));
		if (ap == NULL)
			return -ENOMEM;
		ap->port_id = port_id;
		find_kernel_iface(port_id, ap);
		ret = port_configure(app, port_id, ap);
		if (ret < 0) {
			free(ap);
			return ret;
		}
		snprintf(ring_name, sizeof(ring_name), "mv_bc_%u", port_id);
		ap->bc_ring = rte_ring_create(ring_name, APP_BC_RING_SIZE,
					      rte_eth_dev_socket_id(port_id), RING_F_SC_DEQ);
		if (ap->bc_ring == NULL) {
			free(ap);
			return -ENOMEM;
		}
		rte_eth_dev_info_get(port_id, &info);
		rte_eth_macaddr_get(port_id, &addr);
		rte_eth_dev_get_mtu(port_id, &mtu);
		rte_eth_link_get_nowait(port_id, &link);
		snprintf(name, sizeof(name), "p%u", port_id);
		memset(&params, 0, sizeof(params));
		params.name = name;
		params.id = port_id;
		params.mac = mv_mac_from_bytes(addr.addr_bytes);
		if (!mv_mac_is_valid_unicast(params.mac))
			params.mac = mv_mac_random(rte_rand()); /* e.g. net_null's zero MAC */
		ap->boot_mtu = mtu;
		params.mtu = mtu;
		params.max_mtu = info.max_mtu;
		params.admin_up = true;
		params.carrier = link.link_status == RTE_ETH_LINK_UP;
		params.uc_filter_max = info.max_mac_addrs > 1 ? info.max_mac_addrs - 1u : 0;
		ret = mv_port_add(&app->ctl, &params, &port);
		if (ret < 0) {
			fprintf(stderr, "Error: port %u (%s, mtu %u): cannot be a lower: %s\n",
				port_id, info.driver_name, mtu, strerror(-ret));
			rte_ring_free(ap->bc_ring);
			free(ap);
			return ret;
		}
		port->priv = ap;
		ret = mv_dp_port_attach(&app->dp, port->id, port_id, ap->n_rxq, ap->max_rx_pktlen,
					ap->bc_ring);
		if (ret < 0) {
			fprintf(stderr, "Error: port %u (%s): the datapath cannot take it: %s\n",
				port_id, info.driver_name, strerror(-ret));
			return ret;
		}
		if (ap->lsc)
			rte_eth_dev_callback_register(port_id, RTE_ETH_EVENT_INTR_LSC, lsc_event,
						      app);
	}
	if (rte_eth_dev_count_avail() == 0) {
		fprintf(stderr,
			"Error: no physical port: give EAL a device (-a <pci> or --vdev ...)\n");
		return -ENODEV;
	}
	return 0;
}

void
app_ports_fini(struct app *app)
{
	for (unsigned int i = 0; i < MV_MAX_PORTS; i++) {
		struct mv_port *port = app->ctl.ports[i];
		struct app_port *ap;

		if (port == NULL)
			continue;
		ap = port->priv;
		if (ap->lsc)
			rte_eth_dev_callback_unregister(ap->port_id, RTE_ETH_EVENT_INTR_LSC,
							lsc_event, app);
		/* stop and close: pcap outputs are complete, rx descriptors return */
		rte_eth_dev_stop(ap->port_id);
		rte_eth_dev_close(ap->port_id);
		mv_dp_drain_ring(&app->dp, ap->bc_ring, port->id, MV_DP_DROP_STOPPED);
		rte_ring_free(ap->bc_ring);
		mv_rx_filter_free(&ap->programmed);
		free(ap);
		port->priv = NULL;
	}
}

struct mv_port *
app_port_resolve(struct app *app, const char *name)
{
	struct mv_port *port = mv_port_find(&app->ctl, name);
	uint16_t port_id;

	if (port != NULL)
		return port;
	/* the DPDK device name (e.g. net_pcap0) */
	if (rte_eth_dev_get_port_by_name(name, &port_id) == 0 && port_id < MV_MAX_PORTS)
		return app->ctl.ports[port_id];
	return NULL;
}

/* Is @p mac in the sorted list @p v? */
static bool
contains(const mv_mac_t *v, uint32_t n, mv_mac_t mac)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (v[mid] == mac)
			return true;
		if (v[mid] < mac)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

int
app_port_sync_filter(struct app *app, struct mv_port *port)
{
	struct app_port *ap = port->priv;
	struct mv_rx_filter want;
	bool overflow = false;
	int ret, err = 0;

	(void)app;
	ret = mv_port_rx_filter(port, &want);
	if (ret < 0)
		return ret;
	/* unicast: remove what went, add what came; a full table makes the port promiscuous */
	for (uint32_t i = 0; i < ap->programmed.n_uc; i++)
		if (!contains(want.uc, want.n_uc, ap->programmed.uc[i])) {
			struct rte_ether_addr a;

			mv_mac_to_bytes(ap->programmed.uc[i], a.addr_bytes);
			ret = rte_eth_dev_mac_addr_remove(ap->port_id, &a);
			if (ret < 0)
				MV_LOG(WARNING, port, "%s: cannot remove a unicast filter: %s",
				       port->name, strerror(-ret));
		}
	/* keep in want.uc only what the NIC holds, so a refused address is retried */
	for (uint32_t i = 0, kept = 0, n = want.n_uc; i < n; i++) {
		if (!contains(ap->programmed.uc, ap->programmed.n_uc, want.uc[i])) {
			struct rte_ether_addr a;

			mv_mac_to_bytes(want.uc[i], a.addr_bytes);
			ret = rte_eth_dev_mac_addr_add(ap->port_id, &a, 0);
			if (ret < 0) {
				MV_LOG(DEBUG, port, "%s: unicast filter refused (%s): promiscuous",
				       port->name, strerror(-ret));
				overflow = true;
				want.n_uc--;
				continue;
			}
		}
		want.uc[kept++] = want.uc[i];
	}
	if (want.n_mc > 0) {
		struct rte_ether_addr *mc = calloc(want.n_mc, sizeof(*mc));

		if (mc != NULL) {
			for (uint32_t i = 0; i < want.n_mc; i++)
				mv_mac_to_bytes(want.mc[i], mc[i].addr_bytes);
			ret = rte_eth_dev_set_mc_addr_list(ap->port_id, mc, want.n_mc);
			if (ret < 0) {
				MV_LOG(DEBUG, port,
				       "%s: %u multicast filters refused (%s): allmulticast",
				       port->name, want.n_mc, strerror(-ret));
				want.allmulti = true;
			}
			free(mc);
		} else {
			want.allmulti = true;
		}
	} else {
		ret = rte_eth_dev_set_mc_addr_list(ap->port_id, NULL, 0);
		if (ret < 0 && ret != -ENOTSUP)
			MV_LOG(WARNING, port, "%s: cannot clear the multicast filters: %s",
			       port->name, strerror(-ret));
	}
	/*
	 * A NIC that cannot leave promiscuous/allmulticast mode passes more:
	 * harmless. One that cannot enter allmulticast while promiscuous loses
	 * nothing either (net_af_packet). What is lost is said once, when it
	 * starts, not at every publish.
	 */
	bool promisc = want.promisc || overflow;
	int promisc_ret = promisc ? rte_eth_promiscuous_enable(ap->port_id)
				  : rte_eth_promiscuous_disable(ap->port_id);
	int allmulti_ret = want.allmulti ? rte_eth_allmulticast_enable(ap->port_id)
					 : rte_eth_allmulticast_disable(ap->port_id);
	bool promisc_lost = promisc && promisc_ret < 0;
	bool allmulti_lost =
		want.allmulti && allmulti_ret < 0 &&
		!(promisc && promisc_ret == 0 && rte_eth_promiscuous_get(ap->port_id) == 1);

	if (promisc_lost && !ap->promisc_lost)
		MV_LOG(ERR, port,
		       "%s: cannot enable promiscuous mode: %s (frames for vifs are lost)",
		       port->name, strerror(-promisc_ret));
	else if (!promisc && promisc_ret < 0 && promisc_ret != -ENOTSUP)
		MV_LOG(WARNING, port, "%s: cannot disable promiscuous mode: %s", port->name,
		       strerror(-promisc_ret));
	if (allmulti_lost && !ap->allmulti_lost)
		MV_LOG(ERR, port, "%s: cannot enable allmulticast mode: %s (groups are lost)",
		       port->name, strerror(-allmulti_ret));
	else if (!want.allmulti && allmulti_ret < 0 && allmulti_ret != -ENOTSUP)
		MV_LOG(WARNING, port, "%s: cannot disable allmulticast mode: %s", port->name,
		       strerror(-allmulti_ret));
	ap->promisc_lost = promisc_lost;
	ap->allmulti_lost = allmulti_lost;
	if (promisc_lost)
		err = promisc_ret;
	else if (allmulti_lost)
		err = allmulti_ret;
	mv_rx_filter_free(&ap->programmed);
	ap->programmed = want;
	return err;
}

void
app_apply_deltas(struct app *app, struct mv_port *port, const struct mv_deltas *d)
{
	for (uint32_t i = 0; i < d->n; i++) {
		const struct mv_delta *dl = &d->v[i];
		struct mv_vif *vif = dl->slot != MV_SLOT_NONE ? port->slots[dl->slot] : NULL;
		struct app_vif *av;
		int ret = 0;

		if (dl->kind == MV_DELTA_DELETED)
			mv_trace_event(dl->name, port->name, "deleted", 1, "lower");
		else if (dl->kind == MV_DELTA_LOWER_MAC)
			mv_trace_event(port->name, port->name, "lower_mac", dl->value, "lower");
		else if (dl->kind != MV_DELTA_CARRIER && vif != NULL) /* carrier: events.c's */
			mv_trace_event(vif->name, port->name,
				       dl->kind == MV_DELTA_MTU ? "mtu" : "mac", dl->value,
				       "lower");
		if (dl->kind == MV_DELTA_DELETED || vif == NULL || vif->priv == NULL)
			continue;
		av = vif->priv;
		switch (dl->kind) {
		case MV_DELTA_CARRIER:
			/* a vif without its backend's side or peer has none to gain or lose */
			if (dl->value != 0 && !app_vif_fix_carrier(vif))
				break;
			if (dl->value == 0 && (av->be_gone || !av->peer_up))
				break;
			MV_LOG(NOTICE, port, "%s: carrier %s (lower %s)", vif->name,
			       dl->value ? "on" : "off", port->name);
			app_events_vif_carrier(app, vif, dl->value != 0, "lower");
			if (av->ops->set_carrier != NULL)
				ret = av->ops->set_carrier(av->ep->be, dl->value != 0);
			break;
		case MV_DELTA_MTU:
			MV_LOG(NOTICE, port, "%s: mtu clamped to %u (lower %s)", vif->name,
			       (unsigned int)dl->value, port->name);
			if (av->ops->set_mtu != NULL)
				ret = av->ops->set_mtu(av->ep->be, (uint32_t)dl->value);
			break;
		case MV_DELTA_MAC:
			MV_LOG(NOTICE, port, "%s: follows the address of %s", vif->name,
			       port->name);
			if (av->ops->set_mac != NULL)
				ret = av->ops->set_mac(av->ep->be, dl->value);
			break;
		default:
			break;
		}
		/* the tables changed; the backend's netdev shows the old value */
		if (ret < 0)
			MV_LOG(WARNING, backend, "%s: the %s backend did not follow: %s", vif->name,
			       av->ops->kind, strerror(-ret));
	}
}

static void
port_link_changed(struct app *app, struct mv_port *port, bool admin_up, bool carrier)
{
	struct mv_deltas d = { 0 };

	if (admin_up != port->admin_up || carrier != port->carrier)
		app_events_port_link(app, port, admin_up, carrier,
				     admin_up != port->admin_up ? "command" : "driver");
	mv_lower_set_link(port, admin_up, carrier, &d);
	app_apply_deltas(app, port, &d);
	mv_deltas_free(&d);
}

void
app_ports_poll_link(struct app *app)
{
	for (unsigned int i = 0; i < MV_MAX_PORTS; i++) {
		struct mv_port *port = app->ctl.ports[i];
		struct rte_eth_link link;
		bool carrier;

		if (port == NULL)
			continue;
		if (rte_eth_link_get_nowait(((struct app_port *)port->priv)->port_id, &link) < 0)
			continue;
		carrier = link.link_status == RTE_ETH_LINK_UP;
		if (((struct app_port *)port->priv)->kernel_iface[0] != '\0')
			carrier = carrier &&
				  kernel_carrier(((struct app_port *)port->priv)->kernel_iface);
		if (carrier != port->carrier)
			port_link_changed(app, port, port->admin_up, carrier);
	}
}

int
app_port_set_admin(struct app *app, struct mv_port *port, bool up)
{
	struct app_port *ap = port->priv;
	struct rte_eth_link link;
	int ret;

	if (up == port->admin_up)
		return 0;
	ret = up ? rte_eth_dev_set_link_up(ap->port_id) : rte_eth_dev_set_link_down(ap->port_id);
	if (ret < 0 && ret != -ENOTSUP)
		return ret;
	/* a driver that cannot take its link down still stops carrying frames for us */
	rte_eth_link_get_nowait(ap->port_id, &link);
	port_link_changed(app, port, up, link.link_status == RTE_ETH_LINK_UP);
	return 0;
}

int
app_port_set_mtu(struct app *app, struct mv_port *port, uint32_t mtu)
{
	struct app_port *ap = port->priv;
	struct mv_deltas d = { 0 };
	int ret;

	if (mtu < MV_MIN_MTU || mtu > port->max_mtu)
		return -EINVAL;
	ret = rte_eth_dev_set_mtu(ap->port_id, (uint16_t)mtu);
	if (ret < 0 && ret != -ENOTSUP)
		return ret;
	ret = mv_lower_set_mtu(port, mtu, &d);
	app_apply_deltas(app, port, &d);
	mv_deltas_free(&d);
	return ret;
}

int
app_port_set_mac(struct app *app, struct mv_port *port, mv_mac_t mac)
{
	struct app_port *ap = port->priv;
	struct rte_ether_addr a;
	struct mv_deltas d = { 0 };
	int ret;

	if (!mv_mac_is_valid_unicast(mac))
		return -EADDRNOTAVAIL;
	mv_mac_to_bytes(mac, a.addr_bytes);
	ret = rte_eth_dev_default_mac_addr_set(ap->port_id, &a);
	if (ret < 0 && ret != -ENOTSUP)
		return ret;
	ret = mv_lower_set_mac(port, mac, &d);
	app_apply_deltas(app, port, &d);
	mv_deltas_free(&d);
	return ret;
}

int
app_commit(struct app *app)
{
	int ret;

	mv_dp_set_forwarding(&app->dp, app->forwarding && !app->hold);
	ret = mv_dp_commit(&app->dp);
	mv_trace_commit(app->ctl.n_vifs, ret);
	if (ret <= 0)
		return ret;
	/* what a NIC refuses is logged by the sync; the next change tries again */
	for (unsigned int p = 0; p < MV_MAX_PORTS; p++)
		if (app->ctl.ports[p] != NULL)
			(void)app_port_sync_filter(app, app->ctl.ports[p]);
	return ret;
}
