/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread's work queue (ctl_queue.h): a list under a mutex, an
 * eventfd to wake the control loop, and for synchronous callers a condition
 * variable they wait on with a deadline.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/queue.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "ctl_queue.h"

enum item_state { ITEM_QUEUED, ITEM_RUNNING, ITEM_DONE, ITEM_ABANDONED };

struct queue_item {
	STAILQ_ENTRY(queue_item) next;
	app_queue_fn fn;
	void *arg;
	bool sync;             /**< a waiter owns the item (it frees it) */
	enum item_state state; /**< sync items only, under the lock */
};

STAILQ_HEAD(item_list, queue_item);

struct app_queue {
	pthread_mutex_t lock;
	pthread_cond_t done; /**< a sync item finished */
	struct item_list items;
	int efd;
	bool closed;
	pthread_t control_thread;
};

int
app_queue_init(struct app *app)
{
	struct app_queue *q = calloc(1, sizeof(*q));
	pthread_condattr_t ca;

	if (q == NULL)
		return -ENOMEM;
	q->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->efd < 0) {
		int ret = -errno;

		free(q);
		return ret;
	}
	pthread_mutex_init(&q->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->done, &ca);
	pthread_condattr_destroy(&ca);
	STAILQ_INIT(&q->items);
	q->control_thread = pthread_self();
	app->queue = q;
	return 0;
}

void
app_queue_fini(struct app *app)
{
	struct app_queue *q = app->queue;
	struct queue_item *it;

	if (q == NULL)
		return;
	pthread_mutex_lock(&q->lock);
	q->closed = true;
	while ((it = STAILQ_FIRST(&q->items)) != NULL) {
		STAILQ_REMOVE_HEAD(&q->items, next);
		if (it->sync)
			it->state = it->state == ITEM_ABANDONED ? ITEM_DONE : ITEM_ABANDONED;
		if (!it->sync || it->state == ITEM_DONE)
			free(it);
	}
	pthread_cond_broadcast(&q->done);
	pthread_mutex_unlock(&q->lock);
	/*
	 * Called after the threads that push (the ethdev interrupt thread's
	 * callbacks) are unregistered: nobody takes the lock any more.
	 */
	close(q->efd);
	pthread_cond_destroy(&q->done);
	pthread_mutex_destroy(&q->lock);
	free(q);
	app->queue = NULL;
}

int
app_queue_fd(const struct app *app)
{
	return app->queue != NULL ? app->queue->efd : -1;
}

static int
enqueue(struct app_queue *q, struct queue_item *it)
{
	uint64_t one = 1;

	pthread_mutex_lock(&q->lock);
	if (q->closed) {
		pthread_mutex_unlock(&q->lock);
		return -ESHUTDOWN;
	}
	STAILQ_INSERT_TAIL(&q->items, it, next);
	pthread_mutex_unlock(&q->lock);
	/* queued: a failed write (EAGAIN: the counter is full) still leaves it readable */
	if (write(q->efd, &one, sizeof(one)) < 0)
		return 0;
	return 0;
}

int
app_queue_push(struct app *app, app_queue_fn fn, void *arg)
{
	struct queue_item *it;
	int ret;

	if (app->queue == NULL || fn == NULL)
		return -EINVAL;
	it = calloc(1, sizeof(*it));
	if (it == NULL)
		return -ENOMEM;
	it->fn = fn;
	it->arg = arg;
	ret = enqueue(app->queue, it);
	if (ret < 0)
		free(it);
	return ret;
}

int
app_queue_push_sync(struct app *app, app_queue_fn fn, void *arg, unsigned int timeout_ms)
{
	struct app_queue *q = app->queue;
	struct queue_item *it;
	struct timespec deadline;
	int ret = 0;

	if (q == NULL || fn == NULL)
		return -EINVAL;
	if (pthread_equal(pthread_self(), q->control_thread)) {
		fn(app, arg);
		return 0;
	}
	it = calloc(1, sizeof(*it));
	if (it == NULL)
		return -ENOMEM;
	it->fn = fn;
	it->arg = arg;
	it->sync = true;
	it->state = ITEM_QUEUED;
	ret = enqueue(q, it);
	if (ret < 0) {
		free(it);
		return ret;
	}
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&q->lock);
	while (it->state == ITEM_QUEUED || it->state == ITEM_RUNNING) {
		int rc = it->state == ITEM_RUNNING
				 ? pthread_cond_wait(&q->done, &q->lock)
				 : pthread_cond_timedwait(&q->done, &q->lock, &deadline);

		if (rc == ETIMEDOUT && it->state == ITEM_QUEUED) {
			/* the control thread frees it when it gets there, without running it */
			it->state = ITEM_ABANDONED;
			pthread_mutex_unlock(&q->lock);
			return -ETIMEDOUT;
		}
	}
	if (it->state == ITEM_ABANDONED)
		ret = -ESHUTDOWN; /* dropped by app_queue_fini */
	pthread_mutex_unlock(&q->lock);
	free(it);
	return ret;
}

void
app_queue_run(struct app *app)
{
	struct app_queue *q = app->queue;
	struct item_list batch;
	struct queue_item *it;
	uint64_t count;

	if (q == NULL)
		return;
	if (read(q->efd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		return;
	pthread_mutex_lock(&q->lock);
	STAILQ_INIT(&batch);
	STAILQ_CONCAT(&batch, &q->items);
	pthread_mutex_unlock(&q->lock);
	while ((it = STAILQ_FIRST(&batch)) != NULL) {
		STAILQ_REMOVE_HEAD(&batch, next);
		if (!it->sync) {
			it->fn(app, it->arg);
			free(it);
			continue;
		}
		pthread_mutex_lock(&q->lock);
		if (it->state == ITEM_ABANDONED) {
			pthread_mutex_unlock(&q->lock);
			free(it);
			continue;
		}
		it->state = ITEM_RUNNING;
		pthread_mutex_unlock(&q->lock);
		it->fn(app, it->arg);
		pthread_mutex_lock(&q->lock);
		it->state = ITEM_DONE;
		pthread_cond_broadcast(&q->done);
		pthread_mutex_unlock(&q->lock);
	}
}
