/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dpdk-macvlan-ctl: runs commands of a running dpdk-macvlan through its
 * control socket (docs/control-api.md), as `ip` does:
 *
 *   dpdk-macvlan-ctl [-s PATH] [-f PREFIX] [-j [-p]] [-t SEC] COMMAND...
 *   dpdk-macvlan-ctl [-s PATH] [-f PREFIX] [-j [-p]] [-t SEC] -b FILE|-
 *   dpdk-macvlan-ctl [-s PATH] [-f PREFIX] [-j [-p]] monitor
 *
 * Exit status: 0 success, 1 a command failed, 2 usage, 3 no daemon to talk
 * to (cannot connect, timeout, broken connection).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "mv_cmd.h"
#include "mv_ctl_proto.h"
#include "mv_render.h"

#define EXIT_CMD_FAILED 1
#define EXIT_USAGE      2
#define EXIT_NO_DAEMON  3
#define SOCKET_DIR      "/run/dpdk-macvlan"
#define MAX_WORDS       MV_CTL_MAX_ARGV

struct client {
	const char *path;
	int fd;
	int timeout_ms; /* connect, and each reply; -1: none */
	bool json;
	bool pretty;
	struct mv_ctl_reader in;
};

static void
usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [-s PATH | -f PREFIX] [-j [-p]] [-t SEC] COMMAND...\n"
		"       %s [-s PATH | -f PREFIX] [-j [-p]] [-t SEC] -b FILE\n"
		"  -s PATH    the daemon's control socket (default %s/rte.sock)\n"
		"  -f PREFIX  the daemon's EAL --file-prefix: socket %s/PREFIX.sock\n"
		"  -j         print the result as JSON (like ip -j); -p: pretty\n"
		"  -d         ip's -d, given to the command (link show is always detailed);\n"
		"             ip's -s goes after the options: %s -- -s link show\n"
		"  -b FILE    run the commands in FILE (- for stdin), one per line; stop at\n"
		"             the first that fails\n"
		"  -t SEC     wait at most SEC seconds to connect and for each reply (default\n"
		"             30; 0: no limit)\n"
		"COMMAND is a line of the daemon's shell (\"help\" lists them); \"monitor\"\n"
		"prints events as they happen until interrupted.\n"
		"Exit status: 0 success, 1 the command failed, 2 usage, 3 no daemon to talk to.\n",
		prog, prog, SOCKET_DIR, SOCKET_DIR, prog);
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Wait for @p events on the socket until @p deadline (ms, <0: none). 0, or -ETIMEDOUT. */
static int
wait_fd(int fd, short events, double deadline)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		int t = deadline < 0 ? -1 : (int)(deadline - now_ms());
		int n;

		if (deadline >= 0 && t <= 0)
			return -ETIMEDOUT;
		n = poll(&p, 1, t);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

static double
deadline_of(const struct client *c)
{
	return c->timeout_ms < 0 ? -1 : now_ms() + c->timeout_ms;
}

static int
client_connect(struct client *c)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	double deadline = deadline_of(c);

	if (strlen(c->path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "Error: socket path %s is too long\n", c->path);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, c->path, strlen(c->path) + 1);
	for (;;) {
		c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (c->fd < 0)
			return -errno;
		if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return 0;
		if (errno != EAGAIN || (deadline >= 0 && now_ms() > deadline))
			break;
		/* the daemon's backlog is full: try again shortly */
		close(c->fd);
		usleep(10000);
	}
	if (errno == EAGAIN)
		errno = ETIMEDOUT;
	fprintf(stderr, "Error: cannot connect to the control socket %s: %s (%s)\n", c->path,
		strerror(errno),
		errno == ENOENT ? "is dpdk-macvlan running? -s PATH or -f PREFIX names another"
		: errno == ECONNREFUSED ? "no dpdk-macvlan listens on it: not running any more"
		: errno == EACCES || errno == EPERM ? "permission denied: run as root or as a "
						      "member of the daemon's --ctl-group"
		: errno == ETIMEDOUT ? "the daemon does not accept connections: busy or stuck"
				     : "is dpdk-macvlan running?");
	close(c->fd);
	c->fd = -1;
	return -1;
}

static int
send_msg(struct client *c, const json_t *msg)
{
	double deadline = deadline_of(c);
	size_t len, off = 0;
	char *frame;
	int ret = mv_ctl_encode(msg, &frame, &len);

	if (ret < 0)
		return ret;
	while (off < len) {
		ssize_t n = send(c->fd, frame + off, len - off, MSG_NOSIGNAL);

		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			ret = wait_fd(c->fd, POLLOUT, deadline);
			if (ret < 0)
				break;
			continue;
		}
		if (n < 0) {
			ret = -errno;
			break;
		}
		off += (size_t)n;
	}
	free(frame);
	return ret;
}

/* The next message (a new reference), or NULL with an error printed. */
static json_t *
recv_msg(struct client *c, bool wait_forever)
{
	double deadline = wait_forever ? -1 : deadline_of(c);
	const char *msg;
	size_t len;
	char buf[65536];

	for (;;) {
		int r = mv_ctl_reader_next(&c->in, &msg, &len);

		if (r < 0) {
			fprintf(stderr, "Error: the daemon sent a message over %u bytes\n",
				MV_CTL_MAX_REPLY);
			return NULL;
		}
		if (r > 0) {
			json_error_t jerr;
			json_t *m = json_loadb(msg, len, 0, &jerr);

			if (!json_is_object(m)) {
				fprintf(stderr, "Error: the daemon sent invalid JSON: %s\n",
					jerr.text);
				json_decref(m);
				return NULL;
			}
			return m;
		}
		ssize_t n = recv(c->fd, buf, sizeof(buf), 0);

		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (wait_fd(c->fd, POLLIN, deadline) < 0) {
				fprintf(stderr, "Error: no reply from the daemon within %d s\n",
					c->timeout_ms / 1000);
				return NULL;
			}
			continue;
		}
		if (n <= 0) {
			fprintf(stderr, "Error: the daemon closed the connection%s%s\n",
				n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
			return NULL;
		}
		if (mv_ctl_reader_feed(&c->in, buf, (size_t)n) < 0) {
			fprintf(stderr, "Error: %s (reading the daemon's reply)\n",
				strerror(ENOMEM));
			return NULL;
		}
	}
}

static void
print_json(const struct client *c, const json_t *v)
{
	size_t flags = JSON_ENCODE_ANY | (c->pretty ? JSON_INDENT(4) : JSON_COMPACT);

	json_dumpf(v, stdout, flags);
	fputc('\n', stdout);
}

/* Print a reply: its result or text on stdout, its error on stderr. Exit status. */
static int
print_reply(const struct client *c, const json_t *r)
{
	int status = (int)json_integer_value(json_object_get(r, "status"));
	const char *err = json_string_value(json_object_get(r, "error"));
	const json_t *result = json_object_get(r, "result");

	if (c->json) {
		if (status == 0 || (result != NULL && !json_is_null(result))) {
			json_t *empty = json_array();

			print_json(c, result != NULL && !json_is_null(result) ? result : empty);
			json_decref(empty);
		}
	} else {
		const char *kind = json_string_value(json_object_get(r, "kind"));
		const char *text = json_string_value(json_object_get(r, "text"));

		/*
		 * The text is rendered here from the result, as the daemon's
		 * shell renders it (mv_render.h): what the user reads is what
		 * -j gives. A kind this client does not know (a newer daemon)
		 * shows as JSON.
		 */
		if (status == 0 && mv_render_known(kind))
			mv_render_text_to(stdout, kind, result);
		else if (text != NULL)
			fputs(text, stdout);
		else if (status == 0 && result != NULL && !json_is_null(result))
			print_json(c, result);
	}
	fflush(stdout);
	if (status == 0)
		return 0;
	if (err == NULL || err[0] == '\0')
		fprintf(stderr, "Error: %s (the daemon's status %d, without a message)\n",
			strerror(status), status);
	else
		fprintf(stderr, "%s%s\n", strncmp(err, "Error", 5) == 0 ? "" : "Error: ", err);
	return EXIT_CMD_FAILED;
}

/* One request, one reply; @p monitor: then events until the end. Exit status. */
/* Does the command stream events (`monitor`, `mo`, `ip monitor`: the grammar says)? */
static bool
is_monitor(int argc, char **argv)
{
	static struct mv_cmd cmd;

	return mv_cmd_parse(argc, argv, &cmd, NULL, 0) == 0 && cmd.type == MV_CMD_MONITOR;
}

static int
run(struct client *c, int argc, char **argv)
{
	bool monitor = is_monitor(argc, argv);
	/* the text is rendered here, from the result: the daemon need not make it */
	json_t *req = mv_ctl_request_new(argc, argv, MV_CTL_FORMAT_JSON, NULL);
	json_t *rep;
	int ret;

	if (req == NULL)
		return EXIT_CMD_FAILED;
	ret = send_msg(c, req);
	json_decref(req);
	if (ret < 0) {
		fprintf(stderr, "Error: cannot send to %s: %s\n", c->path, strerror(-ret));
		return EXIT_NO_DAEMON;
	}
	rep = recv_msg(c, false);
	if (rep == NULL)
		return EXIT_NO_DAEMON;
	/* monitor's own reply carries nothing to print */
	if (monitor && json_integer_value(json_object_get(rep, "status")) == 0)
		ret = 0;
	else
		ret = print_reply(c, rep);
	json_decref(rep);
	while (monitor && ret == 0) {
		json_t *m = recv_msg(c, true);
		json_t *ev = json_object_get(m, "event");
		char line[2048];

		if (m == NULL)
			return EXIT_NO_DAEMON;
		if (c->json) {
			print_json(c, ev);
		} else {
			mv_ctl_event_format(ev, line, sizeof(line));
			printf("%s\n", line);
		}
		fflush(stdout);
		json_decref(m);
	}
	return ret;
}

/* Split @p line on white space; a word starting with '#' ends it. Words, or -1. */
static int
split(char *line, char **words, int max)
{
	int n = 0;

	for (char *t = strtok(line, " \t\r\n\v\f"); t != NULL; t = strtok(NULL, " \t\r\n\v\f")) {
		if (t[0] == '#')
			break;
		if (n == max)
			return -1;
		words[n++] = t;
	}
	return n;
}

static int
run_batch(struct client *c, const char *file)
{
	static char *words[MAX_WORDS];
	FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
	char *line = NULL;
	size_t cap = 0;
	unsigned int lineno = 0;
	int ret = 0;

	if (f == NULL) {
		fprintf(stderr, "Error: cannot open %s: %s\n", file, strerror(errno));
		return EXIT_USAGE;
	}
	while (ret == 0 && getline(&line, &cap, f) >= 0) {
		int n;

		lineno++;
		n = split(line, words, MAX_WORDS);
		if (n == 0)
			continue;
		if (n < 0) {
			fprintf(stderr, "Error: too many words (at most %d)\n", MAX_WORDS);
			ret = EXIT_CMD_FAILED;
		} else {
			ret = run(c, n, words);
		}
		if (ret != 0)
			fprintf(stderr, "Error: Command failed %s:%u\n", file, lineno);
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return ret;
}

int
main(int argc, char **argv)
{
	static char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 64];
	struct client c = { .fd = -1, .timeout_ms = 30000 };
	const char *batch = NULL, *prefix = NULL;
	bool details = false;
	char *end;
	long t;
	int opt, ret;

	while ((opt = getopt(argc, argv, "+s:f:jpdb:t:h")) != -1) {
		switch (opt) {
		case 'd':
			details = true;
			break;
		case 's':
			c.path = optarg;
			break;
		case 'f':
			prefix = optarg;
			break;
		case 'j':
			c.json = true;
			break;
		case 'p':
			c.pretty = true;
			break;
		case 'b':
			batch = optarg;
			break;
		case 't':
			t = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || t < 0 || t > 86400) {
				fprintf(stderr, "Error: invalid -t \"%s\" (seconds, 0..86400)\n",
					optarg);
				return EXIT_USAGE;
			}
			c.timeout_ms = t == 0 ? -1 : (int)t * 1000;
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		default:
			usage(stderr, argv[0]);
			return EXIT_USAGE;
		}
	}
	if ((batch == NULL) == (optind == argc) || (c.path != NULL && prefix != NULL)) {
		usage(stderr, argv[0]);
		return EXIT_USAGE;
	}
	if (c.path == NULL) {
		snprintf(path, sizeof(path), "%s/%s.sock", SOCKET_DIR,
			 prefix != NULL ? prefix : "rte");
		c.path = path;
	}
	mv_ctl_reader_init(&c.in, MV_CTL_MAX_REPLY);
	if (client_connect(&c) < 0)
		return EXIT_NO_DAEMON;
	if (details && batch == NULL) {
		/* `-d link show` as ip has it: the option goes to the command */
		argv[--optind] = (char *)"-d";
	}
	ret = batch != NULL ? run_batch(&c, batch) : run(&c, argc - optind, argv + optind);
	close(c.fd);
	mv_ctl_reader_fini(&c.in);
	return ret;
}
