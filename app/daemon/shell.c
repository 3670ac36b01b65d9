/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The shell: DPDK's cmdline library for line editing and history; every
 * line then goes to the project's own parser (mv_cmd.h) and executor
 * (cmd_exec.c). The control loop (loop.c) feeds it what it reads on stdin;
 * the cmdline instances carry the app in their data pointer. At a terminal,
 * TAB and `?` are the grammar's (mv_cmd_complete.h, with the live names of
 * ports and vifs), ^C clears the line, ^D on an empty line ends the input,
 * and output from elsewhere is printed above the line (shell_async.c).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmdline.h>
#include <cmdline_parse.h>
#include <cmdline_parse_string.h>
#include <cmdline_rdline.h>
#include <cmdline_socket.h>
#include <unistd.h>
#include <rte_common.h>

#include "app.h"
#include "events.h"
#include "exec.h"
#include "mv_cmd_complete.h"
#include "shell_async.h"

#define PROMPT "macvlan> "

struct line_result {
	cmdline_fixed_string_t verb;
	cmdline_multi_string_t rest;
};

struct app_shell {
	struct cmdline *cl;
	struct app *app;
	bool tty; /* stdin is a terminal: TAB and ? are the grammar's */
	/* copies of the instances below whose data is the app; NULL-terminated */
	cmdline_parse_ctx_t ctx[3];
};

static void
run_line(struct app *app, struct cmdline *cl, const char *verb, const char *rest)
{
	char line[STR_MULTI_TOKEN_SIZE + STR_TOKEN_SIZE + 2];
	struct app_reply reply;
	int ret;

	snprintf(line, sizeof(line), "%s %s", verb, rest != NULL ? rest : "");
	app_shell_async_passthrough(true);
	ret = app_exec(app, line, &reply);
	if (ret < 0)
		printf("%s\n", reply.error);
	else if (app_reply_text(&reply) != NULL)
		fputs(reply.text, stdout);
	app_events_command(app, "shell", line, ret, reply.error);
	app_reply_fini(&reply);
	fflush(stdout);
	app_shell_async_passthrough(false);
	if (app->quit)
		cmdline_quit(cl);
}

static void
line_cb(void *parsed, struct cmdline *cl, void *data)
{
	struct line_result *r = parsed;

	run_line(data, cl, r->verb, r->rest);
}

static void
verb_cb(void *parsed, struct cmdline *cl, void *data)
{
	struct line_result *r = parsed;

	run_line(data, cl, r->verb, NULL);
}

/*
 * The first word: any word is accepted (the parser reports unknown verbs with
 * a clear error), and TAB completes the known verbs.
 */
static const char *const verbs[] = { "link",  "maddr", "events", "monitor",
				     "start", "stop",  "help",   "quit" };

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
	snprintf(dst, size, "link|maddr|events|start|stop|help|quit");
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

static const cmdline_parse_inst_t inst_verb_args = {
	.f = line_cb,
	.help_str = "`help` lists the commands",
	.tokens = { &tok_verb, (void *)&tok_rest, NULL },
};
static const cmdline_parse_inst_t inst_verb_alone = {
	.f = verb_cb,
	.help_str = "`help` lists the commands",
	.tokens = { &tok_verb, NULL },
};

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
		app_events_command(app, "file", line, ret, reply.error);
		if (ret < 0) {
			fprintf(stderr, "%s:%u: %s\n", path, lineno, reply.error);
			app_reply_fini(&reply);
			break;
		}
		if (app_reply_text(&reply) != NULL)
			fputs(reply.text, stdout);
		app_reply_fini(&reply);
		if (app->quit || app_signal != 0)
			break;
	}
	free(line);
	fclose(f);
	return ret;
}

/* A copy of @p tmpl (its tokens too: a flexible array) with @p data. */
static cmdline_parse_inst_t *
inst_copy(const cmdline_parse_inst_t *tmpl, void *data)
{
	size_t n = 0;
	cmdline_parse_inst_t *inst;

	while (tmpl->tokens[n] != NULL)
		n++;
	inst = calloc(1, sizeof(*inst) + (n + 1) * sizeof(inst->tokens[0]));
	if (inst == NULL)
		return NULL;
	inst->f = tmpl->f;
	inst->help_str = tmpl->help_str;
	inst->data = data;
	memcpy(inst->tokens, tmpl->tokens, (n + 1) * sizeof(inst->tokens[0]));
	return inst;
}

struct app_shell *
app_shell_new(struct app *app)
{
	struct app_shell *sh = calloc(1, sizeof(*sh));

	if (sh == NULL)
		return NULL;
	sh->app = app;
	sh->tty = isatty(STDIN_FILENO) == 1;
	sh->ctx[0] = inst_copy(&inst_verb_args, app);
	sh->ctx[1] = inst_copy(&inst_verb_alone, app);
	if (sh->ctx[0] != NULL && sh->ctx[1] != NULL)
		sh->cl = cmdline_stdin_new(sh->ctx, PROMPT);
	if (sh->cl == NULL) {
		free(sh->ctx[0]);
		free(sh->ctx[1]);
		free(sh);
		return NULL;
	}
	if (sh->tty && app_shell_async_open(cmdline_get_rdline(sh->cl)) < 0)
		fprintf(stderr, "dpdk-macvlan: output may land on the line being typed\n");
	return sh;
}

/* The live names the completion asks for (mv_cmd_names_fn). */
static unsigned int
shell_names(void *arg, unsigned int kinds, const char *prefix, const char **out, unsigned int max)
{
	struct app *app = arg;
	size_t plen = strlen(prefix);
	unsigned int n = 0;

	for (unsigned int i = 0; (kinds & MV_NAMES_PORTS) && i < MV_MAX_PORTS && n < max; i++)
		if (app->ctl.ports[i] != NULL &&
		    strncmp(app->ctl.ports[i]->name, prefix, plen) == 0)
			out[n++] = app->ctl.ports[i]->name;
	for (struct mv_vif *vif = (kinds & MV_NAMES_VIFS) ? app_vif_next(app, NULL) : NULL;
	     vif != NULL && n < max; vif = app_vif_next(app, vif))
		if (strncmp(vif->name, prefix, plen) == 0)
			out[n++] = vif->name;
	return n;
}

static void
term_puts(const char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, s, n);

		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/*
 * TAB (@p help false): complete the word before the cursor, or list what
 * fits when more than one does. `?` (@p help true): list what can follow.
 * Both work at the end of the line: the cursor moves there first (^E).
 * The list goes under the line, which is drawn again below it.
 */
static void
shell_complete(struct app_shell *sh, bool help)
{
	struct rdline *rdl = cmdline_get_rdline(sh->cl);
	static struct mv_cmd_completion cmp;
	char line[STR_MULTI_TOKEN_SIZE + STR_TOKEN_SIZE + 2];
	size_t col = 0;

	cmdline_in(sh->cl, "\x05", 1);
	snprintf(line, sizeof(line), "%s", rdline_get_buffer(rdl));
	line[strcspn(line, "\n")] = '\0';
	mv_cmd_complete(line, strlen(line), shell_names, sh->app, &cmp);
	if (!help && cmp.insert[0] != '\0') {
		cmdline_in(sh->cl, cmp.insert, (int)strlen(cmp.insert));
		return;
	}
	if (!help && cmp.n == 0) {
		term_puts("\a");
		return;
	}
	fflush(stdout);
	term_puts("\r\n");
	if (cmp.n == 0)
		term_puts("  <Enter> (nothing more can follow)");
	for (unsigned int i = 0; i < cmp.n; i++) {
		size_t w = strlen(cmp.cand[i]) + 2;

		if (col > 0 && col + w > 78) {
			term_puts("\r\n");
			col = 0;
		}
		term_puts("  ");
		term_puts(cmp.cand[i]);
		col += w;
	}
	if (cmp.n_more > 0) {
		char more[48];

		snprintf(more, sizeof(more), "  (and %u more)", cmp.n_more);
		term_puts(more);
	}
	term_puts("\r\n");
	rdline_redisplay(rdl);
}

/*
 * Feed what stdin gave to the line editor. A ^D (0x04) byte ends the input
 * when typed at a terminal on an empty line, as in a shell (the line
 * editor reports it); what came before it in the same read is run first.
 * In piped input a ^D is only a byte: it is dropped, and the rest of the
 * read goes on (cmdline_in would stop at it and lose what follows).
 */
int
app_shell_input(struct app_shell *sh, const char *buf, int len, bool tty)
{
	int start = 0;

	for (int i = 0; i <= len; i++) {
		bool key = i < len && tty && (buf[i] == '\t' || buf[i] == '?');

		if (i < len && buf[i] != 0x04 && !key)
			continue;
		if (i > start && cmdline_in(sh->cl, buf + start, i - start) < 0)
			return 1;
		if (key)
			shell_complete(sh, buf[i] == '?');
		else if (i < len && tty && cmdline_in(sh->cl, buf + i, 1) < 0)
			return 1; /* ^D on an empty line: the end of the input */
		start = i + 1;
	}
	return 0;
}

void
app_shell_sigint(struct app_shell *sh)
{
	cmdline_in(sh->cl, "\x03", 1); /* the line editor's ^C: a new, empty line */
}

void
app_shell_poll(struct app_shell *sh)
{
	(void)sh;
	app_shell_async_poll();
}

void
app_shell_free(struct app_shell *sh)
{
	app_shell_async_close();
	printf("\n");
	cmdline_stdin_exit(sh->cl);
	free(sh->ctx[0]);
	free(sh->ctx[1]);
	free(sh);
}
