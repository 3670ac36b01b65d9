/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The shell's executor: one parsed command (cmd_parse.h) applied to the
 * tables through the core's rules, then to the backends and the NIC. Every
 * command prints what it did, or one "Error: ..." line; a failed command
 * changes nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "events.h"
#include "exec.h"
#include "mv_cmd.h"

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

static int
exec_link_add(struct app *app, struct mv_cmd *cmd, char *err, size_t errlen)
{
	struct mv_cmd_link_add *a = &cmd->link_add;
	struct app_vif_backend_req req = { 0 };
	struct mv_port *port = app_port_resolve(app, a->link);
	struct mv_vif *lower_vif;
	struct mv_vif *vif;
	char mac[MV_MAC_STRLEN], detail[256] = "";
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
		return fail(err, errlen, -EEXIST, "%s", strerror(EEXIST));
	req.kind = a->backend_kind;
	req.ifname = a->has_ifname ? a->ifname : NULL;
	req.netns = a->has_netns ? a->netns : NULL;
	req.devargs = a->devargs[0] != '\0' ? a->devargs : NULL;
	if (a->has_ifname && mv_vif_find(&app->ctl, a->ifname) != NULL &&
	    strcmp(a->ifname, cmd->name) != 0)
		return fail(err, errlen, -EEXIST, "ifname \"%s\" is another vif's name", a->ifname);
	ret = app_vif_add(app, port, &a->cfg, &req, detail, sizeof(detail));
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
		return fail(err, errlen, ret, "%s", strerror(-ret));
	}
	vif = find_vif(app, cmd->name);
	app_out("%s: created on %s, mode %s, address %s%s, mtu %u, backend %s (down)\n", vif->name,
		port->name, mv_mode_name(vif->mode), mac_str(vif->mac, mac),
		vif->mac_random ? " (random)" : "", vif->mtu,
		((struct app_vif *)vif->priv)->ops->kind);
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
		return fail(err, errlen, -EADDRNOTAVAIL, "%s", strerror(EADDRNOTAVAIL));
	up_slot = mv_mac_map_lookup(&port->up_macs, mac);
	if (!passthru && s->has_mac && s->mac != vif->mac &&
	    (s->mac == port->mac || (up_slot >= 0 && up_slot != vif->slot)))
		return fail(err, errlen, -EADDRINUSE, "%s", strerror(EADDRINUSE));
	if (s->has_mtu && (s->mtu < MV_MIN_MTU || s->mtu > vif->max_mtu || s->mtu > port->mtu))
		return fail(err, errlen, -EINVAL, "%s (mtu must be 68..%u on %s)", strerror(EINVAL),
			    port->mtu < vif->max_mtu ? port->mtu : vif->max_mtu, port->name);
	if (s->has_up && s->up && !vif->admin_up && !passthru &&
	    (mac == port->mac || (up_slot >= 0 && up_slot != vif->slot)))
		return fail(err, errlen, -EADDRINUSE, "%s", strerror(EADDRINUSE));
	return 0;
}

static int
exec_vif_set(struct app *app, struct mv_vif *vif, struct mv_cmd_link_set *s, char *err,
	     size_t errlen)
{
	char mac[MV_MAC_STRLEN];
	int ret = validate_vif_set(vif, s, err, errlen);

	if (ret < 0)
		return ret;
	/* the kernel's order: the macvlan change, address, mtu, up/down, promisc, allmulti */
	if (s->has_change) {
		ret = mv_vif_change(vif, &s->chg);
		if (ret < 0) {
			if (ret == -EINVAL && s->chg.mode != 0 &&
			    (s->chg.mode == MV_MODE_PASSTHRU) != (vif->mode == MV_MODE_PASSTHRU))
				return fail(err, errlen, ret,
					    "%s (no mode change to or from passthru)",
					    strerror(-ret));
			if (ret == -EINVAL && s->chg.macaddr_op != MV_MACADDR_NONE)
				return fail(err, errlen, ret, "%s (macaddr needs mode source)",
					    strerror(-ret));
			return fail(err, errlen, ret, "%s", strerror(-ret));
		}
		app->dirty = true;
		app_out("%s: macvlan mode %s%s%s, %u source entries\n", vif->name,
			mv_mode_name(vif->mode), vif->flags & MV_FLAG_NOPROMISC ? " nopromisc" : "",
			vif->flags & MV_FLAG_NODST ? " nodst" : "", mv_vif_macaddr_count(vif));
	}
	if (s->has_mac) {
		ret = app_vif_set_mac(app, vif, s->mac);
		if (ret < 0)
			return fail(err, errlen, ret, "%s", strerror(-ret));
		app_out("%s: address %s\n", vif->name, mac_str(vif->mac, mac));
	}
	if (s->has_mtu) {
		ret = app_vif_set_mtu(app, vif, s->mtu);
		if (ret < 0)
			return fail(err, errlen, ret, "%s", strerror(-ret));
		app_out("%s: mtu %u\n", vif->name, vif->mtu);
	}
	if (s->has_up) {
		ret = app_vif_set_up(app, vif, s->up);
		if (ret < 0)
			return fail(err, errlen, ret, "%s", strerror(-ret));
		app_out("%s: %s%s\n", vif->name, vif->admin_up ? "up" : "down",
			vif->admin_up && !vif->carrier ? " (no carrier: LOWERLAYERDOWN)" : "");
	}
	if (s->has_promisc) {
		mv_vif_set_promisc(vif, s->promisc);
		app->dirty = true;
		app_out("%s: promisc %s\n", vif->name, s->promisc ? "on" : "off");
	}
	if (s->has_allmulti) {
		mv_vif_set_allmulti(vif, s->allmulti);
		app->dirty = true;
		app_out("%s: allmulticast %s\n", vif->name, s->allmulti ? "on" : "off");
	}
	return 0;
}

static int
exec_port_set(struct app *app, struct mv_port *port, struct mv_cmd_link_set *s, char *err,
	      size_t errlen)
{
	char mac[MV_MAC_STRLEN];
	int ret;

	if (s->has_change)
		return fail(err, errlen, -EOPNOTSUPP, "%s is a physical port, not a macvlan vif",
			    port->name);
	if (s->has_mac && !mv_mac_is_valid_unicast(s->mac))
		return fail(err, errlen, -EADDRNOTAVAIL, "%s", strerror(EADDRNOTAVAIL));
	if (s->has_mtu && (s->mtu < MV_MIN_MTU || s->mtu > port->max_mtu))
		return fail(err, errlen, -EINVAL, "%s (mtu must be 68..%u on %s)", strerror(EINVAL),
			    port->max_mtu, port->name);
	if (s->has_mac) {
		ret = app_port_set_mac(app, port, s->mac);
		if (ret < 0)
			return fail(err, errlen, ret, "%s", strerror(-ret));
		app_out("%s: address %s\n", port->name, mac_str(port->mac, mac));
	}
	if (s->has_mtu) {
		ret = app_port_set_mtu(app, port, s->mtu);
		if (ret < 0)
			return fail(err, errlen, ret, "%s", strerror(-ret));
		app_out("%s: mtu %u\n", port->name, port->mtu);
	}
	if (s->has_up) {
		ret = app_port_set_admin(app, port, s->up);
		if (ret < 0)
			return fail(err, errlen, ret, "%s", strerror(-ret));
		app_out("%s: %s\n", port->name, s->up ? "up" : "down");
	}
	if (s->has_promisc) {
		mv_port_set_promisc(port, s->promisc);
		app->dirty = true;
		app_out("%s: promisc %s\n", port->name, s->promisc ? "on" : "off");
	}
	if (s->has_allmulti) {
		mv_port_set_allmulti(port, s->allmulti);
		app->dirty = true;
		app_out("%s: allmulticast %s\n", port->name, s->allmulti ? "on" : "off");
	}
	return 0;
}

static int
exec_maddr(struct app *app, struct mv_cmd *cmd, char *err, size_t errlen)
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
	if (ret < 0)
		return fail(err, errlen, ret, "%s", strerror(-ret));
	app->dirty = true;
	app_out("%s: %s %s%s\n", vif->name, add ? "joined" : "left", mac_str(cmd->maddr.addr, mac),
		add && had ? " (already a member)" : "");
	return 0;
}

static int
exec_cmd(struct app *app, struct mv_cmd *cmd, char *err, size_t errlen)
{
	const char *name = cmd->name[0] != '\0' ? cmd->name : NULL;
	struct mv_port *port;
	struct mv_vif *vif;

	switch (cmd->type) {
	case MV_CMD_NONE:
		return 0;
	case MV_CMD_LINK_ADD:
		return exec_link_add(app, cmd, err, errlen);
	case MV_CMD_LINK_SET:
		vif = find_vif(app, cmd->name);
		if (vif != NULL)
			return exec_vif_set(app, vif, &cmd->link_set, err, errlen);
		port = app_port_resolve(app, cmd->name);
		if (port != NULL)
			return exec_port_set(app, port, &cmd->link_set, err, errlen);
		return fail(err, errlen, -ENODEV, "Cannot find device \"%s\"", cmd->name);
	case MV_CMD_LINK_DEL:
		vif = find_vif(app, cmd->name);
		if (vif == NULL) {
			if (app_port_resolve(app, cmd->name) != NULL)
				return fail(err, errlen, -EOPNOTSUPP,
					    "%s is a physical port: it cannot be deleted",
					    cmd->name);
			return fail(err, errlen, -ENODEV, "Cannot find vif \"%s\"", cmd->name);
		}
		app_vif_del(app, vif);
		app_out("%s: deleted\n", cmd->name);
		return 0;
	case MV_CMD_LINK_SHOW:
	case MV_CMD_LINK_STATS:
	case MV_CMD_MADDR_SHOW:
		if (name != NULL && find_vif(app, name) == NULL &&
		    app_port_resolve(app, name) == NULL)
			return fail(err, errlen, -ENODEV, "Cannot find device \"%s\"", name);
		if (cmd->type == MV_CMD_LINK_SHOW)
			app_show_links(app, name);
		else if (cmd->type == MV_CMD_LINK_STATS)
			app_show_stats(app, name);
		else
			app_show_maddr(app, name);
		return 0;
	case MV_CMD_MADDR_ADD:
	case MV_CMD_MADDR_DEL:
		return exec_maddr(app, cmd, err, errlen);
	case MV_CMD_START:
	case MV_CMD_STOP:
		app->forwarding = cmd->type == MV_CMD_START;
		app->dirty = true;
		app_out("forwarding %s\n", app->forwarding ? "started" : "stopped");
		return 0;
	case MV_CMD_HELP:
		app_out("%s", mv_cmd_help(cmd->help.topic));
		return 0;
	case MV_CMD_QUIT:
		app->quit = true;
		return 0;
	case MV_CMD_EVENTS:
	case MV_CMD_MONITOR:
		return app_events_exec(app, cmd, err, errlen);
	}
	return fail(err, errlen, -EINVAL, "unknown command");
}

int
app_exec_line(struct app *app, char *line, char *err, size_t errlen)
{
	static char *argv[MV_CMD_MAX_ARGS + 1];
	static struct mv_cmd cmd;
	int argc, ret;

	err[0] = '\0';
	argc = mv_cmd_tokenize(line, argv, MV_CMD_MAX_ARGS);
	if (argc == -E2BIG)
		return fail(err, errlen, argc, "too many words on one line (at most %d)",
			    MV_CMD_MAX_ARGS);
	if (argc < 0)
		return fail(err, errlen, argc, "cannot read the line");
	ret = mv_cmd_parse(argc, argv, &cmd, err, errlen);
	if (ret < 0)
		return ret;
	ret = exec_cmd(app, &cmd, err, errlen);
	/*
	 * The datapath sees every change before the next command; while a
	 * command file runs nothing is forwarded, so one publish at its end
	 * does.
	 */
	if (app->dirty && !app->hold) {
		int pret = app_publish(app);

		if (pret < 0 && ret == 0)
			return fail(
				err, errlen, pret,
				"cannot publish the configuration to the datapath: %s (retried)",
				strerror(-pret));
	}
	return ret;
}

int
app_exec(struct app *app, const char *line, struct app_reply *reply)
{
	char *copy = strdup(line != NULL ? line : "");
	size_t len = 0;
	FILE *prev = app_out_stream;
	FILE *out;
	int ret;

	memset(reply, 0, sizeof(*reply));
	reply->kind = "text";
	if (copy == NULL) {
		reply->status = ENOMEM;
		snprintf(reply->error, sizeof(reply->error), "Error: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	out = open_memstream(&reply->text, &len);
	if (out != NULL)
		app_out_stream = out;
	ret = app_exec_line(app, copy, reply->error, sizeof(reply->error));
	app_out_stream = prev;
	if (out != NULL)
		fclose(out);
	free(copy);
	if (ret < 0) {
		reply->status = -ret;
		if (reply->error[0] == '\0')
			snprintf(reply->error, sizeof(reply->error), "Error: %s", strerror(-ret));
	}
	return ret;
}

void
app_reply_fini(struct app_reply *reply)
{
	json_decref(reply->result);
	free(reply->text);
	reply->result = NULL;
	reply->text = NULL;
}
