/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_APP_SHELL_ASYNC_H
#define MV_APP_SHELL_ASYNC_H

/*
 * Output above the line being typed at the terminal (shell_async.c). Control
 * thread only, except that stderr and the log stream may be written from any
 * thread once it is open.
 */
#include <stdbool.h>

struct rdline;

/** At a terminal: stderr and the log stream print above @p rdl's line. 0 or -errno. */
int app_shell_async_open(struct rdline *rdl);
void app_shell_async_close(void);
/** While a command runs (@p on): its output follows its line as it comes. */
void app_shell_async_passthrough(bool on);
/** Around the control thread's own output on stdout (periodic stats): above the line. */
void app_shell_above_begin(void);
void app_shell_above_end(void);
/** Redraw the line if another thread printed over it. */
void app_shell_async_poll(void);

#endif /* MV_APP_SHELL_ASYNC_H */
