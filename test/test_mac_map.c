/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of mv_mac.h (parsing, formatting, classification) and of the
 * open-addressing MAC map in mv_mac_map.h.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mv_mac.h"
#include "mv_mac_map.h"
#include "mv_test.h"

/* A small deterministic PRNG (xorshift64*), so failures reproduce. */
static uint64_t rng_state = UINT64_C(0x9e3779b97f4a7c15);

static uint64_t
rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(0x2545F4914F6CDD1D);
}

static uint32_t
home_of(const struct mv_mac_map *m, mv_mac_t key)
{
	return mv_mac_map_hash(key, m->shift) & m->mask;
}

/*
 * Check the structural invariants of a map: the occupied slots number
 * m->count, each key is stored once, each key is reachable from its home slot
 * without crossing an empty slot (what backward-shift deletion must keep),
 * the load factor is at most 1/2 and the slot count is a power of two.
 */
static bool
map_invariants_ok(const struct mv_mac_map *m)
{
	uint32_t n_slots = m->mask + 1, occupied = 0;
	bool ok = true;

	if ((n_slots & (n_slots - 1)) != 0 || n_slots < MV_MAC_MAP_MIN_SLOTS) {
		fprintf(stderr, "  bad slot count %u\n", n_slots);
		return false;
	}
	if (64 - m->shift != (uint32_t)__builtin_ctz(n_slots)) {
		fprintf(stderr, "  shift %u does not match %u slots\n", m->shift, n_slots);
		return false;
	}
	for (uint32_t i = 0; i < n_slots; i++) {
		mv_mac_t k = m->slots[i] & MV_MAC_MASK;
		uint32_t j;

		if (k == MV_MAC_MAP_EMPTY)
			continue;
		occupied++;
		for (j = home_of(m, k); j != i; j = (j + 1) & m->mask) {
			mv_mac_t kj = m->slots[j] & MV_MAC_MASK;

			if (kj == MV_MAC_MAP_EMPTY) {
				fprintf(stderr,
					"  key %012llx in slot %u unreachable (hole at %u)\n",
					(unsigned long long)k, i, j);
				ok = false;
				break;
			}
			if (kj == k) {
				fprintf(stderr, "  key %012llx stored twice\n",
					(unsigned long long)k);
				ok = false;
				break;
			}
		}
	}
	if (occupied != m->count) {
		fprintf(stderr, "  %u occupied slots but count %u\n", occupied, m->count);
		ok = false;
	}
	if (2 * (uint64_t)m->count > n_slots) {
		fprintf(stderr, "  load factor above 1/2: %u in %u\n", m->count, n_slots);
		ok = false;
	}
	return ok;
}

/* Find @n distinct unicast keys whose home slot in @m is @home. */
static void
keys_with_home(const struct mv_mac_map *m, uint32_t home, mv_mac_t *out, unsigned int n,
	       mv_mac_t start)
{
	unsigned int found = 0;

	for (mv_mac_t k = start; found < n; k++)
		if (home_of(m, k) == home)
			out[found++] = k;
}

/* ---------------------------------------------------------------- mv_mac.h */

static void
test_mac_parse_valid(void)
{
	static const struct {
		const char *s;
		mv_mac_t mac;
	} cases[] = {
		{ "02:00:00:00:00:01", UINT64_C(0x020000000001) },
		{ "2:0:0:0:0:1", UINT64_C(0x020000000001) },
		{ "02-00-00-00-00-01", UINT64_C(0x020000000001) },
		{ "2-0-0-0-0-1", UINT64_C(0x020000000001) },
		{ "aa:bb:cc:dd:ee:ff", UINT64_C(0xaabbccddeeff) },
		{ "AA:BB:CC:DD:EE:FF", UINT64_C(0xaabbccddeeff) },
		{ "fF:0:a:B:10:9", UINT64_C(0xff000a0b1009) },
		{ "ff:ff:ff:ff:ff:ff", MV_MAC_BROADCAST },
		{ "00:00:00:00:00:00", 0 },
		{ "01:00:5e:00:00:01", MV_MAC_ALL_HOSTS_V4 },
		{ "33:33:00:00:00:01", MV_MAC_ALL_NODES_V6 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mv_mac_t out = UINT64_C(0xdeadbeef);
		int rc = mv_mac_parse(cases[i].s, &out);

		CHECK_EQ(rc, 0);
		CHECK_EQ(out, cases[i].mac);
		if (rc != 0 || out != cases[i].mac)
			fprintf(stderr, "  input \"%s\"\n", cases[i].s);
	}
}

static void
test_mac_parse_invalid(void)
{
	static const char *const bad[] = {
		"",
		"02:00:00:00:00",
		"02:00:00:00:00:",
		"02:00:00:00:00:01:03",
		"02:00:00:00:00:01:",
		"0g:00:00:00:00:01",
		"02:00:00:00:00:0g",
		"002:00:00:00:00:01",
		"02:00:00:00:00:001",
		"02:00:00:00:00:01x",
		"02:00:00:00:00:01 ",
		" 02:00:00:00:00:01",
		"02::00:00:00:00:01",
		":02:00:00:00:00:01",
		"02.00.00.00.00.01",
		"020000000001",
		"02 00 00 00 00 01",
		"0x02:00:00:00:00:01",
		"garbage",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const mv_mac_t sentinel = UINT64_C(0x123456789abc);
		mv_mac_t out = sentinel;
		int rc = mv_mac_parse(bad[i], &out);

		CHECK_EQ(rc, -EINVAL);
		CHECK_EQ(out, sentinel);
		if (rc != -EINVAL || out != sentinel)
			fprintf(stderr, "  input \"%s\"\n", bad[i]);
	}
}

static void
test_mac_format(void)
{
	char buf[MV_MAC_STRLEN];
	char *ret;

	memset(buf, 'z', sizeof(buf));
	ret = mv_mac_format(UINT64_C(0x020000000001), buf, sizeof(buf));
	CHECK(ret == buf);
	CHECK(strcmp(buf, "02:00:00:00:00:01") == 0);

	mv_mac_format(UINT64_C(0xaabbccddeeff), buf, sizeof(buf));
	CHECK(strcmp(buf, "aa:bb:cc:dd:ee:ff") == 0);

	mv_mac_format(0, buf, sizeof(buf));
	CHECK(strcmp(buf, "00:00:00:00:00:00") == 0);

	mv_mac_format(MV_MAC_BROADCAST, buf, sizeof(buf));
	CHECK(strcmp(buf, "ff:ff:ff:ff:ff:ff") == 0);
	CHECK_EQ(strlen(buf), MV_MAC_STRLEN - 1);

	/* format then parse gives the address back */
	for (int i = 0; i < 1000; i++) {
		mv_mac_t mac = rng_next() & MV_MAC_MASK, back = 0;

		mv_mac_format(mac, buf, sizeof(buf));
		CHECK_EQ(strlen(buf), 17);
		CHECK_EQ(mv_mac_parse(buf, &back), 0);
		CHECK_EQ(back, mac);
	}
}

static void
test_mac_bytes(void)
{
	const uint8_t b[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	uint8_t out[6];

	CHECK_EQ(mv_mac_from_bytes(b), UINT64_C(0x021122334455));
	mv_mac_to_bytes(UINT64_C(0x021122334455), out);
	CHECK(memcmp(out, b, 6) == 0);
}

static void
test_mac_classify(void)
{
	CHECK(mv_mac_is_group(UINT64_C(0x010000000000)));
	CHECK(mv_mac_is_group(MV_MAC_ALL_HOSTS_V4));
	CHECK(mv_mac_is_group(MV_MAC_ALL_NODES_V6));
	CHECK(mv_mac_is_group(MV_MAC_BROADCAST));
	CHECK(!mv_mac_is_group(UINT64_C(0x020000000001)));
	CHECK(!mv_mac_is_group(0));
	CHECK(!mv_mac_is_group(UINT64_C(0x00ffffffffff)));

	CHECK(mv_mac_is_broadcast(MV_MAC_BROADCAST));
	CHECK(!mv_mac_is_broadcast(MV_MAC_ALL_HOSTS_V4));

	CHECK(mv_mac_is_valid_unicast(UINT64_C(0x020000000001)));
	CHECK(mv_mac_is_valid_unicast(UINT64_C(0x000000000001)));
	CHECK(mv_mac_is_valid_unicast(UINT64_C(0xfeffffffffff)));
	CHECK(!mv_mac_is_valid_unicast(0));
	CHECK(!mv_mac_is_valid_unicast(MV_MAC_BROADCAST));
	CHECK(!mv_mac_is_valid_unicast(MV_MAC_ALL_HOSTS_V4));
	CHECK(!mv_mac_is_valid_unicast(UINT64_C(0x010000000000)));
	/* wider than 48 bits */
	CHECK(!mv_mac_is_valid_unicast((UINT64_C(1) << 48) | UINT64_C(0x020000000001)));
}

static void
test_mac_random(void)
{
	static const uint64_t fixed[] = {
		0,
		UINT64_MAX,
		MV_MAC_GROUP_BIT,
		MV_MAC_MASK,
		UINT64_C(0x010000000000),
		UINT64_C(0xffff000000000000),
	};
	mv_mac_t seen[64];

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		mv_mac_t mac = mv_mac_random(fixed[i]);

		CHECK(mv_mac_is_valid_unicast(mac));
		CHECK((mac & MV_MAC_LOCAL_BIT) != 0);
		CHECK(!mv_mac_is_group(mac));
		CHECK_EQ(mac & ~MV_MAC_MASK, 0);
	}
	for (int i = 0; i < 10000; i++) {
		uint64_t r = rng_next();
		mv_mac_t mac = mv_mac_random(r);

		CHECK(mv_mac_is_valid_unicast(mac));
		CHECK((mac & MV_MAC_LOCAL_BIT) != 0);
		/* the other 46 bits come from the random input */
		CHECK_EQ(mac & ~(MV_MAC_LOCAL_BIT | MV_MAC_GROUP_BIT),
			 r & MV_MAC_MASK & ~(MV_MAC_LOCAL_BIT | MV_MAC_GROUP_BIT));
		if (i < 64)
			seen[i] = mac;
	}
	/* different inputs give different addresses */
	for (int i = 0; i < 64; i++)
		for (int j = i + 1; j < 64; j++)
			CHECK(seen[i] != seen[j]);
}

/* ------------------------------------------------------------ mv_mac_map.h */

static void
test_map_init_empty(void)
{
	struct mv_mac_map m;
	uint32_t pos = 0;
	mv_mac_t key;
	uint16_t val;

	CHECK_EQ(mv_mac_map_init(&m, 0), 0);
	CHECK_EQ(m.count, 0);
	CHECK(m.slots != NULL);
	CHECK(m.owns_slots);
	CHECK(m.mask + 1 >= MV_MAC_MAP_MIN_SLOTS);
	CHECK(map_invariants_ok(&m));
	CHECK_EQ(mv_mac_map_lookup(&m, UINT64_C(0x020000000001)), -1);
	CHECK_EQ(mv_mac_map_lookup(&m, MV_MAC_BROADCAST), -1);
	CHECK_EQ(mv_mac_map_lookup(&m, 0), -1);
	CHECK_EQ(mv_mac_map_next(&m, &pos, &key, &val), -1);
	CHECK_EQ(mv_mac_map_del(&m, UINT64_C(0x020000000001)), -ENOENT);
	mv_mac_map_free(&m);

	/* with a capacity hint: an empty, valid map too */
	CHECK_EQ(mv_mac_map_init(&m, 1000), 0);
	CHECK_EQ(m.count, 0);
	CHECK(((m.mask + 1) & m.mask) == 0);
	CHECK(map_invariants_ok(&m));
	mv_mac_map_free(&m);
}

static void
test_map_set_lookup_replace(void)
{
	struct mv_mac_map m;
	const mv_mac_t a = UINT64_C(0x020000000001), b = UINT64_C(0x020000000002);

	CHECK_EQ(mv_mac_map_init(&m, 4), 0);
	CHECK_EQ(mv_mac_map_set(&m, a, 7), 0);
	CHECK_EQ(m.count, 1);
	CHECK_EQ(mv_mac_map_lookup(&m, a), 7);
	CHECK_EQ(mv_mac_map_lookup(&m, b), -1);

	/* replacing keeps the count and changes the value */
	CHECK_EQ(mv_mac_map_set(&m, a, 9), 0);
	CHECK_EQ(m.count, 1);
	CHECK_EQ(mv_mac_map_lookup(&m, a), 9);

	/* the whole value range round-trips */
	CHECK_EQ(mv_mac_map_set(&m, b, 65535), 0);
	CHECK_EQ(mv_mac_map_lookup(&m, b), 65535);
	CHECK_EQ(mv_mac_map_set(&m, b, 0), 0);
	CHECK_EQ(mv_mac_map_lookup(&m, b), 0);
	CHECK_EQ(m.count, 2);

	/* group addresses and zero are ordinary keys */
	CHECK_EQ(mv_mac_map_set(&m, MV_MAC_ALL_HOSTS_V4, 3), 0);
	CHECK_EQ(mv_mac_map_set(&m, 0, 4), 0);
	CHECK_EQ(mv_mac_map_lookup(&m, MV_MAC_ALL_HOSTS_V4), 3);
	CHECK_EQ(mv_mac_map_lookup(&m, 0), 4);
	CHECK_EQ(m.count, 4);
	CHECK(map_invariants_ok(&m));

	CHECK_EQ(mv_mac_map_del(&m, a), 0);
	CHECK_EQ(mv_mac_map_lookup(&m, a), -1);
	CHECK_EQ(mv_mac_map_del(&m, a), -ENOENT);
	CHECK_EQ(m.count, 3);
	CHECK_EQ(mv_mac_map_lookup(&m, b), 0);
	CHECK(map_invariants_ok(&m));
	mv_mac_map_free(&m);
}

static void
test_map_invalid_keys(void)
{
	struct mv_mac_map m;
	const mv_mac_t a = UINT64_C(0x020000000001);
	uint64_t *copy;
	size_t bytes;

	CHECK_EQ(mv_mac_map_init(&m, 0), 0);
	CHECK_EQ(mv_mac_map_set(&m, a, 1), 0);
	bytes = (size_t)(m.mask + 1) * sizeof(uint64_t);
	copy = malloc(bytes);
	memcpy(copy, m.slots, bytes);

	CHECK_EQ(mv_mac_map_set(&m, MV_MAC_BROADCAST, 5), -EINVAL);
	CHECK_EQ(mv_mac_map_set(&m, UINT64_C(1) << 48, 5), -EINVAL);
	CHECK_EQ(mv_mac_map_set(&m, (UINT64_C(1) << 63) | a, 5), -EINVAL);
	CHECK_EQ(mv_mac_map_set(&m, UINT64_MAX, 5), -EINVAL);
	/* the map is unchanged */
	CHECK_EQ(m.count, 1);
	CHECK(memcmp(copy, m.slots, bytes) == 0);
	CHECK_EQ(mv_mac_map_lookup(&m, MV_MAC_BROADCAST), -1);
	CHECK_EQ(mv_mac_map_lookup(&m, a), 1);

	CHECK_EQ(mv_mac_map_del(&m, MV_MAC_BROADCAST), -ENOENT);
	CHECK_EQ(mv_mac_map_del(&m, UINT64_C(0x020000000002)), -ENOENT);
	CHECK_EQ(m.count, 1);
	CHECK(memcmp(copy, m.slots, bytes) == 0);
	free(copy);
	mv_mac_map_free(&m);
}

/*
 * A run of colliding keys that wraps around the end of the table, then every
 * single deletion from it: the survivors must stay reachable (backward shift),
 * and entries must not move before their home slot.
 */
static void
test_map_backward_shift_wrap(void)
{
	struct mv_mac_map probe;
	uint32_t last;
	mv_mac_t k_last[3], k_first[2], k_second[1], k_mid[1];
	mv_mac_t all[7];
	unsigned int n = 0;

	CHECK_EQ(mv_mac_map_init(&probe, 0), 0);
	last = probe.mask; /* home in the last slot, so the run wraps */
	keys_with_home(&probe, last, k_last, 3, UINT64_C(0x020000000000));
	keys_with_home(&probe, 0, k_first, 2, UINT64_C(0x020000000000));
	keys_with_home(&probe, 1, k_second, 1, UINT64_C(0x020000000000));
	keys_with_home(&probe, last - 3, k_mid, 1, UINT64_C(0x020000000000));
	mv_mac_map_free(&probe);

	all[n++] = k_last[0];
	all[n++] = k_last[1];
	all[n++] = k_first[0];
	all[n++] = k_last[2];
	all[n++] = k_second[0];
	all[n++] = k_first[1];
	all[n++] = k_mid[0];

	for (unsigned int victim = 0; victim <= n; victim++) {
		struct mv_mac_map m;

		/* 16 slots hold 7 entries without growing (load <= 1/2) */
		CHECK_EQ(mv_mac_map_init(&m, 0), 0);
		CHECK_EQ(m.mask + 1, MV_MAC_MAP_MIN_SLOTS);
		for (unsigned int i = 0; i < n; i++)
			CHECK_EQ(mv_mac_map_set(&m, all[i], (uint16_t)(100 + i)), 0);
		CHECK_EQ(m.mask + 1, MV_MAC_MAP_MIN_SLOTS);
		CHECK_EQ(m.count, n);
		CHECK(map_invariants_ok(&m));
		/* the run really wraps: the last and the first slot are both in use */
		CHECK((m.slots[m.mask] & MV_MAC_MASK) != MV_MAC_MAP_EMPTY);
		CHECK((m.slots[0] & MV_MAC_MASK) != MV_MAC_MAP_EMPTY);

		if (victim == n) {
			/* delete them all, in insertion order, checking as we go */
			for (unsigned int d = 0; d < n; d++) {
				CHECK_EQ(mv_mac_map_del(&m, all[d]), 0);
				CHECK(map_invariants_ok(&m));
				for (unsigned int i = 0; i < n; i++)
					CHECK_EQ(mv_mac_map_lookup(&m, all[i]),
						 i <= d ? -1 : (int)(100 + i));
			}
			CHECK_EQ(m.count, 0);
			for (uint32_t s = 0; s <= m.mask; s++)
				CHECK_EQ(m.slots[s] & MV_MAC_MASK, MV_MAC_MAP_EMPTY);
		} else {
			CHECK_EQ(mv_mac_map_del(&m, all[victim]), 0);
			CHECK_EQ(m.count, n - 1);
			CHECK(map_invariants_ok(&m));
			for (unsigned int i = 0; i < n; i++)
				CHECK_EQ(mv_mac_map_lookup(&m, all[i]),
					 i == victim ? -1 : (int)(100 + i));
			/* re-inserting it works and finds everything again */
			CHECK_EQ(mv_mac_map_set(&m, all[victim], 1), 0);
			CHECK(map_invariants_ok(&m));
			for (unsigned int i = 0; i < n; i++)
				CHECK_EQ(mv_mac_map_lookup(&m, all[i]),
					 i == victim ? 1 : (int)(100 + i));
		}
		mv_mac_map_free(&m);
	}
}

/*
 * Keys that all share one home slot, deleted from the middle of the run: an
 * entry whose home is at or after the hole must not be moved into it, which a
 * naive "shift everything" deletion gets wrong.
 */
static void
test_map_backward_shift_no_overmove(void)
{
	struct mv_mac_map m;
	mv_mac_t h2[2], h3[2], h5[1];
	mv_mac_t order[5];

	CHECK_EQ(mv_mac_map_init(&m, 0), 0);
	keys_with_home(&m, 2, h2, 2, UINT64_C(0x060000000000));
	keys_with_home(&m, 3, h3, 2, UINT64_C(0x060000000000));
	keys_with_home(&m, 5, h5, 1, UINT64_C(0x060000000000));
	/* slots: 2:h2a 3:h2b 4:h3a 5:h3b 6:h5 */
	order[0] = h2[0];
	order[1] = h2[1];
	order[2] = h3[0];
	order[3] = h3[1];
	order[4] = h5[0];
	for (int i = 0; i < 5; i++)
		CHECK_EQ(mv_mac_map_set(&m, order[i], (uint16_t)i), 0);
	for (uint32_t s = 2; s <= 6; s++)
		CHECK_EQ(m.slots[s] & MV_MAC_MASK, order[s - 2]);

	/* delete h2b (slot 3): h3a moves to 3, h3b to 4, h5 (home 5) moves to 5 */
	CHECK_EQ(mv_mac_map_del(&m, h2[1]), 0);
	CHECK(map_invariants_ok(&m));
	CHECK_EQ(m.slots[2] & MV_MAC_MASK, h2[0]);
	CHECK_EQ(m.slots[3] & MV_MAC_MASK, h3[0]);
	CHECK_EQ(m.slots[4] & MV_MAC_MASK, h3[1]);
	CHECK_EQ(m.slots[5] & MV_MAC_MASK, h5[0]);
	CHECK_EQ(m.slots[6] & MV_MAC_MASK, MV_MAC_MAP_EMPTY);
	for (int i = 0; i < 5; i++)
		CHECK_EQ(mv_mac_map_lookup(&m, order[i]), i == 1 ? -1 : i);

	/* delete h2a (slot 2): nothing has home 2 any more; h3a (home 3) stays */
	CHECK_EQ(mv_mac_map_del(&m, h2[0]), 0);
	CHECK(map_invariants_ok(&m));
	CHECK_EQ(m.slots[2] & MV_MAC_MASK, MV_MAC_MAP_EMPTY);
	CHECK_EQ(m.slots[3] & MV_MAC_MASK, h3[0]);
	CHECK_EQ(m.slots[5] & MV_MAC_MASK, h5[0]);
	for (int i = 2; i < 5; i++)
		CHECK_EQ(mv_mac_map_lookup(&m, order[i]), i);
	mv_mac_map_free(&m);
}

static void
test_map_growth(void)
{
	struct mv_mac_map m;
	const uint32_t n = 20000;
	uint32_t prev_slots;
	bool grew = false;

	CHECK_EQ(mv_mac_map_init(&m, 0), 0);
	prev_slots = m.mask + 1;
	for (uint32_t i = 0; i < n; i++) {
		mv_mac_t key = UINT64_C(0x020000000000) + (mv_mac_t)i * 7919;

		CHECK_EQ(mv_mac_map_set(&m, key, (uint16_t)i), 0);
		CHECK_EQ(m.count, i + 1);
		CHECK(2 * (uint64_t)m.count <= (uint64_t)m.mask + 1);
		if (m.mask + 1 != prev_slots) {
			CHECK(m.mask + 1 > prev_slots);
			prev_slots = m.mask + 1;
			grew = true;
			/* every entry survives a rehash */
			for (uint32_t j = 0; j <= i; j++)
				if (mv_mac_map_lookup(&m, UINT64_C(0x020000000000) +
								  (mv_mac_t)j * 7919) !=
				    (int)(uint16_t)j) {
					CHECK(!"entry lost on growth");
					break;
				}
		}
	}
	CHECK(grew);
	CHECK(m.owns_slots);
	CHECK(map_invariants_ok(&m));
	for (uint32_t i = 0; i < n; i++)
		CHECK_EQ(mv_mac_map_lookup(&m, UINT64_C(0x020000000000) + (mv_mac_t)i * 7919),
			 (uint16_t)i);

	/* clear keeps the capacity and empties the map */
	prev_slots = m.mask + 1;
	mv_mac_map_clear(&m);
	CHECK_EQ(m.count, 0);
	CHECK_EQ(m.mask + 1, prev_slots);
	CHECK(map_invariants_ok(&m));
	CHECK_EQ(mv_mac_map_lookup(&m, UINT64_C(0x020000000000)), -1);
	CHECK_EQ(mv_mac_map_set(&m, UINT64_C(0x020000000000), 5), 0);
	CHECK_EQ(mv_mac_map_lookup(&m, UINT64_C(0x020000000000)), 5);
	mv_mac_map_free(&m);
	CHECK(m.slots == NULL);
	CHECK_EQ(m.count, 0);
}

static void
test_map_fixed(void)
{
	static const uint32_t sizes[] = { 0, 1, 7, 8, 9, 100, 1000 };

	for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
		uint32_t n = sizes[si];
		size_t bytes = mv_mac_map_fixed_size(n);
		size_t n_slots = bytes / sizeof(uint64_t);
		uint64_t *mem, *copy;
		struct mv_mac_map m;
		uint32_t stored = 0;
		mv_mac_t key = UINT64_C(0x0a0000000000);
		int rc;

		CHECK_EQ(bytes % sizeof(uint64_t), 0);
		CHECK(n_slots >= MV_MAC_MAP_MIN_SLOTS);
		CHECK((n_slots & (n_slots - 1)) == 0);
		CHECK(n_slots >= 2 * (size_t)n);

		/* guard words after the slots must not be touched */
		mem = malloc(bytes + 4 * sizeof(uint64_t));
		for (size_t i = 0; i < n_slots + 4; i++)
			mem[i] = UINT64_C(0x5a5a5a5a5a5a5a5a);
		mv_mac_map_init_fixed(&m, mem, n);
		CHECK(m.slots == mem);
		CHECK(!m.owns_slots);
		CHECK_EQ(m.count, 0);
		CHECK_EQ((size_t)m.mask + 1, n_slots);
		CHECK(map_invariants_ok(&m));

		/* it holds at least n entries, then -ENOSPC, never above load 1/2 */
		for (;;) {
			rc = mv_mac_map_set(&m, key + stored, (uint16_t)stored);
			if (rc != 0)
				break;
			stored++;
			if (stored > n_slots)
				break;
		}
		CHECK_EQ(rc, -ENOSPC);
		CHECK(stored >= n);
		CHECK(2 * (size_t)stored <= n_slots);
		CHECK_EQ(m.count, stored);
		CHECK(m.slots == mem);
		CHECK_EQ((size_t)m.mask + 1, n_slots);
		CHECK(map_invariants_ok(&m));

		/* the failed insert changed nothing */
		copy = malloc(bytes);
		memcpy(copy, mem, bytes);
		CHECK_EQ(mv_mac_map_set(&m, key + stored + 1, 1), -ENOSPC);
		CHECK(memcmp(copy, mem, bytes) == 0);
		CHECK_EQ(m.count, stored);
		CHECK_EQ(mv_mac_map_lookup(&m, key + stored), -1);
		CHECK_EQ(mv_mac_map_lookup(&m, key + stored + 1), -1);

		/* replacing an existing key needs no room */
		CHECK_EQ(mv_mac_map_set(&m, key, 4242), 0);
		CHECK_EQ(mv_mac_map_lookup(&m, key), 4242);
		CHECK_EQ(m.count, stored);

		/* after a deletion there is room again */
		CHECK_EQ(mv_mac_map_del(&m, key + 1), 0);
		CHECK_EQ(mv_mac_map_set(&m, key + stored + 1, 77), 0);
		CHECK_EQ(mv_mac_map_lookup(&m, key + stored + 1), 77);
		CHECK_EQ(mv_mac_map_lookup(&m, key + 1), -1);
		CHECK(map_invariants_ok(&m));
		for (uint32_t i = 2; i < stored; i++)
			CHECK_EQ(mv_mac_map_lookup(&m, key + i), (uint16_t)i);

		for (size_t i = n_slots; i < n_slots + 4; i++)
			CHECK_EQ(mem[i], UINT64_C(0x5a5a5a5a5a5a5a5a));

		/* free() on a fixed map must not free the caller's memory */
		mv_mac_map_free(&m);
		CHECK_EQ(mem[n_slots], UINT64_C(0x5a5a5a5a5a5a5a5a));
		free(copy);
		free(mem);
	}
}

/* Iteration visits each entry exactly once, with its value. */
static void
test_map_iteration(void)
{
	struct mv_mac_map m;
	const uint32_t n = 777;
	uint8_t *seen = calloc(n, 1);
	uint32_t pos = 0, visits = 0, last_idx = 0;
	mv_mac_t key;
	uint16_t val;
	int idx;
	bool first = true;

	CHECK_EQ(mv_mac_map_init(&m, 0), 0);
	for (uint32_t i = 0; i < n; i++)
		CHECK_EQ(mv_mac_map_set(&m, UINT64_C(0x420000000000) + i * 13, (uint16_t)i), 0);
	/* delete every third entry so the table has holes and shifted runs */
	for (uint32_t i = 0; i < n; i += 3)
		CHECK_EQ(mv_mac_map_del(&m, UINT64_C(0x420000000000) + i * 13), 0);

	while ((idx = mv_mac_map_next(&m, &pos, &key, &val)) >= 0) {
		uint32_t i = val;

		visits++;
		CHECK(first || (uint32_t)idx > last_idx);
		CHECK_EQ(pos, (uint32_t)idx + 1);
		CHECK_EQ(m.slots[idx] & MV_MAC_MASK, key);
		first = false;
		last_idx = (uint32_t)idx;
		if (i >= n || i % 3 == 0 || key != UINT64_C(0x420000000000) + i * 13) {
			CHECK(!"iteration returned a deleted or unknown entry");
			continue;
		}
		CHECK_EQ(seen[i], 0);
		seen[i]++;
	}
	CHECK_EQ(visits, m.count);
	for (uint32_t i = 0; i < n; i++)
		CHECK_EQ(seen[i], i % 3 == 0 ? 0 : 1);
	/* once finished, it stays finished */
	CHECK_EQ(mv_mac_map_next(&m, &pos, &key, &val), -1);
	mv_mac_map_free(&m);

	/* a freed map iterates as empty */
	pos = 0;
	CHECK_EQ(mv_mac_map_next(&m, &pos, &key, &val), -1);
	free(seen);
}

/* ------------------------------------------------------ differential test */

struct model {
	mv_mac_t key[4096];
	uint16_t val[4096];
	uint32_t n;
};

static int
model_find(const struct model *md, mv_mac_t key)
{
	for (uint32_t i = 0; i < md->n; i++)
		if (md->key[i] == key)
			return (int)i;
	return -1;
}

/* Compare the map with the model: lookups of all model keys and iteration. */
static bool
model_matches(const struct mv_mac_map *m, const struct model *md)
{
	uint8_t *seen = calloc(md->n ? md->n : 1, 1);
	uint32_t pos = 0, visits = 0;
	mv_mac_t key;
	uint16_t val;
	bool ok = true;

	if (m->count != md->n) {
		fprintf(stderr, "  count %u, model %u\n", m->count, md->n);
		ok = false;
	}
	for (uint32_t i = 0; i < md->n; i++)
		if (mv_mac_map_lookup(m, md->key[i]) != md->val[i]) {
			fprintf(stderr, "  key %012llx: %d, model %u\n",
				(unsigned long long)md->key[i], mv_mac_map_lookup(m, md->key[i]),
				md->val[i]);
			ok = false;
		}
	while (mv_mac_map_next(m, &pos, &key, &val) >= 0) {
		int i = model_find(md, key);

		visits++;
		if (i < 0 || md->val[i] != val || seen[i]) {
			fprintf(stderr, "  iteration: unexpected key %012llx\n",
				(unsigned long long)key);
			ok = false;
		} else {
			seen[i] = 1;
		}
	}
	if (visits != md->n)
		ok = false;
	free(seen);
	return ok && map_invariants_ok(m);
}

/*
 * Random set/del/lookup over a small key universe (so keys are re-used and
 * collide), against a plain array. @fixed_n > 0 runs a fixed map of that
 * size, which must take at least @fixed_n entries and may then answer -ENOSPC
 * (the comparison with the model then shows it changed nothing).
 */
static void
run_differential(uint32_t universe, uint32_t fixed_n, unsigned int ops, uint64_t seed)
{
	struct model *md = calloc(1, sizeof(*md));
	mv_mac_t *keys = malloc(universe * sizeof(*keys));
	struct mv_mac_map m;
	void *mem = NULL;
	unsigned int failures_before = mv_test_checks_failed;

	rng_state = seed;
	/* half of the keys are chosen to share a handful of home slots */
	if (fixed_n > 0) {
		mem = malloc(mv_mac_map_fixed_size(fixed_n));
		mv_mac_map_init_fixed(&m, mem, fixed_n);
	} else {
		CHECK_EQ(mv_mac_map_init(&m, 0), 0);
	}
	for (uint32_t i = 0; i < universe; i++) {
		if (i % 2 == 0) {
			keys[i] = rng_next() & MV_MAC_MASK;
		} else {
			mv_mac_t k = rng_next() & MV_MAC_MASK;

			/* the same home slot as key i-1, for the initial table size */
			while (home_of(&m, k) != home_of(&m, keys[i - 1]))
				k = (k + 1) & MV_MAC_MASK;
			keys[i] = k;
		}
		if (keys[i] == MV_MAC_BROADCAST)
			keys[i] = 1;
		for (uint32_t j = 0; j < i; j++)
			if (keys[j] == keys[i]) {
				keys[i] = (keys[i] + 1) & (MV_MAC_MASK >> 1);
				j = (uint32_t)-1;
			}
	}

	for (unsigned int op = 0; op < ops; op++) {
		uint64_t r = rng_next();
		mv_mac_t key = keys[(r >> 8) % universe];
		int idx = model_find(md, key);

		switch (r % 8) {
		case 0:
		case 1:
		case 2: {
			uint16_t val = (uint16_t)(r >> 40);
			int rc = mv_mac_map_set(&m, key, val);

			if (fixed_n > 0 && rc == -ENOSPC) {
				/* only a new key, and only once n entries are stored */
				CHECK(idx < 0);
				CHECK(md->n >= fixed_n);
			} else {
				CHECK_EQ(rc, 0);
				if (rc == 0) {
					if (idx < 0) {
						idx = (int)md->n++;
						md->key[idx] = key;
					}
					md->val[idx] = val;
				}
			}
			break;
		}
		case 3:
		case 4:
		case 5: {
			int rc = mv_mac_map_del(&m, key);

			CHECK_EQ(rc, idx < 0 ? -ENOENT : 0);
			if (idx >= 0) {
				md->n--;
				md->key[idx] = md->key[md->n];
				md->val[idx] = md->val[md->n];
			}
			break;
		}
		case 6:
			CHECK_EQ(mv_mac_map_lookup(&m, key), idx < 0 ? -1 : md->val[idx]);
			/* an absent key close to a present one misses */
			CHECK_EQ(mv_mac_map_lookup(&m, key ^ (UINT64_C(1) << 47)),
				 model_find(md, key ^ (UINT64_C(1) << 47)) < 0
					 ? -1
					 : md->val[model_find(md, key ^ (UINT64_C(1) << 47))]);
			break;
		default:
			if (r % 512 == 7) {
				mv_mac_map_clear(&m);
				md->n = 0;
			}
			break;
		}
		if (op % 97 == 0 || op == ops - 1)
			CHECK(model_matches(&m, md));
		if (mv_test_checks_failed - failures_before > 20) {
			fprintf(stderr, "  differential: stopping after op %u (seed %llx)\n", op,
				(unsigned long long)seed);
			break;
		}
	}
	CHECK(model_matches(&m, md));
	if (fixed_n > 0)
		free(mem);
	else
		mv_mac_map_free(&m);
	free(keys);
	free(md);
}

static void
test_map_differential_growable(void)
{
	run_differential(64, 0, 20000, UINT64_C(0x1234567));
	run_differential(3000, 0, 40000, UINT64_C(0x7654321));
}

static void
test_map_differential_fixed(void)
{
	run_differential(48, 16, 20000, UINT64_C(0xabcdef));
	run_differential(300, 100, 30000, UINT64_C(0xfedcba));
}

int
main(void)
{
	RUN_TEST(test_mac_parse_valid);
	RUN_TEST(test_mac_parse_invalid);
	RUN_TEST(test_mac_format);
	RUN_TEST(test_mac_bytes);
	RUN_TEST(test_mac_classify);
	RUN_TEST(test_mac_random);
	RUN_TEST(test_map_init_empty);
	RUN_TEST(test_map_set_lookup_replace);
	RUN_TEST(test_map_invalid_keys);
	RUN_TEST(test_map_backward_shift_wrap);
	RUN_TEST(test_map_backward_shift_no_overmove);
	RUN_TEST(test_map_growth);
	RUN_TEST(test_map_fixed);
	RUN_TEST(test_map_iteration);
	RUN_TEST(test_map_differential_growable);
	RUN_TEST(test_map_differential_fixed);
	return mv_test_summary("mac_map");
}
