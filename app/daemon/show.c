/* SPDX-License-Identifier: BSD-3-Clause */
/* `link show`, `link stats`, `maddr show`: what the tables and counters hold. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_mempool.h>

#include "app.h"

/* The flags as ip prints them: <BROADCAST,MULTICAST[,PROMISC][,ALLMULTI][,UP][,LOWER_UP]> */
static const char *
link_flags(bool up, bool carrier, bool promisc, bool allmulti, char *buf, size_t len)
{
	snprintf(buf, len, "BROADCAST,MULTICAST%s%s%s%s", promisc ? ",PROMISC" : "",
		 allmulti ? ",ALLMULTI" : "", up ? ",UP" : "",
		 up ? (carrier ? ",LOWER_UP" : ",NO-CARRIER") : "");
	return buf;
}

static const char *
state_name(bool admin_up, bool carrier)
{
	if (!admin_up)
		return "DOWN";
	return carrier ? "UP" : "LOWERLAYERDOWN";
}

static void
show_port(struct mv_port *port)
{
	struct app_port *ap = port->priv;
	char mac[MV_MAC_STRLEN], dev[RTE_ETH_NAME_MAX_LEN] = "", flags[80];

	rte_eth_dev_get_name_by_port(ap->port_id, dev);
	app_out("%s (%s): <%s> mtu %u state %s\n", port->name, dev,
		link_flags(port->admin_up, port->carrier, mv_port_is_promisc(port),
			   mv_port_is_allmulti(port), flags, sizeof(flags)),
		port->mtu, state_name(port->admin_up, port->carrier));
	app_out("    link/ether %s max_mtu %u\n", mv_mac_format(port->mac, mac, sizeof(mac)),
		port->max_mtu);
	app_out("    vifs %u up %u%s bcqueuelen used %u bclim %d rxq %u txq %u\n", port->n_vifs,
		port->n_up_vifs, port->passthru ? " passthru" : "", port->bc_queue_len_used,
		port->bc_cutoff, ap->n_rxq, ap->n_txq);
}

static void
show_vif(struct mv_vif *vif)
{
	struct app_vif *av = vif->priv;
	char mac[MV_MAC_STRLEN], be[160] = "", flags[80];
	uint32_t pos = 0;
	mv_mac_t m;
	uint16_t val;

	app_out("%s@%s: <%s> mtu %u state %s\n", vif->name, vif->port->name,
		link_flags(vif->admin_up, vif->carrier, vif->promisc, vif->allmulti, flags,
			   sizeof(flags)),
		vif->mtu, state_name(vif->admin_up, vif->carrier));
	app_out("    link/ether %s%s\n", mv_mac_format(vif->mac, mac, sizeof(mac)),
		vif->mac_random ? " (random)" : "");
	app_out("    macvlan mode %s%s%s bcqueuelen %u usedbcqueuelen %u", mv_mode_name(vif->mode),
		(vif->flags & MV_FLAG_NOPROMISC) ? " nopromisc" : "",
		(vif->flags & MV_FLAG_NODST) ? " nodst" : "", vif->bc_queue_len_req,
		vif->port->bc_queue_len_used);
	if (vif->port->bc_cutoff != MV_DEFAULT_BC_CUTOFF)
		app_out(" bclim %d", vif->port->bc_cutoff);
	app_out("\n");
	if (vif->mode == MV_MODE_SOURCE) {
		app_out("    remotes (%u)", mv_vif_macaddr_count(vif));
		while (mv_mac_map_next(&vif->sources, &pos, &m, &val) >= 0)
			app_out(" %s", mv_mac_format(m, mac, sizeof(mac)));
		app_out("\n");
	}
	if (av != NULL && av->ops->describe != NULL)
		av->ops->describe(av->dp->be, be, sizeof(be));
	else if (av != NULL)
		snprintf(be, sizeof(be), "%s", av->ops->kind);
	app_out("    backend %s\n", be);
}

void
app_show_links(struct app *app, const char *name)
{
	for (unsigned int i = 0; i < MV_MAX_PORTS; i++) {
		struct mv_port *port = app->ctl.ports[i];
		struct mv_vif *vif;

		if (port == NULL)
			continue;
		if (name == NULL || strcmp(name, port->name) == 0 ||
		    port == app_port_resolve(app, name))
			show_port(port);
		TAILQ_FOREACH(vif, &port->vifs, next)
		if (name == NULL || strcmp(name, vif->name) == 0)
			show_vif(vif);
	}
}

static void
stats_port(struct app *app, struct mv_port *port)
{
	struct mv_dp_port_stats s;
	struct rte_eth_stats es;

	mv_dp_port_stats_sum(&app->dp, port->id, &s);
	memset(&es, 0, sizeof(es));
	rte_eth_stats_get(((struct app_port *)port->priv)->port_id, &es);
	app_out("%s:\n", port->name);
	app_out("    RX: packets %" PRIu64 " bytes %" PRIu64 " missed %" PRIu64 " nombuf %" PRIu64
		"\n",
		s.rx_packets, s.rx_bytes, es.imissed, es.rx_nombuf);
	app_out("    TX: packets %" PRIu64 " bytes %" PRIu64 " errors %" PRIu64 "\n", s.tx_packets,
		s.tx_bytes, es.oerrors);
	app_out("    to lower stack: %" PRIu64 "\n", s.lower_packets);
	app_out("    drops:");
	for (unsigned int r = 1; r < MV_DP_DROP__COUNT; r++)
		if (s.drops[r] != 0)
			app_out(" %s %" PRIu64, mv_dp_drop_name(r), s.drops[r]);
	app_out("\n");
}

/* The backend's own counters, one indented line: "    backend tap: rx_frames 12 ...". */
static void
stats_backend(struct app_vif *av)
{
	struct mv_backend_xstat xs[32];
	int n = mv_backend_stats_get(av->dp->be, xs, RTE_DIM(xs));

	if (n <= 0)
		return;
	app_out("    backend %s:", av->ops->kind);
	for (int i = 0; i < n && i < (int)RTE_DIM(xs); i++)
		app_out(" %s %" PRIu64, xs[i].name, xs[i].value);
	app_out("\n");
}

static void
stats_vif(struct app *app, struct mv_vif *vif)
{
	struct app_vif *av = vif->priv;
	struct mv_vif_stats s;

	mv_dp_vif_stats_sum(&app->dp, av->dp, &s);
	app_out("%s:\n", vif->name);
	app_out("    RX: packets %" PRIu64 " bytes %" PRIu64 " multicast %" PRIu64
		" errors %" PRIu64 " dropped %" PRIu64 "\n",
		s.rx_packets, s.rx_bytes, s.rx_multicast, s.rx_errors, s.rx_dropped);
	app_out("    TX: packets %" PRIu64 " bytes %" PRIu64 " dropped %" PRIu64 "\n", s.tx_packets,
		s.tx_bytes, s.tx_dropped);
	stats_backend(av);
}

void
app_show_stats(struct app *app, const char *name)
{
	for (unsigned int i = 0; i < MV_MAX_PORTS; i++) {
		struct mv_port *port = app->ctl.ports[i];
		struct mv_vif *vif;

		if (port == NULL)
			continue;
		if (name == NULL || port == app_port_resolve(app, name))
			stats_port(app, port);
		TAILQ_FOREACH(vif, &port->vifs, next)
		if ((name == NULL || strcmp(name, vif->name) == 0) && vif->priv != NULL)
			stats_vif(app, vif);
	}
	if (name == NULL) {
		for (uint16_t w = 0; w < app->n_workers; w++) {
			const struct mv_dp_worker_stats *ws = &app->dp.worker_stats[w];

			app_out("worker %u (lcore %u): frames %" PRIu64 " loops %" PRIu64
				" busy %" PRIu64 " cycles/frame %.1f\n",
				w, app->worker_lcore[w], ws->frames, ws->loops, ws->busy_loops,
				ws->frames ? (double)ws->busy_cycles / (double)ws->frames : 0.0);
		}
		app_show_mempool(app);
	}
}

void
app_show_maddr(struct app *app, const char *name)
{
	for (unsigned int i = 0; i < MV_MAX_PORTS; i++) {
		struct mv_port *port = app->ctl.ports[i];
		struct mv_vif *vif;

		if (port == NULL)
			continue;
		TAILQ_FOREACH(vif, &port->vifs, next)
		{
			uint32_t pos = 0;
			mv_mac_t g;
			uint16_t val;
			char mac[MV_MAC_STRLEN];

			if (name != NULL && strcmp(name, vif->name) != 0)
				continue;
			app_out("%s\n", vif->name);
			while (mv_mac_map_next(&vif->mc, &pos, &g, &val) >= 0)
				app_out("    link  %s\n", mv_mac_format(g, mac, sizeof(mac)));
		}
	}
}

void
app_show_mempool(struct app *app)
{
	app_out("mempool %s: %u/%u mbufs free\n", app->pool->name,
		rte_mempool_avail_count(app->pool), app->pool->size);
}
