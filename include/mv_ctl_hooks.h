/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_CTL_HOOKS_H
#define MV_CTL_HOOKS_H

/**
 * @file
 * What the core tells its owner while it creates a vif, one call per step
 * of the kernel's path for `ip link add ... type macvlan`: macvlan_validate,
 * the allocation (__rtnl_newlink, rtnl_create_link and macvlan_setup), then
 * macvlan_newlink/macvlan_common_newlink. The daemon turns them into trace
 * points (app/daemon/trace.h); the core itself stays free of DPDK.
 */

#include "mv_control.h"
#include "mv_port.h"

enum mv_vif_step {
	MV_VIF_STEP_VALIDATE, /**< the request's own checks: MAC, flags, mode, source list */
	MV_VIF_STEP_SETUP,    /**< the name (taken, valid), the MTU floor: the device exists */
	MV_VIF_STEP_NEWLINK,  /**< the checks against the lower, then the tables: the vif is in */
};

struct mv_ctl_hooks {
	/**
	 * One step of mv_vif_create() ended with @p result (0 or -errno; a
	 * failed step is the last). @p vif is the new vif after NEWLINK
	 * succeeded, else NULL.
	 */
	void (*vif_step)(enum mv_vif_step step, const struct mv_port *port,
			 const struct mv_vif_config *cfg, const struct mv_vif *vif, int result);
};

#endif /* MV_CTL_HOOKS_H */
