/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One memif control connection's messages (memif_priv.h): the protocol
 * layer (lib/memif) decides each step; here are its effects: binding an
 * accepted connection to the vif of its id, keeping the fds the peer sent,
 * allocating (client) or mapping (server) the shared memory, and going live
 * or down. Runs on the memif thread, under memif_lock.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_rcu_qsbr.h>

#include "memif_priv.h"
#include "mv_log.h"

#define MEMIF_APP_NAME "dpdk-macvlan"

static struct memif_backend *
sock_vif(struct memif_socket *s, uint32_t id)
{
	struct memif_backend *mb;

	TAILQ_FOREACH (mb, &s->vifs, next)
		if (mb->id == id)
			return mb;
	return NULL;
}

static enum mv_memif_lookup
sock_lookup(void *ctx, uint32_t id, const char **secret)
{
	struct memif_backend *mb = sock_vif(ctx, id);

	if (mb == NULL)
		return MV_MEMIF_LOOKUP_NOT_FOUND;
	if (mb->conn != NULL)
		return MV_MEMIF_LOOKUP_BUSY;
	*secret = mb->secret;
	return MV_MEMIF_LOOKUP_OK;
}

struct memif_conn *
memif_conn_new(int fd, struct memif_socket *sock, struct memif_backend *vif)
{
	struct memif_conn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->fd = fd;
	c->sock = sock;
	c->vif = vif;
	for (unsigned int i = 0; i < MV_MEMIF_MAX_REGIONS; i++)
		c->region_fd[i] = -1;
	c->ring_fd[0] = c->ring_fd[1] = -1;
	if (vif != NULL) { /* client: what we ask the peer for */
		c->proto.id = vif->id;
		snprintf(c->proto.secret, sizeof(c->proto.secret), "%s", vif->secret);
		c->proto.want_log2_ring_size = MEMIF_CLIENT_LOG2_RING;
		c->proto.buffer_size = MEMIF_CLIENT_BUFFER_SIZE;
		snprintf(c->proto.name, sizeof(c->proto.name), "%s", MEMIF_APP_NAME);
		snprintf(c->proto.if_name, sizeof(c->proto.if_name), "%s", vif->vif_name);
		mv_memif_conn_init_client(&c->proto);
	} else {
		c->proto.lookup = sock_lookup;
		c->proto.lookup_ctx = sock;
	}
	return c;
}

void
memif_conn_hello(struct memif_conn *c)
{
	struct mv_memif_msg hello;

	mv_memif_conn_init_server(&c->proto, MEMIF_APP_NAME, &hello);
	if (memif_conn_send(c, &hello, -1) < 0)
		memif_conn_close(c, NULL);
}

void
memif_conn_free_fds(struct memif_conn *c)
{
	for (unsigned int i = 0; i < MV_MEMIF_MAX_REGIONS; i++)
		if (c->region_fd[i] >= 0)
			close(c->region_fd[i]);
	for (unsigned int d = 0; d < 2; d++)
		if (c->ring_fd[d] >= 0)
			close(c->ring_fd[d]);
	memif_rings_free(c->rings);
	c->rings = NULL;
}

void
memif_vif_disconnect(struct memif_backend *mb, const char *why)
{
	if (why != NULL)
		snprintf(mb->last_error, sizeof(mb->last_error), "%s", why);
	if (!__atomic_load_n(&mb->ready, __ATOMIC_RELAXED))
		return;
	/* workers stop using the rings before the memory goes (memif_conn_close frees it) */
	__atomic_store_n(&mb->ready, 0, __ATOMIC_RELEASE);
	if (mb->qsbr != NULL)
		rte_rcu_qsbr_synchronize(mb->qsbr, RTE_QSBR_THRID_INVALID);
	mb->rings = NULL;
	mb->disconnects++;
	MV_LOG(INFO, backend, "%s: memif peer %s gone (%s)", mb->vif_name, mb->peer_name,
	       mb->last_error);
	if (mb->notify != NULL)
		mb->notify(mb->notify_ctx);
}

/* the fd a reply carries */
static int
reply_fd(const struct memif_conn *c, uint8_t which)
{
	if (c->rings == NULL)
		return -1;
	switch (which) {
	case MV_MEMIF_FD_REGION0:
		return c->rings->region[0].fd;
	case MV_MEMIF_FD_RING_C2S:
		return c->rings->intr_fd[MV_MEMIF_C2S];
	case MV_MEMIF_FD_RING_S2C:
		return c->rings->intr_fd[MV_MEMIF_S2C];
	default:
		return -1;
	}
}

/* the step's event, done: 0, or the reason it could not be (a DISCONNECT follows) */
static const char *
step_effect(struct memif_conn *c, struct mv_memif_step *st, int *fd, char *err, size_t errlen)
{
	switch (st->event) {
	case MV_MEMIF_EV_BOUND:
		c->vif = sock_vif(c->sock, c->proto.bound_id);
		c->vif->conn = c;
		c->sock->n_pending--;
		snprintf(c->vif->peer_name, sizeof(c->vif->peer_name), "%s", c->proto.peer_name);
		snprintf(c->proto.if_name, sizeof(c->proto.if_name), "%s", c->vif->vif_name);
		break;
	case MV_MEMIF_EV_REGION:
		if (memif_region_check(*fd, c->proto.region_size[st->index], st->index, err,
				       errlen) < 0)
			return err;
		c->region_fd[st->index] = *fd;
		*fd = -1;
		break;
	case MV_MEMIF_EV_RING:
		c->ring_fd[st->dir] = *fd;
		*fd = -1;
		break;
	case MV_MEMIF_EV_ALLOCATE:
		snprintf(c->vif->peer_name, sizeof(c->vif->peer_name), "%s", c->proto.peer_name);
		if (memif_rings_alloc(c, err, errlen) < 0)
			return err;
		break;
	case MV_MEMIF_EV_CONNECTED:
		if (c->rings == NULL && memif_rings_map(c, err, errlen) < 0)
			return err;
		snprintf(c->vif->peer_if_name, sizeof(c->vif->peer_if_name), "%s",
			 c->proto.peer_if_name);
		break;
	default:
		break;
	}
	return NULL;
}

int
memif_conn_handle(struct memif_conn *c, const struct mv_memif_msg *m, int fd)
{
	struct memif_backend *mb;
	struct mv_memif_step st;
	char err[MV_MEMIF_REASON_SIZE];
	const char *fail;

	mv_memif_conn_step(&c->proto, m, fd >= 0, &st);
	fail = step_effect(c, &st, &fd, err, sizeof(err));
	if (fd >= 0)
		close(fd); /* an fd the step had no use for */
	if (fail != NULL)
		mv_memif_conn_fail(&c->proto, &st, fail);
	mb = c->vif;
	if (st.event == MV_MEMIF_EV_CLOSE || st.event == MV_MEMIF_EV_ERROR) {
		if (mb != NULL) {
			snprintf(mb->last_error, sizeof(mb->last_error), "%s%s",
				 st.event == MV_MEMIF_EV_CLOSE ? "peer: " : "", st.err);
			mb->refused += st.event == MV_MEMIF_EV_ERROR;
		}
		MV_LOG(NOTICE, backend, "%s: memif connection closed: %s",
		       mb != NULL ? mb->vif_name : c->sock->path, st.err);
		memif_conn_close(c,
				 st.event == MV_MEMIF_EV_ERROR ? st.out.disconnect.reason : NULL);
		return -1;
	}
	if (st.reply && memif_conn_send(c, &st.out, reply_fd(c, st.reply_fd)) < 0) {
		memif_conn_close(c, NULL);
		return -1;
	}
	if (st.event == MV_MEMIF_EV_CONNECTED) {
		memif_rings_start(mb, c->rings);
		mb->connects++;
		mb->last_error[0] = '\0';
		MV_LOG(INFO, backend, "%s: memif peer %s (%s) connected, id %u, %u slots",
		       mb->vif_name, mb->peer_name, mb->peer_if_name, mb->id,
		       c->rings->size[c->rings->rx_dir]);
		if (mb->notify != NULL)
			mb->notify(mb->notify_ctx);
	}
	return 0;
}
