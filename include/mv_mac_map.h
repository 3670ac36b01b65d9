/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_MAC_MAP_H
#define MV_MAC_MAP_H

/**
 * @file
 * A flat open-addressing map from a MAC address to a 16-bit value.
 *
 * Each entry is one 64-bit word: the 48-bit key in the low bits and the value
 * in the high 16 bits. An empty entry holds the broadcast address as its key,
 * which is never stored (lookups of broadcast always miss). Linear probing,
 * load factor at most 1/2, backward-shift deletion (no tombstones), so a
 * lookup touches one cache line in the common case and never allocates.
 *
 * The map is either growable (control tables) or built once at a fixed
 * capacity inside caller-provided memory (forwarding snapshots).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mv_mac.h"

#define MV_MAC_MAP_EMPTY     MV_MAC_BROADCAST
#define MV_MAC_MAP_VAL_SHIFT 48
#define MV_MAC_MAP_MIN_SLOTS 16u

struct mv_mac_map {
	uint64_t *slots; /**< 2^k entries */
	uint32_t mask;   /**< number of slots - 1 */
	uint32_t shift;  /**< 64 - k, for the multiplicative hash */
	uint32_t count;  /**< entries in use */
	bool owns_slots; /**< slots were malloc'ed by the map (growable) */
};

static inline uint32_t
mv_mac_map_hash(mv_mac_t key, uint32_t shift)
{
	return (uint32_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> shift);
}

/**
 * The probe loop of a lookup from slot @p i (the key's home slot), over a
 * map's fields copied by the caller (a burst loop keeps them in registers).
 * @p key must not be the empty key and the map must have a slot array.
 */
static inline int
mv_mac_map_probe_at(const uint64_t *slots, uint32_t mask, uint32_t i, mv_mac_t key)
{
	for (;;) {
		uint64_t e = slots[i];
		mv_mac_t k = e & MV_MAC_MASK;

		if (k == key)
			return (int)(e >> MV_MAC_MAP_VAL_SHIFT);
		if (k == MV_MAC_MAP_EMPTY)
			return -1;
		i = (i + 1) & mask;
	}
}

/** mv_mac_map_probe_at() from the home slot of @p key. */
static inline int
mv_mac_map_probe(const uint64_t *slots, uint32_t mask, uint32_t shift, mv_mac_t key)
{
	return mv_mac_map_probe_at(slots, mask, mv_mac_map_hash(key, shift) & mask, key);
}

/** Look up @p key; returns its value (0..65535) or -1 when absent. */
static inline int
mv_mac_map_lookup(const struct mv_mac_map *m, mv_mac_t key)
{
	if (key == MV_MAC_MAP_EMPTY || m->count == 0)
		return -1;
	return mv_mac_map_probe(m->slots, m->mask, m->shift, key);
}

/** Hint the cache about the line @p key will be looked up in. */
static inline void
mv_mac_map_prefetch(const struct mv_mac_map *m, mv_mac_t key)
{
	__builtin_prefetch(&m->slots[mv_mac_map_hash(key, m->shift) & m->mask]);
}

/** Initialise an empty growable map. Returns 0 or -ENOMEM. */
int mv_mac_map_init(struct mv_mac_map *m, uint32_t capacity_hint);

/** Free a growable map's memory. */
void mv_mac_map_free(struct mv_mac_map *m);

/** Bytes of slot memory a fixed map for @p n entries needs. */
size_t mv_mac_map_fixed_size(uint32_t n);

/** Initialise a fixed map for up to @p n entries in @p mem (mv_mac_map_fixed_size(n) bytes). */
void mv_mac_map_init_fixed(struct mv_mac_map *m, void *mem, uint32_t n);

/**
 * Insert or replace @p key. Returns 0, -EINVAL for the broadcast key or a key
 * wider than 48 bits, -ENOMEM when a growable map cannot grow, -ENOSPC when a
 * fixed map is full. The map is unchanged on error.
 */
int mv_mac_map_set(struct mv_mac_map *m, mv_mac_t key, uint16_t val);

/** Remove @p key. Returns 0, or -ENOENT when absent. */
int mv_mac_map_del(struct mv_mac_map *m, mv_mac_t key);

/** Remove every entry (capacity is kept). */
void mv_mac_map_clear(struct mv_mac_map *m);

/** Iterate: returns the next occupied slot index at or after @p *pos, or -1. */
static inline int
mv_mac_map_next(const struct mv_mac_map *m, uint32_t *pos, mv_mac_t *key, uint16_t *val)
{
	for (; m->slots != NULL && *pos <= m->mask; (*pos)++) {
		uint64_t e = m->slots[*pos];

		if ((e & MV_MAC_MASK) != MV_MAC_MAP_EMPTY) {
			*key = e & MV_MAC_MASK;
			*val = (uint16_t)(e >> MV_MAC_MAP_VAL_SHIFT);
			return (int)(*pos)++;
		}
	}
	return -1;
}

#endif /* MV_MAC_MAP_H */
