/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_CMD_COMPLETE_H
#define MV_CMD_COMPLETE_H

/**
 * @file
 * Completion of the shell's grammar (mv_cmd.h): what may follow the words
 * before the cursor, for TAB (complete the word being typed) and `?` (list
 * what can come next). Pure C: the shell (app/daemon/shell.c) asks the
 * program for the live names of ports and vifs through a callback.
 */

#include <stddef.h>

#define MV_COMPLETE_MAX    128 /**< candidates kept (more are counted in n_more) */
#define MV_COMPLETE_INSERT 64

/** Which live names a word takes (bits). */
enum mv_cmd_name_kind {
	MV_NAMES_PORTS = 1, /**< p0, p1, ... */
	MV_NAMES_VIFS = 2,
};

/**
 * The program's names of @p kinds that start with @p prefix: up to @p max
 * pointers in @p out, valid while the tables do not change (the caller uses
 * the completion at once). Returns how many it wrote.
 */
typedef unsigned int (*mv_cmd_names_fn)(void *arg, unsigned int kinds, const char *prefix,
					const char **out, unsigned int max);

struct mv_cmd_completion {
	size_t word_start;   /**< offset in the line of the word being completed */
	unsigned int n;      /**< candidates that start with that word */
	unsigned int n_more; /**< candidates left out (more than MV_COMPLETE_MAX) */
	/**
	 * The candidates, in grammar order: words to type, and placeholders in
	 * angle brackets for free values ("<mac>", "<mtu 68..65535>").
	 */
	const char *cand[MV_COMPLETE_MAX];
	/**
	 * What TAB appends at the cursor: the rest of the only word that fits,
	 * and a space; or the longest common continuation of the words that
	 * fit (placeholders aside); "" when none.
	 */
	char insert[MV_COMPLETE_INSERT];
};

/**
 * Complete @p line up to @p cursor (bytes). @p names may be NULL (no live
 * names). Returns the number of candidates (out->n).
 */
unsigned int mv_cmd_complete(const char *line, size_t cursor, mv_cmd_names_fn names, void *arg,
			     struct mv_cmd_completion *out);

#endif /* MV_CMD_COMPLETE_H */
