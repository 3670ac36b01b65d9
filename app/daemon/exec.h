/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_APP_EXEC_H
#define MV_APP_EXEC_H

/*
 * The one command layer of the daemon: the shell, the control socket, the
 * telemetry endpoints and the CNI plugin (through the socket) all run a line of
 * the shell's grammar (mv_cmd.h) through app_exec() and get a structured
 * reply. Control thread only (the executor keeps no state between calls, but
 * it reads and changes the tables the control thread owns).
 */
#include <jansson.h>

struct app;

struct app_reply {
	int status;       /**< 0, or the errno value (positive) of the failure */
	char error[512];  /**< on failure: "Error: ..." as the shell prints it */
	const char *kind; /**< which command answered ("link show", ...); static */
	json_t *result;   /**< the structured result (owned by the reply); NULL: none */
	char *text;       /**< the result as the shell's text, once app_reply_text() made it */
};

/**
 * Run one line of the shell's grammar. A failed command changes nothing.
 * @return 0, or -errno (then reply->status is errno and reply->error says why).
 */
int app_exec(struct app *app, const char *line, struct app_reply *reply);

/**
 * The result rendered as the shell's text (mv_render.h), made on the first
 * call and kept in the reply; NULL for a failed command or when out of
 * memory. Callers that only want the JSON never pay for it.
 */
const char *app_reply_text(struct app_reply *reply);

/** Release what a reply holds (the reply itself is the caller's). */
void app_reply_fini(struct app_reply *reply);

#endif /* MV_APP_EXEC_H */
