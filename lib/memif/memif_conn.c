/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One memif control connection as a pure state machine (mv_memif_msg.h):
 * every message is checked against the state and against what was settled
 * so far; anything else ends the connection with a DISCONNECT that says why.
 * Each side serves one C2S and one S2C ring (index 0).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mv_memif_msg.h"

int
mv_memif_layout_init(struct mv_memif_layout *l, uint8_t log2_ring_size, uint32_t buffer_size)
{
	uint64_t n;

	memset(l, 0, sizeof(*l));
	if (log2_ring_size < 1 || log2_ring_size > MV_MEMIF_MAX_LOG2_RING || buffer_size < 64 ||
	    buffer_size > 65535)
		return -EINVAL;
	n = 1ull << log2_ring_size;
	l->log2_ring_size = log2_ring_size;
	l->buffer_size = buffer_size;
	l->ring_bytes = (uint32_t)(MV_MEMIF_RING_DESC_OFF + n * MV_MEMIF_DESC_SIZE);
	l->ring_offset[MV_MEMIF_C2S] = 0;
	l->ring_offset[MV_MEMIF_S2C] = l->ring_bytes;
	l->buffers_offset = 2 * l->ring_bytes;
	l->region_size = l->buffers_offset + 2 * n * buffer_size;
	if (l->region_size > UINT32_MAX)
		return -EINVAL;
	return 0;
}

static void
set_name(char *dst, const char *src)
{
	snprintf(dst, MV_MEMIF_NAME_SIZE + 1, "%s", src != NULL ? src : "");
}

void
mv_memif_conn_init_server(struct mv_memif_conn *c, const char *name, struct mv_memif_msg *hello)
{
	c->role = 0;
	c->state = MV_MEMIF_ST_WAIT_INIT;
	c->n_regions = 0;
	memset(c->ring, 0, sizeof(c->ring));
	set_name(c->name, name);
	c->peer_name[0] = c->peer_if_name[0] = '\0';
	memset(hello, 0, sizeof(*hello));
	hello->type = MV_MEMIF_MSG_HELLO;
	set_name(hello->hello.name, name);
	hello->hello.min_version = MV_MEMIF_VERSION;
	hello->hello.max_version = MV_MEMIF_VERSION;
	hello->hello.max_region = MV_MEMIF_MAX_REGIONS - 1;
	hello->hello.max_c2s_ring = 0;
	hello->hello.max_s2c_ring = 0;
	hello->hello.max_log2_ring_size = MV_MEMIF_MAX_LOG2_RING;
}

void
mv_memif_conn_init_client(struct mv_memif_conn *c)
{
	c->role = 1;
	c->state = MV_MEMIF_ST_WAIT_HELLO;
	c->n_regions = 0;
	c->next_send = 0;
	memset(c->ring, 0, sizeof(c->ring));
	c->peer_name[0] = c->peer_if_name[0] = '\0';
}

static int fail(struct mv_memif_conn *c, struct mv_memif_step *st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
fail(struct mv_memif_conn *c, struct mv_memif_step *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->err, sizeof(st->err), fmt, ap);
	va_end(ap);
	mv_memif_msg_disconnect(&st->out, 0, st->err);
	st->reply = true;
	st->reply_fd = MV_MEMIF_FD_NONE;
	st->event = MV_MEMIF_EV_ERROR;
	c->state = MV_MEMIF_ST_CLOSED;
	return st->event;
}

void
mv_memif_conn_fail(struct mv_memif_conn *c, struct mv_memif_step *st, const char *reason)
{
	fail(c, st, "%s", reason);
}

static int
ok(struct mv_memif_step *st, int event, int reply_type)
{
	st->event = (uint8_t)event;
	if (reply_type != MV_MEMIF_MSG_NONE) {
		memset(&st->out, 0, sizeof(st->out));
		st->out.type = (uint16_t)reply_type;
		st->reply = true;
	}
	return event;
}

/* ---- server ---- */

static int
server_init(struct mv_memif_conn *c, const struct mv_memif_msg *in, struct mv_memif_step *st)
{
	const char *secret = "";

	if (in->init.version != MV_MEMIF_VERSION)
		return fail(c, st, "Incompatible memif version %#x", in->init.version);
	if (in->init.mode != 0)
		return fail(c, st, "Only ethernet mode supported (mode %u)", in->init.mode);
	switch (c->lookup != NULL ? c->lookup(c->lookup_ctx, in->init.id, &secret)
				  : MV_MEMIF_LOOKUP_NOT_FOUND) {
	case MV_MEMIF_LOOKUP_OK:
		break;
	case MV_MEMIF_LOOKUP_BUSY:
		return fail(c, st, "Already connected (id %u)", in->init.id);
	default:
		return fail(c, st, "ID not found (id %u)", in->init.id);
	}
	if (secret != NULL && secret[0] != '\0') {
		if (in->init.secret[0] == '\0')
			return fail(c, st, "Secret required");
		if (strncmp(secret, in->init.secret, MV_MEMIF_SECRET_SIZE) != 0)
			return fail(c, st, "Incorrect secret");
	}
	c->bound_id = in->init.id;
	set_name(c->peer_name, in->init.name);
	c->state = MV_MEMIF_ST_SETUP;
	return ok(st, MV_MEMIF_EV_BOUND, MV_MEMIF_MSG_ACK);
}

static int
server_region(struct mv_memif_conn *c, const struct mv_memif_msg *in, bool has_fd,
	      struct mv_memif_step *st)
{
	uint16_t idx = in->add_region.index;

	if (!has_fd)
		return fail(c, st, "Missing region fd");
	if (idx >= MV_MEMIF_MAX_REGIONS || idx != c->n_regions)
		return fail(c, st, "Invalid region index %u", idx);
	if (in->add_region.size == 0 || in->add_region.size > MV_MEMIF_MAX_REGION_SIZE)
		return fail(c, st, "Invalid region size (region %u)", idx);
	c->region_size[idx] = in->add_region.size;
	c->n_regions++;
	st->index = idx;
	return ok(st, MV_MEMIF_EV_REGION, MV_MEMIF_MSG_ACK);
}

static int
server_ring(struct mv_memif_conn *c, const struct mv_memif_msg *in, bool has_fd,
	    struct mv_memif_step *st)
{
	const unsigned int dir =
		(in->add_ring.flags & MV_MEMIF_ADD_RING_FLAG_C2S) ? MV_MEMIF_C2S : MV_MEMIF_S2C;
	uint8_t log2 = in->add_ring.log2_ring_size;
	uint64_t end;

	if (!has_fd)
		return fail(c, st, "Missing interrupt fd");
	if (in->add_ring.index != 0 || c->ring[dir].added)
		return fail(c, st, "Invalid ring index %u", in->add_ring.index);
	if (in->add_ring.region >= c->n_regions)
		return fail(c, st, "Invalid ring region %u", in->add_ring.region);
	if (log2 < 1 || log2 > MV_MEMIF_MAX_LOG2_RING)
		return fail(c, st, "Invalid ring size (log2 %u)", log2);
	end = (uint64_t)in->add_ring.offset + MV_MEMIF_RING_DESC_OFF +
	      ((uint64_t)MV_MEMIF_DESC_SIZE << log2);
	if (in->add_ring.offset % 16 != 0 || end > c->region_size[in->add_ring.region])
		return fail(c, st, "Ring outside its region (offset %u)", in->add_ring.offset);
	c->ring[dir].added = true;
	c->ring[dir].region = in->add_ring.region;
	c->ring[dir].offset = in->add_ring.offset;
	c->ring[dir].log2_ring_size = log2;
	st->index = in->add_ring.index;
	st->dir = (uint8_t)dir;
	return ok(st, MV_MEMIF_EV_RING, MV_MEMIF_MSG_ACK);
}

static int
server_step(struct mv_memif_conn *c, const struct mv_memif_msg *in, bool has_fd,
	    struct mv_memif_step *st)
{
	switch (c->state) {
	case MV_MEMIF_ST_WAIT_INIT:
		if (in->type != MV_MEMIF_MSG_INIT)
			return fail(c, st, "Unexpected message %s before INIT",
				    mv_memif_msg_type_name(in->type));
		return server_init(c, in, st);
	case MV_MEMIF_ST_SETUP:
		switch (in->type) {
		case MV_MEMIF_MSG_ACK:
			return ok(st, MV_MEMIF_EV_NONE, MV_MEMIF_MSG_NONE);
		case MV_MEMIF_MSG_ADD_REGION:
			return server_region(c, in, has_fd, st);
		case MV_MEMIF_MSG_ADD_RING:
			return server_ring(c, in, has_fd, st);
		case MV_MEMIF_MSG_CONNECT:
			if (!c->ring[MV_MEMIF_C2S].added || !c->ring[MV_MEMIF_S2C].added)
				return fail(c, st, "CONNECT without both rings");
			set_name(c->peer_if_name, in->connect.if_name);
			c->state = MV_MEMIF_ST_CONNECTED;
			ok(st, MV_MEMIF_EV_CONNECTED, MV_MEMIF_MSG_CONNECTED);
			set_name(st->out.connect.if_name, c->if_name);
			return st->event;
		default:
			break;
		}
		break;
	default:
		break;
	}
	return fail(c, st, "Unexpected message %s", mv_memif_msg_type_name(in->type));
}

/* ---- client ---- */

/* the next message of the client's setup, sent on each ACK */
static int
client_next(struct mv_memif_conn *c, struct mv_memif_step *st)
{
	struct mv_memif_msg *m = &st->out;
	const struct mv_memif_layout *l = &c->layout;

	memset(m, 0, sizeof(*m));
	st->reply = true;
	switch (c->next_send++) {
	case 0:
		m->type = MV_MEMIF_MSG_ADD_REGION;
		m->add_region.index = 0;
		m->add_region.size = l->region_size;
		st->reply_fd = MV_MEMIF_FD_REGION0;
		c->n_regions = 1;
		c->region_size[0] = l->region_size;
		break;
	case 1:
	case 2: {
		unsigned int dir = c->next_send == 2 ? MV_MEMIF_C2S : MV_MEMIF_S2C;

		m->type = MV_MEMIF_MSG_ADD_RING;
		m->add_ring.flags = dir == MV_MEMIF_C2S ? MV_MEMIF_ADD_RING_FLAG_C2S : 0;
		m->add_ring.index = 0;
		m->add_ring.region = 0;
		m->add_ring.offset = l->ring_offset[dir];
		m->add_ring.log2_ring_size = l->log2_ring_size;
		st->reply_fd = dir == MV_MEMIF_C2S ? MV_MEMIF_FD_RING_C2S : MV_MEMIF_FD_RING_S2C;
		c->ring[dir].added = true;
		c->ring[dir].offset = l->ring_offset[dir];
		c->ring[dir].log2_ring_size = l->log2_ring_size;
		break;
	}
	default:
		m->type = MV_MEMIF_MSG_CONNECT;
		set_name(m->connect.if_name, c->if_name);
		c->state = MV_MEMIF_ST_WAIT_CONNECTED;
		break;
	}
	st->event = MV_MEMIF_EV_NONE;
	return st->event;
}

static int
client_hello(struct mv_memif_conn *c, const struct mv_memif_msg *in, struct mv_memif_step *st)
{
	uint8_t log2 = c->want_log2_ring_size;

	if (in->hello.min_version > MV_MEMIF_VERSION || in->hello.max_version < MV_MEMIF_VERSION)
		return fail(c, st, "Incompatible memif version (peer %#x)", in->hello.max_version);
	if (in->hello.max_log2_ring_size < 1)
		return fail(c, st, "Invalid ring size (log2 %u)", in->hello.max_log2_ring_size);
	if (in->hello.max_log2_ring_size < log2)
		log2 = in->hello.max_log2_ring_size;
	if (mv_memif_layout_init(&c->layout, log2, c->buffer_size) < 0)
		return fail(c, st, "Invalid ring or buffer size (log2 %u)", log2);
	set_name(c->peer_name, in->hello.name);
	c->state = MV_MEMIF_ST_SENDING;
	c->next_send = 0;
	memset(&st->out, 0, sizeof(st->out));
	st->out.type = MV_MEMIF_MSG_INIT;
	st->out.init.version = MV_MEMIF_VERSION;
	st->out.init.id = c->id;
	st->out.init.mode = 0;
	snprintf(st->out.init.secret, sizeof(st->out.init.secret), "%s", c->secret);
	set_name(st->out.init.name, c->name);
	st->reply = true;
	st->event = MV_MEMIF_EV_ALLOCATE;
	return st->event;
}

static int
client_step(struct mv_memif_conn *c, const struct mv_memif_msg *in, struct mv_memif_step *st)
{
	switch (c->state) {
	case MV_MEMIF_ST_WAIT_HELLO:
		if (in->type == MV_MEMIF_MSG_HELLO)
			return client_hello(c, in, st);
		break;
	case MV_MEMIF_ST_SENDING:
		if (in->type == MV_MEMIF_MSG_ACK)
			return client_next(c, st);
		break;
	case MV_MEMIF_ST_WAIT_CONNECTED:
		if (in->type == MV_MEMIF_MSG_CONNECTED) {
			set_name(c->peer_if_name, in->connect.if_name);
			c->state = MV_MEMIF_ST_CONNECTED;
			return ok(st, MV_MEMIF_EV_CONNECTED, MV_MEMIF_MSG_NONE);
		}
		if (in->type == MV_MEMIF_MSG_ACK) /* the ACK of CONNECT some peers send */
			return ok(st, MV_MEMIF_EV_NONE, MV_MEMIF_MSG_NONE);
		break;
	default:
		break;
	}
	return fail(c, st, "Unexpected message %s", mv_memif_msg_type_name(in->type));
}

int
mv_memif_conn_step(struct mv_memif_conn *c, const struct mv_memif_msg *in, bool has_fd,
		   struct mv_memif_step *st)
{
	memset(st, 0, sizeof(*st));
	if (c->state == MV_MEMIF_ST_CLOSED)
		return fail(c, st, "Connection closed");
	if (in->type == MV_MEMIF_MSG_DISCONNECT) {
		snprintf(st->err, sizeof(st->err), "%.*s", MV_MEMIF_REASON_SIZE,
			 in->disconnect.reason);
		c->state = MV_MEMIF_ST_CLOSED;
		st->event = MV_MEMIF_EV_CLOSE;
		return st->event;
	}
	if (c->state == MV_MEMIF_ST_CONNECTED && in->type == MV_MEMIF_MSG_ACK)
		return ok(st, MV_MEMIF_EV_NONE, MV_MEMIF_MSG_NONE); /* harmless */
	if (c->role == 0)
		return server_step(c, in, has_fd, st);
	return client_step(c, in, st);
}
