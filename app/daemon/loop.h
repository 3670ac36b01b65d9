/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_APP_LOOP_H
#define MV_APP_LOOP_H

/*
 * The control thread's event loop (loop.c): one epoll set for the shell on
 * stdin, the control socket and its clients, the work queue's eventfd and a
 * timerfd for periodic work. Each fd has a handler; the loop calls it with
 * the epoll events.
 */
#include <stdint.h>

struct app;
struct app_fd_handler;

typedef void (*app_fd_fn)(struct app *app, struct app_fd_handler *h, uint32_t events);

struct app_fd_handler {
	int fd;
	app_fd_fn on_event;
};

/** Period of the loop's timer: the link poll's; the backend poll runs every 4th tick. */
#define APP_TICK_MS 250

int app_loop_add(struct app *app, struct app_fd_handler *h, uint32_t events);
int app_loop_mod(struct app *app, struct app_fd_handler *h, uint32_t events);
void app_loop_del(struct app *app, struct app_fd_handler *h);

#endif /* MV_APP_LOOP_H */
