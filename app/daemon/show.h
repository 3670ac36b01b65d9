/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_APP_SHOW_H
#define MV_APP_SHOW_H

/*
 * Structured results of the read-only commands (show.c): JSON objects shaped
 * like iproute2's `-j` output (docs/control-api.md has the schema). Each
 * function returns a new reference; the caller owns it.
 */
#include <stdbool.h>

#include <jansson.h>

struct app;
struct mv_port;
struct mv_vif;

/** One physical port as a link object. */
json_t *app_json_port(struct app *app, struct mv_port *port);
/** One vif as a link object (`ip -j -d link show` of a macvlan). */
json_t *app_json_vif(struct app *app, struct mv_vif *vif);
/** `link show [NAME]`: an array of link objects. */
json_t *app_json_links(struct app *app, const char *name);
/** The same, @p ports_only: the ports alone; @p stats: each with its stats64 (`-s`). */
json_t *app_json_links_filtered(struct app *app, const char *name, bool ports_only, bool stats);
/** `link stats [NAME]`: {links: [...], workers: [...], mempool: {...}}. */
json_t *app_json_stats(struct app *app, const char *name);
/** The same, @p ports_only: the ports' alone (testpmd's show port stats), no workers. */
json_t *app_json_stats_filtered(struct app *app, const char *name, bool ports_only);
/**
 * `clear link stats [NAME]` / `clear port stats`: the counters start from zero
 * again (a baseline; the datapath's own counters run on): {cleared: [names]}.
 */
json_t *app_json_clear_stats(struct app *app, const char *name, bool ports_only);
/** `start` / `stop`: {forwarding, already, held?, held_nic?} (held: frames queued). */
json_t *app_json_forwarding(struct app *app, bool already);
/** `maddr show [NAME]`: [{ifname, maddr: [{family, address}]}]. */
json_t *app_json_maddr(struct app *app, const char *name);
/** `show config` (config.c): the running configuration, an array of command lines. */
json_t *app_json_config(struct app *app);
/** The mbuf pool: {name, free, size}. */
json_t *app_json_mempool(struct app *app);

/** `--stats-period`: `link stats` as text on stdout. */
void app_print_stats(struct app *app);
/** At exit: the mempool line on stdout ("mempool mv_mbufs: A/B mbufs free"). */
void app_print_mempool(struct app *app);

#endif /* MV_APP_SHOW_H */
