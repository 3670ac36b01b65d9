/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread's event loop (loop.h). It waits on one epoll set:
 *   - stdin, for the shell (-i), handed to DPDK's cmdline (shell.c);
 *   - the control socket's listening fd and its clients (ctl_server.c);
 *   - the work queue's eventfd: work other threads hand over (ctl_queue.c);
 *   - a timerfd ticking every APP_TICK_MS: link poll, backend poll, stats,
 *     the retry of a failed publish.
 * It ends on `quit` (from any of them), end of input on stdin, or a signal
 * (epoll_wait returns EINTR; the timer bounds the wait anyway).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "app.h"
#include "ctl_queue.h"
#include "ctl_server.h"
#include "loop.h"
#include "shell_async.h"
#include "show.h"
#include "telemetry.h"
#include "watch.h"

#define MAX_EVENTS 64
/* ticks between backend polls and between messages about a failing publish */
#define BACKEND_TICKS       (1000 / APP_TICK_MS)
#define PUBLISH_ERROR_TICKS (10 * 1000 / APP_TICK_MS)

struct app_loop {
	int epfd;
	struct app_fd_handler timer;
	struct app_fd_handler queue;
	struct app_fd_handler input;
	struct app_shell *shell;
	bool tty; /**< stdin is a terminal (^D ends the input) */
	/* stdin cannot be polled (a regular file): read it on every turn */
	bool read_input_always;
	uint64_t ticks;
	uint64_t last_publish_error;
};

int
app_loop_add(struct app *app, struct app_fd_handler *h, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = h };

	if (app->loop == NULL)
		return -ENOTCONN;
	return epoll_ctl(app->loop->epfd, EPOLL_CTL_ADD, h->fd, &ev) < 0 ? -errno : 0;
}

int
app_loop_mod(struct app *app, struct app_fd_handler *h, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = h };

	if (app->loop == NULL)
		return -ENOTCONN;
	return epoll_ctl(app->loop->epfd, EPOLL_CTL_MOD, h->fd, &ev) < 0 ? -errno : 0;
}

void
app_loop_del(struct app *app, struct app_fd_handler *h)
{
	if (app->loop != NULL)
		epoll_ctl(app->loop->epfd, EPOLL_CTL_DEL, h->fd, NULL);
}

static void
periodic(struct app *app, struct app_loop *l)
{
	l->ticks++;
	app_ports_poll_link(app);
	if (l->ticks % BACKEND_TICKS == 0)
		app_vifs_poll_backends(app);
	if (app->opt.stats_period != 0 &&
	    l->ticks % ((uint64_t)app->opt.stats_period * BACKEND_TICKS) == 0) {
		app_shell_above_begin(); /* above the line being typed */
		app_print_stats(app);
		app_shell_above_end();
	}
	app_telemetry_periodic(app);
	if (app_commit(app) < 0 && (l->last_publish_error == 0 ||
				    l->ticks - l->last_publish_error >= PUBLISH_ERROR_TICKS)) {
		l->last_publish_error = l->ticks;
		fprintf(stderr,
			"Error: cannot publish the configuration to the datapath (retrying)\n");
	}
}

static void
on_timer(struct app *app, struct app_fd_handler *h, uint32_t events)
{
	uint64_t expirations;

	(void)events;
	if (read(h->fd, &expirations, sizeof(expirations)) < 0)
		return;
	periodic(app, app->loop);
}

static void
on_queue(struct app *app, struct app_fd_handler *h, uint32_t events)
{
	(void)h;
	(void)events;
	app_queue_run(app);
}

static void
read_input(struct app *app)
{
	char buf[256];
	ssize_t len = read(STDIN_FILENO, buf, sizeof(buf));

	if (len < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (len <= 0) {
		app->quit = true; /* end of input */
		return;
	}
	if (app_shell_input(app->loop->shell, buf, (int)len, app->loop->tty) != 0)
		app->quit = true; /* ^D at the prompt */
}

static void
on_input(struct app *app, struct app_fd_handler *h, uint32_t events)
{
	(void)h;
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		read_input(app);
}

static int
loop_open(struct app *app, struct app_loop *l)
{
	struct itimerspec its = {
		.it_interval = { .tv_sec = 0, .tv_nsec = APP_TICK_MS * 1000000L },
		.it_value = { .tv_sec = 0, .tv_nsec = APP_TICK_MS * 1000000L },
	};
	int ret;

	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	l->timer.fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	l->input.fd = -1;
	if (l->epfd < 0 || l->timer.fd < 0 || timerfd_settime(l->timer.fd, 0, &its, NULL) < 0)
		return -errno;
	app->loop = l;
	l->timer.on_event = on_timer;
	l->queue.fd = app_queue_fd(app);
	l->queue.on_event = on_queue;
	ret = app_loop_add(app, &l->timer, EPOLLIN);
	if (ret == 0)
		ret = app_loop_add(app, &l->queue, EPOLLIN);
	if (ret == 0)
		ret = app_ctl_server_attach(app);
	if (ret == 0)
		ret = app_watch_attach(app);
	if (ret < 0 || !app->opt.interactive)
		return ret;
	l->tty = isatty(STDIN_FILENO) == 1;
	l->shell = app_shell_new(app);
	if (l->shell == NULL) {
		fprintf(stderr, "Error: cannot start the shell\n");
		return -ENOMEM;
	}
	app_sigint_clears = l->tty;
	l->input.fd = STDIN_FILENO;
	l->input.on_event = on_input;
	ret = app_loop_add(app, &l->input, EPOLLIN);
	if (ret == -EPERM) {
		l->read_input_always = true;
		ret = 0;
	}
	return ret;
}

static void
loop_close(struct app *app, struct app_loop *l)
{
	app_ctl_server_detach(app);
	app_watch_detach(app);
	if (l->shell != NULL)
		app_shell_free(l->shell);
	if (l->timer.fd >= 0)
		close(l->timer.fd);
	if (l->epfd >= 0)
		close(l->epfd);
	app->loop = NULL;
}

int
app_control_loop(struct app *app)
{
	struct app_loop l = { .epfd = -1, .timer.fd = -1 };
	struct epoll_event evs[MAX_EVENTS];
	int ret = loop_open(app, &l);

	while (ret == 0 && app_signal == 0 && !app->quit) {
		int n = epoll_wait(l.epfd, evs, MAX_EVENTS, l.read_input_always ? 0 : -1);

		if (n < 0 && errno != EINTR) {
			ret = -errno;
			fprintf(stderr, "Error: control loop: %s\n", strerror(errno));
			break;
		}
		for (int i = 0; i < n && !app->quit; i++) {
			struct app_fd_handler *h = evs[i].data.ptr;

			h->on_event(app, h, evs[i].events);
		}
		/* handlers closed in this batch are freed once no event refers to them */
		app_ctl_server_reap(app);
		app_watch_reap(app);
		if (l.read_input_always && !app->quit)
			read_input(app);
		if (l.shell != NULL && app_sigint_pending) {
			app_sigint_pending = 0;
			app_shell_sigint(l.shell);
		}
		if (l.shell != NULL)
			app_shell_poll(l.shell);
	}
	app_sigint_clears = 0;
	loop_close(app, &l);
	return ret;
}
