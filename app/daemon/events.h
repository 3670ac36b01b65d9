/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_APP_EVENTS_H
#define MV_APP_EVENTS_H

/*
 * The event log: a bounded ring of the last APP_EVENTS_MAX events, each a
 * JSON object (docs/control-api.md): every command that changes the
 * configuration (its line and outcome) and every link change of a port or a
 * vif. New events go to the control socket's monitor clients. Control thread
 * only.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "mv_cmd.h"

#define APP_EVENTS_MAX 4096

struct app;
struct mv_port;
struct mv_vif;

int app_events_init(struct app *app);
void app_events_fini(struct app *app);

/** The command type of @p line (MV_CMD_NONE when it does not parse); @p count: events show's. */
enum mv_cmd_type app_events_classify(const char *line, uint32_t *count);

/**
 * A command line ran from @p origin ("shell", "file", "socket"): logged when
 * it is one that changes the configuration, with @p status (errno, 0) and
 * @p error.
 */
void app_events_command(struct app *app, const char *origin, const char *line, int status,
			const char *error);
/** A port's admin state or carrier changed (@p source: "command", "driver"). */
void app_events_port_link(struct app *app, const struct mv_port *port, bool admin_up, bool carrier,
			  const char *source);
/** A vif's carrier (from its lower) or its admin state (from its backend) changed. */
/** The vif's carrier changed; @p source: "lower" (the port's) or "backend" (its peer). */
void app_events_vif_carrier(struct app *app, const struct mv_vif *vif, bool carrier,
			    const char *source);
/** The program deleted the vif by itself (its backend's namespace went away: @p reason). */
void app_events_vif_deleted(struct app *app, const struct mv_vif *vif, const char *reason);
void app_events_vif_admin(struct app *app, const struct mv_vif *vif, bool up);
/*
 * The backend's side changed the vif's @p what ("address", "mtu") to
 * @p value: adopted, or refused because of @p why (the netdev put back).
 */
void app_events_vif_side(struct app *app, const struct mv_vif *vif, const char *what,
			 const char *value, bool adopted, const char *why);

/** The last @p count events (0: all) as a JSON array, oldest first. NULL on ENOMEM. */
json_t *app_events_json(struct app *app, uint32_t count);

/** The executor's part: `events show [N]` gives the log's last N as the result; `monitor` needs the socket. */
int app_events_exec(struct app *app, const struct mv_cmd *cmd, json_t **result, char *err,
		    size_t errlen);

#endif /* MV_APP_EVENTS_H */
