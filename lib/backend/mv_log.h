/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_LOG_H
#define MV_LOG_H

/**
 * @file
 * Logging through rte_log, one log type per component:
 *
 *   macvlan.ctl      the control thread: commands, the control loop, the socket
 *   macvlan.port     physical ports: NIC filters, link state, MTU, MAC
 *   macvlan.dp       the datapath's control side: snapshots, publishing
 *   macvlan.backend  vif backends in general (create, destroy, mirroring)
 *   macvlan.tap      the TAP backend
 *   macvlan.vdev     the vdev backend
 *
 * Levels as DPDK's: ERR for what failed and was not done, WARNING for what
 * failed at a boundary (the NIC refused a filter, a backend refused a change)
 * and was worked around, NOTICE for link events, INFO for every
 * configuration change, DEBUG for detail. The default level is NOTICE;
 * `--log-level=macvlan.*:debug` (EAL) shows everything. The datapath's lcores
 * never log.
 */
#include <rte_log.h>

extern int mv_logtype_ctl;
extern int mv_logtype_port;
extern int mv_logtype_dp;
extern int mv_logtype_backend;
extern int mv_logtype_tap;
extern int mv_logtype_vdev;

/** MV_LOG(WARNING, PORT, "p0: cannot enable promiscuous mode: %s", strerror(-ret)) */
#define MV_LOG(level, type, fmt, ...)                                                              \
	rte_log(RTE_LOG_##level, mv_logtype_##type, "macvlan.%s: " fmt "\n",                       \
		mv_log_type_name_##type, ##__VA_ARGS__)

#define mv_log_type_name_ctl     "ctl"
#define mv_log_type_name_port    "port"
#define mv_log_type_name_dp      "dp"
#define mv_log_type_name_backend "backend"
#define mv_log_type_name_tap     "tap"
#define mv_log_type_name_vdev    "vdev"

#endif /* MV_LOG_H */
