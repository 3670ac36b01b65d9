/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The memif control messages (mv_memif_msg.h): 128 bytes, a 16-bit type,
 * then the packed fields of that type. Peers write them in host order; the
 * x86 and arm machines DPDK and VPP run on are little-endian, so are we.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mv_memif_msg.h"

/* offsets inside the 128 bytes (the packed layout of memif.h) */
enum {
	OFF_TYPE = 0,
	OFF_BODY = 2,
	/* HELLO */
	OFF_HELLO_NAME = OFF_BODY,
	OFF_HELLO_MIN = OFF_BODY + 32,
	OFF_HELLO_MAX = OFF_BODY + 34,
	OFF_HELLO_REGION = OFF_BODY + 36,
	OFF_HELLO_S2C = OFF_BODY + 38,
	OFF_HELLO_C2S = OFF_BODY + 40,
	OFF_HELLO_LOG2 = OFF_BODY + 42,
	/* INIT */
	OFF_INIT_VERSION = OFF_BODY,
	OFF_INIT_ID = OFF_BODY + 2,
	OFF_INIT_MODE = OFF_BODY + 6,
	OFF_INIT_SECRET = OFF_BODY + 7,
	OFF_INIT_NAME = OFF_BODY + 31,
	/* ADD_REGION */
	OFF_REGION_INDEX = OFF_BODY,
	OFF_REGION_SIZE = OFF_BODY + 2,
	/* ADD_RING */
	OFF_RING_FLAGS = OFF_BODY,
	OFF_RING_INDEX = OFF_BODY + 2,
	OFF_RING_REGION = OFF_BODY + 4,
	OFF_RING_OFFSET = OFF_BODY + 6,
	OFF_RING_LOG2 = OFF_BODY + 10,
	OFF_RING_PRIV = OFF_BODY + 11,
	/* CONNECT, CONNECTED */
	OFF_IF_NAME = OFF_BODY,
	/* DISCONNECT */
	OFF_DISC_CODE = OFF_BODY,
	OFF_DISC_REASON = OFF_BODY + 4,
};

static void
put16(uint8_t *b, unsigned int off, uint16_t v)
{
	b[off] = (uint8_t)v;
	b[off + 1] = (uint8_t)(v >> 8);
}

static void
put32(uint8_t *b, unsigned int off, uint32_t v)
{
	put16(b, off, (uint16_t)v);
	put16(b, off + 2, (uint16_t)(v >> 16));
}

static void
put64(uint8_t *b, unsigned int off, uint64_t v)
{
	put32(b, off, (uint32_t)v);
	put32(b, off + 4, (uint32_t)(v >> 32));
}

static uint16_t
get16(const uint8_t *b, unsigned int off)
{
	return (uint16_t)(b[off] | (unsigned int)b[off + 1] << 8);
}

static uint32_t
get32(const uint8_t *b, unsigned int off)
{
	return get16(b, off) | (uint32_t)get16(b, off + 2) << 16;
}

static uint64_t
get64(const uint8_t *b, unsigned int off)
{
	return get32(b, off) | (uint64_t)get32(b, off + 4) << 32;
}

/* a string field of @p size bytes (not NUL-terminated when full) */
static void
put_str(uint8_t *b, unsigned int off, const char *s, size_t size)
{
	size_t n = strnlen(s, size);

	memcpy(b + off, s, n);
}

static void
get_str(const uint8_t *b, unsigned int off, char *s, size_t size)
{
	size_t n = strnlen((const char *)b + off, size);

	memcpy(s, b + off, n);
	s[n] = '\0';
}

void
mv_memif_msg_encode(const struct mv_memif_msg *m, uint8_t out[MV_MEMIF_MSG_SIZE])
{
	memset(out, 0, MV_MEMIF_MSG_SIZE);
	put16(out, OFF_TYPE, m->type);
	switch (m->type) {
	case MV_MEMIF_MSG_HELLO:
		put_str(out, OFF_HELLO_NAME, m->hello.name, MV_MEMIF_NAME_SIZE);
		put16(out, OFF_HELLO_MIN, m->hello.min_version);
		put16(out, OFF_HELLO_MAX, m->hello.max_version);
		put16(out, OFF_HELLO_REGION, m->hello.max_region);
		put16(out, OFF_HELLO_S2C, m->hello.max_s2c_ring);
		put16(out, OFF_HELLO_C2S, m->hello.max_c2s_ring);
		out[OFF_HELLO_LOG2] = m->hello.max_log2_ring_size;
		break;
	case MV_MEMIF_MSG_INIT:
		put16(out, OFF_INIT_VERSION, m->init.version);
		put32(out, OFF_INIT_ID, m->init.id);
		out[OFF_INIT_MODE] = m->init.mode;
		put_str(out, OFF_INIT_SECRET, m->init.secret, MV_MEMIF_SECRET_SIZE);
		put_str(out, OFF_INIT_NAME, m->init.name, MV_MEMIF_NAME_SIZE);
		break;
	case MV_MEMIF_MSG_ADD_REGION:
		put16(out, OFF_REGION_INDEX, m->add_region.index);
		put64(out, OFF_REGION_SIZE, m->add_region.size);
		break;
	case MV_MEMIF_MSG_ADD_RING:
		put16(out, OFF_RING_FLAGS, m->add_ring.flags);
		put16(out, OFF_RING_INDEX, m->add_ring.index);
		put16(out, OFF_RING_REGION, m->add_ring.region);
		put32(out, OFF_RING_OFFSET, m->add_ring.offset);
		out[OFF_RING_LOG2] = m->add_ring.log2_ring_size;
		put16(out, OFF_RING_PRIV, m->add_ring.private_hdr_size);
		break;
	case MV_MEMIF_MSG_CONNECT:
	case MV_MEMIF_MSG_CONNECTED:
		put_str(out, OFF_IF_NAME, m->connect.if_name, MV_MEMIF_NAME_SIZE);
		break;
	case MV_MEMIF_MSG_DISCONNECT:
		put32(out, OFF_DISC_CODE, m->disconnect.code);
		put_str(out, OFF_DISC_REASON, m->disconnect.reason, MV_MEMIF_REASON_SIZE);
		break;
	default:
		break;
	}
}

int
mv_memif_msg_decode(const void *buf, size_t len, struct mv_memif_msg *m, char *err, size_t errlen)
{
	const uint8_t *b = buf;

	memset(m, 0, sizeof(*m));
	if (len != MV_MEMIF_MSG_SIZE) {
		snprintf(err, errlen, "message of %zu bytes (not %d)", len, MV_MEMIF_MSG_SIZE);
		return -EINVAL;
	}
	m->type = get16(b, OFF_TYPE);
	switch (m->type) {
	case MV_MEMIF_MSG_ACK:
		break;
	case MV_MEMIF_MSG_HELLO:
		get_str(b, OFF_HELLO_NAME, m->hello.name, MV_MEMIF_NAME_SIZE);
		m->hello.min_version = get16(b, OFF_HELLO_MIN);
		m->hello.max_version = get16(b, OFF_HELLO_MAX);
		m->hello.max_region = get16(b, OFF_HELLO_REGION);
		m->hello.max_s2c_ring = get16(b, OFF_HELLO_S2C);
		m->hello.max_c2s_ring = get16(b, OFF_HELLO_C2S);
		m->hello.max_log2_ring_size = b[OFF_HELLO_LOG2];
		break;
	case MV_MEMIF_MSG_INIT:
		m->init.version = get16(b, OFF_INIT_VERSION);
		m->init.id = get32(b, OFF_INIT_ID);
		m->init.mode = b[OFF_INIT_MODE];
		get_str(b, OFF_INIT_SECRET, m->init.secret, MV_MEMIF_SECRET_SIZE);
		get_str(b, OFF_INIT_NAME, m->init.name, MV_MEMIF_NAME_SIZE);
		break;
	case MV_MEMIF_MSG_ADD_REGION:
		m->add_region.index = get16(b, OFF_REGION_INDEX);
		m->add_region.size = get64(b, OFF_REGION_SIZE);
		break;
	case MV_MEMIF_MSG_ADD_RING:
		m->add_ring.flags = get16(b, OFF_RING_FLAGS);
		m->add_ring.index = get16(b, OFF_RING_INDEX);
		m->add_ring.region = get16(b, OFF_RING_REGION);
		m->add_ring.offset = get32(b, OFF_RING_OFFSET);
		m->add_ring.log2_ring_size = b[OFF_RING_LOG2];
		m->add_ring.private_hdr_size = get16(b, OFF_RING_PRIV);
		break;
	case MV_MEMIF_MSG_CONNECT:
	case MV_MEMIF_MSG_CONNECTED:
		get_str(b, OFF_IF_NAME, m->connect.if_name, MV_MEMIF_NAME_SIZE);
		break;
	case MV_MEMIF_MSG_DISCONNECT:
		m->disconnect.code = get32(b, OFF_DISC_CODE);
		get_str(b, OFF_DISC_REASON, m->disconnect.reason, MV_MEMIF_REASON_SIZE);
		break;
	default:
		snprintf(err, errlen, "unknown message type %u", m->type);
		return -EINVAL;
	}
	return 0;
}

const char *
mv_memif_msg_type_name(unsigned int type)
{
	static const char *const names[MV_MEMIF_MSG_TYPE_COUNT] = {
		"NONE",     "ACK",     "HELLO",     "INIT",       "ADD_REGION",
		"ADD_RING", "CONNECT", "CONNECTED", "DISCONNECT",
	};

	return type < MV_MEMIF_MSG_TYPE_COUNT ? names[type] : "?";
}

int
mv_memif_parse_id(const char *s, uint32_t *id)
{
	uint64_t v = 0;

	if (s == NULL || *s == '\0' || strlen(s) > 10)
		return -EINVAL;
	for (const char *c = s; *c != '\0'; c++) {
		if (*c < '0' || *c > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(*c - '0');
	}
	if (v > UINT32_MAX)
		return -EINVAL;
	*id = (uint32_t)v;
	return 0;
}

void
mv_memif_msg_disconnect(struct mv_memif_msg *m, uint32_t code, const char *reason)
{
	memset(m, 0, sizeof(*m));
	m->type = MV_MEMIF_MSG_DISCONNECT;
	m->disconnect.code = code;
	snprintf(m->disconnect.reason, sizeof(m->disconnect.reason), "%s", reason);
}
