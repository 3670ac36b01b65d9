/* SPDX-License-Identifier: BSD-3-Clause */
/* The datapath's fast-path trace points under their macvlan.dp.* names. */
#include <rte_trace_point_register.h>

#include "dp_trace.h"

RTE_TRACE_POINT_REGISTER(mv_trace_dp_wire_rx, macvlan.dp.wire_rx)
RTE_TRACE_POINT_REGISTER(mv_trace_dp_vif_rx, macvlan.dp.vif_rx)
