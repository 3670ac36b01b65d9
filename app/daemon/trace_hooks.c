/* SPDX-License-Identifier: BSD-3-Clause */
/* The core's hooks (mv_ctl_hooks.h): each step of mv_vif_create fires its trace point. */
#include "mv_ctl_hooks.h"
#include "trace.h"

static void
vif_step(enum mv_vif_step step, const struct mv_port *port, const struct mv_vif_config *cfg,
	 const struct mv_vif *vif, int result)
{
	const char *name = cfg->name != NULL ? cfg->name : "";
	uint8_t mode = cfg->mode != 0 ? cfg->mode : MV_MODE_DEFAULT;

	switch (step) {
	case MV_VIF_STEP_VALIDATE:
		mv_trace_validate(name, port->name, cfg->has_mac ? cfg->mac : 0, mode,
				  cfg->has_flags ? cfg->flags : 0, result);
		break;
	case MV_VIF_STEP_SETUP:
		mv_trace_setup(name, port->name, cfg->has_mtu ? cfg->mtu : port->mtu, result);
		break;
	case MV_VIF_STEP_NEWLINK:
		if (vif != NULL)
			mv_trace_newlink(name, port->name, vif->mac, vif->mode, vif->flags,
					 vif->slot, result);
		else
			mv_trace_newlink(name, port->name, cfg->has_mac ? cfg->mac : 0, mode,
					 cfg->has_flags ? cfg->flags : 0, MV_SLOT_NONE, result);
		break;
	}
}

const struct mv_ctl_hooks app_trace_hooks = {
	.vif_step = vif_step,
};
