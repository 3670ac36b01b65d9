/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel's macvlan_device_event(): what happens to the vifs when their
 * lower changes under them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mv_control.h"
#include "mv_link_events.h"

void
mv_deltas_free(struct mv_deltas *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}

/* Record a delta; a NULL list is allowed (the caller does not care). */
static int
emit(struct mv_deltas *out, enum mv_delta_kind kind, const struct mv_vif *vif, uint64_t value)
{
	struct mv_delta *d;

	if (out == NULL)
		return 0;
	if (out->n == out->cap) {
		uint32_t cap = out->cap != 0 ? 2 * out->cap : 16;
		struct mv_delta *v = realloc(out->v, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		out->v = v;
		out->cap = cap;
	}
	d = &out->v[out->n++];
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	d->slot = vif != NULL ? vif->slot : MV_SLOT_NONE;
	if (vif != NULL)
		memcpy(d->name, vif->name, sizeof(d->name));
	d->value = value;
	return 0;
}

int
mv_lower_set_link(struct mv_port *port, bool admin_up, bool carrier, struct mv_deltas *out)
{
	bool vif_carrier = admin_up && carrier;
	struct mv_vif *vif;
	int ret = 0;

	port->admin_up = admin_up;
	port->carrier = carrier;
	TAILQ_FOREACH(vif, &port->vifs, next)
	{
		if (vif->carrier == vif_carrier)
			continue;
		vif->carrier = vif_carrier;
		if (emit(out, MV_DELTA_CARRIER, vif, vif_carrier) < 0)
			ret = -ENOMEM;
	}
	port->generation++;
	return ret;
}

int
mv_lower_set_mtu(struct mv_port *port, uint32_t mtu, struct mv_deltas *out)
{
	struct mv_vif *vif;
	int ret = 0;

	if (mtu < MV_MIN_MTU || mtu > port->max_mtu)
		return -EINVAL;
	port->mtu = mtu;
	TAILQ_FOREACH(vif, &port->vifs, next)
	{
		if (vif->mtu <= mtu)
			continue;
		vif->mtu = mtu;
		if (emit(out, MV_DELTA_MTU, vif, mtu) < 0)
			ret = -ENOMEM;
	}
	port->generation++;
	return ret;
}

int
mv_lower_set_mac(struct mv_port *port, mv_mac_t mac, struct mv_deltas *out)
{
	struct mv_vif *vif = TAILQ_FIRST(&port->vifs);

	if (!mv_mac_is_valid_unicast(mac))
		return -EADDRNOTAVAIL;
	if (mac == port->mac)
		return 0;
	if (port->passthru && vif != NULL) {
		/* the vif follows the lower; a direct change also becomes the one kept */
		int ret = mv_vif_set_mac(vif, mac);

		if (ret < 0)
			return ret;
		port->perm_addr = mac;
		port->generation++;
		return emit(out, MV_DELTA_MAC, vif, mac);
	}
	port->mac = mac;
	port->generation++;
	return 0;
}

int
mv_lower_remove(struct mv_ctl *ctl, struct mv_port *port, struct mv_deltas *out)
{
	struct mv_vif *vif;
	int ret = 0;

	while ((vif = TAILQ_FIRST(&port->vifs)) != NULL) {
		if (emit(out, MV_DELTA_DELETED, vif, 0) < 0)
			ret = -ENOMEM;
		mv_vif_delete(ctl, vif);
	}
	ctl->ports[port->id] = NULL;
	mv_mac_map_free(&port->up_macs);
	mv_mac_map_free(&port->mc);
	mv_mac_map_free(&port->group_refs);
	free(port);
	return ret;
}
