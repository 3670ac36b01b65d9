/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * File descriptors other layers ask the control loop to watch
 * (mv_backend_params.watch_fd: a TAP netns's rtnetlink socket). A watch may
 * be asked for before the loop runs (vifs of a command file) and is added
 * when it starts; one ended while the loop dispatches a batch is freed
 * after that batch (app_watch_reap), so no pending event refers to it.
 * Control thread only.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/epoll.h>

#include "app.h"
#include "loop.h"
#include "watch.h"

struct app_watch {
	struct app_fd_handler h; /* first: the loop hands back &h */
	void (*cb)(void *arg);
	void *arg;
	bool added; /* in the loop's epoll set */
	bool dead;  /* ended: freed by app_watch_reap */
	struct app_watch *next;
};

static void
on_event(struct app *app, struct app_fd_handler *h, uint32_t events)
{
	struct app_watch *w = (struct app_watch *)h;

	(void)app;
	(void)events;
	if (!w->dead)
		w->cb(w->arg);
}

int
app_watch_fd(void *ctx, int fd, void (*cb)(void *arg), void *arg)
{
	struct app *app = ctx;
	struct app_watch *w;
	int ret;

	if (cb == NULL) {
		for (w = app->watches; w != NULL; w = w->next)
			if (!w->dead && w->h.fd == fd) {
				if (w->added)
					app_loop_del(app, &w->h);
				w->added = false;
				w->dead = true;
			}
		return 0;
	}
	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return -ENOMEM;
	w->h.fd = fd;
	w->h.on_event = on_event;
	w->cb = cb;
	w->arg = arg;
	if (app->loop != NULL) {
		ret = app_loop_add(app, &w->h, EPOLLIN);
		if (ret < 0) {
			free(w);
			return ret;
		}
		w->added = true;
	}
	w->next = app->watches;
	app->watches = w;
	return 0;
}

int
app_watch_attach(struct app *app)
{
	for (struct app_watch *w = app->watches; w != NULL; w = w->next) {
		if (w->dead || w->added)
			continue;
		int ret = app_loop_add(app, &w->h, EPOLLIN);

		if (ret < 0)
			return ret;
		w->added = true;
	}
	return 0;
}

void
app_watch_detach(struct app *app)
{
	for (struct app_watch *w = app->watches; w != NULL; w = w->next) {
		if (w->added)
			app_loop_del(app, &w->h);
		w->added = false;
	}
}

void
app_watch_reap(struct app *app)
{
	struct app_watch **pw = &app->watches;

	while (*pw != NULL) {
		struct app_watch *w = *pw;

		if (w->dead) {
			*pw = w->next;
			free(w);
		} else {
			pw = &w->next;
		}
	}
}

void
app_watch_fini(struct app *app)
{
	while (app->watches != NULL) {
		struct app_watch *w = app->watches;

		app->watches = w->next;
		free(w);
	}
}
