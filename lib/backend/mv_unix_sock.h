/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_UNIX_SOCK_H
#define MV_UNIX_SOCK_H

/**
 * @file
 * The rules for the UNIX socket files the program listens on (the control
 * socket, vhost-user and memif sockets): a stale file is replaced, a live
 * listener's is refused, anything else at the path is left alone; the file is
 * mode 0660, owned by the effective user, in a chosen group.
 */
#include <stddef.h>
#include <sys/types.h>

/**
 * Make @p path free to bind: 0 when nothing is there, or a stale socket
 * (nobody listens) was removed. -EADDRINUSE when a live listener answers
 * (of any socket type), -EEXIST when the path is not a socket, another
 * -errno when it cannot be checked; then one line in @p err ("... is in use
 * by a live listener (pid N)"), and nothing is touched. A check connects
 * and closes at once: a live listener sees one empty connection.
 * @p holder_pid: the listener's pid when known (else 0); may be NULL.
 */
int mv_unix_sock_claim(const char *path, pid_t *holder_pid, char *err, size_t errlen);

/**
 * Give @p path mode 0660, the effective user as owner and group @p group
 * (a name or a number; NULL: the group stays). 0, or -errno with one line
 * in @p err (-ENOENT: no such group).
 */
int mv_unix_sock_set_owner(const char *path, const char *group, char *err, size_t errlen);

#endif /* MV_UNIX_SOCK_H */
