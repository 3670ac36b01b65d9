/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The trace points' registration under their macvlan.* names. In this file
 * the points' functions register their fields: nothing here may fire one.
 */
#include <rte_trace_point_register.h>

#include "trace.h"

RTE_TRACE_POINT_REGISTER(mv_trace_validate, macvlan.validate)
RTE_TRACE_POINT_REGISTER(mv_trace_setup, macvlan.setup)
RTE_TRACE_POINT_REGISTER(mv_trace_newlink, macvlan.newlink)
RTE_TRACE_POINT_REGISTER(mv_trace_init, macvlan.init)
RTE_TRACE_POINT_REGISTER(mv_trace_fix_features, macvlan.fix_features)
RTE_TRACE_POINT_REGISTER(mv_trace_event, macvlan.event)
RTE_TRACE_POINT_REGISTER(mv_trace_commit, macvlan.commit)
RTE_TRACE_POINT_REGISTER(mv_trace_stats, macvlan.stats)
RTE_TRACE_POINT_REGISTER(mv_trace_fill_info, macvlan.fill_info)
RTE_TRACE_POINT_REGISTER(mv_trace_changelink, macvlan.changelink)
RTE_TRACE_POINT_REGISTER(mv_trace_dellink, macvlan.dellink)
