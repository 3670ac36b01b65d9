/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The event log (events.h): configuration changes and link changes, each a
 * JSON object with its sequence number and realtime timestamp, kept in a
 * ring of the last APP_EVENTS_MAX and handed to the monitor clients.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "ctl_server.h"
#include "events.h"
#include "trace.h"
#include "mv_ctl_proto.h"

struct app_events {
	json_t *ring[APP_EVENTS_MAX];
	uint32_t head; /**< slot of the next event */
	uint32_t n;    /**< events held */
	uint64_t seq;  /**< sequence number of the last event */
};

int
app_events_init(struct app *app)
{
	app->events = calloc(1, sizeof(*app->events));
	return app->events != NULL ? 0 : -ENOMEM;
}

void
app_events_fini(struct app *app)
{
	if (app->events == NULL)
		return;
	for (uint32_t i = 0; i < APP_EVENTS_MAX; i++)
		json_decref(app->events->ring[i]);
	free(app->events);
	app->events = NULL;
}

enum mv_cmd_type
app_events_classify(const char *line, uint32_t *count)
{
	static char *argv[MV_CMD_MAX_ARGS + 1];
	static struct mv_cmd cmd;
	char *copy = strdup(line);
	enum mv_cmd_type type = MV_CMD_NONE;
	int argc;

	if (copy == NULL)
		return MV_CMD_NONE;
	argc = mv_cmd_tokenize(copy, argv, MV_CMD_MAX_ARGS);
	if (argc > 0 && mv_cmd_parse(argc, argv, &cmd, NULL, 0) == 0)
		type = cmd.type;
	if (count != NULL)
		*count = type == MV_CMD_EVENTS ? cmd.events.count : 0;
	free(copy);
	return type;
}

static bool
changes_config(enum mv_cmd_type type)
{
	switch (type) {
	case MV_CMD_LINK_ADD:
	case MV_CMD_LINK_SET:
	case MV_CMD_LINK_DEL:
	case MV_CMD_MADDR_ADD:
	case MV_CMD_MADDR_DEL:
	case MV_CMD_START:
	case MV_CMD_STOP:
		return true;
	default:
		return false;
	}
}

/* Stamp @p ev (stolen), keep it, hand it to the monitors. */
static void
record(struct app *app, json_t *ev)
{
	struct app_events *e = app->events;
	struct timespec ts;
	struct tm tm;
	char iso[64];

	if (ev == NULL || e == NULL) {
		json_decref(ev);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(iso, sizeof(iso), "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000);
	json_object_set_new(ev, "seq", json_integer((json_int_t)++e->seq));
	json_object_set_new(ev, "time", json_string(iso));
	json_object_set_new(ev, "time_ns",
			    json_integer((json_int_t)ts.tv_sec * 1000000000 + ts.tv_nsec));
	json_decref(e->ring[e->head]);
	e->ring[e->head] = ev;
	e->head = (e->head + 1) % APP_EVENTS_MAX;
	if (e->n < APP_EVENTS_MAX)
		e->n++;
	app_ctl_server_publish(app, ev);
}

void
app_events_command(struct app *app, const char *origin, const char *line, int status,
		   const char *error)
{
	json_t *ev;

	if (!changes_config(app_events_classify(line, NULL)))
		return;
	ev = json_pack("{s:s, s:s, s:s, s:i}", "type", "command", "origin", origin, "command", line,
		       "status", status < 0 ? -status : status);
	if (ev != NULL && status != 0 && error != NULL)
		json_object_set_new(ev, "error", json_string(error));
	record(app, ev);
}

void
app_events_port_link(struct app *app, const struct mv_port *port, bool admin_up, bool carrier,
		     const char *source)
{
	mv_trace_event(port->name, port->name, "lower_link", (uint64_t)admin_up << 1 | carrier,
		       source);
	record(app,
	       json_pack("{s:s, s:s, s:s, s:b, s:b, s:s}", "type", "link", "object", "port", "name",
			 port->name, "admin_up", admin_up, "carrier", carrier, "source", source));
}

void
app_events_vif_carrier(struct app *app, const struct mv_vif *vif, bool carrier, const char *source)
{
	mv_trace_event(vif->name, vif->port->name, "carrier", carrier, source);
	record(app, json_pack("{s:s, s:s, s:s, s:b, s:s}", "type", "link", "object", "vif", "name",
			      vif->name, "carrier", carrier, "source", source));
}

void
app_events_vif_deleted(struct app *app, const struct mv_vif *vif, const char *reason)
{
	mv_trace_event(vif->name, vif->port->name, "deleted", 1, "backend");
	record(app,
	       json_pack("{s:s, s:s, s:s, s:b, s:s, s:s}", "type", "link", "object", "vif", "name",
			 vif->name, "deleted", 1, "source", "backend", "reason", reason));
}

void
app_events_vif_admin(struct app *app, const struct mv_vif *vif, bool up)
{
	mv_trace_event(vif->name, vif->port->name, "admin", up, "backend");
	record(app, json_pack("{s:s, s:s, s:s, s:b, s:s}", "type", "link", "object", "vif", "name",
			      vif->name, "admin_up", up, "source", "backend"));
}

void
app_events_vif_side(struct app *app, const struct mv_vif *vif, const char *what, const char *value,
		    bool adopted, const char *why)
{
	json_t *ev =
		json_pack("{s:s, s:s, s:s, s:s, s:b, s:s}", "type", "link", "object", "vif", "name",
			  vif->name, what, value, "adopted", adopted, "source", "backend");

	if (ev != NULL && why != NULL)
		json_object_set_new(ev, "error", json_string(why));
	record(app, ev);
}

/* Index in the ring of the first of the last @p count events; their number in @p n. */
static uint32_t
first_of_last(const struct app_events *e, uint32_t count, uint32_t *n)
{
	*n = count == 0 || count > e->n ? e->n : count;
	return (e->head + APP_EVENTS_MAX - *n) % APP_EVENTS_MAX;
}

json_t *
app_events_json(struct app *app, uint32_t count)
{
	struct app_events *e = app->events;
	json_t *arr = json_array();
	uint32_t n, first;

	if (arr == NULL || e == NULL)
		return arr;
	first = first_of_last(e, count, &n);
	for (uint32_t i = 0; i < n; i++)
		json_array_append(arr, e->ring[(first + i) % APP_EVENTS_MAX]);
	return arr;
}

int
app_events_exec(struct app *app, const struct mv_cmd *cmd, json_t **result, char *err,
		size_t errlen)
{
	if (cmd->type == MV_CMD_MONITOR) {
		snprintf(err, errlen,
			 "Error: monitor streams events to a control socket client "
			 "(dpdk-macvlan-ctl monitor)");
		return -EOPNOTSUPP;
	}
	*result = app_events_json(app, cmd->events.count);
	return *result != NULL ? 0 : -ENOMEM;
}
