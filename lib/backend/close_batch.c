/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Batched releases (mv_backend_batch_begin/end). Closing a TAP's fd deletes
 * its netdev, and the kernel waits for a grace period (about 17 ms here) in
 * each: 1000 TAPs closed one by one take 17 s. Closed from several threads
 * at once, the waits overlap. Only where nothing depends on the order or on
 * the name being free at once (the program's teardown): at runtime a vif's
 * TAP is closed at once, so its name can be reused by the next command.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "mv_backend.h"
#include "mv_log.h"

#define CLOSE_THREADS 16

static struct {
	bool on;
	int *fds;
	unsigned int n, cap;
	unsigned int next; /* atomic: the next fd a thread closes */
} batch;

void
mv_backend_batch_begin(void)
{
	batch.on = true;
}

void
mv_backend_close_fd(int fd)
{
	if (fd < 0)
		return;
	if (batch.on && batch.n == batch.cap) {
		unsigned int cap = batch.cap != 0 ? batch.cap * 2 : 256;
		int *f = realloc(batch.fds, cap * sizeof(*f));

		if (f != NULL) {
			batch.fds = f;
			batch.cap = cap;
		}
	}
	if (!batch.on || batch.n == batch.cap) {
		close(fd);
		return;
	}
	batch.fds[batch.n++] = fd;
}

static void *
closer(void *arg)
{
	unsigned int i;

	(void)arg;
	while ((i = __atomic_fetch_add(&batch.next, 1, __ATOMIC_RELAXED)) < batch.n)
		close(batch.fds[i]);
	return NULL;
}

void
mv_backend_batch_end(void)
{
	pthread_t t[CLOSE_THREADS];
	unsigned int n_threads = 0;

	batch.on = false;
	batch.next = 0;
	/* one thread per 16 fds, at most CLOSE_THREADS; the caller's is one of them */
	for (unsigned int want = batch.n / 16; n_threads < want && n_threads < CLOSE_THREADS;
	     n_threads++)
		if (pthread_create(&t[n_threads], NULL, closer, NULL) != 0)
			break;
	closer(NULL);
	for (unsigned int i = 0; i < n_threads; i++)
		pthread_join(t[i], NULL);
	if (batch.n > 0)
		MV_LOG(DEBUG, backend, "%u backend fds closed by %u threads", batch.n,
		       n_threads + 1);
	free(batch.fds);
	batch.fds = NULL;
	batch.n = batch.cap = 0;
}
