/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_APP_CTL_SERVER_H
#define MV_APP_CTL_SERVER_H

/*
 * The control socket (docs/control-api.md): a SOCK_STREAM unix socket whose
 * clients send length-prefixed JSON requests that run one line of the
 * shell's grammar through app_exec(), or subscribe to the event log
 * (`monitor`). Control thread only; never blocks it.
 */
#include <jansson.h>

struct app;

/** Default directory of the socket: <dir>/<EAL file prefix>.sock. */
#define APP_CTL_SOCKET_DIR "/run/dpdk-macvlan"
/** A client whose unsent output exceeds this is disconnected. */
#define APP_CTL_MAX_BACKLOG (64u << 20)
/** Clients at once; more are refused (accepted and closed). */
#define APP_CTL_MAX_CLIENTS 1024

/**
 * Create the socket before anything else (before EAL): @p path (NULL: the
 * default for @p file_prefix; "none": no socket), mode 0660, group @p group
 * (NULL: the creator's). A socket a live instance answers on is an error
 * (message printed); a stale one is replaced. 0 or -errno.
 */
int app_ctl_server_open(struct app *app, const char *path, const char *group,
			const char *file_prefix);
/** Register the listening fd with the control loop. */
int app_ctl_server_attach(struct app *app);
/** The loop ends: close every client, deregister the listening fd. */
void app_ctl_server_detach(struct app *app);
/** Free the clients closed since the last call (after a batch of epoll events). */
void app_ctl_server_reap(struct app *app);
/** Send {"version":1,"event":@p event} to every monitor client. */
void app_ctl_server_publish(struct app *app, json_t *event);
/** Close everything and remove the socket file. */
void app_ctl_server_close(struct app *app);

#endif /* MV_APP_CTL_SERVER_H */
