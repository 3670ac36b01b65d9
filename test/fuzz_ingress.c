/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the frame-ingress checks (mv_ingress.h): lengths,
 * chains and tags of what a PMD or a backend hands over, and the broadcast
 * policer's bucket (mv_policer.h).
 *
 * Input: 4 bytes max_len, 4 pkt_len, 2 nb_segs, 2 segs_seen (each folded
 * half the time near the consistent value, so that near-valid frames are
 * common), 2 data_len, then a segment-length list (2 bytes each, up to 8)
 * and the first segment's bytes; the rest drives the policer (8 bytes of
 * clock step and 4 of rate per frame).
 *
 * Checked against a reference written apart: OK exactly when the length is
 * within the limit, the chain holds what it claims and the first segment has
 * the header (and the tag when tagged); the parsed fields are the bytes;
 * the check never reads past data_len. The policer never lets through more
 * than depth + rate x elapsed frames. Any violation aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mv_ingress.h"
#include "mv_policer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "fuzz_ingress: %s\n", what);
	abort();
}

struct rd {
	const uint8_t *p;
	size_t n;
};

static uint64_t
rd(struct rd *r, unsigned int bytes)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < bytes; i++) {
		v = v << 8 | (r->n > 0 ? *r->p : 0);
		if (r->n > 0) {
			r->p++;
			r->n--;
		}
	}
	return v;
}

static uint64_t
be(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static void
check_ingress(struct rd *r)
{
	uint32_t max_len = (uint32_t)rd(r, 4), pkt_len = (uint32_t)rd(r, 4);
	uint32_t nb_segs = (uint32_t)rd(r, 2), seen = (uint32_t)rd(r, 2);
	uint32_t data_len = (uint32_t)rd(r, 2), n_lens = (uint32_t)rd(r, 1) % 9;
	uint64_t sum = 0;
	struct mv_ingress_frame in;
	struct mv_frame_info f;
	enum mv_ingress_result got;
	bool want_len, want_hdr;
	uint8_t *copy;

	/* near-consistent shapes half the time */
	if (max_len & 1)
		max_len = 1500 + 22 + (max_len >> 24) - 128;
	if (nb_segs & 0x8000)
		nb_segs = (nb_segs & 3) + 1;
	if (seen & 0x8000)
		seen = nb_segs + ((seen & 0x100) ? 1 : 0);
	if (n_lens == 0) {
		sum = pkt_len;
	} else {
		for (uint32_t i = 0; i < n_lens; i++)
			sum += rd(r, 2);
	}
	if (pkt_len & 0x80000000u)
		pkt_len = (uint32_t)sum;
	if (data_len > r->n)
		data_len = (uint32_t)r->n;
	/* a copy of exactly data_len bytes: ASan sees any read past it */
	copy = malloc(data_len ? data_len : 1);
	if (copy == NULL)
		die("malloc");
	memcpy(copy, r->p, data_len);
	r->p += data_len;
	r->n -= data_len;
	in = (struct mv_ingress_frame){
		.pkt_len = pkt_len,
		.nb_segs = nb_segs,
		.segs_seen = seen,
		.seg_sum = sum,
		.data = copy,
		.data_len = data_len,
	};
	got = mv_ingress_check(&in, max_len, &f);
	want_len = pkt_len <= max_len && seen == nb_segs && sum == pkt_len && data_len <= pkt_len;
	want_hdr = data_len >= 14;
	if (want_hdr) {
		uint32_t type = (uint32_t)be(copy + 12, 2);

		if ((type == 0x8100 || type == 0x88a8) && data_len < 18)
			want_hdr = false;
	}
	if (!want_len && got != MV_INGRESS_BAD_LENGTH)
		die("a bad length accepted");
	if (want_len && !want_hdr && got != MV_INGRESS_RUNT)
		die("a runt not called a runt");
	if (want_len && want_hdr) {
		uint32_t type = (uint32_t)be(copy + 12, 2);
		bool tag = type == 0x8100 || type == 0x88a8;

		if (got != MV_INGRESS_OK)
			die("a good frame refused");
		if (f.len != pkt_len || f.dst != be(copy, 6) || f.src != be(copy + 6, 6) ||
		    f.vlan != tag)
			die("parsed fields are not the bytes");
		if (f.ether_type != (tag ? be(copy + 16, 2) : type) ||
		    (tag && f.vlan_tci != be(copy + 14, 2)))
			die("parsed tag fields are not the bytes");
	}
	free(copy);
}

static void
check_policer(struct rd *r)
{
	const uint64_t hz = 1000000;
	struct mv_policer p = { 0 };
	uint32_t rate = (uint32_t)rd(r, 4) % 2000000, depth = mv_policer_depth(rate, 32);
	uint64_t now = rd(r, 2) * hz, start = now, passed = 0;

	while (r->n >= 2) {
		now += rd(r, 2);
		passed += mv_policer_conform(&p, now, hz, rate, depth);
		if (rate != 0 && passed > depth + (now - start) * rate / hz + 1)
			die("the policer let through more than its rate");
	}
	if (rate == 0 && p.tokens != 0)
		die("rate 0 touched the bucket");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd r = { data, size };

	check_ingress(&r);
	check_policer(&r);
	return 0;
}
