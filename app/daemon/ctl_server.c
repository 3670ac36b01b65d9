/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control socket's lifecycle and I/O (ctl_server.h): the socket file
 * (stale one replaced, live one refused, mode 0660, group), accepting
 * clients, non-blocking reads into a frame reader and writes from an output
 * backlog, and closing clients that hang up, break the framing or fall
 * APP_CTL_MAX_BACKLOG behind. Requests are ctl_request.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "app.h"
#include "ctl_client.h"
#include "ctl_server.h"
#include "loop.h"
#include "mv_ctl_proto.h"
#include "mv_unix_sock.h"

#define READ_CHUNK 65536

struct app_ctl_client {
	struct app_fd_handler h; /* first: the loop hands back &h */
	struct app *app;
	TAILQ_ENTRY(app_ctl_client) next;
	struct mv_ctl_reader in;
	struct mv_ctl_buf out; /* replies and events not sent yet */
	bool monitor;
	bool closing;    /* reply sent on a broken stream: close once flushed */
	bool dead;       /* closed, freed by app_ctl_server_reap */
	uint32_t events; /* what epoll watches */
};

TAILQ_HEAD(client_list, app_ctl_client);

struct app_ctl_server {
	struct app_fd_handler listen;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct client_list clients;
	struct client_list dead;
	unsigned int n_clients;
	bool attached;
};

/* ---- the socket file ---- */

static int
socket_path(char *dst, size_t size, const char *path, const char *prefix)
{
	int n = path != NULL ? snprintf(dst, size, "%s", path)
			     : snprintf(dst, size, "%s/%s.sock", APP_CTL_SOCKET_DIR,
					prefix != NULL && prefix[0] ? prefix : "rte");

	if (n < 0 || (size_t)n >= size) {
		fprintf(stderr, "Error: control socket path too long (at most %zu bytes)\n",
			size - 1);
		return -ENAMETOOLONG;
	}
	return 0;
}

/* The default directory, 0755, if missing. */
static int
make_dir(const char *path)
{
	char dir[PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		int err = errno;

		fprintf(stderr, "Error: cannot create the directory %s of the control socket: %s\n",
			dir, strerror(err));
		return -err;
	}
	return 0;
}

/* -EADDRINUSE (message printed) when a live instance answers on @p path. */
static int
check_not_in_use(const char *path)
{
	char err[256] = "";
	pid_t pid = 0;
	int ret = mv_unix_sock_claim(path, &pid, err, sizeof(err));

	if (ret == -EADDRINUSE && pid > 0)
		fprintf(stderr,
			"Error: control socket %s is in use by another dpdk-macvlan (pid %d); stop "
			"it, or give this one --ctl-socket PATH or another --file-prefix\n",
			path, (int)pid);
	else if (ret == -EADDRINUSE)
		fprintf(stderr,
			"Error: control socket %s is in use by another dpdk-macvlan; stop it, or "
			"give this one --ctl-socket PATH or another --file-prefix\n",
			path);
	else if (ret < 0)
		fprintf(stderr, "Error: control socket: %s\n", err);
	return ret;
}

int
app_ctl_server_open(struct app *app, const char *path, const char *group, const char *prefix)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct app_ctl_server *s;
	char err[256] = "";
	mode_t old_mask;
	int ret;

	if (path != NULL && strcmp(path, "none") == 0)
		return 0;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	TAILQ_INIT(&s->clients);
	TAILQ_INIT(&s->dead);
	s->listen.fd = -1;
	ret = socket_path(s->path, sizeof(s->path), path, prefix);
	if (ret == 0 && path == NULL)
		ret = make_dir(s->path);
	if (ret == 0)
		ret = check_not_in_use(s->path);
	if (ret < 0) {
		free(s);
		return ret;
	}
	s->listen.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->listen.fd < 0) {
		ret = -errno;
		free(s);
		return ret;
	}
	memcpy(sa.sun_path, s->path, strlen(s->path) + 1);
	old_mask = umask(0177); /* 0600 until the group is set, then 0660 */
	ret = bind(s->listen.fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
	umask(old_mask);
	if (ret < 0) {
		fprintf(stderr, "Error: cannot create the control socket %s: %s\n", s->path,
			strerror(-ret));
		close(s->listen.fd);
		free(s);
		return ret;
	}
	ret = mv_unix_sock_set_owner(s->path, group, err, sizeof(err));
	if (ret < 0)
		fprintf(stderr, "Error: --ctl-group: %s\n", err);
	if (ret == 0 && listen(s->listen.fd, 128) < 0)
		ret = -errno;
	if (ret < 0) {
		unlink(s->path);
		close(s->listen.fd);
		free(s);
		return ret;
	}
	app->server = s;
	return 0;
}

/* ---- clients ---- */

static void
client_close(struct app_ctl_client *c)
{
	struct app_ctl_server *s = c->app->server;

	if (c->dead)
		return;
	c->dead = true;
	app_loop_del(c->app, &c->h);
	close(c->h.fd);
	c->h.fd = -1;
	TAILQ_REMOVE(&s->clients, c, next);
	TAILQ_INSERT_TAIL(&s->dead, c, next);
	s->n_clients--;
}

static void
client_free(struct app_ctl_client *c)
{
	mv_ctl_reader_fini(&c->in);
	mv_ctl_buf_fini(&c->out);
	free(c);
}

/* Input unless closing (its read side is shut: it would always be readable); output if pending. */
static void
client_watch(struct app_ctl_client *c)
{
	uint32_t events = (c->closing ? 0 : EPOLLIN | EPOLLRDHUP) |
			  (mv_ctl_buf_pending(&c->out) > 0 ? EPOLLOUT : 0);

	if (events != c->events) {
		c->events = events;
		app_loop_mod(c->app, &c->h, events);
	}
}

/* Write what the socket takes now. */
static void
client_flush(struct app_ctl_client *c)
{
	while (mv_ctl_buf_pending(&c->out) > 0) {
		ssize_t n = send(c->h.fd, c->out.data + c->out.start, mv_ctl_buf_pending(&c->out),
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			client_close(c); /* EPIPE, ECONNRESET: gone */
			return;
		}
		mv_ctl_buf_consume(&c->out, (size_t)n);
	}
	if (mv_ctl_buf_pending(&c->out) == 0 && c->closing) {
		client_close(c);
		return;
	}
	client_watch(c);
}

static bool
client_queue(struct app_ctl_client *c, const char *data, size_t len)
{
	/* too slow: it would hold unbounded memory */
	if (mv_ctl_buf_pending(&c->out) + len > APP_CTL_MAX_BACKLOG ||
	    mv_ctl_buf_append(&c->out, data, len) < 0) {
		client_close(c);
		return false;
	}
	return true;
}

bool
app_ctl_client_send(struct app_ctl_client *c, const json_t *msg)
{
	char *frame;
	size_t len;
	bool ok;

	if (c->dead || c->closing)
		return false;
	if (mv_ctl_encode(msg, &frame, &len) < 0)
		return false;
	ok = client_queue(c, frame, len);
	free(frame);
	if (ok)
		client_flush(c);
	return ok && !c->dead;
}

void
app_ctl_client_subscribe(struct app_ctl_client *c)
{
	c->monitor = true;
}

/* A frame announced more than a request may hold: say so, then close. */
static void
client_oversized(struct app_ctl_client *c)
{
	char err[128];
	json_t *r;

	snprintf(err, sizeof(err), "Error: request of %u bytes (at most %u)", c->in.too_big,
		 MV_CTL_MAX_REQUEST);
	r = mv_ctl_reply_new(NULL, EMSGSIZE, err, "", NULL, NULL);
	if (r != NULL)
		app_ctl_client_send(c, r);
	json_decref(r);
	if (!c->dead) {
		c->closing = true;
		shutdown(c->h.fd, SHUT_RD);
		client_flush(c);
	}
}

static void
client_process(struct app *app, struct app_ctl_client *c)
{
	const char *msg;
	size_t len;
	int ret;

	while (!c->dead && !c->closing && (ret = mv_ctl_reader_next(&c->in, &msg, &len)) != 0) {
		if (ret < 0) {
			client_oversized(c);
			return;
		}
		app_ctl_request(app, c, msg, len);
		if (app->quit)
			return;
	}
}

static void
client_read(struct app *app, struct app_ctl_client *c)
{
	static char buf[READ_CHUNK];
	/* at most a few chunks per wakeup: other fds get their turn */
	for (int k = 0; k < 16 && !c->dead && !c->closing; k++) {
		ssize_t n = recv(c->h.fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			client_close(c); /* end of input or error: a partial frame is dropped */
			return;
		}
		if (mv_ctl_reader_feed(&c->in, buf, (size_t)n) < 0) {
			client_close(c);
			return;
		}
		client_process(app, c);
	}
}

static void
on_client(struct app *app, struct app_fd_handler *h, uint32_t events)
{
	struct app_ctl_client *c = (struct app_ctl_client *)h;

	if (c->dead)
		return;
	if (events & EPOLLOUT)
		client_flush(c);
	if (!c->dead && (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP)))
		client_read(app, c);
	if (!c->dead && (events & (EPOLLERR | EPOLLHUP)))
		client_close(c);
}

static void
on_listen(struct app *app, struct app_fd_handler *h, uint32_t events)
{
	struct app_ctl_server *s = app->server;

	(void)events;
	for (int k = 0; k < 64; k++) {
		int fd = accept4(h->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct app_ctl_client *c;

		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			    errno != ECONNABORTED)
				fprintf(stderr, "Error: control socket: accept: %s\n",
					strerror(errno));
			return;
		}
		c = s->n_clients < APP_CTL_MAX_CLIENTS ? calloc(1, sizeof(*c)) : NULL;
		if (c == NULL) {
			close(fd);
			continue;
		}
		c->h.fd = fd;
		c->h.on_event = on_client;
		c->events = EPOLLIN | EPOLLRDHUP;
		c->app = app;
		mv_ctl_reader_init(&c->in, MV_CTL_MAX_REQUEST);
		if (app_loop_add(app, &c->h, c->events) < 0) {
			close(fd);
			client_free(c);
			continue;
		}
		TAILQ_INSERT_TAIL(&s->clients, c, next);
		s->n_clients++;
	}
}

int
app_ctl_server_attach(struct app *app)
{
	struct app_ctl_server *s = app->server;
	int ret;

	if (s == NULL)
		return 0;
	s->listen.on_event = on_listen;
	ret = app_loop_add(app, &s->listen, EPOLLIN);
	if (ret < 0)
		fprintf(stderr, "Error: cannot watch the control socket: %s\n", strerror(-ret));
	s->attached = ret == 0;
	return ret;
}

void
app_ctl_server_detach(struct app *app)
{
	struct app_ctl_server *s = app->server;
	struct app_ctl_client *c;

	if (s == NULL)
		return;
	while ((c = TAILQ_FIRST(&s->clients)) != NULL)
		client_close(c);
	app_ctl_server_reap(app);
	if (s->attached)
		app_loop_del(app, &s->listen);
	s->attached = false;
}

void
app_ctl_server_reap(struct app *app)
{
	struct app_ctl_server *s = app->server;
	struct app_ctl_client *c;

	if (s == NULL)
		return;
	while ((c = TAILQ_FIRST(&s->dead)) != NULL) {
		TAILQ_REMOVE(&s->dead, c, next);
		client_free(c);
	}
}

void
app_ctl_server_publish(struct app *app, json_t *event)
{
	struct app_ctl_server *s = app->server;
	struct app_ctl_client *c, *tmp;
	json_t *msg;

	if (s == NULL || app->loop == NULL)
		return;
	msg = mv_ctl_event_msg_new(event);
	if (msg == NULL)
		return;
	for (c = TAILQ_FIRST(&s->clients); c != NULL; c = tmp) {
		tmp = TAILQ_NEXT(c, next); /* a client too far behind is closed here */
		if (c->monitor)
			app_ctl_client_send(c, msg);
	}
	json_decref(msg);
}

void
app_ctl_server_close(struct app *app)
{
	struct app_ctl_server *s = app->server;

	if (s == NULL)
		return;
	app_ctl_server_detach(app);
	close(s->listen.fd);
	unlink(s->path);
	free(s);
	app->server = NULL;
}
