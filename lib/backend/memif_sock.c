/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The memif backend's sockets and its thread (memif_priv.h).
 *
 * Sockets by path: the first server-role vif that names a path creates the
 * listening SOCK_SEQPACKET socket there (a stale file replaced, a live
 * listener's refused, mode 0660 and the group), the others join it, told
 * apart by id; the last one removes it. Client-role vifs connect to the
 * peer's socket one connection each and try again every MEMIF_RECONNECT_MS
 * while they have no peer.
 *
 * The memif thread ("mv-memif") waits on every listening socket and
 * connection with one epoll set and does all their I/O; epoll carries a
 * handle (slot and generation), never a pointer, so that an event for a
 * connection closed meanwhile finds nothing. It takes memif_lock for each
 * batch of events; the control thread takes it to attach and detach vifs.
 * An accepted connection has MEMIF_INIT_TIMEOUT_MS to send its INIT, and a
 * socket holds at most MEMIF_MAX_PENDING such connections.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "memif_priv.h"
#include "mv_log.h"
#include "mv_unix_sock.h"

#define MEMIF_MAX_HANDLES 4096
#define MEMIF_MAX_FDS     4 /* fds accepted with one message (one is used) */

enum handle_kind { H_FREE = 0, H_WAKE, H_LISTEN, H_CONN };

pthread_mutex_t memif_lock = PTHREAD_MUTEX_INITIALIZER;

static struct {
	TAILQ_HEAD(, memif_socket) sockets;
	struct {
		uint32_t gen;
		uint8_t kind;
		void *obj;
	} h[MEMIF_MAX_HANDLES];
	int epfd;
	int wake_fd;
	unsigned int n_vifs;
	bool running;
	bool stop;
	pthread_t thread;
} M = { .sockets = TAILQ_HEAD_INITIALIZER(M.sockets), .epfd = -1, .wake_fd = -1 };

uint64_t
memif_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- handles ---- */

static int
handle_add(int fd, enum handle_kind kind, void *obj, uint32_t *out)
{
	struct epoll_event ev = { .events = EPOLLIN };

	for (uint32_t i = 1; i < MEMIF_MAX_HANDLES; i++) {
		if (M.h[i].kind != H_FREE)
			continue;
		M.h[i].gen++;
		ev.data.u64 = (uint64_t)M.h[i].gen << 32 | i;
		if (epoll_ctl(M.epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
			return -errno;
		M.h[i].kind = (uint8_t)kind;
		M.h[i].obj = obj;
		*out = i;
		return 0;
	}
	return -EMFILE;
}

/* A connection on @p fd (accepted for @p sock, or ours to vif @p mb), watched; NULL: fd closed. */
static struct memif_conn *
conn_open(int fd, struct memif_socket *sock, struct memif_backend *mb)
{
	struct memif_conn *c = memif_conn_new(fd, sock, mb);

	if (c == NULL || handle_add(fd, H_CONN, c, &c->handle) < 0) {
		close(fd);
		if (c != NULL)
			memif_conn_free_fds(c);
		free(c);
		return NULL;
	}
	return c;
}

static void
handle_del(uint32_t i, int fd)
{
	epoll_ctl(M.epfd, EPOLL_CTL_DEL, fd, NULL);
	M.h[i].kind = H_FREE;
	M.h[i].obj = NULL;
}

void
memif_thread_kick(void)
{
	uint64_t one = 1;

	if (M.wake_fd >= 0 && write(M.wake_fd, &one, sizeof(one)) < 0)
		MV_LOG(DEBUG, backend, "memif: cannot wake the memif thread: %s", strerror(errno));
}

/* ---- connections ---- */

int
memif_conn_send(struct memif_conn *c, const struct mv_memif_msg *m, int fd)
{
	uint8_t buf[MV_MEMIF_MSG_SIZE];
	char ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	mv_memif_msg_encode(m, buf);
	if (fd >= 0) {
		struct cmsghdr *cm;

		memset(ctl, 0, sizeof(ctl));
		mh.msg_control = ctl;
		mh.msg_controllen = sizeof(ctl);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	if (sendmsg(c->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)sizeof(buf))
		return -errno;
	return 0;
}

void
memif_conn_close(struct memif_conn *c, const char *reason)
{
	struct memif_backend *mb = c->vif;

	if (reason != NULL) {
		struct mv_memif_msg m;

		mv_memif_msg_disconnect(&m, 0, reason);
		memif_conn_send(c, &m, -1);
	}
	if (mb != NULL && mb->conn == c) {
		memif_vif_disconnect(mb, reason);
		mb->conn = NULL;
		if (mb->client)
			mb->next_try_ms = memif_now_ms() + MEMIF_RECONNECT_MS;
	} else if (c->sock != NULL) {
		c->sock->n_pending--;
	}
	handle_del(c->handle, c->fd);
	close(c->fd);
	memif_conn_free_fds(c);
	free(c);
}

/* Read what @p c has (a bounded number of messages); close it when it ends or errs. */
static void
conn_readable(struct memif_conn *c)
{
	for (unsigned int k = 0; k < 16; k++) {
		uint8_t buf[MV_MEMIF_MSG_SIZE];
		char ctl[CMSG_SPACE(MEMIF_MAX_FDS * sizeof(int))];
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr mh = {
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = ctl,
			.msg_controllen = sizeof(ctl),
		};
		struct mv_memif_msg m;
		char err[MV_MEMIF_REASON_SIZE];
		int fd = -1;
		ssize_t n;

		n = recvmsg(c->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			if (c->vif != NULL)
				snprintf(c->vif->last_error, sizeof(c->vif->last_error),
					 "peer closed the connection");
			memif_conn_close(c, NULL);
			return;
		}
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm != NULL;
		     cm = CMSG_NXTHDR(&mh, cm)) {
			size_t nfd;

			if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
				continue;
			nfd = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (size_t i = 0; i < nfd; i++) {
				int f;

				memcpy(&f, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
				if (fd < 0)
					fd = f;
				else
					close(f); /* one fd per message: the rest are not ours */
			}
		}
		if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
			snprintf(err, sizeof(err), "Invalid message size");
			n = -1;
		} else if (mv_memif_msg_decode(buf, (size_t)n, &m, err, sizeof(err)) < 0) {
			n = -1;
		}
		if (n < 0) {
			if (fd >= 0)
				close(fd);
			if (c->vif != NULL) {
				snprintf(c->vif->last_error, sizeof(c->vif->last_error), "%s", err);
				c->vif->refused++;
			}
			MV_LOG(NOTICE, backend, "memif: closing a connection: %s", err);
			memif_conn_close(c, err);
			return;
		}
		if (memif_conn_handle(c, &m, fd) < 0)
			return; /* closed */
	}
}

static void
listener_readable(struct memif_socket *s)
{
	for (;;) {
		int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct memif_conn *c;

		if (fd < 0)
			return;
		if (s->n_pending >= MEMIF_MAX_PENDING) {
			MV_LOG(WARNING, backend, "memif: %s: too many connections without an INIT",
			       s->path);
			close(fd);
			continue;
		}
		c = conn_open(fd, s, NULL);
		if (c == NULL)
			continue;
		s->n_pending++;
		c->accepted_ms = memif_now_ms();
		memif_conn_hello(c);
	}
}

/* client-role vifs without a peer: try the peer's socket again */
static void
clients_connect(uint64_t now)
{
	struct memif_socket *s;
	struct memif_backend *mb;

	TAILQ_FOREACH (s, &M.sockets, next) {
		if (s->server)
			continue;
		TAILQ_FOREACH (mb, &s->vifs, next) {
			struct sockaddr_un sa = { .sun_family = AF_UNIX };
			struct memif_conn *c;
			int fd;

			if (mb->conn != NULL || now < mb->next_try_ms)
				continue;
			mb->next_try_ms = now + MEMIF_RECONNECT_MS;
			fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
			if (fd < 0)
				continue;
			memcpy(sa.sun_path, s->path, strlen(s->path) + 1);
			if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
				snprintf(mb->last_error, sizeof(mb->last_error),
					 "cannot connect to %s: %s", s->path, strerror(errno));
				close(fd);
				continue;
			}
			c = conn_open(fd, NULL, mb);
			if (c == NULL)
				continue;
			mb->conn = c;
		}
	}
}

/* accepted connections that sent no INIT in time: they hold fds and a pending slot */
static void
pending_expire(uint64_t now)
{
	for (uint32_t i = 1; i < MEMIF_MAX_HANDLES; i++) {
		struct memif_conn *c = M.h[i].obj;

		if (M.h[i].kind == H_CONN && c->sock != NULL && c->vif == NULL &&
		    now - c->accepted_ms > MEMIF_INIT_TIMEOUT_MS) {
			MV_LOG(NOTICE, backend, "memif: %s: no INIT in time, closing",
			       c->sock->path);
			memif_conn_close(c, "Timeout waiting for INIT");
		}
	}
}

static void *
memif_thread(void *arg)
{
	(void)arg;
	for (;;) {
		struct epoll_event ev[32];
		int n = epoll_wait(M.epfd, ev, 32, 100);

		pthread_mutex_lock(&memif_lock);
		if (M.stop) {
			pthread_mutex_unlock(&memif_lock);
			return NULL;
		}
		for (int i = 0; i < n; i++) {
			uint32_t idx = (uint32_t)ev[i].data.u64;
			uint32_t gen = (uint32_t)(ev[i].data.u64 >> 32);
			uint64_t v;

			if (idx >= MEMIF_MAX_HANDLES || M.h[idx].gen != gen)
				continue; /* closed since */
			switch (M.h[idx].kind) {
			case H_WAKE:
				if (read(M.wake_fd, &v, sizeof(v)) < 0)
					break;
				break;
			case H_LISTEN:
				listener_readable(M.h[idx].obj);
				break;
			case H_CONN:
				conn_readable(M.h[idx].obj);
				break;
			default:
				break;
			}
		}
		clients_connect(memif_now_ms());
		pending_expire(memif_now_ms());
		pthread_mutex_unlock(&memif_lock);
	}
}

/* under memif_lock */
static int
thread_start(char *err, size_t errlen)
{
	uint32_t h;
	int ret;

	if (M.running)
		return 0;
	M.epfd = epoll_create1(EPOLL_CLOEXEC);
	M.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (M.epfd < 0 || M.wake_fd < 0 || handle_add(M.wake_fd, H_WAKE, NULL, &h) < 0) {
		ret = -errno;
		goto fail;
	}
	M.stop = false;
	ret = -pthread_create(&M.thread, NULL, memif_thread, NULL);
	if (ret < 0)
		goto fail;
	pthread_setname_np(M.thread, "mv-memif");
	M.running = true;
	return 0;
fail:
	snprintf(err, errlen, "memif backend: cannot start its thread: %s", strerror(-ret));
	if (M.epfd >= 0)
		close(M.epfd);
	if (M.wake_fd >= 0)
		close(M.wake_fd);
	M.epfd = M.wake_fd = -1;
	memset(M.h, 0, sizeof(M.h));
	return ret;
}

/* ---- sockets ---- */

static int
listen_on(struct memif_socket *s, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int ret;

	ret = mv_unix_sock_claim(s->path, NULL, err, errlen);
	if (ret < 0)
		return ret;
	s->listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->listen_fd < 0)
		goto fail;
	memcpy(sa.sun_path, s->path, strlen(s->path) + 1);
	if (bind(s->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	if (listen(s->listen_fd, 128) < 0)
		goto fail_unlink;
	ret = mv_unix_sock_set_owner(s->path, s->group[0] != '\0' ? s->group : NULL, err, errlen);
	if (ret < 0)
		goto fail_quiet;
	ret = handle_add(s->listen_fd, H_LISTEN, s, &s->handle);
	if (ret < 0) {
		errno = -ret;
		goto fail_unlink;
	}
	return 0;
fail_unlink:
	ret = -errno;
	snprintf(err, errlen, "memif socket %s: %s", s->path, strerror(errno));
fail_quiet:
	unlink(s->path);
	close(s->listen_fd);
	s->listen_fd = -1;
	return ret;
fail:
	ret = -errno;
	snprintf(err, errlen, "memif socket %s: %s", s->path, strerror(errno));
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	s->listen_fd = -1;
	return ret;
}

static void
socket_free(struct memif_socket *s)
{
	for (uint32_t i = 1; i < MEMIF_MAX_HANDLES; i++) {
		struct memif_conn *c = M.h[i].obj;

		if (M.h[i].kind == H_CONN && c->sock == s)
			memif_conn_close(c, "Socket closed");
	}
	if (s->listen_fd >= 0) {
		handle_del(s->handle, s->listen_fd);
		close(s->listen_fd);
		unlink(s->path);
	}
	TAILQ_REMOVE(&M.sockets, s, next);
	free(s);
}

int
memif_socket_attach(struct memif_backend *mb, const char *path, const char *group, char *err,
		    size_t errlen)
{
	struct memif_socket *s;
	struct memif_backend *o;
	int ret;

	pthread_mutex_lock(&memif_lock);
	ret = thread_start(err, errlen);
	if (ret < 0)
		goto out;
	TAILQ_FOREACH (s, &M.sockets, next)
		if (strcmp(s->path, path) == 0)
			break;
	if (s != NULL) {
		ret = -EINVAL;
		if (s->server == mb->client) {
			snprintf(err, errlen, "memif socket %s is used by role %s vifs", path,
				 s->server ? "server" : "client");
			goto out;
		}
		if (group != NULL && strcmp(group, s->group) != 0) {
			snprintf(err, errlen, "memif socket %s has group \"%s\", not \"%s\"", path,
				 s->group, group);
			goto out;
		}
		TAILQ_FOREACH (o, &s->vifs, next)
			if (o->id == mb->id) {
				snprintf(err, errlen, "memif id %u on %s is taken by %s", mb->id,
					 path, o->vif_name);
				ret = -EEXIST;
				goto out;
			}
	} else {
		ret = -ENOMEM;
		s = calloc(1, sizeof(*s));
		if (s == NULL) {
			snprintf(err, errlen, "memif backend: out of memory");
			goto out;
		}
		snprintf(s->path, sizeof(s->path), "%s", path);
		snprintf(s->group, sizeof(s->group), "%s", group != NULL ? group : "");
		s->server = !mb->client;
		s->listen_fd = -1;
		TAILQ_INIT(&s->vifs);
		if (s->server && (ret = listen_on(s, err, errlen)) < 0) {
			free(s);
			goto out;
		}
		TAILQ_INSERT_TAIL(&M.sockets, s, next);
	}
	TAILQ_INSERT_TAIL(&s->vifs, mb, next);
	s->n_vifs++;
	M.n_vifs++;
	mb->sock = s;
	ret = 0;
out:
	pthread_mutex_unlock(&memif_lock);
	if (ret == 0 && mb->client)
		memif_thread_kick();
	return ret;
}

void
memif_socket_detach(struct memif_backend *mb)
{
	struct memif_socket *s;
	bool join = false;

	pthread_mutex_lock(&memif_lock);
	s = mb->sock;
	if (mb->conn != NULL)
		memif_conn_close(mb->conn, "Interface deleted");
	if (s != NULL) {
		TAILQ_REMOVE(&s->vifs, mb, next);
		mb->sock = NULL;
		M.n_vifs--;
		if (--s->n_vifs == 0)
			socket_free(s);
	}
	if (M.n_vifs == 0 && M.running) {
		M.stop = true;
		join = true;
	}
	pthread_mutex_unlock(&memif_lock);
	if (!join)
		return;
	memif_thread_kick();
	pthread_join(M.thread, NULL);
	pthread_mutex_lock(&memif_lock);
	if (M.n_vifs == 0) { /* no attach came in between */
		close(M.epfd);
		close(M.wake_fd);
		M.epfd = M.wake_fd = -1;
		memset(M.h, 0, sizeof(M.h));
		M.running = false;
	}
	pthread_mutex_unlock(&memif_lock);
}
