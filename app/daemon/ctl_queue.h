/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_APP_CTL_QUEUE_H
#define MV_APP_CTL_QUEUE_H

/*
 * The control thread's work queue: how any other thread (the ethdev
 * interrupt thread, telemetry, ...) hands work to the control thread, which
 * owns the tables. A mutex-protected list and an eventfd the control loop
 * waits on (loop.c).
 */
#include <stdbool.h>

struct app;
struct app_queue;

typedef void (*app_queue_fn)(struct app *app, void *arg);

/** How long app_queue_push_sync() waits for the control thread to start the work. */
#define APP_QUEUE_SYNC_TIMEOUT_MS 5000

int app_queue_init(struct app *app);
/** Drop what is still queued (waiters get -ESHUTDOWN), close the eventfd. */
void app_queue_fini(struct app *app);
/** The eventfd the control loop waits on (readable: work queued). */
int app_queue_fd(const struct app *app);

/**
 * Queue fn(app, arg) to run on the control thread. Any thread; never waits
 * but for the list's lock. 0, -ENOMEM, or -ESHUTDOWN (the loop has ended).
 */
int app_queue_push(struct app *app, app_queue_fn fn, void *arg);

/**
 * Queue fn(app, arg) and wait until the control thread has run it. From the
 * control thread itself fn runs at once. -ETIMEDOUT when the control thread
 * has not started it within @p timeout_ms (it then never runs: @p arg may
 * go away); once started, it is waited for.
 */
int app_queue_push_sync(struct app *app, app_queue_fn fn, void *arg, unsigned int timeout_ms);

/** Control thread: run everything queued (called when the eventfd is readable). */
void app_queue_run(struct app *app);

#endif /* MV_APP_CTL_QUEUE_H */
