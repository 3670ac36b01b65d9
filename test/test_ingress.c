/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the ingress checks (mv_ingress.h) and of the broadcast
 * policer's token bucket (mv_policer.h): pure functions, no EAL.
 */
#include <stdint.h>
#include <string.h>

#include "mv_ingress.h"
#include "mv_policer.h"

#include "mv_test.h"

static uint8_t frame[2048];

static struct mv_ingress_frame
one_seg(uint32_t len)
{
	return (struct mv_ingress_frame){
		.pkt_len = len,
		.nb_segs = 1,
		.segs_seen = 1,
		.seg_sum = len,
		.data = frame,
		.data_len = len,
	};
}

static void
test_ingress_lengths(void)
{
	struct mv_frame_info f;
	struct mv_ingress_frame in;

	memset(frame, 0, sizeof(frame));
	memset(frame, 0xff, 6); /* broadcast */
	frame[6] = 0x02;
	frame[12] = 0x88;
	frame[13] = 0xb5;
	in = one_seg(60);
	CHECK_EQ(mv_ingress_check(&in, 1522, &f), MV_INGRESS_OK);
	CHECK_EQ(f.len, 60);
	CHECK(f.dst == MV_MAC_BROADCAST);
	CHECK_EQ(f.ether_type, 0x88b5);
	/* at the limit, and one above */
	in = one_seg(1522);
	CHECK_EQ(mv_ingress_check(&in, 1522, &f), MV_INGRESS_OK);
	in = one_seg(1523);
	CHECK_EQ(mv_ingress_check(&in, 1522, &f), MV_INGRESS_BAD_LENGTH);
	/* runts: 13 bytes, 0 bytes */
	in = one_seg(13);
	CHECK_EQ(mv_ingress_check(&in, 1522, &f), MV_INGRESS_RUNT);
	in = one_seg(0);
	CHECK_EQ(mv_ingress_check(&in, 1522, &f), MV_INGRESS_RUNT);
}

static void
test_ingress_chains(void)
{
	struct mv_frame_info f;
	struct mv_ingress_frame in = one_seg(100);

	/* a chain of 3 that adds up */
	in.pkt_len = 3000;
	in.nb_segs = 3;
	in.segs_seen = 3;
	in.seg_sum = 3000;
	in.data_len = 1000;
	CHECK_EQ(mv_ingress_check(&in, 9022, &f), MV_INGRESS_OK);
	CHECK_EQ(f.len, 3000);
	/* net_pcap's 70000-byte capture: a chain holding 70000 mod 65536 */
	in.pkt_len = 70000;
	in.nb_segs = 3;
	in.seg_sum = 70000 % 65536;
	CHECK_EQ(mv_ingress_check(&in, UINT32_MAX, &f), MV_INGRESS_BAD_LENGTH);
	/* more segments than claimed (the walk stopped at nb_segs + 1), or fewer */
	in = one_seg(100);
	in.segs_seen = 2;
	CHECK_EQ(mv_ingress_check(&in, 1522, &f), MV_INGRESS_BAD_LENGTH);
	in.nb_segs = 2;
	in.segs_seen = 1;
	CHECK_EQ(mv_ingress_check(&in, 1522, &f), MV_INGRESS_BAD_LENGTH);
	/* the first segment claims more than the frame */
	in = one_seg(100);
	in.data_len = 200;
	CHECK_EQ(mv_ingress_check(&in, 1522, &f), MV_INGRESS_BAD_LENGTH);
	/* a chain whose sum exceeds pkt_len */
	in = one_seg(100);
	in.seg_sum = 101;
	CHECK_EQ(mv_ingress_check(&in, 1522, &f), MV_INGRESS_BAD_LENGTH);
}

static void
test_ingress_tags(void)
{
	struct mv_frame_info f;
	struct mv_ingress_frame in;

	memset(frame, 0, sizeof(frame));
	frame[0] = 0x02;
	frame[12] = 0x81; /* 802.1Q */
	frame[13] = 0x00;
	frame[14] = 0x00;
	frame[15] = 0x05;
	frame[16] = 0x08;
	frame[17] = 0x00;
	/* a tag cut short: 14..17 bytes in the first segment are a runt */
	for (uint32_t len = 14; len < 18; len++) {
		in = one_seg(len);
		CHECK_EQ(mv_ingress_check(&in, 1522, &f), MV_INGRESS_RUNT);
	}
	in = one_seg(18);
	CHECK_EQ(mv_ingress_check(&in, 1522, &f), MV_INGRESS_OK);
	CHECK(f.vlan);
	CHECK_EQ(f.vlan_tci, 5);
	CHECK_EQ(f.ether_type, 0x0800);
	/* QinQ's outer tag */
	frame[12] = 0x88;
	frame[13] = 0xa8;
	CHECK_EQ(mv_ingress_check(&in, 1522, &f), MV_INGRESS_OK);
	CHECK(f.vlan);
	/* the tag in a second segment: the first does not hold the header */
	in = one_seg(60);
	in.nb_segs = 2;
	in.segs_seen = 2;
	in.data_len = 16;
	CHECK_EQ(mv_ingress_check(&in, 1522, &f), MV_INGRESS_RUNT);
}

#define HZ UINT64_C(1000000000) /* a 1 GHz clock */

static void
test_policer_rate(void)
{
	struct mv_policer p = { 0 };
	uint32_t depth = mv_policer_depth(1000, 32);
	unsigned int ok = 0;

	CHECK_EQ(depth, 32);
	/* the first frame finds a full bucket: depth frames at once, then none */
	for (int i = 0; i < 100; i++)
		ok += mv_policer_conform(&p, 5 * HZ, HZ, 1000, depth);
	CHECK_EQ(ok, 32);
	/* 1 ms later: one more token */
	CHECK(mv_policer_conform(&p, 5 * HZ + HZ / 1000, HZ, 1000, depth));
	CHECK(!mv_policer_conform(&p, 5 * HZ + HZ / 1000, HZ, 1000, depth));
	/* 10 s at 1 frame per 10 us offered (100 kpps): 1000/s conform, +depth */
	ok = 0;
	for (uint64_t t = 6 * HZ; t < 16 * HZ; t += HZ / 100000)
		ok += mv_policer_conform(&p, t, HZ, 1000, depth);
	CHECK(ok >= 10000 && ok <= 10000 + 32 + 1);
}

static void
test_policer_edges(void)
{
	struct mv_policer p = { 0 };

	/* rate 0: off, bucket untouched */
	for (int i = 0; i < 1000; i++)
		CHECK(mv_policer_conform(&p, 0, HZ, 0, 1));
	CHECK_EQ(p.tokens, 0);
	/* a clock that goes back adds nothing */
	CHECK(mv_policer_conform(&p, 10 * HZ, HZ, 1, 1));
	CHECK(!mv_policer_conform(&p, 3 * HZ, HZ, 1, 1));
	CHECK(!mv_policer_conform(&p, 10 * HZ, HZ, 1, 1));
	CHECK(mv_policer_conform(&p, 11 * HZ, HZ, 1, 1));
	/* the largest rate and clock: no overflow, a long idle fills the bucket */
	memset(&p, 0, sizeof(p));
	for (int i = 0; i < 1000; i++)
		CHECK(mv_policer_conform(&p, UINT64_MAX - 1000 + (uint64_t)i, UINT64_C(1) << 35,
					 UINT32_MAX, mv_policer_depth(UINT32_MAX, 32)));
	CHECK_EQ(mv_policer_depth(UINT32_MAX, 32), UINT32_MAX / 50);
	CHECK_EQ(mv_policer_depth(50000, 256), 1000);
	CHECK_EQ(mv_policer_depth(1, 0), 1);
	/* a smaller depth after a rate change: the bucket shrinks to it */
	memset(&p, 0, sizeof(p));
	CHECK(mv_policer_conform(&p, HZ, HZ, 100000, 1000));
	CHECK(mv_policer_conform(&p, HZ, HZ, 10, 2));
	CHECK(mv_policer_conform(&p, HZ, HZ, 10, 2));
	CHECK(!mv_policer_conform(&p, HZ, HZ, 10, 2));
}

int
main(void)
{
	RUN_TEST(test_ingress_lengths);
	RUN_TEST(test_ingress_chains);
	RUN_TEST(test_ingress_tags);
	RUN_TEST(test_policer_rate);
	RUN_TEST(test_policer_edges);
	return mv_test_summary("ingress");
}
