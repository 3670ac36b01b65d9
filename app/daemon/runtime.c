/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The runtime files of the program's EAL prefix. EAL leaves them behind at
 * exit (rte_eal_cleanup unmaps, it does not unlink): the runtime directory
 * (/var/run/dpdk/<prefix>: config, fbarray_*, mp_socket, or empty with
 * --no-shconf) and, on hugepages, the hugepage files (<hugetlbfs>/<prefix>map_N)
 * whose pages then stay taken. The program claims its prefix before EAL
 * starts, by a write lock (fcntl) on a file in that directory
 * (dpdk-macvlan.lock), held for its whole life:
 * a second instance with the same prefix is refused with a clear message
 * instead of sharing (and at its exit, deleting) the first one's files. At
 * exit, after rte_eal_cleanup, what is left under the prefix is removed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime.h"

/* the lock file in the runtime directory, held while the program runs */
#define LOCK_NAME "dpdk-macvlan.lock"

/* EAL's own choice (eal_create_runtime_dir): /var/run as root, else XDG_RUNTIME_DIR or /tmp */
static void
runtime_dir_of(const char *prefix, char *dir, size_t size, char *parent, size_t psize)
{
	const char *base = "/var/run";

	if (getuid() != 0)
		base = getenv("XDG_RUNTIME_DIR") != NULL ? getenv("XDG_RUNTIME_DIR") : "/tmp";
	snprintf(parent, psize, "%s/dpdk", base);
	if ((size_t)snprintf(dir, size, "%s/", parent) < size)
		strncat(dir, prefix, size - strlen(dir) - 1);
}

int
app_runtime_claim(struct app_runtime *rt, const char *prefix, char *err, size_t errlen)
{
	char parent[sizeof(rt->dir)];
	int fd;

	memset(rt, 0, sizeof(*rt));
	rt->fd = -1;
	snprintf(rt->prefix, sizeof(rt->prefix), "%s", prefix);
	runtime_dir_of(prefix, rt->dir, sizeof(rt->dir), parent, sizeof(parent));
	if (mkdir(parent, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "Error: cannot create %s: %s", parent, strerror(errno));
		return -errno;
	}
	if (mkdir(rt->dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "Error: cannot create %s: %s", rt->dir, strerror(errno));
		return -errno;
	}
	/* not the directory itself: EAL's multi-process channel flock()s it while it starts */
	snprintf(rt->lock, sizeof(rt->lock), "%s/", rt->dir);
	strncat(rt->lock, LOCK_NAME, sizeof(rt->lock) - strlen(rt->lock) - 1);
	fd = open(rt->lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "Error: cannot open %s: %s", rt->lock, strerror(errno));
		return -errno;
	}
	/* a POSIX lock: F_GETLK names the holder, and no child (a TAP helper) inherits it */
	if (fcntl(fd, F_SETLK, &(struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET }) < 0) {
		struct flock q = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
		int e = errno;
		pid_t pid = 0;

		if (fcntl(fd, F_GETLK, &q) == 0 && q.l_type != F_UNLCK)
			pid = q.l_pid;
		close(fd);
		if (e == EACCES || e == EAGAIN) {
			/* the words of EAL's own case (eal_errors.c), before EAL is touched */
			snprintf(
				err, errlen,
				"Error: cannot initialise EAL: another DPDK process (pid %d) runs "
				"with "
				"--file-prefix %s (it holds %s): stop it, or give this one another "
				"--file-prefix",
				(int)pid, prefix, rt->lock);
			return -EADDRINUSE;
		}
		snprintf(err, errlen, "Error: cannot lock %s: %s", rt->lock, strerror(e));
		return -e;
	}
	rt->fd = fd;
	return 0;
}

void
app_runtime_note_hugepages(struct app_runtime *rt, bool on)
{
	rt->hugepages = on;
}

/* Remove @p dir's entries (not below), the runtime directory's files. */
static void
empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[PATH_MAX];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
}

/*
 * The prefix's hugepage files in one hugetlbfs directory: <prefix>map_<n>.
 * A file some other process still maps holds a shared lock (EAL's): kept.
 */
static unsigned int
remove_hugefiles(const char *dir, const char *prefix)
{
	char name[128], path[PATH_MAX];
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned int n = 0;
	size_t len;

	if (d == NULL)
		return 0;
	snprintf(name, sizeof(name), "%smap_", prefix);
	len = strlen(name);
	while ((e = readdir(d)) != NULL) {
		int fd;

		if (strncmp(e->d_name, name, len) != 0 ||
		    strspn(e->d_name + len, "0123456789") != strlen(e->d_name + len))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0 && unlink(path) == 0)
			n++;
		close(fd);
	}
	closedir(d);
	return n;
}

void
app_runtime_release(struct app_runtime *rt)
{
	if (rt->fd < 0)
		return;
	if (rt->hugepages) {
		FILE *m = setmntent("/proc/mounts", "r");
		struct mntent *ent;

		while (m != NULL && (ent = getmntent(m)) != NULL)
			if (strcmp(ent->mnt_type, "hugetlbfs") == 0)
				remove_hugefiles(ent->mnt_dir, rt->prefix);
		if (m != NULL)
			endmntent(m);
	}
	/* still locked: no other instance of this prefix can be starting in it */
	empty_dir(rt->dir);
	rmdir(rt->dir);
	close(rt->fd);
	rt->fd = -1;
}
