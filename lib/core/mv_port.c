/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mv_control.h"
#include "mv_link_events.h"
#include "mv_port.h"

static const char *const mode_names[] = {
	[MV_MODE_PRIVATE] = "private",   [MV_MODE_VEPA] = "vepa",     [MV_MODE_BRIDGE] = "bridge",
	[MV_MODE_PASSTHRU] = "passthru", [MV_MODE_SOURCE] = "source",
};

const char *
mv_mode_name(uint8_t mode)
{
	if (mode >= sizeof(mode_names) / sizeof(mode_names[0]))
		return NULL;
	return mode_names[mode];
}

int
mv_mode_parse(const char *s)
{
	for (unsigned int m = 0; m < sizeof(mode_names) / sizeof(mode_names[0]); m++)
		if (mode_names[m] != NULL && s != NULL && strcmp(s, mode_names[m]) == 0)
			return (int)m;
	return -EINVAL;
}

void
mv_ctl_init(struct mv_ctl *ctl)
{
	memset(ctl, 0, sizeof(*ctl));
}

void
mv_ctl_fini(struct mv_ctl *ctl)
{
	for (unsigned int i = 0; i < MV_MAX_PORTS; i++)
		if (ctl->ports[i] != NULL)
			mv_lower_remove(ctl, ctl->ports[i], NULL);
}

int
mv_port_add(struct mv_ctl *ctl, const struct mv_port_params *params, struct mv_port **out)
{
	struct mv_port *port;

	if (params->name == NULL || !mv_ifname_valid(params->name) || params->id >= MV_MAX_PORTS)
		return -EINVAL;
	if (!mv_mac_is_valid_unicast(params->mac))
		return -EADDRNOTAVAIL;
	if (params->mtu < MV_MIN_MTU || (params->max_mtu != 0 && params->mtu > params->max_mtu))
		return -EINVAL;
	if (ctl->ports[params->id] != NULL || mv_port_find(ctl, params->name) != NULL ||
	    mv_vif_find(ctl, params->name) != NULL)
		return -EEXIST;

	port = calloc(1, sizeof(*port));
	if (port == NULL)
		return -ENOMEM;
	if (mv_mac_map_init(&port->up_macs, 16) < 0 || mv_mac_map_init(&port->mc, 4) < 0 ||
	    mv_mac_map_init(&port->group_refs, 16) < 0) {
		mv_mac_map_free(&port->up_macs);
		mv_mac_map_free(&port->mc);
		free(port);
		return -ENOMEM;
	}
	strcpy(port->name, params->name);
	port->id = params->id;
	port->mac = params->mac;
	port->perm_addr = params->mac;
	port->mtu = params->mtu;
	port->max_mtu = params->max_mtu != 0 ? params->max_mtu : MV_DEFAULT_MAX_MTU;
	port->admin_up = params->admin_up;
	port->carrier = params->carrier;
	port->uc_filter_max = params->uc_filter_max;
	port->bc_cutoff = MV_DEFAULT_BC_CUTOFF;
	TAILQ_INIT(&port->vifs);
	ctl->ports[params->id] = port;
	if (out != NULL)
		*out = port;
	return 0;
}

struct mv_port *
mv_port_find(const struct mv_ctl *ctl, const char *name)
{
	for (unsigned int i = 0; i < MV_MAX_PORTS; i++)
		if (ctl->ports[i] != NULL && strcmp(ctl->ports[i]->name, name) == 0)
			return ctl->ports[i];
	return NULL;
}

struct mv_vif *
mv_vif_find(const struct mv_ctl *ctl, const char *name)
{
	for (unsigned int i = 0; i < MV_MAX_PORTS; i++) {
		struct mv_vif *vif;

		if (ctl->ports[i] == NULL)
			continue;
		TAILQ_FOREACH(vif, &ctl->ports[i]->vifs, next)
		if (strcmp(vif->name, name) == 0)
			return vif;
	}
	return NULL;
}

/* Unicast addresses the vifs put in the lower's filter: each UP non-passthru vif's MAC. */
static uint32_t
uc_count(const struct mv_port *port)
{
	return port->passthru ? 0 : port->n_up_vifs;
}

bool
mv_port_is_promisc(const struct mv_port *port)
{
	return port->promisc || port->promisc_count > 0 || uc_count(port) > port->uc_filter_max;
}

bool
mv_port_is_allmulti(const struct mv_port *port)
{
	return port->allmulti || port->allmulti_count > 0;
}
