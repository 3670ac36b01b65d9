/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Output that comes while a line is being typed at the terminal (periodic
 * stats, log lines, events from other threads) goes above that line: the
 * line is cleared, the output printed, then the prompt and what was typed
 * are drawn again (rdline_redisplay). Nothing lands after the prompt.
 *
 * stderr and DPDK's log stream become one line-buffered stream whose writer
 * does that, from any thread; only the control thread, which owns the line
 * editor, redraws, so another thread's output leaves a redraw pending for
 * the control loop's next turn (at most one tick, APP_TICK_MS, later).
 * While a command runs (its output follows the line that ran it) and while
 * the shell prints its own completions, output passes through unchanged.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmdline_rdline.h>
#include <rte_log.h>

#include "shell_async.h"

#define CLEAR_LINE "\r\033[K"

static struct {
	struct rdline *rdl; /* NULL: not at a terminal, output passes through */
	pthread_t control;
	bool passthrough;   /* a command is running: its output follows its line */
	int redraw_pending; /* another thread printed over the line */
	char partial[4096]; /* the start of a line not ended yet */
	size_t len;
	FILE *stream; /* the writer below, as stderr and the log's stream */
	FILE *saved_stderr;
} sa;

static void
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void
redraw(void)
{
	if (pthread_equal(pthread_self(), sa.control))
		rdline_redisplay(sa.rdl);
	else
		__atomic_store_n(&sa.redraw_pending, 1, __ATOMIC_RELEASE);
}

/* The stream's writer (fopencookie); stdio serialises the calls. */
static ssize_t
above_write(void *cookie, const char *buf, size_t size)
{
	size_t end = size;

	(void)cookie;
	if (sa.rdl == NULL || __atomic_load_n(&sa.passthrough, __ATOMIC_ACQUIRE)) {
		write_all(STDERR_FILENO, buf, size);
		return (ssize_t)size;
	}
	/* whole lines go out now; the rest waits for its end */
	while (end > 0 && buf[end - 1] != '\n')
		end--;
	if (end == 0 && sa.len + size < sizeof(sa.partial)) {
		memcpy(sa.partial + sa.len, buf, size);
		sa.len += size;
		return (ssize_t)size;
	}
	if (end == 0)
		end = size; /* a line longer than the buffer: out as it is */
	write_all(STDOUT_FILENO, CLEAR_LINE, strlen(CLEAR_LINE));
	write_all(STDERR_FILENO, sa.partial, sa.len);
	sa.len = 0;
	write_all(STDERR_FILENO, buf, end);
	if (end < size) {
		memcpy(sa.partial, buf + end, size - end);
		sa.len = size - end;
	}
	redraw();
	return (ssize_t)size;
}

int
app_shell_async_open(struct rdline *rdl)
{
	cookie_io_functions_t io = { .write = above_write };

	if (isatty(STDOUT_FILENO) != 1 || isatty(STDERR_FILENO) != 1)
		return 0; /* the output does not share the terminal with the line */
	sa.stream = fopencookie(NULL, "w", io);
	if (sa.stream == NULL)
		return -errno;
	setvbuf(sa.stream, NULL, _IOLBF, 0);
	sa.control = pthread_self();
	sa.saved_stderr = stderr;
	stderr = sa.stream;
	if (rte_openlog_stream(sa.stream) < 0) {
		stderr = sa.saved_stderr;
		fclose(sa.stream);
		sa.stream = NULL;
		return -EINVAL;
	}
	__atomic_store_n(&sa.rdl, rdl, __ATOMIC_RELEASE);
	return 0;
}

void
app_shell_async_close(void)
{
	if (sa.stream == NULL)
		return;
	rte_openlog_stream(sa.saved_stderr);
	stderr = sa.saved_stderr;
	__atomic_store_n(&sa.rdl, NULL, __ATOMIC_RELEASE);
	fflush(sa.stream);
	write_all(STDERR_FILENO, sa.partial, sa.len);
	sa.len = 0;
	fclose(sa.stream);
	sa.stream = NULL;
}

void
app_shell_async_passthrough(bool on)
{
	if (sa.stream != NULL)
		fflush(sa.stream);
	__atomic_store_n(&sa.passthrough, on, __ATOMIC_RELEASE);
}

void
app_shell_above_begin(void)
{
	if (sa.rdl == NULL || sa.passthrough)
		return;
	fflush(stdout);
	write_all(STDOUT_FILENO, CLEAR_LINE, strlen(CLEAR_LINE));
}

void
app_shell_above_end(void)
{
	if (sa.rdl == NULL || sa.passthrough)
		return;
	fflush(stdout);
	rdline_redisplay(sa.rdl);
}

void
app_shell_async_poll(void)
{
	if (sa.rdl != NULL && __atomic_exchange_n(&sa.redraw_pending, 0, __ATOMIC_ACQ_REL))
		rdline_redisplay(sa.rdl);
}
