/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `backend tap [ifname <ifname>] [netns <name>]`: the options of the TAP
 * backend (lib/backend/tap.c). ifname is the kernel netdev's name (default:
 * the vif's); netns a named network namespace (/var/run/netns/NAME).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mv_backend_args.h"
#include "mv_cmd.h"
#include "mv_control.h"

static int
check_ifname(const char *v, char *err, size_t errlen)
{
	if (!mv_ifname_valid(v)) {
		snprintf(err, errlen, "invalid interface name \"%s\" (no '/', ':' or white space)",
			 v);
		return -EINVAL;
	}
	return 0;
}

static int
check_netns(const char *v, char *err, size_t errlen)
{
	if (strchr(v, '/') != NULL || strcmp(v, ".") == 0 || strcmp(v, "..") == 0) {
		snprintf(err, errlen, "invalid netns name \"%s\"", v);
		return -EINVAL;
	}
	return 0;
}

static const struct mv_backend_opt tap_opts[] = {
	{ .key = "ifname", .max_len = MV_IFNAMSIZ - 1, .what = "name", .check = check_ifname },
	{ .key = "netns",
	  .max_len = MV_CMD_NETNS_SIZE - 1,
	  .what = "netns name",
	  .check = check_netns },
	{ .key = NULL },
};

const struct mv_backend_syntax mv_backend_syntax_tap = {
	.kind = "tap",
	.opts = tap_opts,
};
