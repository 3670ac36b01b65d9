/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The memif protocol layer (lib/memif): message bytes at memif.h's offsets,
 * encode/decode round trips, the layout, and both roles' state machines
 * through a whole exchange and through every refusal.
 */
#include <errno.h>
#include <string.h>

#include "mv_memif_msg.h"
#include "mv_test.h"

static struct mv_memif_msg
roundtrip(const struct mv_memif_msg *m)
{
	uint8_t b[MV_MEMIF_MSG_SIZE];
	struct mv_memif_msg out;
	char err[128];

	mv_memif_msg_encode(m, b);
	CHECK_EQ(mv_memif_msg_decode(b, sizeof(b), &out, err, sizeof(err)), 0);
	return out;
}

static void
test_bytes(void)
{
	struct mv_memif_msg m = { .type = MV_MEMIF_MSG_INIT }, d;
	uint8_t b[MV_MEMIF_MSG_SIZE];
	char err[128];

	m.init.version = MV_MEMIF_VERSION;
	m.init.id = 0x11223344;
	strcpy(m.init.secret, "abc");
	strcpy(m.init.name, "peer");
	mv_memif_msg_encode(&m, b);
	CHECK_EQ(b[0], MV_MEMIF_MSG_INIT);
	CHECK_EQ(b[1], 0);
	CHECK_EQ(b[2], 0x00); /* version 2.0, little-endian */
	CHECK_EQ(b[3], 0x02);
	CHECK_EQ(b[4], 0x44);
	CHECK_EQ(b[7], 0x11);
	CHECK_EQ(b[8], 0); /* mode ethernet */
	CHECK(memcmp(b + 9, "abc", 4) == 0);
	CHECK(memcmp(b + 33, "peer", 5) == 0);
	d = roundtrip(&m);
	CHECK_EQ(d.init.id, 0x11223344);
	CHECK(strcmp(d.init.secret, "abc") == 0);
	CHECK(strcmp(d.init.name, "peer") == 0);

	/* ADD_RING: flags 2, index 4, region 6, offset 8, log2 12 */
	memset(&m, 0, sizeof(m));
	m.type = MV_MEMIF_MSG_ADD_RING;
	m.add_ring.flags = MV_MEMIF_ADD_RING_FLAG_C2S;
	m.add_ring.region = 3;
	m.add_ring.offset = 0x01020304;
	m.add_ring.log2_ring_size = 10;
	mv_memif_msg_encode(&m, b);
	CHECK_EQ(b[2], 1);
	CHECK_EQ(b[6], 3);
	CHECK_EQ(b[8], 0x04);
	CHECK_EQ(b[11], 0x01);
	CHECK_EQ(b[12], 10);
	d = roundtrip(&m);
	CHECK_EQ(d.add_ring.offset, 0x01020304);
	CHECK_EQ(d.add_ring.log2_ring_size, 10);

	/* HELLO: versions at 34/36, max ring indexes at 40 (S2C) and 42 (C2S), log2 at 44 */
	memset(&m, 0, sizeof(m));
	m.type = MV_MEMIF_MSG_HELLO;
	m.hello.min_version = 0x0100;
	m.hello.max_version = 0x0200;
	m.hello.max_s2c_ring = 5;
	m.hello.max_c2s_ring = 6;
	m.hello.max_log2_ring_size = 14;
	mv_memif_msg_encode(&m, b);
	CHECK_EQ(b[35], 1);
	CHECK_EQ(b[37], 2);
	CHECK_EQ(b[40], 5);
	CHECK_EQ(b[42], 6);
	CHECK_EQ(b[44], 14);

	/* ADD_REGION size is 64 bits at 4; DISCONNECT reason at 6 */
	memset(&m, 0, sizeof(m));
	m.type = MV_MEMIF_MSG_ADD_REGION;
	m.add_region.size = 0x100000000ull + 5;
	d = roundtrip(&m);
	CHECK(d.add_region.size == 0x100000000ull + 5);
	mv_memif_msg_disconnect(&m, 7, "bye");
	mv_memif_msg_encode(&m, b);
	CHECK_EQ(b[2], 7);
	CHECK(memcmp(b + 6, "bye", 4) == 0);

	/* a full 32-byte name has no NUL on the wire and is cut there */
	memset(b, 'x', sizeof(b));
	b[0] = MV_MEMIF_MSG_CONNECT;
	b[1] = 0;
	CHECK_EQ(mv_memif_msg_decode(b, sizeof(b), &d, err, sizeof(err)), 0);
	CHECK_EQ(strlen(d.connect.if_name), MV_MEMIF_NAME_SIZE);

	/* refusals */
	CHECK_EQ(mv_memif_msg_decode(b, 127, &d, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "127 bytes") != NULL);
	b[0] = 9;
	CHECK_EQ(mv_memif_msg_decode(b, sizeof(b), &d, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "unknown message type 9") != NULL);
	b[0] = 0;
	CHECK_EQ(mv_memif_msg_decode(b, sizeof(b), &d, err, sizeof(err)), -EINVAL);
}

static void
test_parse_id(void)
{
	uint32_t id = 1;

	CHECK_EQ(mv_memif_parse_id("0", &id), 0);
	CHECK_EQ(id, 0);
	CHECK_EQ(mv_memif_parse_id("4294967295", &id), 0);
	CHECK_EQ(id, 4294967295u);
	CHECK_EQ(mv_memif_parse_id("4294967296", &id), -EINVAL);
	CHECK_EQ(mv_memif_parse_id("", &id), -EINVAL);
	CHECK_EQ(mv_memif_parse_id("+1", &id), -EINVAL);
	CHECK_EQ(mv_memif_parse_id("1a", &id), -EINVAL);
	CHECK_EQ(mv_memif_parse_id("99999999999", &id), -EINVAL);
}

static void
test_layout(void)
{
	struct mv_memif_layout l;

	CHECK_EQ(mv_memif_layout_init(&l, 10, 2048), 0);
	CHECK_EQ(l.ring_bytes, 128 + 1024 * 16);
	CHECK_EQ(l.ring_offset[MV_MEMIF_C2S], 0);
	CHECK_EQ(l.ring_offset[MV_MEMIF_S2C], l.ring_bytes);
	CHECK_EQ(l.buffers_offset, 2 * l.ring_bytes);
	CHECK_EQ(l.region_size, 2ull * l.ring_bytes + 2ull * 1024 * 2048);
	CHECK_EQ(mv_memif_layout_buffer(&l, MV_MEMIF_S2C, 3), l.buffers_offset + (1024 + 3) * 2048);
	CHECK_EQ(mv_memif_layout_init(&l, 0, 2048), -EINVAL);
	CHECK_EQ(mv_memif_layout_init(&l, 15, 2048), -EINVAL);
	CHECK_EQ(mv_memif_layout_init(&l, 10, 0), -EINVAL);
	CHECK_EQ(mv_memif_layout_init(&l, 14, 65535), 0);
	CHECK_EQ(mv_memif_layout_init(&l, 10, 65536), -EINVAL);
}

/* the server's interfaces: id 5 (secret "pw"), id 6 busy */
static enum mv_memif_lookup
lookup(void *ctx, uint32_t id, const char **secret)
{
	(void)ctx;
	if (id == 5) {
		*secret = "pw";
		return MV_MEMIF_LOOKUP_OK;
	}
	if (id == 7) {
		*secret = "";
		return MV_MEMIF_LOOKUP_OK;
	}
	return id == 6 ? MV_MEMIF_LOOKUP_BUSY : MV_MEMIF_LOOKUP_NOT_FOUND;
}

static void
server_new(struct mv_memif_conn *s)
{
	struct mv_memif_msg hello;

	memset(s, 0, sizeof(*s));
	s->lookup = lookup;
	strcpy(s->if_name, "mv0");
	mv_memif_conn_init_server(s, "dpdk-macvlan", &hello);
	CHECK_EQ(hello.type, MV_MEMIF_MSG_HELLO);
	CHECK_EQ(hello.hello.max_c2s_ring, 0);
	CHECK_EQ(hello.hello.max_s2c_ring, 0);
	CHECK_EQ(hello.hello.min_version, MV_MEMIF_VERSION);
	CHECK(strcmp(hello.hello.name, "dpdk-macvlan") == 0);
}

static void
client_new(struct mv_memif_conn *c, uint32_t id, const char *secret)
{
	memset(c, 0, sizeof(*c));
	c->id = id;
	strcpy(c->secret, secret);
	c->want_log2_ring_size = 10;
	c->buffer_size = 2048;
	strcpy(c->name, "dpdk-macvlan");
	strcpy(c->if_name, "mv1");
	mv_memif_conn_init_client(c);
}

/*
 * Our client against our server, message by message: both reach
 * CONNECTED, the server learns the client's rings where the client put them.
 */
static void
test_exchange(void)
{
	struct mv_memif_conn s, c;
	struct mv_memif_step st, sst;
	struct mv_memif_msg hello;
	unsigned int fds = 0, n = 0;

	server_new(&s);
	mv_memif_conn_init_server(&s, "dpdk-macvlan", &hello);
	client_new(&c, 5, "pw");
	CHECK_EQ(mv_memif_conn_step(&c, &hello, false, &st), MV_MEMIF_EV_ALLOCATE);
	CHECK_EQ(st.out.type, MV_MEMIF_MSG_INIT);
	CHECK_EQ(c.layout.log2_ring_size, 10);
	while (st.reply && n++ < 10) {
		bool fd = st.reply_fd != MV_MEMIF_FD_NONE;
		uint16_t type = st.out.type;

		fds += fd;
		mv_memif_conn_step(&s, &st.out, fd, &sst);
		CHECK(sst.event != MV_MEMIF_EV_ERROR);
		if (type == MV_MEMIF_MSG_INIT)
			CHECK_EQ(sst.event, MV_MEMIF_EV_BOUND);
		if (type == MV_MEMIF_MSG_ADD_REGION)
			CHECK_EQ(sst.event, MV_MEMIF_EV_REGION);
		if (type == MV_MEMIF_MSG_ADD_RING)
			CHECK_EQ(sst.event, MV_MEMIF_EV_RING);
		if (type == MV_MEMIF_MSG_CONNECT) {
			CHECK_EQ(sst.event, MV_MEMIF_EV_CONNECTED);
			CHECK_EQ(sst.out.type, MV_MEMIF_MSG_CONNECTED);
		} else {
			CHECK_EQ(sst.out.type, MV_MEMIF_MSG_ACK);
		}
		CHECK(sst.reply);
		mv_memif_conn_step(&c, &sst.out, false, &st);
		CHECK(st.event != MV_MEMIF_EV_ERROR);
	}
	CHECK_EQ(fds, 3); /* the region and two interrupt eventfds */
	CHECK_EQ(st.event, MV_MEMIF_EV_CONNECTED);
	CHECK_EQ(c.state, MV_MEMIF_ST_CONNECTED);
	CHECK_EQ(s.state, MV_MEMIF_ST_CONNECTED);
	CHECK_EQ(s.bound_id, 5);
	CHECK_EQ(s.n_regions, 1);
	CHECK(s.region_size[0] == c.layout.region_size);
	CHECK_EQ(s.ring[MV_MEMIF_S2C].offset, c.layout.ring_offset[MV_MEMIF_S2C]);
	CHECK_EQ(s.ring[MV_MEMIF_C2S].log2_ring_size, 10);
	CHECK(strcmp(s.peer_if_name, "mv1") == 0);
	CHECK(strcmp(c.peer_if_name, "mv0") == 0);
	CHECK(strcmp(s.peer_name, "dpdk-macvlan") == 0);
	/* an ACK more is harmless, anything else ends it */
	memset(&hello, 0, sizeof(hello));
	hello.type = MV_MEMIF_MSG_ACK;
	CHECK_EQ(mv_memif_conn_step(&s, &hello, false, &st), MV_MEMIF_EV_NONE);
	CHECK(!st.reply);
	hello.type = MV_MEMIF_MSG_HELLO;
	CHECK_EQ(mv_memif_conn_step(&s, &hello, false, &st), MV_MEMIF_EV_ERROR);
	CHECK_EQ(st.out.type, MV_MEMIF_MSG_DISCONNECT);
	CHECK(strstr(st.out.disconnect.reason, "Unexpected message HELLO") != NULL);
	CHECK_EQ(s.state, MV_MEMIF_ST_CLOSED);
	CHECK_EQ(mv_memif_conn_step(&s, &hello, false, &st), MV_MEMIF_EV_ERROR);
}

/* one message to a fresh server past INIT; returns the event, reason in @p why */
static int
server_after_init(struct mv_memif_conn *s, const struct mv_memif_msg *m, bool fd,
		  struct mv_memif_step *st)
{
	struct mv_memif_msg init = { .type = MV_MEMIF_MSG_INIT };

	server_new(s);
	init.init.version = MV_MEMIF_VERSION;
	init.init.id = 7;
	CHECK_EQ(mv_memif_conn_step(s, &init, false, st), MV_MEMIF_EV_BOUND);
	return mv_memif_conn_step(s, m, fd, st);
}

#define CHECK_REFUSED(ev, st, word)                                                                \
	do {                                                                                       \
		CHECK_EQ((ev), MV_MEMIF_EV_ERROR);                                                 \
		CHECK((st).reply && (st).out.type == MV_MEMIF_MSG_DISCONNECT);                     \
		CHECK(strstr((st).out.disconnect.reason, (word)) != NULL);                         \
	} while (0)

static void
test_server_refusals(void)
{
	struct mv_memif_conn s;
	struct mv_memif_step st;
	struct mv_memif_msg m;
	int ev;

	/* INIT */
	memset(&m, 0, sizeof(m));
	m.type = MV_MEMIF_MSG_INIT;
	m.init.version = MV_MEMIF_VERSION;
	m.init.id = 9;
	server_new(&s);
	CHECK_REFUSED(mv_memif_conn_step(&s, &m, false, &st), st, "ID not found (id 9)");
	CHECK_EQ(s.state, MV_MEMIF_ST_CLOSED);
	m.init.id = 6;
	server_new(&s);
	CHECK_REFUSED(mv_memif_conn_step(&s, &m, false, &st), st, "Already connected");
	m.init.id = 5;
	server_new(&s);
	CHECK_REFUSED(mv_memif_conn_step(&s, &m, false, &st), st, "Secret required");
	strcpy(m.init.secret, "px");
	server_new(&s);
	CHECK_REFUSED(mv_memif_conn_step(&s, &m, false, &st), st, "Incorrect secret");
	strcpy(m.init.secret, "pw");
	m.init.version = 0x0100;
	server_new(&s);
	CHECK_REFUSED(mv_memif_conn_step(&s, &m, false, &st), st, "Incompatible memif version");
	m.init.version = MV_MEMIF_VERSION;
	m.init.mode = 1;
	server_new(&s);
	CHECK_REFUSED(mv_memif_conn_step(&s, &m, false, &st), st, "Only ethernet mode");
	m.init.mode = 0;
	server_new(&s);
	CHECK_EQ(mv_memif_conn_step(&s, &m, false, &st), MV_MEMIF_EV_BOUND);
	/* anything before INIT */
	m.type = MV_MEMIF_MSG_CONNECT;
	server_new(&s);
	CHECK_REFUSED(mv_memif_conn_step(&s, &m, false, &st), st, "Unexpected message CONNECT");
	/* DISCONNECT at any time: closed, no reply */
	mv_memif_msg_disconnect(&m, 0, "going away");
	server_new(&s);
	CHECK_EQ(mv_memif_conn_step(&s, &m, false, &st), MV_MEMIF_EV_CLOSE);
	CHECK(!st.reply);
	CHECK(strcmp(st.err, "going away") == 0);

	/* regions */
	memset(&m, 0, sizeof(m));
	m.type = MV_MEMIF_MSG_ADD_REGION;
	m.add_region.size = 4096;
	ev = server_after_init(&s, &m, false, &st);
	CHECK_REFUSED(ev, st, "Missing region fd");
	m.add_region.index = 1;
	ev = server_after_init(&s, &m, true, &st);
	CHECK_REFUSED(ev, st, "Invalid region index 1");
	m.add_region.index = 0;
	m.add_region.size = 0;
	ev = server_after_init(&s, &m, true, &st);
	CHECK_REFUSED(ev, st, "Invalid region size");
	m.add_region.size = MV_MEMIF_MAX_REGION_SIZE + 1;
	ev = server_after_init(&s, &m, true, &st);
	CHECK_REFUSED(ev, st, "Invalid region size");
	m.add_region.size = 4096;
	CHECK_EQ(server_after_init(&s, &m, true, &st), MV_MEMIF_EV_REGION);
	CHECK_EQ(st.index, 0);
	/* more regions than the HELLO allowed */
	for (unsigned int i = 1; i < MV_MEMIF_MAX_REGIONS; i++) {
		m.add_region.index = (uint16_t)i;
		CHECK_EQ(mv_memif_conn_step(&s, &m, true, &st), MV_MEMIF_EV_REGION);
	}
	m.add_region.index = MV_MEMIF_MAX_REGIONS;
	CHECK_REFUSED(mv_memif_conn_step(&s, &m, true, &st), st, "Invalid region index");

	/* rings: region 0 of 4096 bytes holds a ring of 2^8 slots (128 + 4096) no more */
	memset(&m, 0, sizeof(m));
	m.type = MV_MEMIF_MSG_ADD_REGION;
	m.add_region.size = 4096;
	server_after_init(&s, &m, true, &st);
	memset(&m, 0, sizeof(m));
	m.type = MV_MEMIF_MSG_ADD_RING;
	m.add_ring.flags = MV_MEMIF_ADD_RING_FLAG_C2S;
	m.add_ring.log2_ring_size = 8;
	CHECK_REFUSED(mv_memif_conn_step(&s, &m, true, &st), st, "Ring outside its region");
	server_new(&s); /* a fresh one for each refusal */
	{
		struct mv_memif_msg r = { .type = MV_MEMIF_MSG_ADD_REGION };
		struct mv_memif_msg init = { .type = MV_MEMIF_MSG_INIT };

		init.init.version = MV_MEMIF_VERSION;
		init.init.id = 7;
		r.add_region.size = 1 << 20;
		mv_memif_conn_step(&s, &init, false, &st);
		CHECK_EQ(mv_memif_conn_step(&s, &r, true, &st), MV_MEMIF_EV_REGION);
		m.add_ring.log2_ring_size = 15;
		CHECK_REFUSED(mv_memif_conn_step(&s, &m, true, &st), st, "Invalid ring size");
	}
	ev = server_after_init(&s, &m, true, &st);
	CHECK_REFUSED(ev, st, "Invalid ring region 0"); /* no region yet */
	/* CONNECT without rings */
	memset(&m, 0, sizeof(m));
	m.type = MV_MEMIF_MSG_CONNECT;
	ev = server_after_init(&s, &m, false, &st);
	CHECK_REFUSED(ev, st, "CONNECT without both rings");
}

/* ring-level refusals that need a region first */
static void
test_server_rings(void)
{
	struct mv_memif_msg init = { .type = MV_MEMIF_MSG_INIT },
			    r = { .type = MV_MEMIF_MSG_ADD_REGION };
	struct mv_memif_msg ring = { .type = MV_MEMIF_MSG_ADD_RING };
	struct mv_memif_conn s;
	struct mv_memif_step st;

	init.init.version = MV_MEMIF_VERSION;
	init.init.id = 7;
	r.add_region.size = 1 << 20;
	ring.add_ring.log2_ring_size = 10;
#define FRESH()                                                                                    \
	do {                                                                                       \
		server_new(&s);                                                                    \
		mv_memif_conn_step(&s, &init, false, &st);                                         \
		mv_memif_conn_step(&s, &r, true, &st);                                             \
	} while (0)
	FRESH();
	CHECK_REFUSED(mv_memif_conn_step(&s, &ring, false, &st), st, "Missing interrupt fd");
	FRESH();
	ring.add_ring.index = 1;
	CHECK_REFUSED(mv_memif_conn_step(&s, &ring, true, &st), st, "Invalid ring index 1");
	ring.add_ring.index = 0;
	FRESH();
	ring.add_ring.offset = 8;
	CHECK_REFUSED(mv_memif_conn_step(&s, &ring, true, &st), st, "Ring outside its region");
	FRESH();
	ring.add_ring.offset = 0xfffffff0u;
	CHECK_REFUSED(mv_memif_conn_step(&s, &ring, true, &st), st, "Ring outside its region");
	ring.add_ring.offset = 0;
	FRESH();
	CHECK_EQ(mv_memif_conn_step(&s, &ring, true, &st), MV_MEMIF_EV_RING);
	CHECK_EQ(st.dir, MV_MEMIF_S2C);
	CHECK_REFUSED(mv_memif_conn_step(&s, &ring, true, &st), st, "Invalid ring index 0");
#undef FRESH
}

static void
test_client_refusals(void)
{
	struct mv_memif_msg m = { .type = MV_MEMIF_MSG_HELLO };
	struct mv_memif_conn c;
	struct mv_memif_step st;

	client_new(&c, 1, "");
	m.hello.min_version = 0x0300;
	m.hello.max_version = 0x0300;
	m.hello.max_log2_ring_size = 14;
	CHECK_REFUSED(mv_memif_conn_step(&c, &m, false, &st), st, "Incompatible memif version");
	client_new(&c, 1, "");
	m.hello.min_version = 0x0100;
	m.hello.max_log2_ring_size = 0;
	CHECK_REFUSED(mv_memif_conn_step(&c, &m, false, &st), st, "Invalid ring size");
	/* a peer with smaller rings: ours shrink to fit */
	client_new(&c, 1, "");
	m.hello.max_log2_ring_size = 8;
	CHECK_EQ(mv_memif_conn_step(&c, &m, false, &st), MV_MEMIF_EV_ALLOCATE);
	CHECK_EQ(c.layout.log2_ring_size, 8);
	CHECK_EQ(st.out.init.id, 1);
	/* a second HELLO, a CONNECTED before its time */
	CHECK_REFUSED(mv_memif_conn_step(&c, &m, false, &st), st, "Unexpected message HELLO");
	client_new(&c, 1, "");
	m.type = MV_MEMIF_MSG_CONNECTED;
	CHECK_REFUSED(mv_memif_conn_step(&c, &m, false, &st), st, "Unexpected message CONNECTED");
	client_new(&c, 1, "");
	m.type = MV_MEMIF_MSG_ACK;
	CHECK_REFUSED(mv_memif_conn_step(&c, &m, false, &st), st, "Unexpected message ACK");
	/* the caller cannot carry out a step */
	client_new(&c, 1, "");
	mv_memif_conn_fail(&c, &st, "out of memory");
	CHECK_REFUSED(st.event, st, "out of memory");
	CHECK_EQ(c.state, MV_MEMIF_ST_CLOSED);
}

int
main(void)
{
	RUN_TEST(test_bytes);
	RUN_TEST(test_parse_id);
	RUN_TEST(test_layout);
	RUN_TEST(test_exchange);
	RUN_TEST(test_server_refusals);
	RUN_TEST(test_server_rings);
	RUN_TEST(test_client_refusals);
	return mv_test_summary("memif_msg");
}
