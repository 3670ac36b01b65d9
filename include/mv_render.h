/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_RENDER_H
#define MV_RENDER_H

/**
 * @file
 * The shell's text from a command's structured result (lib/ctl/render_text.c).
 *
 * Every command of the grammar (mv_cmd.h) answers with a kind ("link show",
 * "link stats", ...) and a JSON result (docs/control-api.md has the schema of
 * each). The shell and `dpdk-macvlan-ctl` without `-j` print what these
 * functions render; `-j` prints the result itself. Pure: no DPDK.
 */
#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

/**
 * Render @p result of a command of @p kind as the shell's text.
 * A kind without a text form is written as one line of compact JSON; a NULL
 * or null result writes nothing.
 * @return 0, or -1 if @p out is NULL.
 */
int mv_render_text_to(FILE *out, const char *kind, const json_t *result);

/** Does @p kind have a text form here (else it renders as JSON)? */
bool mv_render_known(const char *kind);

/** The same into a new string (free() it); NULL when out of memory. */
char *mv_render_text(const char *kind, const json_t *result);

#endif /* MV_RENDER_H */
