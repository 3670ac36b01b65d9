/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `backend vdev <devargs>`: the options of the vdev backend
 * (lib/backend/vdev.c): one word of devargs, e.g. "net_pcap1,iface=eth1",
 * given to EAL as it is (not interpreted here, even if it looks like a
 * keyword of the command).
 */
#include "mv_backend_args.h"

static const struct mv_backend_opt vdev_devargs = {
	.key = "devargs",
	.max_len = MV_BACKEND_VALUE_SIZE - 1,
	.what = "devargs",
};

static const struct mv_backend_opt vdev_opts[] = { { .key = NULL } };

const struct mv_backend_syntax mv_backend_syntax_vdev = {
	.kind = "vdev",
	.positional = &vdev_devargs,
	.opts = vdev_opts,
};
