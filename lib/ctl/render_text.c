/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The shell's text, rendered from a command's structured result (the JSON the
 * control socket returns). One renderer per command kind; a kind without one
 * is printed as compact JSON, so nothing is ever lost.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mv_ctl_proto.h"
#include "mv_render.h"

static const char *
str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

static json_int_t
num(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static bool
flag(const json_t *o, const char *key)
{
	return json_is_true(json_object_get(o, key));
}

static bool
has_flag(const json_t *link, const char *name)
{
	const json_t *f;
	size_t i;

	json_array_foreach (json_object_get(link, "flags"), i, f)
		if (strcmp(json_string_value(f) != NULL ? json_string_value(f) : "", name) == 0)
			return true;
	return false;
}

/* <BROADCAST,MULTICAST[,PROMISC][,ALLMULTI][,UP][,LOWER_UP|,NO-CARRIER]> */
static void
text_flags(FILE *out, const json_t *link)
{
	bool up = has_flag(link, "UP");

	fprintf(out, "<BROADCAST,MULTICAST%s%s%s%s>", has_flag(link, "PROMISC") ? ",PROMISC" : "",
		has_flag(link, "ALLMULTI") ? ",ALLMULTI" : "", up ? ",UP" : "",
		up ? (has_flag(link, "LOWER_UP") ? ",LOWER_UP" : ",NO-CARRIER") : "");
}

static void
text_port(FILE *out, const json_t *l)
{
	const json_t *d = json_object_get(json_object_get(l, "linkinfo"), "info_data");

	fprintf(out, "%s (%s): ", str(l, "ifname"), str(d, "device"));
	text_flags(out, l);
	fprintf(out, " mtu %lld state %s\n", (long long)num(l, "mtu"), str(l, "operstate"));
	fprintf(out, "    link/ether %s max_mtu %lld\n", str(l, "address"),
		(long long)num(l, "max_mtu"));
	fprintf(out, "    vifs %lld up %lld%s bcqueuelen used %lld bclim %lld rxq %lld txq %lld\n",
		(long long)num(d, "vifs"), (long long)num(d, "up_vifs"),
		flag(d, "passthru") ? " passthru" : "", (long long)num(d, "usedbcqueuelen"),
		(long long)num(d, "bclim"), (long long)num(d, "rxq"), (long long)num(d, "txq"));
}

/* The backend's state ("backend_info"): "    vhost connected yes features ..." */
static void
text_backend_info(FILE *out, const json_t *info, const char *kind)
{
	const char *k;
	const json_t *v;

	if (!json_is_object(info) || json_object_size(info) == 0)
		return;
	fprintf(out, "    %s", kind);
	json_object_foreach ((json_t *)info, k, v)
		fprintf(out, " %s %s", k, json_is_string(v) ? json_string_value(v) : "?");
	fprintf(out, "\n");
}

static void
text_vif(FILE *out, const json_t *l)
{
	const json_t *d = json_object_get(json_object_get(l, "linkinfo"), "info_data");
	const json_t *remotes = json_object_get(d, "macaddr_data"), *m;
	const json_t *be = json_object_get(l, "backend");
	size_t i;

	fprintf(out, "%s@%s: ", str(l, "ifname"), str(l, "link"));
	text_flags(out, l);
	fprintf(out, " mtu %lld state %s\n", (long long)num(l, "mtu"), str(l, "operstate"));
	fprintf(out, "    link/ether %s%s\n", str(l, "address"),
		flag(l, "address_random") ? " (random)" : "");
	fprintf(out, "    macvlan mode %s%s%s bcqueuelen %lld usedbcqueuelen %lld", str(d, "mode"),
		flag(d, "nopromisc") ? " nopromisc" : "", flag(d, "nodst") ? " nodst" : "",
		(long long)num(d, "bcqueuelen"), (long long)num(d, "usedbcqueuelen"));
	if (json_object_get(d, "bclim") != NULL)
		fprintf(out, " bclim %lld", (long long)num(d, "bclim"));
	if (flag(l, "spoofchk"))
		fprintf(out, " spoofchk on");
	if (num(l, "bcrate") != 0)
		fprintf(out, " bcrate %lld", (long long)num(l, "bcrate"));
	fprintf(out, "\n");
	if (strcmp(str(d, "mode"), "source") == 0) {
		fprintf(out, "    remotes (%lld)", (long long)num(d, "macaddr_count"));
		json_array_foreach (remotes, i, m)
			fprintf(out, " %s", json_string_value(m));
		fprintf(out, "\n");
	}
	if (json_is_object(be))
		fprintf(out, "    backend %s\n", str(be, "description"));
	text_backend_info(out, json_object_get(l, "backend_info"), str(be, "kind"));
}

static bool
is_vif(const json_t *link)
{
	return strcmp(str(json_object_get(link, "linkinfo"), "info_kind"), "macvlan") == 0;
}

/* `link show -s`: the link's stats64 under it */
static void
text_stats64(FILE *out, const json_t *link)
{
	const json_t *rx = json_object_get(json_object_get(link, "stats64"), "rx");
	const json_t *tx = json_object_get(json_object_get(link, "stats64"), "tx");

	if (rx == NULL || tx == NULL)
		return;
	fprintf(out, "    RX: packets %lld bytes %lld multicast %lld errors %lld dropped %lld\n",
		(long long)num(rx, "packets"), (long long)num(rx, "bytes"),
		(long long)num(rx, "multicast"), (long long)num(rx, "errors"),
		(long long)num(rx, "dropped"));
	fprintf(out, "    TX: packets %lld bytes %lld errors %lld dropped %lld\n",
		(long long)num(tx, "packets"), (long long)num(tx, "bytes"),
		(long long)num(tx, "errors"), (long long)num(tx, "dropped"));
}

static void
text_link(FILE *out, const json_t *link)
{
	if (is_vif(link))
		text_vif(out, link);
	else
		text_port(out, link);
	text_stats64(out, link);
}

static void
text_links(FILE *out, const json_t *links)
{
	const json_t *l;
	size_t i;

	json_array_foreach (links, i, l)
		text_link(out, l);
}

static void
text_stats_link(FILE *out, const json_t *l)
{
	const json_t *rx = json_object_get(json_object_get(l, "stats64"), "rx");
	const json_t *tx = json_object_get(json_object_get(l, "stats64"), "tx");
	const json_t *nic = json_object_get(l, "nic"), *v;
	const char *reason;

	fprintf(out, "%s:\n", str(l, "ifname"));
	if (nic == NULL) {
		fprintf(out,
			"    RX: packets %lld bytes %lld multicast %lld errors %lld dropped %lld\n",
			(long long)num(rx, "packets"), (long long)num(rx, "bytes"),
			(long long)num(rx, "multicast"), (long long)num(rx, "errors"),
			(long long)num(rx, "dropped"));
		fprintf(out, "    TX: packets %lld bytes %lld dropped %lld\n",
			(long long)num(tx, "packets"), (long long)num(tx, "bytes"),
			(long long)num(tx, "dropped"));
	} else {
		fprintf(out, "    RX: packets %lld bytes %lld missed %lld nombuf %lld\n",
			(long long)num(rx, "packets"), (long long)num(rx, "bytes"),
			(long long)num(nic, "imissed"), (long long)num(nic, "rx_nombuf"));
		fprintf(out, "    TX: packets %lld bytes %lld errors %lld\n",
			(long long)num(tx, "packets"), (long long)num(tx, "bytes"),
			(long long)num(nic, "oerrors"));
		fprintf(out, "    to lower stack: %lld\n", (long long)num(l, "to_lower"));
		fprintf(out, "    drops:");
		json_object_foreach ((json_t *)json_object_get(l, "drops"), reason, v)
			if (json_integer_value(v) != 0)
				fprintf(out, " %s %lld", reason, (long long)json_integer_value(v));
		fprintf(out, "\n");
	}
	v = json_object_get(l, "backend_stats");
	if (json_object_size(v) > 0) {
		const json_t *c;

		fprintf(out, "    backend %s:", str(l, "backend"));
		json_object_foreach ((json_t *)v, reason, c)
			fprintf(out, " %s %lld", reason, (long long)json_integer_value(c));
		fprintf(out, "\n");
	}
}

static void
text_mempool(FILE *out, const json_t *m)
{
	fprintf(out, "mempool %s: %lld/%lld mbufs free\n", str(m, "name"),
		(long long)num(m, "free"), (long long)num(m, "size"));
}

static void
text_stats(FILE *out, const json_t *r)
{
	const json_t *l, *w;
	size_t i;

	json_array_foreach (json_object_get(r, "links"), i, l)
		text_stats_link(out, l);
	json_array_foreach (json_object_get(r, "workers"), i, w) {
		fprintf(out,
			"worker %lld (lcore %lld): frames %lld loops %lld busy %lld cycles/frame "
			"%.1f",
			(long long)num(w, "worker"), (long long)num(w, "lcore"),
			(long long)num(w, "frames"), (long long)num(w, "loops"),
			(long long)num(w, "busy_loops"),
			json_number_value(json_object_get(w, "cycles_per_frame")));
		if (num(w, "sender_waits") != 0)
			fprintf(out, " sender-waits %lld", (long long)num(w, "sender_waits"));
		fprintf(out, "\n");
	}
	if (json_object_get(r, "mempool") != NULL)
		text_mempool(out, json_object_get(r, "mempool"));
}

static void
text_maddr(FILE *out, const json_t *r)
{
	const json_t *l, *g;
	size_t i, k;

	json_array_foreach (r, i, l) {
		fprintf(out, "%s\n", str(l, "ifname"));
		json_array_foreach (json_object_get(l, "maddr"), k, g)
			fprintf(out, "    link  %s\n", str(g, "address"));
	}
}

static void
text_link_add(FILE *out, const json_t *l)
{
	const json_t *d = json_object_get(json_object_get(l, "linkinfo"), "info_data");

	fprintf(out, "%s: created on %s, mode %s, address %s%s, mtu %lld, backend %s (down)\n",
		str(l, "ifname"), str(l, "link"), str(d, "mode"), str(l, "address"),
		flag(l, "address_random") ? " (random)" : "", (long long)num(l, "mtu"),
		str(json_object_get(l, "backend"), "kind"));
}

/* `link set`: one line per change, in the order they were applied */
static void
text_link_set(FILE *out, const json_t *r)
{
	const json_t *l = json_object_get(r, "link"), *c;
	const json_t *d = json_object_get(json_object_get(l, "linkinfo"), "info_data");
	const char *name = str(l, "ifname");
	size_t i;

	json_array_foreach (json_object_get(r, "changed"), i, c) {
		const char *what = json_string_value(c) != NULL ? json_string_value(c) : "";

		if (strcmp(what, "macvlan") == 0)
			fprintf(out, "%s: macvlan mode %s%s%s, %lld source entries\n", name,
				str(d, "mode"), flag(d, "nopromisc") ? " nopromisc" : "",
				flag(d, "nodst") ? " nodst" : "",
				(long long)num(d, "macaddr_count"));
		else if (strcmp(what, "address") == 0)
			fprintf(out, "%s: address %s\n", name, str(l, "address"));
		else if (strcmp(what, "mtu") == 0)
			fprintf(out, "%s: mtu %lld\n", name, (long long)num(l, "mtu"));
		else if (strcmp(what, "up") == 0 && is_vif(l))
			fprintf(out, "%s: %s%s\n", name, has_flag(l, "UP") ? "up" : "down",
				strcmp(str(l, "operstate"), "LOWERLAYERDOWN") == 0
					? " (no carrier: LOWERLAYERDOWN)"
					: "");
		else if (strcmp(what, "up") == 0)
			fprintf(out, "%s: %s\n", name, has_flag(l, "UP") ? "up" : "down");
		else if (strcmp(what, "promisc") == 0)
			fprintf(out, "%s: promisc %s\n", name, flag(r, "promisc") ? "on" : "off");
		else if (strcmp(what, "allmulti") == 0)
			fprintf(out, "%s: allmulticast %s\n", name,
				flag(r, "allmulti") ? "on" : "off");
		else if (strcmp(what, "spoofchk") == 0)
			fprintf(out, "%s: spoofchk %s\n", name, flag(r, "spoofchk") ? "on" : "off");
		else if (strcmp(what, "bcrate") == 0)
			fprintf(out, "%s: bcrate %lld\n", name, (long long)num(r, "bcrate"));
	}
}

static void
text_json(FILE *out, const json_t *r)
{
	char *s = json_dumps(r, JSON_COMPACT | JSON_ENCODE_ANY);

	if (s != NULL)
		fprintf(out, "%s\n", s);
	free(s);
}

static void
text_maddr_change(FILE *out, const json_t *r)
{
	bool joined = flag(r, "joined");

	fprintf(out, "%s: %s %s%s\n", str(r, "ifname"), joined ? "joined" : "left",
		str(r, "address"), joined && flag(r, "already") ? " (already a member)" : "");
}

static void
text_forwarding(FILE *out, const json_t *r)
{
	bool on = flag(r, "forwarding");

	fprintf(out, "forwarding %s", on ? "started" : "stopped");
	if (flag(r, "already"))
		fprintf(out, " (it already was)");
	if (json_object_get(r, "held") != NULL) {
		fprintf(out, ", %lld frames held until start", (long long)num(r, "held"));
		if (json_object_get(r, "held_nic") != NULL)
			fprintf(out, " (and %lld in the NICs' receive queues)",
				(long long)num(r, "held_nic"));
	}
	fprintf(out, "\n");
}

/* `clear ... stats`: a line per link */
static void
text_cleared(FILE *out, const json_t *r)
{
	const json_t *n;
	size_t i;

	json_array_foreach (json_object_get(r, "cleared"), i, n)
		fprintf(out, "%s: statistics cleared\n",
			json_string_value(n) != NULL ? json_string_value(n) : "");
}

static void
text_deleted(FILE *out, const json_t *r)
{
	fprintf(out, "%s: deleted\n", str(r, "ifname"));
}

static void
text_help(FILE *out, const json_t *r)
{
	fputs(str(r, "help"), out);
}

/* `events show`: one line per event, as `monitor` prints them */
static void
text_events(FILE *out, const json_t *r)
{
	const json_t *ev;
	char line[1024];
	size_t i;

	json_array_foreach (r, i, ev) {
		mv_ctl_event_format(ev, line, sizeof(line));
		fprintf(out, "%s\n", line);
	}
}

/* `show config`: the command file, a line per string */
static void
text_lines(FILE *out, const json_t *r)
{
	const json_t *l;
	size_t i;

	json_array_foreach (r, i, l)
		fprintf(out, "%s\n", json_string_value(l) != NULL ? json_string_value(l) : "");
}

static const struct {
	const char *kind;
	void (*render)(FILE *out, const json_t *result);
} renderers[] = {
	{ "link show", text_links },
	{ "link add", text_link_add },
	{ "link set", text_link_set },
	{ "link del", text_deleted },
	{ "link stats", text_stats },
	{ "maddr show", text_maddr },
	{ "maddr add", text_maddr_change },
	{ "maddr del", text_maddr_change },
	{ "start", text_forwarding },
	{ "stop", text_forwarding },
	{ "help", text_help },
	{ "mempool", text_mempool },
	{ "events show", text_events },
	{ "show config", text_lines },
	{ "clear stats", text_cleared },
};

bool
mv_render_known(const char *kind)
{
	for (size_t i = 0; kind != NULL && i < sizeof(renderers) / sizeof(renderers[0]); i++)
		if (strcmp(kind, renderers[i].kind) == 0)
			return true;
	return false;
}

int
mv_render_text_to(FILE *out, const char *kind, const json_t *result)
{
	if (out == NULL)
		return -1;
	if (result == NULL || json_is_null(result))
		return 0;
	for (size_t i = 0; i < sizeof(renderers) / sizeof(renderers[0]); i++)
		if (kind != NULL && strcmp(kind, renderers[i].kind) == 0) {
			renderers[i].render(out, result);
			return 0;
		}
	text_json(out, result);
	return 0;
}

char *
mv_render_text(const char *kind, const json_t *result)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	if (out == NULL)
		return NULL;
	mv_render_text_to(out, kind, result);
	if (fclose(out) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
