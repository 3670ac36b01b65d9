/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_CMD_HELP_H
#define MV_CMD_HELP_H

/* Inside the command layer: the help topics (cmd_help.c) the parser resolves. */
#include <stddef.h>

/**
 * The canonical help topic ("link show") of the @p n words @p w, aliases
 * resolved, into @p out; 0, or -1 when the words name no topic.
 */
int mv_cmd_help_canon(int n, const char *const *w, char *out, size_t size);

/** A `link` subcommand's canonical name (aliases: ls, list, delete, ...); NULL if none. */
const char *mv_cmd_link_sub(const char *s);
/** A `maddr` subcommand's canonical name; NULL if none. */
const char *mv_cmd_maddr_sub(const char *s);
/** A single-word verb's canonical name (start, stop, quit, exit, ...); NULL if none. */
const char *mv_cmd_plain_verb(const char *s);

#endif /* MV_CMD_HELP_H */
