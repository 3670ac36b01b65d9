/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_APP_TELEMETRY_H
#define MV_APP_TELEMETRY_H

/*
 * /macvlan/... telemetry endpoints (telemetry.c), read with
 * `dpdk-telemetry.py -f <file-prefix>`: /macvlan/ports, /macvlan/port,<name>,
 * /macvlan/vifs[,<start>], /macvlan/vif,<name>, /macvlan/workers.
 */
struct app;

/** Register the endpoints (after rte_eal_init). 0 or -errno. */
int app_telemetry_init(void);

/** Control thread, periodically: publish a fresh document if a reader waits. */
void app_telemetry_periodic(struct app *app);

/** Drop the last document (at exit, after the telemetry threads are done). */
void app_telemetry_fini(void);

#endif /* MV_APP_TELEMETRY_H */
