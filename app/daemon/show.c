/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The structured results of `link show`, `link stats` and `maddr show`: what
 * the tables and counters hold, as JSON objects shaped like `ip -j -d link
 * show` / `ip -j -s link show` / `ip -j maddr show` wherever the concept
 * exists, with the program's own additions under names the kernel does not
 * use (backend, drops, workers). The text the shell prints is rendered from
 * these objects (lib/ctl, mv_render.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_mempool.h>
#include <rte_ring.h>

#include "app.h"
#include "mv_render.h"
#include "show.h"
#include "trace.h"

static json_t *
mac_json(mv_mac_t mac)
{
	char buf[MV_MAC_STRLEN];

	return json_string(mv_mac_format(mac, buf, sizeof(buf)));
}

/* The flags as the kernel reports them (iproute2's order): NO-CARRIER first. */
static json_t *
link_flags(bool up, bool carrier, bool promisc, bool allmulti, bool lower_down)
{
	json_t *f = json_array();

	if (up && !carrier)
		json_array_append_new(f, json_string("NO-CARRIER"));
	json_array_append_new(f, json_string("BROADCAST"));
	json_array_append_new(f, json_string("MULTICAST"));
	if (allmulti)
		json_array_append_new(f, json_string("ALLMULTI"));
	if (promisc)
		json_array_append_new(f, json_string("PROMISC"));
	if (up)
		json_array_append_new(f, json_string("UP"));
	if (up && carrier)
		json_array_append_new(f, json_string("LOWER_UP"));
	if (lower_down)
		json_array_append_new(f, json_string("M-DOWN"));
	return f;
}

static const char *
operstate(bool admin_up, bool carrier)
{
	if (!admin_up)
		return "DOWN";
	return carrier ? "UP" : "LOWERLAYERDOWN";
}

/* The keys every link has, in the order ip prints them. */
static json_t *
link_common(const char *ifname, json_t *flags, uint32_t mtu, const char *state, mv_mac_t mac,
	    unsigned int promiscuity, unsigned int allmulti, uint32_t max_mtu)
{
	return json_pack("{s:s, s:o, s:I, s:s, s:s, s:o, s:s, s:I, s:I, s:I, s:I}", "ifname",
			 ifname, "flags", flags, "mtu", (json_int_t)mtu, "operstate", state,
			 "link_type", "ether", "address", mac_json(mac), "broadcast",
			 "ff:ff:ff:ff:ff:ff", "promiscuity", (json_int_t)promiscuity, "allmulti",
			 (json_int_t)allmulti, "min_mtu", (json_int_t)MV_MIN_MTU, "max_mtu",
			 (json_int_t)max_mtu);
}

json_t *
app_json_port(struct app *app, struct mv_port *port)
{
	struct app_port *ap = port->priv;
	char dev[RTE_ETH_NAME_MAX_LEN] = "";
	bool promisc = mv_port_is_promisc(port), allmulti = mv_port_is_allmulti(port);
	json_t *o, *data;

	(void)app;
	rte_eth_dev_get_name_by_port(ap->port_id, dev);
	o = link_common(port->name,
			link_flags(port->admin_up, port->carrier, promisc, allmulti, false),
			port->mtu, operstate(port->admin_up, port->carrier), port->mac,
			port->promisc + port->promisc_count +
				(promisc && !port->promisc && port->promisc_count == 0),
			port->allmulti + port->allmulti_count, port->max_mtu);
	data = json_pack("{s:s, s:I, s:I, s:I, s:b, s:I, s:I, s:I, s:I}", "device", dev, "port_id",
			 (json_int_t)ap->port_id, "vifs", (json_int_t)port->n_vifs, "up_vifs",
			 (json_int_t)port->n_up_vifs, "passthru", port->passthru, "usedbcqueuelen",
			 (json_int_t)port->bc_queue_len_used, "bclim", (json_int_t)port->bc_cutoff,
			 "rxq", (json_int_t)ap->n_rxq, "txq", (json_int_t)ap->n_txq);
	json_object_set_new(o, "linkinfo",
			    json_pack("{s:s, s:o}", "info_kind", "dpdk", "info_data", data));
	return o;
}

static json_t *
backend_json(struct mv_vif *vif)
{
	struct app_vif *av = vif->priv;
	char desc[160] = "";

	if (av == NULL)
		return json_null();
	if (av->ops->describe != NULL)
		av->ops->describe(av->ep->be, desc, sizeof(desc));
	else
		snprintf(desc, sizeof(desc), "%s", av->ops->kind);
	return json_pack("{s:s, s:s, s:I}", "kind", av->ops->kind, "description", desc, "worker",
			 (json_int_t)av->ep->owner);
}

/* The backend's state (mv_backend_info_get) as "backend_info": {key: value}, if any. */
static void
backend_info_json(json_t *o, struct mv_vif *vif)
{
	struct app_vif *av = vif->priv;
	struct mv_backend_info kv[32];
	json_t *info;
	int n;

	if (av == NULL || av->be_gone)
		return;
	n = mv_backend_info_get(av->ep->be, kv, RTE_DIM(kv));
	if (n <= 0)
		return;
	info = json_object();
	for (int i = 0; i < n && i < (int)RTE_DIM(kv); i++)
		json_object_set_new(info, kv[i].key, json_string(kv[i].value));
	json_object_set_new(o, "backend_info", info);
}

json_t *
app_json_vif(struct app *app, struct mv_vif *vif)
{
	struct mv_port *port = vif->port;
	json_t *o, *data, *remotes;
	uint32_t pos = 0;
	mv_mac_t m;
	uint16_t val;

	(void)app;
	o = link_common(vif->name,
			link_flags(vif->admin_up, vif->carrier, vif->promisc, vif->allmulti,
				   !port->admin_up),
			vif->mtu, operstate(vif->admin_up, vif->carrier), vif->mac, vif->promisc,
			vif->allmulti, vif->max_mtu);
	/* "link" comes before "ifname" in ip's output: key order is cosmetic in JSON */
	json_object_set_new(o, "link", json_string(port->name));
	data = json_pack("{s:s}", "mode", mv_mode_name(vif->mode));
	if (vif->flags & MV_FLAG_NOPROMISC)
		json_object_set_new(data, "nopromisc", json_true());
	if (vif->flags & MV_FLAG_NODST)
		json_object_set_new(data, "nodst", json_true());
	json_object_set_new(data, "bcqueuelen", json_integer(vif->bc_queue_len_req));
	json_object_set_new(data, "usedbcqueuelen", json_integer(port->bc_queue_len_used));
	if (port->bc_cutoff != MV_DEFAULT_BC_CUTOFF)
		json_object_set_new(data, "bclim", json_integer(port->bc_cutoff));
	if (vif->mode == MV_MODE_SOURCE) {
		json_object_set_new(data, "macaddr_count", json_integer(mv_vif_macaddr_count(vif)));
		remotes = json_array();
		while (mv_mac_map_next(&vif->sources, &pos, &m, &val) >= 0)
			json_array_append_new(remotes, mac_json(m));
		if (json_array_size(remotes) > 0)
			json_object_set_new(data, "macaddr_data", remotes);
		else
			json_decref(remotes);
	}
	json_object_set_new(o, "linkinfo",
			    json_pack("{s:s, s:o}", "info_kind", "macvlan", "info_data", data));
	/* the program's own: not in the kernel's macvlan */
	json_object_set_new(o, "address_random", json_boolean(vif->mac_random));
	json_object_set_new(o, "spoofchk", json_boolean(vif->spoofchk));
	json_object_set_new(o, "bcrate", json_integer(vif->bcrate));
	json_object_set_new(o, "backend", backend_json(vif));
	backend_info_json(o, vif);
	mv_trace_fill_info(vif->name, port->name, vif->mac, vif->mode, vif->flags, vif->mtu,
			   vif->admin_up, vif->carrier);
	return o;
}

static bool
port_matches(struct app *app, struct mv_port *port, const char *name)
{
	return name == NULL || strcmp(name, port->name) == 0 || port == app_port_resolve(app, name);
}

static json_t *stats_port(struct app *app, struct mv_port *port);
static json_t *stats_vif(struct app *app, struct mv_vif *vif);

/* `-s`: the link object gets its counters' stats64, as `ip -j -s link show` */
static json_t *
with_stats64(json_t *link, json_t *stats)
{
	json_object_set(link, "stats64", json_object_get(stats, "stats64"));
	json_decref(stats);
	return link;
}

json_t *
app_json_links_filtered(struct app *app, const char *name, bool ports_only, bool stats)
{
	json_t *links = json_array();

	for (unsigned int i = 0; i < MV_MAX_PORTS; i++) {
		struct mv_port *port = app->ctl.ports[i];
		struct mv_vif *vif;

		if (port == NULL)
			continue;
		if (port_matches(app, port, name))
			json_array_append_new(links, stats ? with_stats64(app_json_port(app, port),
									  stats_port(app, port))
							   : app_json_port(app, port));
		TAILQ_FOREACH (vif, &port->vifs, next)
			if (!ports_only && (name == NULL || strcmp(name, vif->name) == 0))
				json_array_append_new(links,
						      stats && vif->priv != NULL
							      ? with_stats64(app_json_vif(app, vif),
									     stats_vif(app, vif))
							      : app_json_vif(app, vif));
	}
	return links;
}

json_t *
app_json_links(struct app *app, const char *name)
{
	return app_json_links_filtered(app, name, false, false);
}

/* stats64 as `ip -j -s link show` has it */
static json_t *
stats64(uint64_t rx_bytes, uint64_t rx_packets, uint64_t rx_errors, uint64_t rx_dropped,
	uint64_t rx_over, uint64_t rx_multicast, uint64_t tx_bytes, uint64_t tx_packets,
	uint64_t tx_errors, uint64_t tx_dropped)
{
	return json_pack("{s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:{s:I, s:I, s:I, s:I, s:I, s:I}}",
			 "rx", "bytes", (json_int_t)rx_bytes, "packets", (json_int_t)rx_packets,
			 "errors", (json_int_t)rx_errors, "dropped", (json_int_t)rx_dropped,
			 "over_errors", (json_int_t)rx_over, "multicast", (json_int_t)rx_multicast,
			 "tx", "bytes", (json_int_t)tx_bytes, "packets", (json_int_t)tx_packets,
			 "errors", (json_int_t)tx_errors, "dropped", (json_int_t)tx_dropped,
			 "carrier_errors", (json_int_t)0, "collisions", (json_int_t)0);
}

/* a counter since the baseline (a counter that went back, a NIC reset, gives 0) */
static uint64_t
since(uint64_t now, uint64_t base)
{
	return now > base ? now - base : 0;
}

static void
port_raw(struct app *app, struct mv_port *port, struct mv_dp_port_stats *s,
	 struct rte_eth_stats *es)
{
	mv_dp_port_stats_sum(&app->dp, port->id, s);
	memset(es, 0, sizeof(*es));
	rte_eth_stats_get(((struct app_port *)port->priv)->port_id, es);
}

/* the port's counters since the last `clear port stats` */
static void
port_counters(struct app *app, struct mv_port *port, struct mv_dp_port_stats *s,
	      struct rte_eth_stats *es)
{
	const struct app_port_base *b = &((struct app_port *)port->priv)->base;

	port_raw(app, port, s, es);
	s->rx_packets = since(s->rx_packets, b->rx_packets);
	s->rx_bytes = since(s->rx_bytes, b->rx_bytes);
	s->tx_packets = since(s->tx_packets, b->tx_packets);
	s->tx_bytes = since(s->tx_bytes, b->tx_bytes);
	s->lower_packets = since(s->lower_packets, b->lower_packets);
	for (unsigned int r = 0; r < MV_DP_DROP__COUNT; r++)
		s->drops[r] = since(s->drops[r], b->drops[r]);
	es->ipackets = since(es->ipackets, b->nic.ipackets);
	es->opackets = since(es->opackets, b->nic.opackets);
	es->ibytes = since(es->ibytes, b->nic.ibytes);
	es->obytes = since(es->obytes, b->nic.obytes);
	es->imissed = since(es->imissed, b->nic.imissed);
	es->ierrors = since(es->ierrors, b->nic.ierrors);
	es->oerrors = since(es->oerrors, b->nic.oerrors);
	es->rx_nombuf = since(es->rx_nombuf, b->nic.rx_nombuf);
}

static void
port_clear(struct app *app, struct mv_port *port)
{
	struct app_port_base *b = &((struct app_port *)port->priv)->base;
	struct mv_dp_port_stats s;

	port_raw(app, port, &s, &b->nic);
	b->rx_packets = s.rx_packets;
	b->rx_bytes = s.rx_bytes;
	b->tx_packets = s.tx_packets;
	b->tx_bytes = s.tx_bytes;
	b->lower_packets = s.lower_packets;
	memcpy(b->drops, s.drops, sizeof(b->drops));
}

/* the vif's counters since the last `clear link stats` */
static void
vif_counters(struct app *app, struct mv_vif *vif, struct mv_vif_stats *s)
{
	const struct mv_vif_stats *b = &((struct app_vif *)vif->priv)->base;

	mv_dp_endpoint_stats_sum(&app->dp, ((struct app_vif *)vif->priv)->ep, s);
	s->rx_packets = since(s->rx_packets, b->rx_packets);
	s->rx_bytes = since(s->rx_bytes, b->rx_bytes);
	s->rx_multicast = since(s->rx_multicast, b->rx_multicast);
	s->rx_errors = since(s->rx_errors, b->rx_errors);
	s->rx_dropped = since(s->rx_dropped, b->rx_dropped);
	s->tx_packets = since(s->tx_packets, b->tx_packets);
	s->tx_bytes = since(s->tx_bytes, b->tx_bytes);
	s->tx_dropped = since(s->tx_dropped, b->tx_dropped);
}

json_t *
app_json_clear_stats(struct app *app, const char *name, bool ports_only)
{
	json_t *cleared = json_array();

	for (unsigned int i = 0; i < MV_MAX_PORTS; i++) {
		struct mv_port *port = app->ctl.ports[i];
		struct mv_vif *vif;

		if (port == NULL)
			continue;
		if (port_matches(app, port, name)) {
			port_clear(app, port);
			json_array_append_new(cleared, json_string(port->name));
		}
		TAILQ_FOREACH (vif, &port->vifs, next) {
			struct app_vif *av = vif->priv;

			if (ports_only || av == NULL ||
			    (name != NULL && strcmp(name, vif->name) != 0))
				continue;
			mv_dp_endpoint_stats_sum(&app->dp, av->ep, &av->base);
			json_array_append_new(cleared, json_string(vif->name));
		}
	}
	return json_pack("{s:o}", "cleared", cleared);
}

static json_t *
stats_port(struct app *app, struct mv_port *port)
{
	struct mv_dp_port_stats s;
	struct rte_eth_stats es;
	json_t *drops = json_object(), *o;
	uint64_t dropped = 0;

	port_counters(app, port, &s, &es);
	for (unsigned int r = 1; r < MV_DP_DROP__COUNT; r++) {
		json_object_set_new(drops, mv_dp_drop_name(r),
				    json_integer((json_int_t)s.drops[r]));
		dropped += s.drops[r];
	}
	o = json_pack("{s:s, s:o}", "ifname", port->name, "stats64",
		      stats64(s.rx_bytes, s.rx_packets, es.ierrors, dropped, es.imissed, 0,
			      s.tx_bytes, s.tx_packets, es.oerrors, 0));
	json_object_set_new(o, "nic",
			    json_pack("{s:I, s:I, s:I, s:I, s:I}", "ipackets",
				      (json_int_t)es.ipackets, "opackets", (json_int_t)es.opackets,
				      "imissed", (json_int_t)es.imissed, "rx_nombuf",
				      (json_int_t)es.rx_nombuf, "oerrors", (json_int_t)es.oerrors));
	json_object_set_new(o, "to_lower", json_integer((json_int_t)s.lower_packets));
	json_object_set_new(o, "drops", drops);
	return o;
}

/* The backend's own counters (xstats style), by name; NULL without any. */
static json_t *
backend_stats(struct app_vif *av)
{
	struct mv_backend_xstat xs[32];
	int n = mv_backend_stats_get(av->ep->be, xs, RTE_DIM(xs));
	json_t *o;

	if (n <= 0)
		return NULL;
	o = json_object();
	for (int i = 0; i < n && i < (int)RTE_DIM(xs); i++)
		json_object_set_new(o, xs[i].name, json_integer((json_int_t)xs[i].value));
	return o;
}

static json_t *
stats_vif(struct app *app, struct mv_vif *vif)
{
	struct app_vif *av = vif->priv;
	struct mv_vif_stats s;
	json_t *o, *bs;

	vif_counters(app, vif, &s);
	bs = backend_stats(av);
	/* what the backend's side sent and lost before we read it is the vif's TX drop too */
	s.tx_dropped +=
		(uint64_t)json_integer_value(json_object_get(bs, MV_BACKEND_PEER_TX_DROPPED));
	mv_trace_stats(vif->name, s.rx_packets, s.rx_bytes, s.tx_packets, s.tx_bytes, s.rx_dropped,
		       s.tx_dropped);
	o = json_pack("{s:s, s:o}", "ifname", vif->name, "stats64",
		      stats64(s.rx_bytes, s.rx_packets, s.rx_errors, s.rx_dropped, 0,
			      s.rx_multicast, s.tx_bytes, s.tx_packets, 0, s.tx_dropped));
	if (bs != NULL) {
		json_object_set_new(o, "backend", json_string(av->ops->kind));
		json_object_set_new(o, "backend_stats", bs);
	}
	return o;
}

static json_t *
workers_json(struct app *app)
{
	json_t *a = json_array();

	for (uint16_t w = 0; w < app->n_workers; w++) {
		const struct mv_dp_worker_stats *ws = &app->dp.worker_stats[w];
		json_t *o = json_pack(
			"{s:I, s:I, s:I, s:I, s:I, s:I, s:f}", "worker", (json_int_t)w, "lcore",
			(json_int_t)app->worker_lcore[w], "frames", (json_int_t)ws->frames, "loops",
			(json_int_t)ws->loops, "busy_loops", (json_int_t)ws->busy_loops,
			"busy_cycles", (json_int_t)ws->busy_cycles, "cycles_per_frame",
			ws->frames ? (double)ws->busy_cycles / (double)ws->frames : 0.0);

		/* reads of a vif put off while its floods were in debt (pace.c) */
		json_object_set_new(o, "sender_waits", json_integer((json_int_t)ws->sender_waits));
		json_array_append_new(a, o);
	}
	return a;
}

json_t *
app_json_mempool(struct app *app)
{
	return json_pack("{s:s, s:I, s:I}", "name", app->pool->name, "free",
			 (json_int_t)rte_mempool_avail_count(app->pool), "size",
			 (json_int_t)app->pool->size);
}

json_t *
app_json_stats(struct app *app, const char *name)
{
	return app_json_stats_filtered(app, name, false);
}

json_t *
app_json_stats_filtered(struct app *app, const char *name, bool ports_only)
{
	json_t *links = json_array(), *o;

	for (unsigned int i = 0; i < MV_MAX_PORTS; i++) {
		struct mv_port *port = app->ctl.ports[i];
		struct mv_vif *vif;

		if (port == NULL)
			continue;
		if (port_matches(app, port, name))
			json_array_append_new(links, stats_port(app, port));
		TAILQ_FOREACH (vif, &port->vifs, next)
			if (!ports_only && (name == NULL || strcmp(name, vif->name) == 0) &&
			    vif->priv != NULL)
				json_array_append_new(links, stats_vif(app, vif));
	}
	o = json_pack("{s:o}", "links", links);
	if (name == NULL && !ports_only) {
		json_object_set_new(o, "workers", workers_json(app));
		json_object_set_new(o, "mempool", app_json_mempool(app));
	}
	return o;
}

json_t *
app_json_maddr(struct app *app, const char *name)
{
	json_t *a = json_array();

	for (unsigned int i = 0; i < MV_MAX_PORTS; i++) {
		struct mv_port *port = app->ctl.ports[i];
		struct mv_vif *vif;

		if (port == NULL)
			continue;
		TAILQ_FOREACH (vif, &port->vifs, next) {
			json_t *groups;
			uint32_t pos = 0;
			mv_mac_t g;
			uint16_t val;

			if (name != NULL && strcmp(name, vif->name) != 0)
				continue;
			groups = json_array();
			while (mv_mac_map_next(&vif->mc, &pos, &g, &val) >= 0)
				json_array_append_new(groups,
						      json_pack("{s:s, s:o}", "family", "link",
								"address", mac_json(g)));
			json_array_append_new(
				a, json_pack("{s:s, s:o}", "ifname", vif->name, "maddr", groups));
		}
	}
	return a;
}

/*
 * `start` / `stop`: the forwarding state; a stop counts the frames the
 * program's queues hold (the vifs' rings, the ports' broadcast queues) and,
 * where the driver tells, those waiting in the NICs' receive queues.
 */
json_t *
app_json_forwarding(struct app *app, bool already)
{
	json_t *o = json_pack("{s:b, s:b}", "forwarding", app->forwarding, "already", already);
	uint64_t held = 0, held_nic = 0;
	bool nic_known = false;

	if (app->forwarding)
		return o;
	for (unsigned int i = 0; i < MV_MAX_PORTS; i++) {
		struct mv_port *port = app->ctl.ports[i];
		struct app_port *ap;
		struct mv_vif *vif;

		if (port == NULL || port->priv == NULL)
			continue;
		ap = port->priv;
		held += rte_ring_count(ap->bc_ring);
		for (uint16_t q = 0; q < ap->n_rxq; q++) {
			int n = rte_eth_rx_queue_count(ap->port_id, q);

			if (n >= 0) {
				held_nic += (uint64_t)n;
				nic_known = true;
			}
		}
		TAILQ_FOREACH (vif, &port->vifs, next) {
			struct app_vif *av = vif->priv;

			if (av != NULL && av->ep != NULL && av->ep->ring != NULL)
				held += rte_ring_count(av->ep->ring);
		}
	}
	json_object_set_new(o, "held", json_integer((json_int_t)held));
	if (nic_known)
		json_object_set_new(o, "held_nic", json_integer((json_int_t)held_nic));
	return o;
}

void
app_print_stats(struct app *app)
{
	json_t *stats = app_json_stats(app, NULL);

	mv_render_text_to(stdout, "link stats", stats);
	json_decref(stats);
}

void
app_print_mempool(struct app *app)
{
	json_t *pool = app_json_mempool(app);

	mv_render_text_to(stdout, "mempool", pool);
	json_decref(pool);
}
