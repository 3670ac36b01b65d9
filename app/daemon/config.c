/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `show config`: the running configuration as a command file of the shell's
 * grammar (mv_cmd.h), one string per line; `--cmdline-file` of it recreates
 * the state: the ports' settings first, then every vif in creation order
 * (its MAC always, so a restart hands out no new random MAC), its source
 * list, the groups joined by command (not those mirrored from a TAP's
 * stack), its state, its backend with the options it was created with, and
 * last what has to follow the vifs (a port's MAC changed after its first
 * vif, forwarding stopped).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "mv_config.h"
#include "show.h"

/* source addresses on the `link add` line; the rest follow, one `macaddr add` each */
#define ADD_LINE_SOURCES 64

struct line {
	char *buf;
	size_t len;
	size_t cap;
	bool oom;
};

static void __attribute__((format(printf, 2, 3))) put(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(l->buf + l->len, l->cap - l->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			l->oom = true;
			return;
		}
		if ((size_t)n < l->cap - l->len)
			break;
		size_t cap = (l->cap + (size_t)n + 1) * 2;
		char *b = realloc(l->buf, cap);

		if (b == NULL) {
			l->oom = true;
			return;
		}
		l->buf = b;
		l->cap = cap;
	}
	l->len += (size_t)n;
}

/* The line so far becomes the next element of @p lines. */
static void
emit(json_t *lines, struct line *l)
{
	if (!l->oom && l->len > 0)
		json_array_append_new(lines, json_string(l->buf));
	l->len = 0;
	if (l->buf != NULL)
		l->buf[0] = '\0';
}

static const char *
mac_s(mv_mac_t mac, char *buf)
{
	return mv_mac_format(mac, buf, MV_MAC_STRLEN);
}

/*
 * The port's own settings, before any vif. Its MAC always: some drivers make
 * one up at each start (net_null), and a NIC's own is set again harmlessly.
 */
static void
port_lines(struct mv_port *port, json_t *lines, struct line *l)
{
	/* with vifs, the MAC the port had when its first vif came (passthru restores it) */
	mv_mac_t mac = port->n_vifs > 0 ? port->perm_addr : port->mac;
	struct app_port *ap = port->priv;
	char m[MV_MAC_STRLEN];

	put(l, "link set %s address %s", port->name, mac_s(mac, m));
	if (port->mtu != ap->boot_mtu)
		put(l, " mtu %u", port->mtu);
	if (!port->admin_up)
		put(l, " down");
	if (port->promisc)
		put(l, " promisc on");
	if (port->allmulti)
		put(l, " allmulticast on");
	emit(lines, l);
}

static void
backend_words(const struct mv_vif *vif, struct line *l)
{
	const struct app_vif *av = vif->priv;
	char words[MV_BACKEND_MAX_ARGS * (MV_BACKEND_VALUE_SIZE + 34) + 64];

	/* kind "" was the program's default: written as the kind it became */
	if (mv_backend_args_format(mv_backend_syntax_find(av->ops->kind), &av->args, words,
				   sizeof(words)) >= 0)
		put(l, " %s", words);
	else
		put(l, " backend %s", av->ops->kind);
}

static int
cmp_mac(const void *a, const void *b)
{
	mv_mac_t x = *(const mv_mac_t *)a, y = *(const mv_mac_t *)b;

	return (x > y) - (x < y);
}

/*
 * The keys of @map in ascending order (malloc'd, *n of them; NULL when
 * empty, or out of memory, which marks @l): a map's own order depends on
 * the history of its insertions and deletions, the file must not.
 */
static mv_mac_t *
sorted_keys(const struct mv_mac_map *map, uint32_t *n, struct line *l)
{
	uint32_t pos = 0, k = 0, cap = map->count;
	mv_mac_t *keys, key;
	uint16_t val;

	*n = 0;
	if (cap == 0)
		return NULL;
	keys = malloc(cap * sizeof(*keys));
	if (keys == NULL) {
		l->oom = true;
		return NULL;
	}
	while (k < cap && mv_mac_map_next(map, &pos, &key, &val) >= 0)
		keys[k++] = key;
	qsort(keys, k, sizeof(*keys), cmp_mac);
	*n = k;
	return keys;
}

static void
group_lines(const struct mv_vif *vif, json_t *lines, struct line *l)
{
	const struct app_vif *av = vif->priv;
	static const mv_mac_t defaults[] = { MV_MAC_ALL_HOSTS_V4, MV_MAC_ALL_NODES_V6 };
	char m[MV_MAC_STRLEN];
	mv_mac_t *groups;
	uint32_t n;

	for (unsigned int i = 0; i < RTE_DIM(defaults); i++)
		if (!mv_vif_has_group(vif, defaults[i])) {
			put(l, "maddr del %s dev %s", mac_s(defaults[i], m), vif->name);
			emit(lines, l);
		}
	groups = sorted_keys(&vif->mc, &n, l);
	for (uint32_t i = 0; i < n; i++) {
		mv_mac_t g = groups[i];

		if (g == MV_MAC_ALL_HOSTS_V4 || g == MV_MAC_ALL_NODES_V6 ||
		    mv_mac_map_lookup(&av->mirrored, g) >= 0)
			continue;
		put(l, "maddr add %s dev %s", mac_s(g, m), vif->name);
		emit(lines, l);
	}
	free(groups);
}

static void
vif_lines(struct mv_vif *vif, bool first_of_port, json_t *lines, struct line *l)
{
	struct mv_port *port = vif->port;
	/* nodst is given with mode source only: a vif that left source mode is made there */
	uint8_t add_mode = (vif->flags & MV_FLAG_NODST) != 0 ? MV_MODE_SOURCE : vif->mode;
	char m[MV_MAC_STRLEN];
	mv_mac_t *sources = NULL;
	uint32_t n_sources = 0, i = 0;

	put(l, "link add link %s name %s type macvlan mode %s", port->name, vif->name,
	    mv_mode_name(add_mode));
	if (vif->flags & MV_FLAG_NOPROMISC)
		put(l, " nopromisc");
	if (vif->flags & MV_FLAG_NODST)
		put(l, " nodst");
	if (vif->mode != MV_MODE_PASSTHRU) /* passthru takes the port's */
		put(l, " address %s", mac_s(vif->mac, m));
	if (vif->mtu != port->mtu)
		put(l, " mtu %u", vif->mtu);
	if (vif->bc_queue_len_req != MV_DEFAULT_BC_QUEUE_LEN)
		put(l, " bcqueuelen %u", vif->bc_queue_len_req);
	if (first_of_port && port->bc_cutoff != MV_DEFAULT_BC_CUTOFF)
		put(l, " bclim %d", port->bc_cutoff);
	if (vif->mode == MV_MODE_SOURCE)
		sources = sorted_keys(&vif->sources, &n_sources, l);
	if (n_sources > 0) {
		put(l, " macaddr set");
		for (; i < n_sources && i < ADD_LINE_SOURCES; i++)
			put(l, " %s", mac_s(sources[i], m));
	}
	backend_words(vif, l);
	emit(lines, l);
	for (; i < n_sources; i++) {
		put(l, "link set %s type macvlan macaddr add %s", vif->name, mac_s(sources[i], m));
		emit(lines, l);
	}
	free(sources);
	if (add_mode != vif->mode) {
		put(l, "link set %s type macvlan mode %s", vif->name, mv_mode_name(vif->mode));
		emit(lines, l);
	}
	group_lines(vif, lines, l);
	if (vif->admin_up || vif->promisc || vif->allmulti || vif->spoofchk) {
		put(l, "link set %s%s%s%s%s", vif->name, vif->admin_up ? " up" : "",
		    vif->promisc ? " promisc on" : "", vif->allmulti ? " allmulticast on" : "",
		    vif->spoofchk ? " spoofchk on" : "");
		emit(lines, l);
	}
	if (vif->bcrate != 0) {
		put(l, "link set %s bcrate %u", vif->name, vif->bcrate);
		emit(lines, l);
	}
}

/* a port's MAC changed after its first vif came: set once the vifs are there */
static void
port_mac_line(struct mv_port *port, json_t *lines, struct line *l)
{
	struct mv_vif *vif = TAILQ_FIRST(&port->vifs);
	char m[MV_MAC_STRLEN];

	if (port->n_vifs == 0 || port->mac == port->perm_addr)
		return;
	/* a passthru vif's address is the port's (and setting it sets the port's) */
	put(l, "link set %s address %s", port->passthru && vif != NULL ? vif->name : port->name,
	    mac_s(port->mac, m));
	emit(lines, l);
}

json_t *
app_json_config(struct app *app)
{
	json_t *lines = json_array();
	struct line l = { 0 };

	put(&l, "# dpdk-macvlan running configuration (show config); --cmdline-file restores it");
	emit(lines, &l);
	for (unsigned int i = 0; i < MV_MAX_PORTS; i++)
		if (app->ctl.ports[i] != NULL)
			port_lines(app->ctl.ports[i], lines, &l);
	for (unsigned int i = 0; i < MV_MAX_PORTS; i++) {
		struct mv_port *port = app->ctl.ports[i];
		struct mv_vif *vif;
		bool first = true;

		if (port == NULL)
			continue;
		TAILQ_FOREACH (vif, &port->vifs, next) {
			if (vif->priv == NULL)
				continue;
			vif_lines(vif, first, lines, &l);
			first = false;
		}
	}
	for (unsigned int i = 0; i < MV_MAX_PORTS; i++)
		if (app->ctl.ports[i] != NULL)
			port_mac_line(app->ctl.ports[i], lines, &l);
	if (!app->forwarding) {
		put(&l, "stop");
		emit(lines, &l);
	}
	if (l.oom) {
		json_decref(lines);
		lines = NULL;
	}
	free(l.buf);
	return lines;
}
