/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_CMD_HELP_H
#define MV_CMD_HELP_H

/* Inside the command layer: the help topics (cmd_help.c) the parser resolves. */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/** iproute2's matches(): @p s is a non-empty prefix of @p word. */
static inline bool
mv_cmd_matches(const char *s, const char *word)
{
	size_t n = strlen(s);

	return n > 0 && strncmp(s, word, n) == 0;
}

/**
 * The canonical help topic ("link show") of the @p n words @p w, aliases
 * resolved, into @p out; 0, or -1 when the words name no topic.
 */
int mv_cmd_help_canon(int n, const char *const *w, char *out, size_t size);

/** A `link` subcommand's canonical name (aliases: ls, list, delete, ...); NULL if none. */
const char *mv_cmd_link_sub(const char *s);
/** A `maddr` subcommand's canonical name; NULL if none. */
const char *mv_cmd_maddr_sub(const char *s);
/** `ip OBJECT` abbreviated as ip takes it: "link", "maddr", "monitor", "help"; NULL otherwise. */
const char *mv_cmd_object(const char *s);
/** A single-word verb's canonical name (start, stop, quit, exit, ...); NULL if none. */
const char *mv_cmd_plain_verb(const char *s);

#endif /* MV_CMD_HELP_H */
