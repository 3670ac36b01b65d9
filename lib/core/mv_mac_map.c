/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mv_mac_map.h"

static uint32_t
slots_for(uint32_t n)
{
	uint32_t slots = MV_MAC_MAP_MIN_SLOTS;

	/* load factor at most 1/2 */
	while (slots < 2 * (uint64_t)n)
		slots <<= 1;
	return slots;
}

static void
fill_empty(uint64_t *slots, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		slots[i] = MV_MAC_MAP_EMPTY;
}

static void
layout(struct mv_mac_map *m, uint64_t *slots, uint32_t n_slots)
{
	m->slots = slots;
	m->mask = n_slots - 1;
	m->shift = 64 - (uint32_t)__builtin_ctz(n_slots);
	m->count = 0;
	fill_empty(slots, n_slots);
}

int
mv_mac_map_init(struct mv_mac_map *m, uint32_t capacity_hint)
{
	uint32_t n = slots_for(capacity_hint);
	uint64_t *slots = malloc(n * sizeof(*slots));

	if (slots == NULL)
		return -ENOMEM;
	layout(m, slots, n);
	m->owns_slots = true;
	return 0;
}

void
mv_mac_map_free(struct mv_mac_map *m)
{
	if (m->owns_slots)
		free(m->slots);
	memset(m, 0, sizeof(*m));
}

size_t
mv_mac_map_fixed_size(uint32_t n)
{
	return (size_t)slots_for(n) * sizeof(uint64_t);
}

void
mv_mac_map_init_fixed(struct mv_mac_map *m, void *mem, uint32_t n)
{
	layout(m, mem, slots_for(n));
	m->owns_slots = false;
}

/* Index of @key's slot, or of the empty slot where it would go. */
static uint32_t
find_slot(const struct mv_mac_map *m, mv_mac_t key)
{
	uint32_t i = mv_mac_map_hash(key, m->shift) & m->mask;

	for (;;) {
		mv_mac_t k = m->slots[i] & MV_MAC_MASK;

		if (k == key || k == MV_MAC_MAP_EMPTY)
			return i;
		i = (i + 1) & m->mask;
	}
}

static int
grow(struct mv_mac_map *m)
{
	struct mv_mac_map bigger;
	uint32_t pos = 0;
	mv_mac_t key;
	uint16_t val;

	if (mv_mac_map_init(&bigger, (m->mask + 1)) < 0)
		return -ENOMEM;
	while (mv_mac_map_next(m, &pos, &key, &val) >= 0) {
		uint32_t i = find_slot(&bigger, key);

		bigger.slots[i] = key | ((uint64_t)val << MV_MAC_MAP_VAL_SHIFT);
		bigger.count++;
	}
	free(m->slots);
	*m = bigger;
	return 0;
}

int
mv_mac_map_set(struct mv_mac_map *m, mv_mac_t key, uint16_t val)
{
	uint32_t i;

	if (key == MV_MAC_MAP_EMPTY || (key & ~MV_MAC_MASK) != 0)
		return -EINVAL;
	if (m->slots == NULL)
		return -ENOMEM;
	i = find_slot(m, key);
	if ((m->slots[i] & MV_MAC_MASK) != key) {
		/* a new key: keep the load factor at or below 1/2 */
		if (2 * (uint64_t)(m->count + 1) > (uint64_t)m->mask + 1) {
			if (!m->owns_slots)
				return -ENOSPC;
			if (grow(m) < 0)
				return -ENOMEM;
			i = find_slot(m, key);
		}
		m->count++;
	}
	m->slots[i] = key | ((uint64_t)val << MV_MAC_MAP_VAL_SHIFT);
	return 0;
}

int
mv_mac_map_del(struct mv_mac_map *m, mv_mac_t key)
{
	uint32_t i, j;

	if (key == MV_MAC_MAP_EMPTY || m->count == 0)
		return -ENOENT;
	i = find_slot(m, key);
	if ((m->slots[i] & MV_MAC_MASK) != key)
		return -ENOENT;
	/* backward-shift deletion: move later members of the run into the hole */
	j = i;
	for (;;) {
		uint32_t home;
		mv_mac_t k;

		j = (j + 1) & m->mask;
		k = m->slots[j] & MV_MAC_MASK;
		if (k == MV_MAC_MAP_EMPTY)
			break;
		home = mv_mac_map_hash(k, m->shift) & m->mask;
		/* entry j may move to hole i unless its home lies cyclically in (i, j] */
		if (((j - home) & m->mask) >= ((j - i) & m->mask)) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	m->slots[i] = MV_MAC_MAP_EMPTY;
	m->count--;
	return 0;
}

void
mv_mac_map_clear(struct mv_mac_map *m)
{
	if (m->slots != NULL)
		fill_empty(m->slots, m->mask + 1);
	m->count = 0;
}
