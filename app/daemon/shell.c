/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The shell: DPDK's cmdline library for line editing, history and completion
 * of the verbs; every line then goes to the project's own parser
 * (cmd_parse.h) and executor (cmd_exec.c). The control loop multiplexes the
 * shell with the control thread's periodic work.
 */
#include <errno.h>
#include <stddef.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmdline.h>
#include <cmdline_parse.h>
#include <cmdline_parse_string.h>
#include <cmdline_rdline.h>
#include <cmdline_socket.h>
#include <rte_cycles.h>

#include "app.h"
#include "exec.h"
#include "mv_render.h"
#include "show.h"
#include "telemetry.h"

#define PROMPT "macvlan> "

static struct app *shell_app;

struct line_result {
	cmdline_fixed_string_t verb;
	cmdline_multi_string_t rest;
};

static void
run_line(struct cmdline *cl, const char *verb, const char *rest)
{
	char line[STR_MULTI_TOKEN_SIZE + STR_TOKEN_SIZE + 2];
	struct app_reply reply;

	snprintf(line, sizeof(line), "%s %s", verb, rest != NULL ? rest : "");
	if (app_exec(shell_app, line, &reply) < 0)
		printf("%s\n", reply.error);
	else if (reply.text != NULL)
		fputs(reply.text, stdout);
	app_reply_fini(&reply);
	if (shell_app->quit)
		cmdline_quit(cl);
}

static void
line_cb(void *parsed, struct cmdline *cl, void *data)
{
	struct line_result *r = parsed;

	(void)data;
	run_line(cl, r->verb, r->rest);
}

static void
verb_cb(void *parsed, struct cmdline *cl, void *data)
{
	struct line_result *r = parsed;

	(void)data;
	run_line(cl, r->verb, NULL);
}

/*
 * The first word: any word is accepted (the parser reports unknown verbs with
 * a clear error), and TAB completes the known verbs.
 */
static const char *const verbs[] = { "link", "maddr", "start", "stop", "help", "quit" };

static int
verb_parse(cmdline_parse_token_hdr_t *tk, const char *buf, void *res, unsigned int ressize)
{
	unsigned int len = 0;

	(void)tk;
	while (buf[len] != '\0' && !strchr(" \t\r\n#", buf[len]))
		len++;
	if (len == 0 || len >= STR_TOKEN_SIZE)
		return -1;
	if (res != NULL) {
		if (ressize < STR_TOKEN_SIZE)
			return -1;
		memcpy(res, buf, len);
		((char *)res)[len] = '\0';
	}
	return (int)len;
}

static int
verb_complete_nb(cmdline_parse_token_hdr_t *tk)
{
	(void)tk;
	return (int)RTE_DIM(verbs);
}

static int
verb_complete_elt(cmdline_parse_token_hdr_t *tk, int idx, char *dst, unsigned int size)
{
	(void)tk;
	if (idx < 0 || idx >= (int)RTE_DIM(verbs))
		return -1;
	snprintf(dst, size, "%s", verbs[idx]);
	return 0;
}

static int
verb_help(cmdline_parse_token_hdr_t *tk, char *dst, unsigned int size)
{
	(void)tk;
	snprintf(dst, size, "link|maddr|start|stop|help|quit");
	return 0;
}

static struct cmdline_token_ops verb_ops = {
	.parse = verb_parse,
	.complete_get_nb = verb_complete_nb,
	.complete_get_elt = verb_complete_elt,
	.get_help = verb_help,
};

static cmdline_parse_token_hdr_t tok_verb = {
	.ops = &verb_ops,
	.offset = offsetof(struct line_result, verb),
};
static cmdline_parse_token_string_t tok_rest =
	TOKEN_STRING_INITIALIZER(struct line_result, rest, TOKEN_STRING_MULTI);

static cmdline_parse_inst_t inst_verb_args = {
	.f = line_cb,
	.help_str = "`help` lists the commands",
	.tokens = { &tok_verb, (void *)&tok_rest, NULL },
};
static cmdline_parse_inst_t inst_verb_alone = {
	.f = verb_cb,
	.help_str = "`help` lists the commands",
	.tokens = { &tok_verb, NULL },
};

static cmdline_parse_ctx_t shell_ctx[] = { &inst_verb_args, &inst_verb_alone, NULL };

int
app_run_cmdline_file(struct app *app, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	unsigned int lineno = 0;
	int ret = 0;

	if (f == NULL) {
		fprintf(stderr, "Error: cannot open command file %s: %s\n", path, strerror(errno));
		return -errno;
	}
	while (getline(&line, &cap, f) >= 0) {
		struct app_reply reply;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		ret = app_exec(app, line, &reply);
		if (ret < 0) {
			fprintf(stderr, "%s:%u: %s\n", path, lineno, reply.error);
			app_reply_fini(&reply);
			break;
		}
		if (reply.text != NULL)
			fputs(reply.text, stdout);
		app_reply_fini(&reply);
		if (app->quit || app_signal != 0)
			break;
	}
	free(line);
	fclose(f);
	return ret;
}

void
app_periodic(struct app *app)
{
	uint64_t now = rte_get_timer_cycles(), hz = rte_get_timer_hz();

	if (now - __atomic_load_n(&app->last_link_poll, __ATOMIC_RELAXED) > hz / 4) {
		app->last_link_poll = now;
		app_ports_poll_link(app);
	}
	if (now - app->last_backend_poll > hz) {
		app->last_backend_poll = now;
		app_vifs_poll_backends(app);
	}
	if (app->opt.stats_period != 0 && now - app->last_stats > app->opt.stats_period * hz) {
		json_t *stats = app_json_stats(app, NULL);

		app->last_stats = now;
		mv_render_text_to(stdout, "link stats", stats);
		json_decref(stats);
	}
	app_telemetry_periodic(app);
	if (app->dirty && app_publish(app) < 0 && now - app->last_publish_error > 10 * hz) {
		app->last_publish_error = now;
		fprintf(stderr,
			"Error: cannot publish the configuration to the datapath (retrying)\n");
	}
}

int
app_control_loop(struct app *app)
{
	struct cmdline *cl = NULL;

	shell_app = app;
	if (app->opt.interactive) {
		cl = cmdline_stdin_new(shell_ctx, PROMPT);
		if (cl == NULL) {
			fprintf(stderr, "Error: cannot start the shell\n");
			return -ENOMEM;
		}
	}
	while (app_signal == 0 && !app->quit) {
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		int n = poll(&pfd, cl != NULL ? 1 : 0, 100);

		if (n > 0 && (pfd.revents & (POLLIN | POLLHUP))) {
			char buf[256];
			ssize_t len = read(STDIN_FILENO, buf, sizeof(buf));

			if (len <= 0) {
				app->quit = true; /* end of input */
			} else {
				cmdline_in(cl, buf, (int)len);
			}
		}
		app_periodic(app);
	}
	if (cl != NULL) {
		printf("\n");
		cmdline_stdin_exit(cl);
	}
	return 0;
}
