/* SPDX-License-Identifier: BSD-3-Clause */
/* `backend null`: a counting sink (lib/backend/null.c) takes no options. */
#include "mv_backend_args.h"

static const struct mv_backend_opt null_opts[] = { { .key = NULL } };

const struct mv_backend_syntax mv_backend_syntax_null = {
	.kind = "null",
	.opts = null_opts,
};
