/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rte_telemetry endpoints (/macvlan/...). Telemetry callbacks run on the
 * telemetry library's threads (one per client), concurrently with the control
 * thread, so they never read the control thread's tables: the control thread
 * publishes an immutable JSON document of what the endpoints show (the same
 * objects `link show` and `link stats` return), and the callbacks read the
 * last one published.
 *
 * The document is built only while someone reads it: a callback that finds
 * it older than APP_TEL_FRESH_MS asks for a new one and waits (at most
 * APP_TEL_WAIT_MS) for the control thread's next periodic pass; a stuck
 * control thread therefore delays a telemetry reply, never hangs it. The
 * control thread holds the lock only to swap a pointer.
 *
 * Replies stay within the library's caps (16 KiB, 256 dict and 512 array
 * entries, keys of [A-Za-z0-9_/]): /macvlan/vifs is paged, drop reasons are
 * keyed with '_' for '-'.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_telemetry.h>

#include "app.h"
#include "show.h"
#include "telemetry.h"

#define APP_TEL_FRESH_MS 500
#define APP_TEL_WAIT_MS  2000
/** names per /macvlan/vifs page: 16-byte names stay far below 16 KiB */
#define APP_TEL_PAGE 256

static pthread_mutex_t tel_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tel_published = PTHREAD_COND_INITIALIZER;
static json_t *tel_doc; /* {ports:{name:obj}, vifs:{name:obj}, port_names, vif_names, workers} */
static uint64_t tel_doc_ms; /* when tel_doc was built (CLOCK_MONOTONIC) */
static uint32_t tel_wanted; /* a reader wants a fresher document (atomic) */

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- control thread: build and publish ---- */

/* index an array of objects by their "ifname", merging the stats entry in */
static void
index_links(json_t *by_name, json_t *names, json_t *links, json_t *stats)
{
	json_t *l, *s;
	size_t i;

	json_array_foreach (links, i, l) {
		const char *name = json_string_value(json_object_get(l, "ifname"));

		if (name == NULL)
			continue;
		json_object_set(by_name, name, l);
		json_array_append_new(names, json_string(name));
	}
	json_array_foreach (stats, i, s) {
		const char *name = json_string_value(json_object_get(s, "ifname"));
		json_t *l = name != NULL ? json_object_get(by_name, name) : NULL;

		if (l != NULL)
			json_object_update_missing(l, s);
	}
}

static json_t *
build_doc(struct app *app)
{
	json_t *links = app_json_links(app, NULL), *stats = app_json_stats(app, NULL);
	json_t *ports = json_object(), *vifs = json_object();
	json_t *port_names = json_array(), *vif_names = json_array();
	json_t *port_links = json_array(), *vif_links = json_array(), *l;
	size_t i;

	json_array_foreach (links, i, l) {
		const char *kind = json_string_value(
			json_object_get(json_object_get(l, "linkinfo"), "info_kind"));

		json_array_append(
			kind != NULL && strcmp(kind, "macvlan") == 0 ? vif_links : port_links, l);
	}
	index_links(ports, port_names, port_links, json_object_get(stats, "links"));
	index_links(vifs, vif_names, vif_links, json_object_get(stats, "links"));
	json_decref(port_links);
	json_decref(vif_links);
	json_decref(links);
	l = json_pack("{s:o, s:o, s:o, s:o, s:O}", "ports", ports, "vifs", vifs, "port_names",
		      port_names, "vif_names", vif_names, "workers",
		      json_object_get(stats, "workers"));
	json_decref(stats);
	return l;
}

void
app_telemetry_periodic(struct app *app)
{
	json_t *doc, *old;

	if (!__atomic_exchange_n(&tel_wanted, 0, __ATOMIC_ACQ_REL))
		return;
	doc = build_doc(app);
	if (doc == NULL)
		return;
	pthread_mutex_lock(&tel_lock);
	old = tel_doc;
	tel_doc = doc;
	tel_doc_ms = now_ms();
	pthread_cond_broadcast(&tel_published);
	pthread_mutex_unlock(&tel_lock);
	json_decref(old);
}

void
app_telemetry_fini(void)
{
	pthread_mutex_lock(&tel_lock);
	json_decref(tel_doc);
	tel_doc = NULL;
	pthread_mutex_unlock(&tel_lock);
}

/* ---- telemetry threads: read the last document ---- */

/* A reference to a document at most APP_TEL_FRESH_MS old (or the last one). */
static json_t *
doc_get(void)
{
	struct timespec until;
	json_t *doc;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += APP_TEL_WAIT_MS / 1000;
	until.tv_nsec += (long)(APP_TEL_WAIT_MS % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&tel_lock);
	while (tel_doc == NULL || now_ms() - tel_doc_ms > APP_TEL_FRESH_MS) {
		__atomic_store_n(&tel_wanted, 1, __ATOMIC_RELEASE);
		if (pthread_cond_timedwait(&tel_published, &tel_lock, &until) == ETIMEDOUT)
			break;
	}
	doc = json_incref(tel_doc);
	pthread_mutex_unlock(&tel_lock);
	return doc;
}

/* a key telemetry accepts: [A-Za-z0-9_/], '_' for anything else */
static void
tel_key(const char *in, char *out, size_t len)
{
	size_t i;

	for (i = 0; in[i] != '\0' && i + 1 < len; i++) {
		char c = in[i];

		out[i] = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '/')
				 ? c
				 : '_';
	}
	out[i] = '\0';
}

/* scalar members of @p o (strings, integers, booleans) into the dict @p d */
static void
add_scalars(struct rte_tel_data *d, const char *prefix, const json_t *o)
{
	const char *key;
	json_t *v;
	char name[RTE_TEL_MAX_STRING_LEN];

	json_object_foreach ((json_t *)o, key, v) {
		char raw[RTE_TEL_MAX_STRING_LEN];

		snprintf(raw, sizeof(raw), "%s%s", prefix, key);
		tel_key(raw, name, sizeof(name));
		if (json_is_string(v))
			rte_tel_data_add_dict_string(d, name, json_string_value(v));
		else if (json_is_integer(v) && json_integer_value(v) >= 0)
			rte_tel_data_add_dict_u64(d, name, (uint64_t)json_integer_value(v));
		else if (json_is_integer(v))
			rte_tel_data_add_dict_int(d, name, (int)json_integer_value(v));
		else if (json_is_boolean(v))
			rte_tel_data_add_dict_int(d, name, json_is_true(v));
		else if (json_is_real(v))
			rte_tel_data_add_dict_u64(d, name, (uint64_t)json_real_value(v));
	}
}

/* an object of counters as a nested dict */
static void
add_counters(struct rte_tel_data *d, const char *name, const json_t *o)
{
	struct rte_tel_data *c;

	if (!json_is_object(o))
		return;
	c = rte_tel_data_alloc();
	if (c == NULL)
		return;
	rte_tel_data_start_dict(c);
	add_scalars(c, "", o);
	if (rte_tel_data_add_dict_container(d, name, c, 0) < 0)
		rte_tel_data_free(c);
}

/* a flags array as one string: "BROADCAST,MULTICAST,UP" */
static void
add_flags(struct rte_tel_data *d, const json_t *flags)
{
	char buf[RTE_TEL_MAX_STRING_LEN] = "";
	size_t n = 0;
	json_t *f;
	size_t i;

	json_array_foreach (flags, i, f)
		n += (size_t)snprintf(buf + n, n < sizeof(buf) ? sizeof(buf) - n : 0, "%s%s",
				      i ? "," : "", json_string_value(f));
	rte_tel_data_add_dict_string(d, "flags", buf);
}

/* one link (port or vif): configuration, counters, drops by reason */
static void
link_to_tel(struct rte_tel_data *d, const json_t *l)
{
	const json_t *info = json_object_get(json_object_get(l, "linkinfo"), "info_data");
	const json_t *st = json_object_get(l, "stats64");

	rte_tel_data_start_dict(d);
	add_scalars(d, "", l);
	add_flags(d, json_object_get(l, "flags"));
	add_scalars(d, "", info);
	add_scalars(d, "rx_", json_object_get(st, "rx"));
	add_scalars(d, "tx_", json_object_get(st, "tx"));
	add_scalars(d, "backend_", json_object_get(l, "backend"));
	add_counters(d, "nic", json_object_get(l, "nic"));
	add_counters(d, "drops", json_object_get(l, "drops"));
	add_counters(d, "backend_stats", json_object_get(l, "backend_stats"));
}

static int
names_cb(const char *section, struct rte_tel_data *d)
{
	json_t *doc = doc_get(), *n;
	size_t i;

	rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
	json_array_foreach (json_object_get(doc, section), i, n)
		rte_tel_data_add_array_string(d, json_string_value(n));
	json_decref(doc);
	return 0;
}

static int
tel_ports(const char *cmd __rte_unused, const char *params __rte_unused, struct rte_tel_data *d)
{
	return names_cb("port_names", d);
}

static int
link_cb(const char *section, const char *params, struct rte_tel_data *d)
{
	json_t *doc, *l;

	if (params == NULL || params[0] == '\0')
		return -EINVAL;
	doc = doc_get();
	l = json_object_get(json_object_get(doc, section), params);
	if (l == NULL) {
		json_decref(doc);
		return -ENODEV;
	}
	link_to_tel(d, l);
	json_decref(doc);
	return 0;
}

static int
tel_port(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	return link_cb("ports", params, d);
}

static int
tel_vif(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	return link_cb("vifs", params, d);
}

/* /macvlan/vifs[,START]: {total, start, next (-1: last page), vifs: [names]} */
static int
tel_vifs(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	json_t *doc, *names;
	struct rte_tel_data *page;
	unsigned long start = 0;
	size_t total, i;
	char *end;

	if (params != NULL && params[0] != '\0') {
		errno = 0;
		start = strtoul(params, &end, 10);
		if (errno != 0 || *end != '\0' || params[0] == '-')
			return -EINVAL;
	}
	page = rte_tel_data_alloc();
	if (page == NULL)
		return -ENOMEM;
	doc = doc_get();
	names = json_object_get(doc, "vif_names");
	total = json_array_size(names);
	rte_tel_data_start_array(page, RTE_TEL_STRING_VAL);
	for (i = start; i < total && i < start + APP_TEL_PAGE; i++)
		rte_tel_data_add_array_string(page, json_string_value(json_array_get(names, i)));
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "total", total);
	rte_tel_data_add_dict_u64(d, "start", start);
	rte_tel_data_add_dict_int(d, "next", i < total ? (int)i : -1);
	rte_tel_data_add_dict_container(d, "vifs", page, 0);
	json_decref(doc);
	return 0;
}

/* /macvlan/workers: {n_workers, worker<N>: {lcore, frames, loops, busy_share_pct, ...}} */
static int
tel_workers(const char *cmd __rte_unused, const char *params __rte_unused, struct rte_tel_data *d)
{
	json_t *doc = doc_get(), *w;
	size_t i;

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "n_workers", json_array_size(json_object_get(doc, "workers")));
	json_array_foreach (json_object_get(doc, "workers"), i, w) {
		struct rte_tel_data *c = rte_tel_data_alloc();
		json_int_t loops = json_integer_value(json_object_get(w, "loops"));
		json_int_t busy = json_integer_value(json_object_get(w, "busy_loops"));
		char name[32];

		if (c == NULL)
			break;
		rte_tel_data_start_dict(c);
		add_scalars(c, "", w);
		rte_tel_data_add_dict_u64(c, "busy_share_pct",
					  loops > 0 ? (uint64_t)(busy * 100 / loops) : 0);
		snprintf(name, sizeof(name), "worker%zu", i);
		if (rte_tel_data_add_dict_container(d, name, c, 0) < 0)
			rte_tel_data_free(c);
	}
	json_decref(doc);
	return 0;
}

int
app_telemetry_init(void)
{
	static const struct {
		const char *cmd;
		telemetry_cb fn;
		const char *help;
	} cmds[] = {
		{ "/macvlan/ports", tel_ports, "Physical ports. No parameters" },
		{ "/macvlan/port", tel_port,
		  "A physical port: configuration, counters, drops. "
		  "Parameter: port name" },
		{ "/macvlan/vifs", tel_vifs,
		  "Vif names, a page of 256 from START. Parameter: START (default 0); "
		  "'next' is the next page's START, -1 on the last" },
		{ "/macvlan/vif", tel_vif,
		  "A vif: configuration, counters, drops. Parameter: vif name" },
		{ "/macvlan/workers", tel_workers,
		  "Worker lcores: frames, loops, busy share, cycles per frame. No parameters" },
	};

	for (size_t i = 0; i < RTE_DIM(cmds); i++) {
		int ret = rte_telemetry_register_cmd(cmds[i].cmd, cmds[i].fn, cmds[i].help);

		if (ret < 0)
			return ret;
	}
	return 0;
}
