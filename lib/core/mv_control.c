/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control rules. Every entry point validates the whole request first and
 * changes the tables only once nothing can fail any more (allocations are
 * made before the first change), so an error leaves the tables untouched.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mv_control.h"
#include "mv_ctl_hooks.h"

void
mv_vif_config_init(struct mv_vif_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->macaddr_op = MV_MACADDR_NONE;
}

void
mv_vif_change_init(struct mv_vif_change *chg)
{
	memset(chg, 0, sizeof(*chg));
	chg->macaddr_op = MV_MACADDR_NONE;
}

bool
mv_ifname_valid(const char *name)
{
	size_t len;

	if (name == NULL)
		return false;
	len = strnlen(name, MV_IFNAMSIZ);
	if (len == 0 || len >= MV_IFNAMSIZ)
		return false;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (const char *c = name; *c != '\0'; c++)
		if (*c == '/' || *c == ':' || isspace((unsigned char)*c))
			return false;
	return true;
}

static bool
mode_valid(uint8_t mode)
{
	return mode == MV_MODE_PRIVATE || mode == MV_MODE_VEPA || mode == MV_MODE_BRIDGE ||
	       mode == MV_MODE_PASSTHRU || mode == MV_MODE_SOURCE;
}

/* Checks shared by create and change: op, its addresses. */
static int
check_macaddr_request(int op, const mv_mac_t *macaddr, uint32_t n)
{
	if (op < MV_MACADDR_NONE || op > MV_MACADDR_SET)
		return -EINVAL;
	if ((op == MV_MACADDR_ADD || op == MV_MACADDR_DEL) && n == 0)
		return -EINVAL;
	if (n > 0 && macaddr == NULL)
		return -EINVAL;
	if (op == MV_MACADDR_NONE || op == MV_MACADDR_FLUSH)
		return 0;
	for (uint32_t i = 0; i < (op == MV_MACADDR_SET ? n : 1); i++)
		if (!mv_mac_is_valid_unicast(macaddr[i]))
			return -EADDRNOTAVAIL;
	return 0;
}

/*
 * Build the source list @p vif would have after @p op into @p out (a fresh
 * map), or leave @p out unused when the op keeps the list as it is.
 * Returns 1 when @p out holds the new list, 0 when unchanged, -ENOMEM.
 */
static int
compute_source_list(const struct mv_vif *vif, bool flush_first, int op, const mv_mac_t *macaddr,
		    uint32_t n, struct mv_mac_map *out)
{
	uint32_t pos = 0;
	mv_mac_t key;
	uint16_t val;

	if (op == MV_MACADDR_NONE && !flush_first)
		return 0;
	if (mv_mac_map_init(out, vif->sources.count + n) < 0)
		return -ENOMEM;
	if (!flush_first && op != MV_MACADDR_SET && op != MV_MACADDR_FLUSH)
		while (mv_mac_map_next(&vif->sources, &pos, &key, &val) >= 0)
			if (mv_mac_map_set(out, key, 0) < 0)
				goto nomem;
	switch (op) {
	case MV_MACADDR_ADD:
		if (mv_mac_map_set(out, macaddr[0], 0) < 0)
			goto nomem;
		break;
	case MV_MACADDR_DEL:
		mv_mac_map_del(out, macaddr[0]);
		break;
	case MV_MACADDR_SET:
		for (uint32_t i = 0; i < n; i++)
			if (mv_mac_map_set(out, macaddr[i], 0) < 0)
				goto nomem;
		break;
	default:
		break;
	}
	return 1;
nomem:
	mv_mac_map_free(out);
	return -ENOMEM;
}

/* Replace @p vif's source list with @p list, keeping the port's count. */
static void
install_source_list(struct mv_vif *vif, struct mv_mac_map *list)
{
	struct mv_port *port = vif->port;

	port->n_source_entries -= vif->sources.count;
	port->n_source_entries += list->count;
	mv_mac_map_free(&vif->sources);
	vif->sources = *list;
}

static void
recompute_bc_queue_len(struct mv_port *port)
{
	struct mv_vif *vif;
	uint32_t used = 0;

	TAILQ_FOREACH (vif, &port->vifs, next)
		if (vif->bc_queue_len_req > used)
			used = vif->bc_queue_len_req;
	port->bc_queue_len_used = used;
}

/*
 * The port's group table counts, per group, the vifs that joined it. Growing
 * it is the only step that can fail, so callers reserve room first.
 */
static int
reserve_groups(struct mv_port *port, uint32_t more)
{
	struct mv_mac_map *m = &port->group_refs;
	uint32_t pos = 0;
	mv_mac_t key;
	uint16_t val;
	struct mv_mac_map bigger;

	if (2 * ((uint64_t)m->count + more) <= (uint64_t)m->mask + 1)
		return 0;
	if (mv_mac_map_init(&bigger, m->count + more) < 0)
		return -ENOMEM;
	while (mv_mac_map_next(m, &pos, &key, &val) >= 0)
		mv_mac_map_set(&bigger, key, val);
	mv_mac_map_free(m);
	*m = bigger;
	return 0;
}

/* Count one vif more (+1) or less (-1) in @p group; room was reserved. */
static void
group_ref(struct mv_port *port, mv_mac_t group, int delta)
{
	int refs = mv_mac_map_lookup(&port->group_refs, group);

	if (refs < 0)
		refs = 0;
	refs += delta;
	if (refs <= 0)
		mv_mac_map_del(&port->group_refs, group);
	else
		mv_mac_map_set(&port->group_refs, group, (uint16_t)refs);
}

static void
group_refs_add_all(struct mv_port *port, const struct mv_mac_map *mc)
{
	uint32_t pos = 0;
	mv_mac_t g;
	uint16_t val;

	while (mv_mac_map_next(mc, &pos, &g, &val) >= 0)
		group_ref(port, g, +1);
}

static void
group_refs_del_all(struct mv_port *port, const struct mv_mac_map *mc)
{
	uint32_t pos = 0;
	mv_mac_t g;
	uint16_t val;

	while (mv_mac_map_next(mc, &pos, &g, &val) >= 0)
		group_ref(port, g, -1);
}

static int
free_slot(const struct mv_port *port)
{
	for (int i = 0; i < MV_PORT_MAX_VIFS; i++)
		if (port->slots[i] == NULL)
			return i;
	return -1;
}

/* Tell the owner that a step of mv_vif_create ended (a failed one, the last); returns @p ret. */
static int
vif_step(const struct mv_ctl *ctl, enum mv_vif_step step, const struct mv_port *port,
	 const struct mv_vif_config *cfg, int ret)
{
	if (ctl->hooks != NULL)
		ctl->hooks->vif_step(step, port, cfg, NULL, ret);
	return ret;
}

int
mv_vif_create(struct mv_ctl *ctl, struct mv_port *port, const struct mv_vif_config *cfg,
	      struct mv_vif **out)
{
	uint8_t mode = cfg->mode != 0 ? cfg->mode : MV_MODE_DEFAULT;
	struct mv_mac_map list = { 0 };
	struct mv_vif *vif;
	int slot, ret;

	/* macvlan_validate() */
	if (cfg->has_mac && !mv_mac_is_valid_unicast(cfg->mac))
		return vif_step(ctl, MV_VIF_STEP_VALIDATE, port, cfg, -EADDRNOTAVAIL);
	if (cfg->has_flags && (cfg->flags & ~MV_FLAGS_ALL) != 0)
		return vif_step(ctl, MV_VIF_STEP_VALIDATE, port, cfg, -EINVAL);
	if (!mode_valid(mode))
		return vif_step(ctl, MV_VIF_STEP_VALIDATE, port, cfg, -EINVAL);
	ret = check_macaddr_request(cfg->macaddr_op, cfg->macaddr, cfg->n_macaddr);
	if (ret < 0)
		return vif_step(ctl, MV_VIF_STEP_VALIDATE, port, cfg, ret);
	vif_step(ctl, MV_VIF_STEP_VALIDATE, port, cfg, 0);
	/* __rtnl_newlink(): an existing name, then device allocation */
	if (cfg->name != NULL &&
	    (mv_vif_find(ctl, cfg->name) != NULL || mv_port_find(ctl, cfg->name) != NULL))
		return vif_step(ctl, MV_VIF_STEP_SETUP, port, cfg, -EEXIST);
	if (!mv_ifname_valid(cfg->name))
		return vif_step(ctl, MV_VIF_STEP_SETUP, port, cfg, -EINVAL);
	if (cfg->has_mtu && cfg->mtu < MV_MIN_MTU)
		return vif_step(ctl, MV_VIF_STEP_SETUP, port, cfg, -EINVAL);
	vif_step(ctl, MV_VIF_STEP_SETUP, port, cfg, 0);
	/* macvlan_common_newlink() */
	if (cfg->has_mtu && (cfg->mtu > port->mtu || cfg->mtu > port->max_mtu))
		return vif_step(ctl, MV_VIF_STEP_NEWLINK, port, cfg, -EINVAL);
	if (port->passthru)
		return vif_step(ctl, MV_VIF_STEP_NEWLINK, port, cfg, -EINVAL);
	if (mode == MV_MODE_PASSTHRU && port->n_vifs > 0)
		return vif_step(ctl, MV_VIF_STEP_NEWLINK, port, cfg, -EINVAL);
	if (cfg->macaddr_op != MV_MACADDR_NONE && mode != MV_MODE_SOURCE)
		return vif_step(ctl, MV_VIF_STEP_NEWLINK, port, cfg, -EINVAL);
	slot = free_slot(port);
	if (slot < 0)
		return vif_step(ctl, MV_VIF_STEP_NEWLINK, port, cfg, -ENOSPC);
	if (!cfg->no_default_groups && port->group_refs.count + 2 > MV_PORT_MAX_GROUPS &&
	    (mv_mac_map_lookup(&port->group_refs, MV_MAC_ALL_HOSTS_V4) < 0 ||
	     mv_mac_map_lookup(&port->group_refs, MV_MAC_ALL_NODES_V6) < 0))
		return vif_step(ctl, MV_VIF_STEP_NEWLINK, port, cfg, -ENOSPC);
	/* the group table may have to grow: do it now, while failing changes nothing */
	if (!cfg->no_default_groups && reserve_groups(port, 2) < 0)
		return vif_step(ctl, MV_VIF_STEP_NEWLINK, port, cfg, -ENOMEM);

	vif = calloc(1, sizeof(*vif));
	if (vif == NULL)
		return vif_step(ctl, MV_VIF_STEP_NEWLINK, port, cfg, -ENOMEM);
	vif->port = port;
	if (mv_mac_map_init(&vif->mc, 4) < 0 || mv_mac_map_init(&vif->sources, 0) < 0)
		goto nomem;
	if (!cfg->no_default_groups && (mv_mac_map_set(&vif->mc, MV_MAC_ALL_HOSTS_V4, 0) < 0 ||
					mv_mac_map_set(&vif->mc, MV_MAC_ALL_NODES_V6, 0) < 0))
		goto nomem;
	ret = compute_source_list(vif, false, cfg->macaddr_op, cfg->macaddr, cfg->n_macaddr, &list);
	if (ret < 0)
		goto nomem;
	if (ret > 0 && port->n_source_entries + list.count > MV_PORT_MAX_SOURCE_ENTRIES) {
		mv_mac_map_free(&list);
		mv_mac_map_free(&vif->mc);
		mv_mac_map_free(&vif->sources);
		free(vif);
		return vif_step(ctl, MV_VIF_STEP_NEWLINK, port, cfg, -ENOSPC);
	}

	/* nothing can fail from here on */
	strcpy(vif->name, cfg->name);
	vif->slot = (uint16_t)slot;
	vif->mode = mode;
	vif->flags = cfg->has_flags ? cfg->flags : 0;
	if (port->n_vifs == 0)
		port->perm_addr = port->mac;
	if (mode == MV_MODE_PASSTHRU) {
		port->passthru = true;
		vif->mac = port->mac;
	} else if (cfg->has_mac) {
		vif->mac = cfg->mac;
	} else {
		vif->mac = mv_mac_random(cfg->random);
		vif->mac_random = true;
	}
	vif->mtu = cfg->has_mtu ? cfg->mtu : port->mtu;
	vif->max_mtu = port->max_mtu;
	vif->carrier = port->admin_up && port->carrier;
	vif->bc_queue_len_req = cfg->has_bc_queue_len ? cfg->bc_queue_len : MV_DEFAULT_BC_QUEUE_LEN;
	if (cfg->has_bc_cutoff)
		port->bc_cutoff = cfg->bc_cutoff;
	if (ret > 0)
		install_source_list(vif, &list);
	group_refs_add_all(port, &vif->mc);
	port->slots[slot] = vif;
	TAILQ_INSERT_TAIL(&port->vifs, vif, next);
	port->n_vifs++;
	ctl->n_vifs++;
	recompute_bc_queue_len(port);
	port->generation++;
	if (out != NULL)
		*out = vif;
	if (ctl->hooks != NULL)
		ctl->hooks->vif_step(MV_VIF_STEP_NEWLINK, port, cfg, vif, 0);
	return 0;

nomem:
	mv_mac_map_free(&vif->mc);
	mv_mac_map_free(&vif->sources);
	free(vif);
	return vif_step(ctl, MV_VIF_STEP_NEWLINK, port, cfg, -ENOMEM);
}

void
mv_vif_delete(struct mv_ctl *ctl, struct mv_vif *vif)
{
	struct mv_port *port = vif->port;

	if (vif->admin_up)
		mv_vif_set_up(vif, false);
	port->n_source_entries -= vif->sources.count;
	group_refs_del_all(port, &vif->mc);
	TAILQ_REMOVE(&port->vifs, vif, next);
	port->slots[vif->slot] = NULL;
	port->n_vifs--;
	ctl->n_vifs--;
	if (port->n_vifs == 0) {
		/* the kernel destroys the macvlan port with its last vif */
		if (port->passthru && port->mac != port->perm_addr)
			port->mac = port->perm_addr;
		port->passthru = false;
		port->bc_cutoff = MV_DEFAULT_BC_CUTOFF;
	}
	recompute_bc_queue_len(port);
	port->generation++;
	mv_mac_map_free(&vif->mc);
	mv_mac_map_free(&vif->sources);
	free(vif);
}

/* The promiscuity a vif holds on the lower while it is up. */
static bool
holds_promisc(const struct mv_vif *vif)
{
	if (vif->mode == MV_MODE_PASSTHRU)
		return (vif->flags & MV_FLAG_NOPROMISC) == 0;
	return vif->promisc;
}

static bool
mac_busy(const struct mv_port *port, mv_mac_t mac)
{
	return mac == port->mac || mv_mac_map_lookup(&port->up_macs, mac) >= 0;
}

int
mv_vif_set_up(struct mv_vif *vif, bool up)
{
	struct mv_port *port = vif->port;

	if (vif->admin_up == up)
		return 0;
	if (up) {
		if (vif->mode != MV_MODE_PASSTHRU && mac_busy(port, vif->mac))
			return -EADDRINUSE;
		if (mv_mac_map_set(&port->up_macs, vif->mac, vif->slot) < 0)
			return -ENOMEM;
		port->promisc_count += holds_promisc(vif);
		port->allmulti_count += vif->allmulti;
		port->n_up_vifs++;
	} else {
		mv_mac_map_del(&port->up_macs, vif->mac);
		port->promisc_count -= holds_promisc(vif);
		port->allmulti_count -= vif->allmulti;
		port->n_up_vifs--;
	}
	vif->admin_up = up;
	port->generation++;
	return 0;
}

/* Re-key an UP vif in the port's table. */
static int
rekey(struct mv_vif *vif, mv_mac_t mac)
{
	struct mv_port *port = vif->port;

	if (vif->admin_up) {
		if (mv_mac_map_set(&port->up_macs, mac, vif->slot) < 0)
			return -ENOMEM;
		mv_mac_map_del(&port->up_macs, vif->mac);
	}
	vif->mac = mac;
	return 0;
}

int
mv_vif_set_mac(struct mv_vif *vif, mv_mac_t mac)
{
	struct mv_port *port = vif->port;
	int ret;

	if (!mv_mac_is_valid_unicast(mac))
		return -EADDRNOTAVAIL;
	if (mac == vif->mac)
		return 0;
	if (vif->mode == MV_MODE_PASSTHRU) {
		/* sets the lower's MAC; the vif follows it (perm_addr is kept) */
		ret = rekey(vif, mac);
		if (ret < 0)
			return ret;
		port->mac = mac;
	} else {
		if (mac_busy(port, mac))
			return -EADDRINUSE;
		ret = rekey(vif, mac);
		if (ret < 0)
			return ret;
	}
	vif->mac_random = false;
	port->generation++;
	return 0;
}

int
mv_vif_set_mtu(struct mv_vif *vif, uint32_t mtu)
{
	if (mtu < MV_MIN_MTU || mtu > vif->max_mtu || mtu > vif->port->mtu)
		return -EINVAL;
	if (mtu != vif->mtu) {
		vif->mtu = mtu;
		vif->port->generation++;
	}
	return 0;
}

int
mv_vif_set_allmulti(struct mv_vif *vif, bool on)
{
	if (vif->allmulti == on)
		return 0;
	if (vif->admin_up) {
		if (on)
			vif->port->allmulti_count++;
		else
			vif->port->allmulti_count--;
	}
	vif->allmulti = on;
	vif->port->generation++;
	return 0;
}

int
mv_vif_set_spoofchk(struct mv_vif *vif, bool on)
{
	if (vif->spoofchk == on)
		return 0;
	vif->spoofchk = on;
	vif->port->generation++;
	return 0;
}

int
mv_vif_set_bcrate(struct mv_vif *vif, uint32_t pps)
{
	if (vif->bcrate == pps)
		return 0;
	vif->bcrate = pps;
	vif->port->generation++;
	return 0;
}

int
mv_vif_set_promisc(struct mv_vif *vif, bool on)
{
	bool before = holds_promisc(vif);

	if (vif->promisc == on)
		return 0;
	vif->promisc = on;
	if (vif->admin_up && holds_promisc(vif) != before) {
		if (on)
			vif->port->promisc_count++;
		else
			vif->port->promisc_count--;
	}
	vif->port->generation++;
	return 0;
}

int
mv_vif_change(struct mv_vif *vif, const struct mv_vif_change *chg)
{
	struct mv_port *port = vif->port;
	uint8_t mode = chg->mode != 0 ? chg->mode : vif->mode;
	bool leaving_source = vif->mode == MV_MODE_SOURCE && mode != MV_MODE_SOURCE;
	struct mv_mac_map list = { 0 };
	bool promisc_before;
	int ret;

	/* macvlan_validate() */
	if (chg->has_flags && (chg->flags & ~MV_FLAGS_ALL) != 0)
		return -EINVAL;
	if (!mode_valid(mode))
		return -EINVAL;
	ret = check_macaddr_request(chg->macaddr_op, chg->macaddr, chg->n_macaddr);
	if (ret < 0)
		return ret;
	/* macvlan_changelink() */
	if ((vif->mode == MV_MODE_PASSTHRU) != (mode == MV_MODE_PASSTHRU))
		return -EINVAL;
	if (chg->macaddr_op != MV_MACADDR_NONE && mode != MV_MODE_SOURCE)
		return -EINVAL;
	ret = compute_source_list(vif, leaving_source, chg->macaddr_op, chg->macaddr,
				  chg->n_macaddr, &list);
	if (ret < 0)
		return ret;
	if (ret > 0 &&
	    port->n_source_entries - vif->sources.count + list.count > MV_PORT_MAX_SOURCE_ENTRIES) {
		mv_mac_map_free(&list);
		return -ENOSPC;
	}

	/* apply, in the kernel's order */
	promisc_before = vif->admin_up && holds_promisc(vif);
	if (chg->has_flags)
		vif->flags = chg->flags;
	if (chg->has_bc_queue_len) {
		vif->bc_queue_len_req = chg->bc_queue_len;
		recompute_bc_queue_len(port);
	}
	if (chg->has_bc_cutoff)
		port->bc_cutoff = chg->bc_cutoff;
	vif->mode = mode;
	/* NOPROMISC applies at once, but only while up (the kernel's underflow is not copied) */
	if (vif->admin_up && holds_promisc(vif) != promisc_before) {
		if (promisc_before)
			port->promisc_count--;
		else
			port->promisc_count++;
	}
	if (ret > 0)
		install_source_list(vif, &list);
	port->generation++;
	return 0;
}

int
mv_vif_mc_add(struct mv_vif *vif, mv_mac_t group)
{
	struct mv_port *port = vif->port;
	int ret;

	if (!mv_mac_is_group(group) || (group & ~MV_MAC_MASK) != 0 || mv_mac_is_broadcast(group))
		return -EINVAL;
	if (mv_vif_has_group(vif, group))
		return 0;
	if (mv_mac_map_lookup(&port->group_refs, group) < 0 &&
	    port->group_refs.count >= MV_PORT_MAX_GROUPS)
		return -ENOSPC;
	if (reserve_groups(port, 1) < 0)
		return -ENOMEM;
	ret = mv_mac_map_set(&vif->mc, group, 0);
	if (ret < 0)
		return ret;
	group_ref(port, group, +1);
	port->generation++;
	return 0;
}

int
mv_vif_mc_del(struct mv_vif *vif, mv_mac_t group)
{
	if (!mv_mac_is_group(group) || (group & ~MV_MAC_MASK) != 0)
		return -EINVAL;
	if (mv_mac_map_del(&vif->mc, group) < 0)
		return -ENOENT;
	group_ref(vif->port, group, -1);
	vif->port->generation++;
	return 0;
}

void
mv_port_set_promisc(struct mv_port *port, bool on)
{
	if (port->promisc != on) {
		port->promisc = on;
		port->generation++;
	}
}

void
mv_port_set_allmulti(struct mv_port *port, bool on)
{
	if (port->allmulti != on) {
		port->allmulti = on;
		port->generation++;
	}
}

static int
cmp_mac(const void *a, const void *b)
{
	mv_mac_t x = *(const mv_mac_t *)a, y = *(const mv_mac_t *)b;

	return x < y ? -1 : x > y;
}

/* Sort and drop duplicates; returns the new count. */
static uint32_t
sort_unique(mv_mac_t *v, uint32_t n)
{
	uint32_t out = 0;

	qsort(v, n, sizeof(*v), cmp_mac);
	for (uint32_t i = 0; i < n; i++)
		if (out == 0 || v[out - 1] != v[i])
			v[out++] = v[i];
	return out;
}

static void
append_map_keys(const struct mv_mac_map *m, mv_mac_t *v, uint32_t *n)
{
	uint32_t pos = 0;
	mv_mac_t key;
	uint16_t val;

	while (mv_mac_map_next(m, &pos, &key, &val) >= 0)
		v[(*n)++] = key;
}

int
mv_port_rx_filter(const struct mv_port *port, struct mv_rx_filter *out)
{
	const struct mv_vif *vif;
	uint32_t n_mc = port->mc.count;

	memset(out, 0, sizeof(*out));
	TAILQ_FOREACH (vif, &port->vifs, next)
		if (vif->admin_up)
			n_mc += vif->mc.count;
	out->uc = malloc((port->n_up_vifs + 1) * sizeof(mv_mac_t));
	out->mc = malloc((n_mc + 1) * sizeof(mv_mac_t));
	if (out->uc == NULL || out->mc == NULL) {
		mv_rx_filter_free(out);
		return -ENOMEM;
	}
	append_map_keys(&port->mc, out->mc, &out->n_mc);
	TAILQ_FOREACH (vif, &port->vifs, next) {
		if (!vif->admin_up)
			continue;
		if (vif->mode != MV_MODE_PASSTHRU)
			out->uc[out->n_uc++] = vif->mac;
		append_map_keys(&vif->mc, out->mc, &out->n_mc);
	}
	out->n_uc = sort_unique(out->uc, out->n_uc);
	out->n_mc = sort_unique(out->mc, out->n_mc);
	out->promisc = mv_port_is_promisc(port);
	out->allmulti = mv_port_is_allmulti(port);
	return 0;
}

void
mv_rx_filter_free(struct mv_rx_filter *f)
{
	free(f->uc);
	free(f->mc);
	memset(f, 0, sizeof(*f));
}
