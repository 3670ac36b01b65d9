/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "mv_backend.h"

static const struct mv_backend_ops *const backends[] = {
	&mv_backend_tap_ops,   &mv_backend_vdev_ops,  &mv_backend_null_ops,
	&mv_backend_memif_ops, &mv_backend_vhost_ops,
};

const struct mv_backend_ops *
mv_backend_find(const char *kind)
{
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (kind != NULL && strcmp(backends[i]->kind, kind) == 0)
			return backends[i];
	return NULL;
}
