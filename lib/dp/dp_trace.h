/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_DP_TRACE_H
#define MV_DP_TRACE_H

/*
 * The datapath's fast-path trace points (docs/tracing.md): one per burst
 * received. RTE_TRACE_POINT_FP compiles them to nothing unless the build has
 * RTE_ENABLE_TRACE_FP (meson -Dtrace_fp=true); then each is enabled with EAL
 * `--trace=macvlan.dp.*`. pkg-config's `-include rte_config.h` undefines
 * RTE_ENABLE_TRACE_FP, so the build's MV_TRACE_FP defines it here: include
 * this header before any DPDK header (rte_trace_point.h decides once).
 */
#ifdef MV_TRACE_FP
#if defined(_RTE_TRACE_POINT_H_) && !defined(RTE_ENABLE_TRACE_FP) && \
	!defined(_RTE_TRACE_POINT_REGISTER_H_)
#error "dp_trace.h must come before the DPDK headers"
#endif
#define RTE_ENABLE_TRACE_FP 1
#endif
#include <rte_trace_point.h>

/* clang-format off: a trace point's payload is one emit per line */
/* a burst from the wire: the worker, the port, how many frames */
RTE_TRACE_POINT_FP(mv_trace_dp_wire_rx,
	RTE_TRACE_POINT_ARGS(uint16_t worker, uint16_t port, uint16_t n),
	rte_trace_point_emit_u16(worker);
	rte_trace_point_emit_u16(port);
	rte_trace_point_emit_u16(n);
)

/* a burst from a vif's backend: the worker, the vif's port and slot, how many frames */
RTE_TRACE_POINT_FP(mv_trace_dp_vif_rx,
	RTE_TRACE_POINT_ARGS(uint16_t worker, uint16_t port, uint16_t slot, uint16_t n),
	rte_trace_point_emit_u16(worker);
	rte_trace_point_emit_u16(port);
	rte_trace_point_emit_u16(slot);
	rte_trace_point_emit_u16(n);
)
/* clang-format on */

#endif /* MV_DP_TRACE_H */
