/* SPDX-License-Identifier: BSD-3-Clause */
/* PLACEHOLDER until the TAP backend lands (being written); replace wholesale. */
#include <errno.h>
#include <stdio.h>

#include "mv_backend.h"

static int
tap_create(const struct mv_backend_params *p, struct mv_backend **out, char *err, size_t errlen)
{
	(void)p;
	(void)out;
	snprintf(err, errlen, "tap backend: not built yet");
	return -ENOTSUP;
}

const struct mv_backend_ops mv_backend_tap_ops = {
	.kind = "tap",
	.create = tap_create,
};
