/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `backend vhost <socket path> [client] [queues <n>] [socket-group <name>]`:
 * the options of the vhost-user backend (lib/backend/vhost.c). The path is
 * a UNIX socket's (at most 107 bytes, the room in sockaddr_un), absolute or
 * relative to the program's working directory. Server mode (the program
 * listens) unless `client` (the program connects to a guest's socket and
 * reconnects). `queues`: the queue pairs the vif serves (1..8, default 1);
 * `socket-group`: the socket file's group (overrides --socket-group).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mv_backend_args.h"
#include "mv_backend_vhost.h"

static int
check_path(const char *v, char *err, size_t errlen)
{
	size_t n = strlen(v);

	if (n == 0) {
		snprintf(err, errlen, "empty socket path");
		return -EINVAL;
	}
	if (v[n - 1] == '/') {
		snprintf(err, errlen, "socket path \"%s\" names a directory", v);
		return -EINVAL;
	}
	for (const char *c = v; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			snprintf(err, errlen, "socket path has a control character");
			return -EINVAL;
		}
	/* `backend vhost client /x`: the path comes first */
	if (strcmp(v, "client") == 0 || strcmp(v, "queues") == 0 ||
	    strcmp(v, "socket-group") == 0) {
		snprintf(err, errlen,
			 "\"%s\" is an option: the socket path comes right after \"vhost\" "
			 "(write ./%s for a file of that name)",
			 v, v);
		return -EINVAL;
	}
	return 0;
}

static int
check_queues(const char *v, char *err, size_t errlen)
{
	unsigned int q = 0;
	const char *c = v;

	for (; *c >= '0' && *c <= '9' && q <= MV_VHOST_MAX_QUEUES; c++)
		q = q * 10 + (unsigned int)(*c - '0');
	if (*c != '\0' || c == v || q < 1 || q > MV_VHOST_MAX_QUEUES) {
		snprintf(err, errlen, "invalid queues \"%s\" (1..%u)", v, MV_VHOST_MAX_QUEUES);
		return -EINVAL;
	}
	return 0;
}

static int
check_group(const char *v, char *err, size_t errlen)
{
	for (const char *c = v; *c != '\0'; c++)
		if (*c == '/' || *c == ':' || (unsigned char)*c < 0x20) {
			snprintf(err, errlen, "invalid group name \"%s\"", v);
			return -EINVAL;
		}
	return 0;
}

static const struct mv_backend_opt vhost_path = {
	.key = "path",
	.max_len = MV_VHOST_PATH_MAX,
	.what = "socket path",
	.check = check_path,
};

static const struct mv_backend_opt vhost_opts[] = {
	{ .key = "client", .what = "client mode", .flag = true },
	{ .key = "queues", .max_len = 3, .what = "queue pairs", .check = check_queues },
	{ .key = "socket-group", .max_len = 32, .what = "group name", .check = check_group },
	{ .key = NULL },
};

const struct mv_backend_syntax mv_backend_syntax_vhost = {
	.kind = "vhost",
	.positional = &vhost_path,
	.opts = vhost_opts,
};
