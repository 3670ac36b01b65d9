/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_CONFIG_H
#define MV_CONFIG_H

/**
 * @file
 * Pieces of `show config` (the running configuration as a command file) that
 * need no tables: a vif's backend request written back as the words of the
 * grammar (mv_cmd.h) that parse into it again. Pure: no DPDK.
 */
#include <stddef.h>

#include "mv_backend_args.h"

/**
 * Write `backend KIND [POSITIONAL] [KEY VALUE | KEY] ...` for @p args into
 * @p buf, generically from @p syn, the kind's description: the positional
 * (syn->positional's key) right after the kind, each keyword option as its
 * key and value, in the order given, and a flag option (a keyword without
 * value, stored as "1") as its bare key. @p syn NULL: the kind is looked up
 * by args->kind. Parsing the words again (mv_cmd_parse of `link add ...`)
 * gives the same kind and the same pairs.
 * @return the length written (without the NUL), -EINVAL for no kind or an
 * option the kind does not have, -ENOSPC when @p size is too small.
 */
int mv_backend_args_format(const struct mv_backend_syntax *syn, const struct mv_backend_args *args,
			   char *buf, size_t size);

#endif /* MV_CONFIG_H */
