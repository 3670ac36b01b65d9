/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_APP_WATCH_H
#define MV_APP_WATCH_H

/* Fds watched for other layers in the control loop (watch.c). */
struct app;

/* mv_backend_params.watch_fd: @p ctx is the app. */
int app_watch_fd(void *ctx, int fd, void (*cb)(void *arg), void *arg);
/* The loop starts: add the watches asked for before. */
int app_watch_attach(struct app *app);
/* The loop ends: its epoll set goes. */
void app_watch_detach(struct app *app);
/* After a batch of events: free the watches ended meanwhile. */
void app_watch_reap(struct app *app);
/* At exit: free every watch (their fds are their owners'). */
void app_watch_fini(struct app *app);

#endif /* MV_APP_WATCH_H */
