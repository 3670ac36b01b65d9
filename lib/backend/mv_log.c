/* SPDX-License-Identifier: BSD-3-Clause */
/* The log types of dpdk-macvlan (mv_log.h), registered when the program loads. */
#include "mv_log.h"

RTE_LOG_REGISTER(mv_logtype_ctl, macvlan.ctl, NOTICE);
RTE_LOG_REGISTER(mv_logtype_port, macvlan.port, NOTICE);
RTE_LOG_REGISTER(mv_logtype_dp, macvlan.dp, NOTICE);
RTE_LOG_REGISTER(mv_logtype_backend, macvlan.backend, NOTICE);
RTE_LOG_REGISTER(mv_logtype_tap, macvlan.tap, NOTICE);
RTE_LOG_REGISTER(mv_logtype_vdev, macvlan.vdev, NOTICE);
