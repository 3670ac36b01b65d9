/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The executor: one parsed command (mv_cmd.h) applied to the tables through
 * the core's rules, then to the backends and the NIC. Every command answers
 * with a structured result (show.h; docs/control-api.md) or one "Error: ..."
 * text; it prints nothing (the caller renders the result, mv_render.h). A
 * failed command changes nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "events.h"
#include "exec.h"
#include "mv_log.h"
#include "mv_cmd.h"
#include "mv_render.h"
#include "show.h"
#include "trace.h"

static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "Error: ");

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return ret < 0 ? ret : -EINVAL;
}

static struct mv_vif *
find_vif(struct app *app, const char *name)
{
	return mv_vif_find(&app->ctl, name);
}

static const char *
mac_str(mv_mac_t mac, char *buf)
{
	return mv_mac_format(mac, buf, MV_MAC_STRLEN);
}

/* what a MAC that a vif or a port cannot have is */
static const char *
not_unicast(mv_mac_t mac)
{
	if (mac == 0)
		return "the zero address";
	if (mv_mac_is_broadcast(mac))
		return "the broadcast address";
	return "a group address";
}

/* EADDRNOTAVAIL for @p mac: names it and what is wanted */
static int
fail_mac(char *err, size_t errlen, mv_mac_t mac)
{
	char m[MV_MAC_STRLEN];

	return fail(err, errlen, -EADDRNOTAVAIL, "%s (%s is %s: a link's address is unicast)",
		    strerror(EADDRNOTAVAIL), mac_str(mac, m), not_unicast(mac));
}

/* EADDRINUSE: @p mac is the port's, or that of the up vif in @p up_slot */
static int
fail_mac_busy(char *err, size_t errlen, const struct mv_port *port, mv_mac_t mac, int up_slot)
{
	char m[MV_MAC_STRLEN];

	if (mac == port->mac || up_slot < 0 || port->slots[up_slot] == NULL)
		return fail(err, errlen, -EADDRINUSE, "%s (%s is the address of %s)",
			    strerror(EADDRINUSE), mac_str(mac, m), port->name);
	return fail(err, errlen, -EADDRINUSE, "%s (%s is the address of %s, which is up)",
		    strerror(EADDRINUSE), mac_str(mac, m), port->slots[up_slot]->name);
}

/* ENOSPC of a new vif: which of the port's tables is full */
static int
fail_full(char *err, size_t errlen, const struct mv_port *port, uint32_t new_sources)
{
	if (port->n_vifs >= MV_PORT_MAX_VIFS)
		return fail(err, errlen, -ENOSPC, "%s (%s has %u vifs, the most a port takes)",
			    strerror(ENOSPC), port->name, port->n_vifs);
	if (new_sources > 0 && port->n_source_entries + new_sources > MV_PORT_MAX_SOURCE_ENTRIES)
		return fail(err, errlen, -ENOSPC,
			    "%s (%s holds %u source entries: at most %u in all)", strerror(ENOSPC),
			    port->name, port->n_source_entries, MV_PORT_MAX_SOURCE_ENTRIES);
	return fail(err, errlen, -ENOSPC, "%s (%s has %u multicast groups: at most %u in all)",
		    strerror(ENOSPC), port->name, port->group_refs.count, MV_PORT_MAX_GROUPS);
}

static int
exec_link_add(struct app *app, struct mv_cmd *cmd, json_t **result, char *err, size_t errlen)
{
	struct mv_cmd_link_add *a = &cmd->link_add;
	struct mv_port *port = app_port_resolve(app, a->link);
	const char *ifname;
	struct mv_vif *lower_vif;
	struct mv_vif *vif;
	char detail[256] = "";
	int ret;

	if (port == NULL) {
		/* stacking: a vif as the link means that vif's lower (as the kernel does) */
		lower_vif = find_vif(app, a->link);
		if (lower_vif == NULL)
			return fail(err, errlen, -ENODEV, "Cannot find device \"%s\"", a->link);
		port = lower_vif->port;
	}
	/* a vif's name must not make a port's name (p0 or its DPDK name) ambiguous */
	if (app_port_resolve(app, cmd->name) != NULL)
		return fail(err, errlen, -EEXIST, "%s (%s names the port %s)", strerror(EEXIST),
			    cmd->name, app_port_resolve(app, cmd->name)->name);

	/* a backend's netdev (its ifname option) must not take another vif's name */
	ifname = mv_backend_arg(&a->backend, "ifname");
	if (ifname != NULL && mv_vif_find(&app->ctl, ifname) != NULL &&
	    strcmp(ifname, cmd->name) != 0)
		return fail(err, errlen, -EEXIST, "ifname \"%s\" is another vif's name", ifname);
	ret = app_vif_add(app, port, &a->cfg, &a->backend, detail, sizeof(detail));
	if (ret < 0) {
		if (detail[0] != '\0')
			return fail(err, errlen, ret, "%s", detail);
		if (ret == -EINVAL && port->passthru)
			return fail(err, errlen, ret,
				    "%s (%s has a passthru vif: no other vif fits)", strerror(-ret),
				    port->name);
		if (ret == -EINVAL && a->cfg.mode == MV_MODE_PASSTHRU && port->n_vifs > 0)
			return fail(err, errlen, ret,
				    "%s (passthru needs a port without vifs; %s has %u)",
				    strerror(-ret), port->name, port->n_vifs);
		if (ret == -EINVAL && a->cfg.has_mtu)
			return fail(err, errlen, ret, "%s (mtu must be 68..%u on %s)",
				    strerror(-ret), port->mtu, port->name);
		if (ret == -EEXIST && find_vif(app, cmd->name) != NULL)
			return fail(err, errlen, ret, "%s (a vif named %s exists, on %s)",
				    strerror(-ret), cmd->name,
				    find_vif(app, cmd->name)->port->name);
		if (ret == -EADDRNOTAVAIL && a->cfg.has_mac && !mv_mac_is_valid_unicast(a->cfg.mac))
			return fail_mac(err, errlen, a->cfg.mac);
		if (ret == -EADDRNOTAVAIL)
			return fail(err, errlen, ret, "%s (a source address is unicast)",
				    strerror(-ret));
		if (ret == -ENOSPC)
			return fail_full(err, errlen, port, a->cfg.n_macaddr);
		return fail(err, errlen, ret, "%s (creating %s on %s)", strerror(-ret), cmd->name,
			    port->name);
	}
	vif = find_vif(app, cmd->name);
	*result = app_json_vif(app, vif);
	return 0;
}

/* The checks of `link set <vif>` that can fail, made before anything changes. */
static int
validate_vif_set(struct mv_vif *vif, const struct mv_cmd_link_set *s, char *err, size_t errlen)
{
	struct mv_port *port = vif->port;
	mv_mac_t mac = s->has_mac ? s->mac : vif->mac;
	bool passthru = vif->mode == MV_MODE_PASSTHRU;
	int up_slot;

	if (s->has_mac && !mv_mac_is_valid_unicast(s->mac))
		return fail_mac(err, errlen, s->mac);
	up_slot = mv_mac_map_lookup(&port->up_macs, mac);
	if (!passthru && s->has_mac && s->mac != vif->mac &&
	    (s->mac == port->mac || (up_slot >= 0 && up_slot != vif->slot)))
		return fail_mac_busy(err, errlen, port, s->mac, up_slot);
	if (s->has_mtu && (s->mtu < MV_MIN_MTU || s->mtu > vif->max_mtu || s->mtu > port->mtu))
		return fail(err, errlen, -EINVAL, "%s (mtu must be 68..%u on %s)", strerror(EINVAL),
			    port->mtu < vif->max_mtu ? port->mtu : vif->max_mtu, port->name);
	if (s->has_up && s->up && !vif->admin_up && !passthru &&
	    (mac == port->mac || (up_slot >= 0 && up_slot != vif->slot)))
		return fail_mac_busy(err, errlen, port, mac, up_slot);
	return 0;
}

/* what `link set` changed, in the order it was applied (the text has a line each) */
static void
changed(json_t *res, const char *what)
{
	json_array_append_new(json_object_get(res, "changed"), json_string(what));
}

static json_t *
set_result(const struct mv_cmd_link_set *s)
{
	json_t *res = json_pack("{s:[]}", "changed");

	if (s->has_promisc)
		json_object_set_new(res, "promisc", json_boolean(s->promisc));
	if (s->has_allmulti)
		json_object_set_new(res, "allmulti", json_boolean(s->allmulti));
	if (s->has_spoofchk)
		json_object_set_new(res, "spoofchk", json_boolean(s->spoofchk));
	if (s->has_bcrate)
		json_object_set_new(res, "bcrate", json_integer(s->bcrate));
	return res;
}

static int
exec_vif_set(struct app *app, struct mv_vif *vif, struct mv_cmd_link_set *s, json_t *res, char *err,
	     size_t errlen)
{
	int ret = validate_vif_set(vif, s, err, errlen);

	if (ret < 0)
		return ret;
	/* the kernel's order: the macvlan change, address, mtu, up/down, promisc, allmulti */
	if (s->has_change) {
		ret = mv_vif_change(vif, &s->chg);
		mv_trace_changelink(vif->name, s->chg.mode != 0 ? s->chg.mode : vif->mode,
				    s->chg.has_flags ? s->chg.flags : vif->flags, ret);
		if (ret < 0) {
			if (ret == -EINVAL && s->chg.mode != 0 &&
			    (s->chg.mode == MV_MODE_PASSTHRU) != (vif->mode == MV_MODE_PASSTHRU))
				return fail(err, errlen, ret,
					    "%s (no mode change to or from passthru)",
					    strerror(-ret));
			if (ret == -EINVAL && s->chg.macaddr_op != MV_MACADDR_NONE)
				return fail(err, errlen, ret, "%s (macaddr needs mode source)",
					    strerror(-ret));
			if (ret == -EADDRNOTAVAIL)
				return fail(err, errlen, ret, "%s (a source address is unicast)",
					    strerror(-ret));
			if (ret == -ENOSPC)
				return fail(err, errlen, ret,
					    "%s (%s would hold more than %u source entries)",
					    strerror(-ret), vif->port->name,
					    MV_PORT_MAX_SOURCE_ENTRIES);
			return fail(err, errlen, ret, "%s (type macvlan of %s)", strerror(-ret),
				    vif->name);
		}
		changed(res, "macvlan");
	}
	if (s->has_mac) {
		ret = app_vif_set_mac(vif, s->mac);
		if (ret < 0)
			return fail(err, errlen, ret, "%s (address of %s)", strerror(-ret),
				    vif->name);
		changed(res, "address");
	}
	if (s->has_mtu) {
		ret = app_vif_set_mtu(vif, s->mtu);
		if (ret < 0)
			return fail(err, errlen, ret, "%s (mtu of %s)", strerror(-ret), vif->name);
		changed(res, "mtu");
	}
	if (s->has_up) {
		ret = app_vif_set_up(app, vif, s->up);
		if (ret < 0)
			return fail(err, errlen, ret, "%s (%s %s: its backend)", strerror(-ret),
				    vif->name, s->up ? "up" : "down");
		changed(res, "up");
	}
	if (s->has_promisc) {
		mv_vif_set_promisc(vif, s->promisc);
		changed(res, "promisc");
	}
	if (s->has_allmulti) {
		mv_vif_set_allmulti(vif, s->allmulti);
		changed(res, "allmulti");
	}
	if (s->has_spoofchk) {
		mv_vif_set_spoofchk(vif, s->spoofchk);
		changed(res, "spoofchk");
	}
	if (s->has_bcrate) {
		mv_vif_set_bcrate(vif, s->bcrate);
		changed(res, "bcrate");
	}
	return 0;
}

static int
exec_port_set(struct app *app, struct mv_port *port, struct mv_cmd_link_set *s, json_t *res,
	      char *err, size_t errlen)
{
	int ret;

	if (s->has_change)
		return fail(err, errlen, -EOPNOTSUPP, "%s is a physical port, not a macvlan vif",
			    port->name);
	if (s->has_spoofchk)
		return fail(err, errlen, -EOPNOTSUPP,
			    "spoofchk is a vif's setting; %s is a physical port", port->name);
	if (s->has_bcrate)
		return fail(err, errlen, -EOPNOTSUPP,
			    "bcrate is a vif's setting; %s is a physical port", port->name);
	if (s->has_mac && !mv_mac_is_valid_unicast(s->mac))
		return fail_mac(err, errlen, s->mac);
	if (s->has_mtu && (s->mtu < MV_MIN_MTU || s->mtu > port->max_mtu))
		return fail(err, errlen, -EINVAL, "%s (mtu must be 68..%u on %s)", strerror(EINVAL),
			    port->max_mtu, port->name);
	if (s->has_mac) {
		ret = app_port_set_mac(app, port, s->mac);
		if (ret < 0)
			return fail(err, errlen, ret, "%s (the NIC of %s refused the address)",
				    strerror(-ret), port->name);
		changed(res, "address");
	}
	if (s->has_mtu) {
		ret = app_port_set_mtu(app, port, s->mtu);
		if (ret < 0)
			return fail(err, errlen, ret, "%s (the NIC of %s refused mtu %u)",
				    strerror(-ret), port->name, s->mtu);
		changed(res, "mtu");
	}
	if (s->has_up) {
		ret = app_port_set_admin(app, port, s->up);
		if (ret < 0)
			return fail(err, errlen, ret, "%s (the NIC of %s refused to go %s)",
				    strerror(-ret), port->name, s->up ? "up" : "down");
		changed(res, "up");
	}
	if (s->has_promisc) {
		mv_port_set_promisc(port, s->promisc);
		changed(res, "promisc");
	}
	if (s->has_allmulti) {
		mv_port_set_allmulti(port, s->allmulti);
		changed(res, "allmulti");
	}
	return 0;
}

static int
exec_maddr(struct app *app, struct mv_cmd *cmd, json_t **result, char *err, size_t errlen)
{
	struct mv_vif *vif = find_vif(app, cmd->name);
	char mac[MV_MAC_STRLEN];
	bool add = cmd->type == MV_CMD_MADDR_ADD;
	bool had;
	int ret;

	if (vif == NULL)
		return fail(err, errlen, -ENODEV, "Cannot find vif \"%s\"", cmd->name);
	had = mv_vif_has_group(vif, cmd->maddr.addr);
	ret = add ? mv_vif_mc_add(vif, cmd->maddr.addr) : mv_vif_mc_del(vif, cmd->maddr.addr);
	if (ret == -EINVAL)
		return fail(err, errlen, ret, "%s is not a multicast group address",
			    mac_str(cmd->maddr.addr, mac));
	if (ret == -ENOENT)
		return fail(err, errlen, ret, "%s (%s has not joined %s)", strerror(-ret),
			    vif->name, mac_str(cmd->maddr.addr, mac));
	if (ret == -ENOSPC)
		return fail(err, errlen, ret, "%s (%s has %u multicast groups: at most %u in all)",
			    strerror(-ret), vif->port->name, vif->port->group_refs.count,
			    MV_PORT_MAX_GROUPS);
	if (ret < 0)
		return fail(err, errlen, ret, "%s (%s %s on %s)", strerror(-ret),
			    add ? "joining" : "leaving", mac_str(cmd->maddr.addr, mac), vif->name);
	*result = json_pack("{s:s, s:s, s:b, s:b}", "ifname", vif->name, "address",
			    mac_str(cmd->maddr.addr, mac), "joined", add, "already", add && had);
	return 0;
}

/* link set on a vif or a port: the result is the link after the change */
static int
exec_link_set(struct app *app, struct mv_cmd *cmd, json_t **result, char *err, size_t errlen)
{
	struct mv_vif *vif = find_vif(app, cmd->name);
	struct mv_port *port = vif == NULL ? app_port_resolve(app, cmd->name) : NULL;
	json_t *res;
	int ret;

	if (vif == NULL && port == NULL)
		return fail(err, errlen, -ENODEV, "Cannot find device \"%s\"", cmd->name);
	res = set_result(&cmd->link_set);
	if (vif != NULL)
		ret = exec_vif_set(app, vif, &cmd->link_set, res, err, errlen);
	else
		ret = exec_port_set(app, port, &cmd->link_set, res, err, errlen);
	if (ret < 0) {
		json_decref(res);
		return ret;
	}
	json_object_set_new(res, "link",
			    vif != NULL ? app_json_vif(app, vif) : app_json_port(app, port));
	*result = res;
	return 0;
}

static int
exec_link_del(struct app *app, struct mv_cmd *cmd, json_t **result, char *err, size_t errlen)
{
	struct mv_vif *vif = find_vif(app, cmd->name);

	if (vif == NULL) {
		if (app_port_resolve(app, cmd->name) != NULL)
			return fail(err, errlen, -EOPNOTSUPP,
				    "%s is a physical port: it cannot be deleted", cmd->name);
		return fail(err, errlen, -ENODEV, "Cannot find vif \"%s\"", cmd->name);
	}
	mv_trace_dellink(vif->name, vif->port->name, "command");
	app_vif_del(app, vif);
	*result = json_pack("{s:s, s:b}", "ifname", cmd->name, "deleted", true);
	return 0;
}

static int
exec_show(struct app *app, struct mv_cmd *cmd, json_t **result, char *err, size_t errlen)
{
	const char *name = cmd->name[0] != '\0' ? cmd->name : NULL;

	if (name != NULL && find_vif(app, name) == NULL && app_port_resolve(app, name) == NULL)
		return fail(err, errlen, -ENODEV, "Cannot find device \"%s\"", name);
	/* testpmd's words take ports: all, p0, 0 or a DPDK device name */
	if (name != NULL && cmd->ports_only && app_port_resolve(app, name) == NULL)
		return fail(err, errlen, -ENODEV,
			    "%s is a vif, not a port (all, p0, 0 or the port's DPDK name)", name);
	if (cmd->type == MV_CMD_LINK_SHOW)
		*result = app_json_links_filtered(app, name, cmd->ports_only, cmd->stats);
	else if (cmd->type == MV_CMD_LINK_STATS)
		*result = app_json_stats_filtered(app, name, cmd->ports_only);
	else if (cmd->type == MV_CMD_CLEAR_STATS)
		*result = app_json_clear_stats(app, name, cmd->ports_only);
	else
		*result = app_json_maddr(app, name);
	return 0;
}

static int
exec_forwarding(struct app *app, struct mv_cmd *cmd, json_t **result)
{
	bool on = cmd->type == MV_CMD_START, already = app->forwarding == on;

	app->forwarding = on;
	/* the workers leave the queues alone from here: what they hold is what stays */
	if (!on && !app->hold)
		app_commit(app);
	*result = app_json_forwarding(app, already);
	return 0;
}

/* the reply's kind: which renderer formats the result (mv_render.h) */
static const char *const kinds[MV_CMD_TYPE_MAX + 1] = {
	[MV_CMD_NONE] = "none",
	[MV_CMD_LINK_ADD] = "link add",
	[MV_CMD_LINK_SET] = "link set",
	[MV_CMD_LINK_DEL] = "link del",
	[MV_CMD_LINK_SHOW] = "link show",
	[MV_CMD_LINK_STATS] = "link stats",
	[MV_CMD_MADDR_SHOW] = "maddr show",
	[MV_CMD_MADDR_ADD] = "maddr add",
	[MV_CMD_MADDR_DEL] = "maddr del",
	[MV_CMD_START] = "start",
	[MV_CMD_STOP] = "stop",
	[MV_CMD_HELP] = "help",
	[MV_CMD_QUIT] = "quit",
	[MV_CMD_EVENTS] = "events show",
	[MV_CMD_MONITOR] = "monitor",
	[MV_CMD_SHOW_CONFIG] = "show config",
	[MV_CMD_CLEAR_STATS] = "clear stats",
};

static int
exec_cmd(struct app *app, struct mv_cmd *cmd, json_t **result, char *err, size_t errlen)
{
	switch (cmd->type) {
	case MV_CMD_NONE:
		return 0;
	case MV_CMD_LINK_ADD:
		return exec_link_add(app, cmd, result, err, errlen);
	case MV_CMD_LINK_SET:
		return exec_link_set(app, cmd, result, err, errlen);
	case MV_CMD_LINK_DEL:
		return exec_link_del(app, cmd, result, err, errlen);
	case MV_CMD_LINK_SHOW:
	case MV_CMD_LINK_STATS:
	case MV_CMD_MADDR_SHOW:
	case MV_CMD_CLEAR_STATS:
		return exec_show(app, cmd, result, err, errlen);
	case MV_CMD_MADDR_ADD:
	case MV_CMD_MADDR_DEL:
		return exec_maddr(app, cmd, result, err, errlen);
	case MV_CMD_START:
	case MV_CMD_STOP:
		return exec_forwarding(app, cmd, result);
	case MV_CMD_HELP:
		*result = json_pack("{s:s}", "help", mv_cmd_help(cmd->help.topic));
		return 0;
	case MV_CMD_QUIT:
		app->quit = true;
		return 0;
	case MV_CMD_EVENTS:
	case MV_CMD_MONITOR:
		return app_events_exec(app, cmd, result, err, errlen);
	case MV_CMD_SHOW_CONFIG:
		*result = app_json_config(app);
		return *result != NULL
			       ? 0
			       : fail(err, errlen, -ENOMEM, "%s (show config)", strerror(ENOMEM));
	}
	return fail(err, errlen, -EINVAL, "unknown command");
}

int
app_exec(struct app *app, const char *line, struct app_reply *reply)
{
	/* control thread only: the argument vector and the command are large */
	static char *argv[MV_CMD_MAX_ARGS + 1];
	static struct mv_cmd cmd;
	char *err = reply->error;
	size_t errlen = sizeof(reply->error);
	char *copy;
	int argc, ret;

	memset(reply, 0, sizeof(*reply));
	reply->kind = "none";
	copy = strdup(line != NULL ? line : "");
	if (copy == NULL) {
		ret = fail(err, errlen, -ENOMEM, "%s (reading the line)", strerror(ENOMEM));
		goto out;
	}
	argc = mv_cmd_tokenize(copy, argv, MV_CMD_MAX_ARGS);
	if (argc == -E2BIG)
		ret = fail(err, errlen, argc, "too many words on one line (at most %d)",
			   MV_CMD_MAX_ARGS);
	else if (argc < 0)
		ret = fail(err, errlen, argc, "cannot read the line");
	else
		ret = mv_cmd_parse(argc, argv, &cmd, err, errlen);
	if (ret < 0)
		goto out;
	if ((size_t)cmd.type < RTE_DIM(kinds) && kinds[cmd.type] != NULL)
		reply->kind = kinds[cmd.type];
	ret = exec_cmd(app, &cmd, &reply->result, err, errlen);
	/*
	 * The datapath sees every change before the next command; while a
	 * command file runs nothing is forwarded, so one publish at its end
	 * does, except after a deletion: its backend (TAP netdev name, vdev
	 * ethdev port) is released only by a publish, and the next command may
	 * reuse it, as it may interactively.
	 */
	if (!app->hold || app->dp.n_released > 0) {
		int pret = app_commit(app);

		if (pret < 0 && ret == 0)
			ret = fail(err, errlen, pret,
				   "cannot publish the configuration to the datapath: %s (retried)",
				   strerror(-pret));
	}
out:
	free(copy);
	if (ret < 0) {
		json_decref(reply->result);
		reply->result = NULL;
		reply->status = -ret;
		if (err[0] == '\0') /* never bare: what it was about */
			fail(err, errlen, ret, "%s (%s)", strerror(-ret), line != NULL ? line : "");
		MV_LOG(DEBUG, ctl, "refused: %s: %s", line != NULL ? line : "", err);
		return ret;
	}
	if (cmd.type != MV_CMD_LINK_SHOW && cmd.type != MV_CMD_LINK_STATS &&
	    cmd.type != MV_CMD_MADDR_SHOW && cmd.type != MV_CMD_HELP && cmd.type != MV_CMD_NONE &&
	    cmd.type != MV_CMD_SHOW_CONFIG)
		MV_LOG(INFO, ctl, "done: %s", line);
	return 0;
}

const char *
app_reply_text(struct app_reply *reply)
{
	if (reply->text == NULL && reply->status == 0)
		reply->text = mv_render_text(reply->kind, reply->result);
	return reply->text;
}

void
app_reply_fini(struct app_reply *reply)
{
	json_decref(reply->result);
	free(reply->text);
	reply->result = NULL;
	reply->text = NULL;
}
