/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_APP_CTL_CLIENT_H
#define MV_APP_CTL_CLIENT_H

/*
 * Between the control socket's I/O (ctl_server.c) and its requests
 * (ctl_request.c): one client connection.
 */
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct app;
struct app_ctl_client;

/** Queue @p msg as one frame to @p c (false: the client is being closed). */
bool app_ctl_client_send(struct app_ctl_client *c, const json_t *msg);
/** From now on @p c receives every new event. */
void app_ctl_client_subscribe(struct app_ctl_client *c);

/** One request's payload from @p c: run it, send the reply (ctl_request.c). */
void app_ctl_request(struct app *app, struct app_ctl_client *c, const char *msg, size_t len);

#endif /* MV_APP_CTL_CLIENT_H */
