/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_APP_TRACE_H
#define MV_APP_TRACE_H

/*
 * The configuration path's trace points (rte_trace, docs/tracing.md): one per
 * step of the kernel's macvlan functions for `ip link add ... type macvlan`
 * and the notifier, stats and fill-info calls that follow. Enabled with EAL
 * `--trace=macvlan.*`; a disabled point is one relaxed load and a branch.
 * MACs are u64 (mv_mac_t: the six bytes, first byte most significant),
 * results 0 or -errno.
 */
#include <rte_trace_point.h>

/* clang-format off: a trace point's payload is one emit per line */
/* the core's step of mv_vif_create (mv_ctl_hooks.h): the request's own checks */
RTE_TRACE_POINT(mv_trace_validate,
	RTE_TRACE_POINT_ARGS(const char *name, const char *lower, uint64_t mac,
			     uint8_t mode, uint16_t flags, int result),
	rte_trace_point_emit_string(name);
	rte_trace_point_emit_string(lower);
	rte_trace_point_emit_u64(mac);
	rte_trace_point_emit_u8(mode);
	rte_trace_point_emit_u16(flags);
	rte_trace_point_emit_int(result);
)

/* the name and the device: __rtnl_newlink, rtnl_create_link, macvlan_setup */
RTE_TRACE_POINT(mv_trace_setup,
	RTE_TRACE_POINT_ARGS(const char *name, const char *lower, uint32_t mtu, int result),
	rte_trace_point_emit_string(name);
	rte_trace_point_emit_string(lower);
	rte_trace_point_emit_u32(mtu);
	rte_trace_point_emit_int(result);
)

/* macvlan_newlink, macvlan_common_newlink: the lower's checks, then the tables */
RTE_TRACE_POINT(mv_trace_newlink,
	RTE_TRACE_POINT_ARGS(const char *name, const char *lower, uint64_t mac,
			     uint8_t mode, uint16_t flags, uint16_t slot, int result),
	rte_trace_point_emit_string(name);
	rte_trace_point_emit_string(lower);
	rte_trace_point_emit_u64(mac);
	rte_trace_point_emit_u8(mode);
	rte_trace_point_emit_u16(flags);
	rte_trace_point_emit_u16(slot);
	rte_trace_point_emit_int(result);
)

/* macvlan_init (ndo_init): the datapath endpoint (ring, counters, owner) and its backend */
RTE_TRACE_POINT(mv_trace_init,
	RTE_TRACE_POINT_ARGS(const char *name, const char *backend, uint16_t worker,
			     int result),
	rte_trace_point_emit_string(name);
	rte_trace_point_emit_string(backend);
	rte_trace_point_emit_u16(worker);
	rte_trace_point_emit_int(result);
)

/* macvlan_fix_features: what the vif inherits from its lower */
RTE_TRACE_POINT(mv_trace_fix_features,
	RTE_TRACE_POINT_ARGS(const char *name, const char *lower, uint32_t mtu,
			     uint32_t max_mtu, uint8_t carrier),
	rte_trace_point_emit_string(name);
	rte_trace_point_emit_string(lower);
	rte_trace_point_emit_u32(mtu);
	rte_trace_point_emit_u32(max_mtu);
	rte_trace_point_emit_u8(carrier);
)

/*
 * macvlan_device_event and the link watch: @p what is "register",
 * "lower_link", "carrier", "admin", "mtu", "mac", "lower_mac", "deleted";
 * @p value its new value (carrier/admin 0 or 1, lower_link admin<<1|carrier,
 * an MTU or a MAC).
 */
RTE_TRACE_POINT(mv_trace_event,
	RTE_TRACE_POINT_ARGS(const char *name, const char *lower, const char *what,
			     uint64_t value, const char *source),
	rte_trace_point_emit_string(name);
	rte_trace_point_emit_string(lower);
	rte_trace_point_emit_string(what);
	rte_trace_point_emit_u64(value);
	rte_trace_point_emit_string(source);
)

/* mv_dp_commit: the tables published to the workers (synchronize_rcu's place) */
RTE_TRACE_POINT(mv_trace_commit, RTE_TRACE_POINT_ARGS(uint32_t n_vifs, int result),
	rte_trace_point_emit_u32(n_vifs);
	rte_trace_point_emit_int(result);
)

/* macvlan_dev_get_stats64: the vif's counters as shown */
RTE_TRACE_POINT(mv_trace_stats,
	RTE_TRACE_POINT_ARGS(const char *name, uint64_t rx_packets, uint64_t rx_bytes,
			     uint64_t tx_packets, uint64_t tx_bytes, uint64_t rx_dropped,
				     uint64_t tx_dropped),
	rte_trace_point_emit_string(name);
	rte_trace_point_emit_u64(rx_packets);
	rte_trace_point_emit_u64(rx_bytes);
	rte_trace_point_emit_u64(tx_packets);
	rte_trace_point_emit_u64(tx_bytes);
	rte_trace_point_emit_u64(rx_dropped);
	rte_trace_point_emit_u64(tx_dropped);
)

/* macvlan_fill_info (and rtnl_fill_ifinfo around it): the vif as shown */
RTE_TRACE_POINT(mv_trace_fill_info,
	RTE_TRACE_POINT_ARGS(const char *name, const char *lower, uint64_t mac,
			     uint8_t mode, uint16_t flags, uint32_t mtu, uint8_t up,
				     uint8_t carrier),
	rte_trace_point_emit_string(name);
	rte_trace_point_emit_string(lower);
	rte_trace_point_emit_u64(mac);
	rte_trace_point_emit_u8(mode);
	rte_trace_point_emit_u16(flags);
	rte_trace_point_emit_u32(mtu);
	rte_trace_point_emit_u8(up);
	rte_trace_point_emit_u8(carrier);
)

/* macvlan_changelink (after macvlan_validate): `link set <vif> type macvlan ...` */
RTE_TRACE_POINT(mv_trace_changelink,
	RTE_TRACE_POINT_ARGS(const char *name, uint8_t mode, uint16_t flags, int result),
	rte_trace_point_emit_string(name);
	rte_trace_point_emit_u8(mode);
	rte_trace_point_emit_u16(flags);
	rte_trace_point_emit_int(result);
)

/* macvlan_dellink (and macvlan_uninit): the vif leaves the tables and the datapath */
RTE_TRACE_POINT(mv_trace_dellink,
	RTE_TRACE_POINT_ARGS(const char *name, const char *lower, const char *reason),
	rte_trace_point_emit_string(name);
	rte_trace_point_emit_string(lower);
	rte_trace_point_emit_string(reason);
)

/* clang-format on */

/* The core's hooks (mv_ctl_hooks.h) that fire validate, setup and newlink. */
extern const struct mv_ctl_hooks app_trace_hooks;

#endif /* MV_APP_TRACE_H */
