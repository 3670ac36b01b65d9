/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread's work queue (app/daemon/ctl_queue.c), without EAL:
 * items pushed from several threads all run, in order per thread, on the
 * thread that drains the queue; a synchronous push returns once its item ran;
 * one the control thread does not get to in time returns -ETIMEDOUT and its
 * item never runs; a push from the control thread itself runs at once; after
 * fini, pushes are refused.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "ctl_queue.h"
#include "mv_test.h"

#define PUSHERS    4
#define PER_PUSHER 20000

static struct app app;
static pthread_t control;
static atomic_bool stop_draining;
static unsigned long ran[PUSHERS];
static unsigned long out_of_order;
static unsigned long wrong_thread;
static unsigned long sync_ran;

static void
count(struct app *a, void *arg)
{
	uintptr_t v = (uintptr_t)arg;
	unsigned int who = (unsigned int)(v % PUSHERS);
	unsigned long seq = (unsigned long)(v / PUSHERS);

	if (a != &app || !pthread_equal(pthread_self(), control))
		wrong_thread++;
	if (seq != ran[who])
		out_of_order++;
	ran[who]++;
}

static void
mark(struct app *a, void *arg)
{
	(void)a;
	*(int *)arg = 1;
	sync_ran++;
}

static void *
pusher(void *arg)
{
	uintptr_t who = (uintptr_t)arg;

	for (uintptr_t i = 0; i < PER_PUSHER; i++)
		if (app_queue_push(&app, count, (void *)(i * PUSHERS + who)) < 0)
			abort();
	return NULL;
}

static void *
sync_pusher(void *arg)
{
	int *ret = arg;

	for (int i = 0; i < 200; i++) {
		int done = 0;

		*ret = app_queue_push_sync(&app, mark, &done, 5000);
		if (*ret < 0 || !done) {
			*ret = *ret < 0 ? *ret : -EIO;
			break;
		}
	}
	return NULL;
}

/* The control thread's part: drain when the eventfd says so. */
static void
drain_until(bool (*done)(void))
{
	while (!done()) {
		struct pollfd p = { .fd = app_queue_fd(&app), .events = POLLIN };

		if (poll(&p, 1, 10) > 0)
			app_queue_run(&app);
	}
}

static bool
all_counted(void)
{
	for (int i = 0; i < PUSHERS; i++)
		if (ran[i] < PER_PUSHER)
			return false;
	return true;
}

static bool
stop_set(void)
{
	return atomic_load(&stop_draining);
}

static void
test_async_from_threads(void)
{
	pthread_t t[PUSHERS];

	for (uintptr_t i = 0; i < PUSHERS; i++)
		pthread_create(&t[i], NULL, pusher, (void *)i);
	drain_until(all_counted);
	for (int i = 0; i < PUSHERS; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(out_of_order, 0u);
	CHECK_EQ(wrong_thread, 0u);
}

static void *
stopper(void *arg)
{
	pthread_t *t = arg;
	void *r;

	pthread_join(*t, &r);
	atomic_store(&stop_draining, true);
	return NULL;
}

static void
test_sync(void)
{
	pthread_t t, s;
	int ret = 1, done = 0;

	/* waits for the control thread, which drains meanwhile */
	atomic_store(&stop_draining, false);
	pthread_create(&t, NULL, sync_pusher, &ret);
	pthread_create(&s, NULL, stopper, &t);
	drain_until(stop_set);
	pthread_join(s, NULL);
	CHECK_EQ(ret, 0);
	CHECK_EQ(sync_ran, 200u);
	/* from the control thread: at once */
	CHECK_EQ(app_queue_push_sync(&app, mark, &done, 10), 0);
	CHECK_EQ(done, 1);
}

static void *
timing_out(void *arg)
{
	int *done = arg;

	return (void *)(intptr_t)app_queue_push_sync(&app, mark, done, 100);
}

static void
test_sync_timeout(void)
{
	static int done;
	pthread_t t;
	void *r;

	/* nobody drains: the caller gives up, and the item never runs */
	pthread_create(&t, NULL, timing_out, &done);
	pthread_join(t, &r);
	CHECK_EQ((intptr_t)r, -ETIMEDOUT);
	app_queue_run(&app);
	CHECK_EQ(done, 0);
}

static void
test_fini(void)
{
	int done = 0;

	CHECK_EQ(app_queue_push(&app, mark, &done), 0); /* dropped unrun */
	app_queue_fini(&app);
	CHECK_EQ(done, 0);
	CHECK_EQ(app_queue_push(&app, mark, &done), -EINVAL);
	CHECK_EQ(app_queue_fd(&app), -1);
}

int
main(void)
{
	control = pthread_self();
	if (app_queue_init(&app) < 0)
		return EXIT_FAILURE;
	RUN_TEST(test_async_from_threads);
	RUN_TEST(test_sync);
	RUN_TEST(test_sync_timeout);
	RUN_TEST(test_fini);
	return mv_test_summary("ctl_queue");
}
