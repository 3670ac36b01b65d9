/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the memif protocol layer (lib/memif): what a peer
 * sends on a memif socket, fed to a server and to a client connection.
 *
 * Input: byte 0 picks the role (bit 0) and whether the server's interface
 * has a secret (bit 1); then records of 1 + 128 bytes: a flag byte (bit 0:
 * the message came with an fd; bit 1: keep the type byte as it is, else it
 * is folded onto a known type so that near-valid messages are common) and
 * the message. A record shorter than 129 bytes is a message of that size.
 *
 * Checked: decode never reads past the message; a decoded message comes back
 * identical through encode + decode; every step ends in a known state, an
 * error always replies DISCONNECT and closes; whatever the server accepted
 * holds (rings inside declared regions, at most the regions it allows), and
 * every reply encodes and decodes. Any violation aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mv_memif_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "fuzz_memif_msg: %s\n", what);
	abort();
}

static const char *fuzz_secret;

static enum mv_memif_lookup
lookup(void *ctx, uint32_t id, const char **secret)
{
	(void)ctx;
	*secret = fuzz_secret;
	if (id % 3 == 1)
		return MV_MEMIF_LOOKUP_BUSY;
	return id % 3 == 2 ? MV_MEMIF_LOOKUP_NOT_FOUND : MV_MEMIF_LOOKUP_OK;
}

static void
check_roundtrip(const struct mv_memif_msg *m)
{
	uint8_t b[MV_MEMIF_MSG_SIZE], b2[MV_MEMIF_MSG_SIZE];
	struct mv_memif_msg d;
	char err[128];

	mv_memif_msg_encode(m, b);
	if (mv_memif_msg_decode(b, sizeof(b), &d, err, sizeof(err)) < 0)
		die("an encoded message does not decode");
	mv_memif_msg_encode(&d, b2);
	if (memcmp(b, b2, sizeof(b)) != 0)
		die("encode(decode(encode(m))) != encode(m)");
}

static void
check_conn(const struct mv_memif_conn *c, const struct mv_memif_step *st)
{
	if (c->state > MV_MEMIF_ST_CLOSED)
		die("unknown state");
	if (st->event > MV_MEMIF_EV_ERROR)
		die("unknown event");
	if (st->event == MV_MEMIF_EV_ERROR && (c->state != MV_MEMIF_ST_CLOSED || !st->reply ||
					       st->out.type != MV_MEMIF_MSG_DISCONNECT))
		die("an error that does not disconnect");
	if (st->event == MV_MEMIF_EV_CLOSE && (c->state != MV_MEMIF_ST_CLOSED || st->reply))
		die("a close that replies");
	if (c->n_regions > MV_MEMIF_MAX_REGIONS)
		die("too many regions");
	for (unsigned int d = 0; d < 2; d++) {
		const struct mv_memif_ring_desc *r = &c->ring[d];

		if (!r->added || c->role != 0)
			continue;
		if (r->region >= c->n_regions || r->log2_ring_size < 1 ||
		    r->log2_ring_size > MV_MEMIF_MAX_LOG2_RING ||
		    (uint64_t)r->offset + MV_MEMIF_RING_DESC_OFF +
				    ((uint64_t)MV_MEMIF_DESC_SIZE << r->log2_ring_size) >
			    c->region_size[r->region])
			die("a ring outside its region was accepted");
	}
	if (c->role == 0 && c->state == MV_MEMIF_ST_CONNECTED &&
	    (!c->ring[0].added || !c->ring[1].added))
		die("connected without both rings");
	if (st->reply)
		check_roundtrip(&st->out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mv_memif_conn c;
	struct mv_memif_msg hello, m;
	struct mv_memif_step st;
	char err[128];

	if (size < 1)
		return 0;
	memset(&c, 0, sizeof(c));
	fuzz_secret = (data[0] & 2) ? "secret" : "";
	if (data[0] & 1) {
		c.id = 3;
		c.want_log2_ring_size = 10;
		c.buffer_size = 2048;
		strcpy(c.name, "fuzz");
		strcpy(c.if_name, "mv0");
		mv_memif_conn_init_client(&c);
	} else {
		c.lookup = lookup;
		strcpy(c.if_name, "mv0");
		mv_memif_conn_init_server(&c, "fuzz", &hello);
		check_roundtrip(&hello);
	}
	data++;
	size--;
	while (size > 0) {
		uint8_t rec[MV_MEMIF_MSG_SIZE];
		uint8_t flags = data[0];
		size_t n = size - 1 < MV_MEMIF_MSG_SIZE ? size - 1 : MV_MEMIF_MSG_SIZE;

		memset(rec, 0, sizeof(rec));
		memcpy(rec, data + 1, n);
		if (!(flags & 2)) {
			rec[0] = (uint8_t)(rec[0] % MV_MEMIF_MSG_TYPE_COUNT);
			rec[1] = 0;
		}
		data += 1 + n;
		size -= 1 + n;
		if (mv_memif_msg_decode(rec, n, &m, err, sizeof(err)) < 0) {
			if (n == MV_MEMIF_MSG_SIZE && rec[1] == 0 && rec[0] > 0 &&
			    rec[0] < MV_MEMIF_MSG_TYPE_COUNT)
				die("a known message type was refused");
			continue; /* the backend closes the connection here */
		}
		check_roundtrip(&m);
		mv_memif_conn_step(&c, &m, (flags & 1) != 0, &st);
		check_conn(&c, &st);
		if (st.event == MV_MEMIF_EV_ERROR || st.event == MV_MEMIF_EV_CLOSE)
			break;
	}
	return 0;
}
