/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `backend memif <socket path> id <n> [role server|client] [secret <s>]
 * [socket-group <name>]`: the options of the memif backend
 * (lib/backend/memif*.c). The socket path is a UNIX socket's (at most 107
 * bytes, as sun_path holds), shared by every memif vif that names it; the id
 * (0 to 2^32-1) tells the vifs of one socket apart; role server (default):
 * the program listens, the peer connects; secret: at most 24 bytes, as the
 * protocol's INIT message carries it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mv_backend_args.h"
#include "mv_memif_msg.h"

static int
check_socket(const char *v, char *err, size_t errlen)
{
	if (v[0] != '/') {
		snprintf(err, errlen, "memif socket path \"%s\" is not absolute", v);
		return -EINVAL;
	}
	if (v[strlen(v) - 1] == '/') {
		snprintf(err, errlen, "memif socket path \"%s\" names a directory", v);
		return -EINVAL;
	}
	return 0;
}

static int
check_id(const char *v, char *err, size_t errlen)
{
	uint32_t id;

	if (mv_memif_parse_id(v, &id) < 0) {
		snprintf(err, errlen, "invalid memif id \"%s\" (0 to 4294967295)", v);
		return -EINVAL;
	}
	return 0;
}

static int
check_role(const char *v, char *err, size_t errlen)
{
	if (strcmp(v, "server") != 0 && strcmp(v, "client") != 0) {
		snprintf(err, errlen, "invalid memif role \"%s\" (server or client)", v);
		return -EINVAL;
	}
	return 0;
}

static int
check_group(const char *v, char *err, size_t errlen)
{
	for (const char *c = v; *c != '\0'; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '_' || *c == '-' || *c == '.') ||
		    (c == v && *c == '-')) {
			snprintf(err, errlen, "invalid group name \"%s\"", v);
			return -EINVAL;
		}
	return 0;
}

static const struct mv_backend_opt memif_socket = {
	.key = "socket",
	.max_len = MV_MEMIF_SOCKET_PATH_MAX,
	.what = "memif socket path",
	.check = check_socket,
};

static const struct mv_backend_opt memif_opts[] = {
	{ .key = "id", .max_len = 10, .what = "memif id", .required = true, .check = check_id },
	{ .key = "role", .max_len = 6, .what = "memif role", .check = check_role },
	{ .key = "secret", .max_len = MV_MEMIF_SECRET_SIZE, .what = "memif secret" },
	{ .key = "socket-group", .max_len = 32, .what = "group name", .check = check_group },
	{ .key = NULL },
};

const struct mv_backend_syntax mv_backend_syntax_memif = {
	.kind = "memif",
	.positional = &memif_socket,
	.opts = memif_opts,
};
