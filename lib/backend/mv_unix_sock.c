/* SPDX-License-Identifier: BSD-3-Clause */
/* Socket files the program listens on: claimed, owned, moded (mv_unix_sock.h). */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "mv_unix_sock.h"

/* 1: a listener of socket type @p type answers on @p sa; 0: refused; -errno */
static int
probe(const struct sockaddr_un *sa, int type, pid_t *pid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0), ret;

	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0) {
		if (pid != NULL && getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 &&
		    cred.pid > 0)
			*pid = cred.pid;
		ret = 1;
	} else {
		ret = errno == ECONNREFUSED ? 0 : -errno;
	}
	close(fd);
	return ret;
}

int
mv_unix_sock_claim(const char *path, pid_t *holder_pid, char *err, size_t errlen)
{
	static const int types[] = { SOCK_STREAM, SOCK_SEQPACKET, SOCK_DGRAM };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	pid_t pid = 0;
	struct stat st;
	int ret = -EPROTOTYPE;

	if (holder_pid != NULL)
		*holder_pid = 0;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "socket path %s too long (at most %zu characters)", path,
			 sizeof(sa.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		ret = -errno;
		snprintf(err, errlen, "cannot check %s: %s", path, strerror(-ret));
		return ret;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s exists and is not a socket: not replacing it", path);
		return -EEXIST;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	/* a listener of another type answers EPROTOTYPE: try each type */
	for (unsigned int i = 0; i < sizeof(types) / sizeof(types[0]) && ret == -EPROTOTYPE; i++)
		ret = probe(&sa, types[i], &pid);
	if (ret == 1) {
		if (holder_pid != NULL)
			*holder_pid = pid;
		if (pid > 0)
			snprintf(err, errlen, "%s is in use by a live listener (pid %d)", path,
				 (int)pid);
		else
			snprintf(err, errlen, "%s is in use by a live listener", path);
		return -EADDRINUSE;
	}
	if (ret < 0) {
		snprintf(err, errlen, "cannot check %s: %s", path, strerror(-ret));
		return ret;
	}
	if (unlink(path) < 0 && errno != ENOENT) { /* stale: nobody listens */
		ret = -errno;
		snprintf(err, errlen, "cannot remove the stale socket %s: %s", path,
			 strerror(-ret));
		return ret;
	}
	return 0;
}

int
mv_unix_sock_set_owner(const char *path, const char *group, char *err, size_t errlen)
{
	gid_t gid = (gid_t)-1;
	int ret;

	if (group != NULL) {
		struct group *gr = getgrnam(group);
		char *end;
		unsigned long n;

		if (gr != NULL) {
			gid = gr->gr_gid;
		} else {
			errno = 0;
			n = strtoul(group, &end, 10);
			if (group[0] == '\0' || *end != '\0' || errno != 0 || n > 0x7fffffff) {
				snprintf(err, errlen, "no group \"%s\"", group);
				return -ENOENT;
			}
			gid = (gid_t)n;
		}
	}
	if (chown(path, geteuid(), gid) < 0) {
		ret = -errno;
		if (group != NULL)
			snprintf(err, errlen, "cannot give %s to group %s: %s", path, group,
				 strerror(-ret));
		else
			snprintf(err, errlen, "cannot own %s: %s", path, strerror(-ret));
		return ret;
	}
	if (chmod(path, 0660) < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot set the mode of %s: %s", path, strerror(-ret));
		return ret;
	}
	return 0;
}
