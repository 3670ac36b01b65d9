/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One request of the control socket: decoded (mv_ctl_proto.h), run through
 * app_exec() as a line of the shell's grammar, answered with one reply.
 * `monitor` subscribes the client instead; `events show` gets the event
 * log's JSON as its result when the executor gave none.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "ctl_client.h"
#include "events.h"
#include "exec.h"
#include "mv_ctl_proto.h"

static void
reply(struct app_ctl_client *c, json_t *id, int status, const char *error, const char *kind,
      json_t *result, const char *text)
{
	json_t *r = mv_ctl_reply_new(id, status, error, kind, result, text);

	if (r != NULL)
		app_ctl_client_send(c, r);
	json_decref(r);
}

void
app_ctl_request(struct app *app, struct app_ctl_client *c, const char *msg, size_t len)
{
	struct mv_ctl_request req;
	struct app_reply rep;
	char err[512];
	enum mv_cmd_type type;
	uint32_t count = 0;

	if (mv_ctl_request_decode(msg, len, &req, err, sizeof(err)) < 0) {
		reply(c, req.id, EINVAL, err, "", NULL, NULL);
		mv_ctl_request_fini(&req);
		return;
	}
	type = app_events_classify(req.line, &count);
	if (type == MV_CMD_MONITOR) {
		reply(c, req.id, 0, NULL, "monitor", NULL, NULL);
		app_ctl_client_subscribe(c);
		mv_ctl_request_fini(&req);
		return;
	}
	app_exec(app, req.line, &rep);
	/* the command's event goes out before its reply: a monitor sees it first */
	app_events_command(app, "socket", req.line, rep.status, rep.error);
	reply(c, req.id, rep.status, rep.error, rep.kind, json_incref(rep.result),
	      req.format == MV_CTL_FORMAT_TEXT ? (app_reply_text(&rep) != NULL ? rep.text : "")
					       : NULL);
	app_reply_fini(&rep);
	mv_ctl_request_fini(&req);
}
