/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the macvlan core: control rules, forwarding snapshot
 * and classifier.
 *
 * The input is a program. Each step reads an opcode byte and its operands and
 * either changes the configuration (create/delete vifs, up/down, MAC, MTU,
 * mode/flags, source lists, groups, allmulti/promisc, lower link/MTU/MAC
 * events, queue length and cutoff) or sends one frame (from the wire, from a
 * vif or from the lower's stack). MACs, names and groups come from small pools
 * so that collisions and reuse happen often.
 *
 * After every control step the tables are checked for internal consistency; a
 * rejected step (negative return) must leave them bit-for-bit as they were
 * (digest of port and vifs, generation included), and a successful one that
 * changed them must bump the port's generation.
 *
 * Every frame is parsed, classified against a snapshot rebuilt whenever the
 * generation moved, expanded, and checked twice: against the structural rules
 * (no duplicate receivers but the source+reflect pair, no down receiver,
 * private vifs never receive from a sibling, only bridge senders deliver
 * locally, used slots only, source vifs only get source/reflect copies), and
 * against an independent model of docs/macvlan-semantics.md §4-§6 computed
 * from the control tables, not from the snapshot.
 *
 * Any violation prints what happened and aborts.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mv_classify.h"
#include "mv_control.h"
#include "mv_fib.h"
#include "mv_link_events.h"
#include "mv_mac.h"
#include "mv_mac_map.h"
#include "mv_port.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LOWER_MAC1  UINT64_C(0x02aa00000001)
#define LOWER_MAC2  UINT64_C(0x02aa00000002)
#define UNKNOWN_MAC UINT64_C(0x020000007777)
#define MAX_STEPS   512
#define MAX_FRAME   9300
#define RING        8

/* ---------------------------------------------------------------------------
 * Failure reporting
 */

/* Coverage counters, printed at exit when built with -DFUZZ_CORE_STATS. */
static struct {
	uint64_t steps, ctl_ok, ctl_rejected, frames, runts, rcpts, flood, source, reflect, unicast,
		too_big, lower, wire, queued, nodst;
} stats;

#ifdef FUZZ_CORE_STATS
static void __attribute__((destructor)) print_stats(void)
{
	fprintf(stderr,
		"steps %llu ctl ok %llu rejected %llu frames %llu runts %llu rcpts %llu "
		"(unicast %llu source %llu flood %llu reflect %llu too-big %llu) lower %llu "
		"wire %llu queued %llu nodst %llu\n",
		(unsigned long long)stats.steps, (unsigned long long)stats.ctl_ok,
		(unsigned long long)stats.ctl_rejected, (unsigned long long)stats.frames,
		(unsigned long long)stats.runts, (unsigned long long)stats.rcpts,
		(unsigned long long)stats.unicast, (unsigned long long)stats.source,
		(unsigned long long)stats.flood, (unsigned long long)stats.reflect,
		(unsigned long long)stats.too_big, (unsigned long long)stats.lower,
		(unsigned long long)stats.wire, (unsigned long long)stats.queued,
		(unsigned long long)stats.nodst);
}
#endif

static const char *cur_step = "init";
static unsigned int cur_step_no;

static void fz_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

static void
fz_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_core: violation at step %u (%s): ", cur_step_no, cur_step);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static const char *
fmt_mac(mv_mac_t mac, char *buf)
{
	return mv_mac_format(mac, buf, MV_MAC_STRLEN);
}

/* ---------------------------------------------------------------------------
 * Input reader
 */

struct rd {
	const uint8_t *p;
	size_t n;
	size_t i;
};

static bool
rd_more(const struct rd *r)
{
	return r->i < r->n;
}

static uint8_t
rd8(struct rd *r)
{
	return r->i < r->n ? r->p[r->i++] : 0;
}

static uint16_t
rd16(struct rd *r)
{
	uint16_t hi = rd8(r);

	return (uint16_t)((hi << 8) | rd8(r));
}

/* ---------------------------------------------------------------------------
 * Pools
 */

static const mv_mac_t vif_mac_pool[] = {
	UINT64_C(0x020000000001),
	UINT64_C(0x020000000002),
	UINT64_C(0x020000000003),
	UINT64_C(0x020000000004),
	UINT64_C(0x020000000005),
	UINT64_C(0x020000000006),
	LOWER_MAC1,
	LOWER_MAC2,
	0,
	UINT64_C(0x01005e000001),
	MV_MAC_BROADCAST,
};
#define N_VIF_MACS (sizeof(vif_mac_pool) / sizeof(vif_mac_pool[0]))

static const mv_mac_t src_mac_pool[] = {
	UINT64_C(0x020000009901),
	UINT64_C(0x020000009902),
	UINT64_C(0x020000009903),
	UINT64_C(0x020000000001),
	UINT64_C(0x020000000002),
	UINT64_C(0x020000000003),
	UINT64_C(0x020000000004),
	LOWER_MAC1,
	0,
	UINT64_C(0x3333ffffff01),
};
#define N_SRC_MACS (sizeof(src_mac_pool) / sizeof(src_mac_pool[0]))

static const mv_mac_t group_pool[] = {
	UINT64_C(0x3333ffffff01), UINT64_C(0x3333ffffff02), UINT64_C(0x3333ffffff03),
	MV_MAC_ALL_HOSTS_V4,      MV_MAC_ALL_NODES_V6,      UINT64_C(0x0180c2000001),
	MV_MAC_BROADCAST,         UINT64_C(0x020000000001),
};
#define N_GROUPS (sizeof(group_pool) / sizeof(group_pool[0]))

static const char *const name_pool[] = {
	"v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "", "bad/name",
};
#define N_NAMES (sizeof(name_pool) / sizeof(name_pool[0]))

static const uint8_t mode_pool[] = {
	0,
	MV_MODE_PRIVATE,
	MV_MODE_VEPA,
	MV_MODE_BRIDGE,
	MV_MODE_PASSTHRU,
	MV_MODE_SOURCE,
	MV_MODE_BRIDGE,
	MV_MODE_VEPA,
	MV_MODE_SOURCE,
	3,
	32,
	MV_MODE_BRIDGE,
};
#define N_MODES (sizeof(mode_pool) / sizeof(mode_pool[0]))

static const uint32_t vif_mtu_pool[] = { 40, 67, 68, 1000, 1400, 1500, 1501, 9000, 70000 };
static const uint32_t lower_mtu_pool[] = { 60, 68, 576, 1000, 1500, 1500, 9000, 9001 };
static const uint32_t bcql_pool[] = { 0, 1, 1000, 5000, 0 };
static const int32_t cutoff_pool[] = { -1, 0, 1, 2, 100, 1, -5 };
static const int macaddr_op_pool[] = {
	MV_MACADDR_NONE, MV_MACADDR_ADD, MV_MACADDR_DEL, MV_MACADDR_FLUSH, MV_MACADDR_SET, 7,
	MV_MACADDR_ADD,  MV_MACADDR_SET,
};
static const uint32_t uc_filter_pool[] = { 0, 1, 4, 64 };

#define POOL(arr, b) (arr[(b) % (sizeof(arr) / sizeof(arr[0]))])

/* ---------------------------------------------------------------------------
 * State
 */

struct fz {
	struct mv_ctl ctl;
	struct mv_port *port;
	struct mv_port_params pp;
	struct mv_fib *fib;
	bool fib_valid;
	uint64_t fib_gen;
	uint64_t last_gen;
	uint8_t frame[MAX_FRAME];
	/* Recent wire frames and their verdicts, replayed as one burst. */
	unsigned int n_ring;
	struct mv_frame_info ring[RING];
	struct mv_verdict ring_v[RING];
};

static struct mv_vif *
pick_vif(const struct fz *z, uint8_t b)
{
	struct mv_vif *vif;
	uint32_t i = 0, k;

	if (z->port == NULL || z->port->n_vifs == 0)
		return NULL;
	k = b % z->port->n_vifs;
	TAILQ_FOREACH(vif, &z->port->vifs, next)
	{
		if (i++ == k)
			return vif;
	}
	return NULL;
}

/* An UP vif chosen by @p b, or NULL when none is up. */
static struct mv_vif *
pick_up_vif(const struct fz *z, uint8_t b)
{
	struct mv_vif *vif;
	uint32_t i = 0, k;

	if (z->port == NULL || z->port->n_up_vifs == 0)
		return NULL;
	k = b % z->port->n_up_vifs;
	TAILQ_FOREACH(vif, &z->port->vifs, next)
	{
		if (vif->admin_up && i++ == k)
			return vif;
	}
	return NULL;
}

static struct mv_vif *
up_vif_by_mac(const struct mv_port *port, mv_mac_t mac)
{
	struct mv_vif *vif;

	TAILQ_FOREACH(vif, &port->vifs, next)
	{
		if (vif->admin_up && vif->mac == mac)
			return vif;
	}
	return NULL;
}

/* ---------------------------------------------------------------------------
 * Digest of the control tables
 */

static uint64_t
mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64_C(0x94d049bb133111eb);
	x ^= x >> 31;
	return x;
}

static uint64_t
dg(uint64_t h, uint64_t v)
{
	return mix64(h ^ v) + UINT64_C(0x9e3779b97f4a7c15);
}

/* Order-independent digest of a map's keys and values. */
static uint64_t
map_digest(const struct mv_mac_map *m)
{
	uint64_t sum = 0;
	uint32_t pos = 0, n = 0;
	mv_mac_t key;
	uint16_t val;

	while (mv_mac_map_next(m, &pos, &key, &val) >= 0) {
		sum += mix64(key ^ ((uint64_t)val << 48));
		n++;
	}
	if (n != m->count)
		fz_fail("map iteration found %u entries, count says %u", n, m->count);
	return dg(sum, n);
}

static uint64_t
digest(const struct mv_port *p, bool with_generation)
{
	const struct mv_vif *vif;
	uint64_t h = 0x1234;

	if (p == NULL)
		return 0;
	h = dg(h, p->mac);
	h = dg(h, p->perm_addr);
	h = dg(h, p->mtu);
	h = dg(h, p->max_mtu);
	h = dg(h, (uint64_t)p->admin_up | (uint64_t)p->carrier << 1 | (uint64_t)p->promisc << 2 |
			  (uint64_t)p->allmulti << 3 | (uint64_t)p->passthru << 4);
	h = dg(h, p->uc_filter_max);
	h = dg(h, p->promisc_count);
	h = dg(h, p->allmulti_count);
	h = dg(h, (uint64_t)(uint32_t)p->bc_cutoff);
	h = dg(h, p->bc_queue_len_used);
	h = dg(h, p->n_vifs);
	h = dg(h, p->n_up_vifs);
	h = dg(h, p->n_source_entries);
	h = dg(h, map_digest(&p->group_refs));
	h = dg(h, map_digest(&p->up_macs));
	h = dg(h, map_digest(&p->mc));
	if (with_generation)
		h = dg(h, p->generation);
	TAILQ_FOREACH(vif, &p->vifs, next)
	{
		for (size_t i = 0; i < sizeof(vif->name) && vif->name[i] != '\0'; i++)
			h = dg(h, (uint8_t)vif->name[i]);
		h = dg(h, vif->slot);
		h = dg(h, vif->mode);
		h = dg(h, vif->flags);
		h = dg(h, vif->mac);
		h = dg(h, vif->mac_random);
		h = dg(h, vif->mtu);
		h = dg(h, vif->max_mtu);
		h = dg(h, (uint64_t)vif->admin_up | (uint64_t)vif->carrier << 1 |
				  (uint64_t)vif->allmulti << 2 | (uint64_t)vif->promisc << 3);
		h = dg(h, vif->bc_queue_len_req);
		h = dg(h, map_digest(&vif->mc));
		h = dg(h, map_digest(&vif->sources));
		h = dg(h, (uintptr_t)vif->priv);
	}
	return h;
}

/* ---------------------------------------------------------------------------
 * Invariants of the control tables
 */

static void
check_invariants(struct fz *z)
{
	const struct mv_port *p = z->port;
	const struct mv_vif *vif;
	uint32_t n = 0, n_up = 0, n_src = 0, n_slots = 0, bcql = 0, n_mc = 0;
	uint32_t promisc = 0, allmulti = 0;
	bool lower_ok;
	char b1[MV_MAC_STRLEN], b2[MV_MAC_STRLEN];

	if (p == NULL)
		fz_fail("no port");
	if (p->generation < z->last_gen)
		fz_fail("generation went backwards: %llu -> %llu", (unsigned long long)z->last_gen,
			(unsigned long long)p->generation);
	z->last_gen = p->generation;
	if (!mv_mac_is_valid_unicast(p->mac))
		fz_fail("lower MAC %s not unicast", fmt_mac(p->mac, b1));
	lower_ok = p->admin_up && p->carrier;

	for (uint32_t s = 0; s < MV_PORT_MAX_VIFS; s++) {
		if (p->slots[s] == NULL)
			continue;
		n_slots++;
		if (p->slots[s]->slot != s)
			fz_fail("slot %u holds vif %s with slot %u", s, p->slots[s]->name,
				p->slots[s]->slot);
	}
	TAILQ_FOREACH(vif, &p->vifs, next)
	{
		n++;
		if (vif->port != p)
			fz_fail("vif %s: wrong port", vif->name);
		if (vif->slot >= MV_PORT_MAX_VIFS || p->slots[vif->slot] != vif)
			fz_fail("vif %s: slot %u does not point back", vif->name, vif->slot);
		if (!mv_ifname_valid(vif->name))
			fz_fail("vif has an invalid name \"%s\"", vif->name);
		if (vif->mode != MV_MODE_PRIVATE && vif->mode != MV_MODE_VEPA &&
		    vif->mode != MV_MODE_BRIDGE && vif->mode != MV_MODE_PASSTHRU &&
		    vif->mode != MV_MODE_SOURCE)
			fz_fail("vif %s: bad mode %u", vif->name, vif->mode);
		if (vif->flags & ~MV_FLAGS_ALL)
			fz_fail("vif %s: bad flags %#x", vif->name, vif->flags);
		if (!mv_mac_is_valid_unicast(vif->mac))
			fz_fail("vif %s: MAC %s not unicast", vif->name, fmt_mac(vif->mac, b1));
		if (vif->mtu < MV_MIN_MTU || vif->mtu > p->mtu || vif->mtu > vif->max_mtu)
			fz_fail("vif %s: MTU %u outside [68, min(lower %u, max %u)]", vif->name,
				vif->mtu, p->mtu, vif->max_mtu);
		if (vif->carrier != lower_ok)
			fz_fail("vif %s: carrier %d but lower up %d carrier %d", vif->name,
				vif->carrier, p->admin_up, p->carrier);
		if (vif->admin_up) {
			int s = mv_mac_map_lookup(&p->up_macs, vif->mac);

			n_up++;
			if (s != vif->slot)
				fz_fail("UP vif %s (%s) maps to slot %d in up_macs, not %u",
					vif->name, fmt_mac(vif->mac, b1), s, vif->slot);
			if (vif->mode == MV_MODE_PASSTHRU) {
				if (!(vif->flags & MV_FLAG_NOPROMISC))
					promisc++;
			} else if (vif->promisc) {
				promisc++;
			}
			if (vif->allmulti)
				allmulti++;
		}
		if (vif->mode != MV_MODE_SOURCE && vif->sources.count != 0)
			fz_fail("vif %s: mode %u but %u source entries", vif->name, vif->mode,
				vif->sources.count);
		n_src += vif->sources.count;
		n_mc += vif->mc.count;
		{
			uint32_t pos = 0;
			mv_mac_t key;
			uint16_t val;

			while (mv_mac_map_next(&vif->sources, &pos, &key, &val) >= 0) {
				if (!mv_mac_is_valid_unicast(key))
					fz_fail("vif %s: source entry %s not unicast", vif->name,
						fmt_mac(key, b1));
			}
			pos = 0;
			while (mv_mac_map_next(&vif->mc, &pos, &key, &val) >= 0) {
				if (!mv_mac_is_group(key))
					fz_fail("vif %s: group %s not a group address", vif->name,
						fmt_mac(key, b1));
			}
		}
		if (vif->bc_queue_len_req > bcql)
			bcql = vif->bc_queue_len_req;
		if (vif->mode == MV_MODE_PASSTHRU) {
			if (!p->passthru)
				fz_fail("passthru vif %s on a non-passthru port", vif->name);
			if (vif->mac != p->mac)
				fz_fail("passthru vif %s has MAC %s, lower %s", vif->name,
					fmt_mac(vif->mac, b1), fmt_mac(p->mac, b2));
		}
	}
	if (n != p->n_vifs || n != n_slots)
		fz_fail("n_vifs %u, list %u, slots %u", p->n_vifs, n, n_slots);
	if (z->ctl.n_vifs != n)
		fz_fail("ctl n_vifs %u, port has %u", z->ctl.n_vifs, n);
	if (n_up != p->n_up_vifs || n_up != p->up_macs.count)
		fz_fail("n_up_vifs %u, counted %u, up_macs %u", p->n_up_vifs, n_up,
			p->up_macs.count);
	if (n_src != p->n_source_entries)
		fz_fail("n_source_entries %u, counted %u", p->n_source_entries, n_src);
	/* group_refs: each group any vif joined, with the number of vifs that joined it. */
	{
		uint32_t pos = 0, total = 0;
		mv_mac_t g;
		uint16_t refs;

		while (mv_mac_map_next(&p->group_refs, &pos, &g, &refs) >= 0) {
			uint32_t k = 0;

			TAILQ_FOREACH(vif, &p->vifs, next)
			k += mv_vif_has_group(vif, g);
			if (k != refs || k == 0)
				fz_fail("group_refs says %u vifs joined %s, counted %u", refs,
					fmt_mac(g, b1), k);
			total += refs;
		}
		if (total != n_mc)
			fz_fail("group_refs total %u, memberships %u", total, n_mc);
	}
	if (n == 0 && (p->bc_cutoff != MV_DEFAULT_BC_CUTOFF || p->passthru))
		fz_fail("a port without vifs keeps cutoff %d / passthru %d (§9.5: port destroyed)",
			p->bc_cutoff, p->passthru);
	if (bcql != p->bc_queue_len_used)
		fz_fail("bc_queue_len_used %u, max of requests %u", p->bc_queue_len_used, bcql);
	if (p->passthru && (n != 1 || TAILQ_FIRST(&p->vifs)->mode != MV_MODE_PASSTHRU))
		fz_fail("passthru port with %u vifs (first not passthru)", n);
	if (promisc != p->promisc_count)
		fz_fail("promisc_count %u, expected %u from the UP vifs", p->promisc_count,
			promisc);
	if (allmulti != p->allmulti_count)
		fz_fail("allmulti_count %u, expected %u from the UP vifs", p->allmulti_count,
			allmulti);
	if (p->promisc && !mv_port_is_promisc(p))
		fz_fail("port promisc flag set but mv_port_is_promisc false");
	if (promisc > 0 && !mv_port_is_promisc(p))
		fz_fail("vifs hold promisc but the port is not promiscuous");
	if (allmulti > 0 && !mv_port_is_allmulti(p))
		fz_fail("vifs hold allmulti but the port is not allmulti");
}

/* ---------------------------------------------------------------------------
 * Control steps
 */

struct ctl_snap {
	uint64_t with_gen;
	uint64_t without_gen;
	uint64_t gen;
};

static void
snap_take(const struct fz *z, struct ctl_snap *s)
{
	s->with_gen = digest(z->port, true);
	s->without_gen = digest(z->port, false);
	s->gen = z->port->generation;
}

/* After a control step that returned @p rc. */
static void
snap_check(struct fz *z, const struct ctl_snap *s, int rc)
{
	if (rc < 0)
		stats.ctl_rejected++;
	else
		stats.ctl_ok++;
	if (rc < 0) {
		if (digest(z->port, true) != s->with_gen)
			fz_fail("rejected with %d but the tables changed", rc);
	} else if (digest(z->port, false) != s->without_gen && z->port->generation == s->gen) {
		fz_fail("tables changed but generation stayed %llu", (unsigned long long)s->gen);
	}
	check_invariants(z);
}

static void
expect_rc(int rc, int a, int b, int c, int d)
{
	if (rc != a && rc != b && rc != c && rc != d && rc != -ENOMEM)
		fz_fail("unexpected return %d", rc);
}

static uint32_t
read_macs(struct rd *r, mv_mac_t *macs, uint32_t max)
{
	uint32_t n = rd8(r) % (max + 1);

	for (uint32_t i = 0; i < n; i++)
		macs[i] = POOL(src_mac_pool, rd8(r));
	return n;
}

static void
step_create(struct fz *z, struct rd *r)
{
	struct mv_vif_config cfg;
	struct mv_vif *vif = NULL;
	mv_mac_t macs[4];
	struct ctl_snap s;
	uint8_t b = rd8(r);
	uint32_t n_before = z->port->n_vifs;
	bool was_passthru = z->port->passthru;
	int rc;

	cur_step = "create";
	mv_vif_config_init(&cfg);
	cfg.name = POOL(name_pool, rd8(r));
	cfg.mode = POOL(mode_pool, rd8(r));
	if (b & 1) {
		cfg.has_flags = true;
		cfg.flags = rd8(r) % 5;
	}
	if (b & 2) {
		cfg.has_mac = true;
		cfg.mac = POOL(vif_mac_pool, rd8(r));
	}
	if (b & 4) {
		cfg.has_mtu = true;
		cfg.mtu = POOL(vif_mtu_pool, rd8(r));
	}
	if (b & 8) {
		cfg.has_bc_queue_len = true;
		cfg.bc_queue_len = POOL(bcql_pool, rd8(r));
	}
	if (b & 16) {
		cfg.has_bc_cutoff = true;
		cfg.bc_cutoff = POOL(cutoff_pool, rd8(r));
	}
	if (b & 32) {
		cfg.macaddr_op = POOL(macaddr_op_pool, rd8(r));
		cfg.n_macaddr = read_macs(r, macs, 4);
		cfg.macaddr = cfg.n_macaddr ? macs : NULL;
	}
	cfg.no_default_groups = (b & 64) != 0;
	cfg.random = rd8(r) % 8;

	snap_take(z, &s);
	rc = mv_vif_create(&z->ctl, z->port, &cfg, &vif);
	expect_rc(rc, 0, -EINVAL, -EADDRNOTAVAIL, -EEXIST);
	if (rc == -ENOSPC)
		fz_fail("ENOSPC with %u vifs", n_before);
	if (rc == 0) {
		uint8_t mode = cfg.mode ? cfg.mode : MV_MODE_DEFAULT;

		if (vif == NULL)
			fz_fail("create returned 0 without a vif");
		if (vif->admin_up)
			fz_fail("new vif %s is up", vif->name);
		if (vif->mode != mode)
			fz_fail("new vif %s: mode %u, asked %u", vif->name, vif->mode, mode);
		if (strcmp(vif->name, cfg.name) != 0)
			fz_fail("new vif named %s, asked %s", vif->name, cfg.name);
		if (mode == MV_MODE_PASSTHRU) {
			if (n_before != 0 || was_passthru)
				fz_fail("passthru vif created on a port with %u vifs", n_before);
			if (vif->mac != z->port->mac)
				fz_fail("passthru vif did not take the lower's MAC");
		} else {
			if (was_passthru)
				fz_fail("vif created on a passthru port");
			if (cfg.has_mac && vif->mac != cfg.mac)
				fz_fail("new vif did not take the given MAC");
			if (!cfg.has_mac && vif->mac != mv_mac_random(cfg.random))
				fz_fail("new vif's random MAC is not mv_mac_random(random)");
		}
		if (vif->mtu != (cfg.has_mtu ? cfg.mtu : z->port->mtu))
			fz_fail("new vif MTU %u", vif->mtu);
		if (vif->flags != (cfg.has_flags ? cfg.flags : 0))
			fz_fail("new vif flags %#x", vif->flags);
		if (!cfg.no_default_groups && (!mv_vif_has_group(vif, MV_MAC_ALL_HOSTS_V4) ||
					       !mv_vif_has_group(vif, MV_MAC_ALL_NODES_V6)))
			fz_fail("new vif did not join the all-hosts groups");
		if (cfg.has_bc_cutoff && z->port->bc_cutoff != cfg.bc_cutoff)
			fz_fail("bc_cutoff not applied");
	} else {
		if (cfg.has_mtu && (cfg.mtu < MV_MIN_MTU || cfg.mtu > z->port->mtu) &&
		    rc != -EINVAL && rc != -EADDRNOTAVAIL && rc != -EEXIST)
			fz_fail("bad MTU %u refused with %d", cfg.mtu, rc);
	}
	snap_check(z, &s, rc);
	/* Often bring it up at once, so that frames find receivers. */
	if (rc == 0 && (b & 0xc0) != 0) {
		cur_step = "create+up";
		snap_take(z, &s);
		rc = mv_vif_set_up(vif, true);
		expect_rc(rc, 0, -EADDRINUSE, 0, 0);
		snap_check(z, &s, rc);
	}
}

static void
step_delete(struct fz *z, struct rd *r)
{
	struct mv_vif *vif = pick_vif(z, rd8(r));
	struct ctl_snap s;

	cur_step = "delete";
	if (vif == NULL || (rd8(r) & 1))
		return;
	snap_take(z, &s);
	mv_vif_delete(&z->ctl, vif);
	snap_check(z, &s, 0);
	if (z->port->n_vifs == 0 && z->port->passthru)
		fz_fail("port still passthru after its last vif was deleted");
}

static void
step_updown(struct fz *z, struct rd *r)
{
	struct mv_vif *vif = pick_vif(z, rd8(r));
	bool up = (rd8(r) & 3) != 0;
	struct ctl_snap s;
	int expected = 0, rc;

	cur_step = up ? "up" : "down";
	if (vif == NULL)
		return;
	if (up && !vif->admin_up && vif->mode != MV_MODE_PASSTHRU) {
		struct mv_vif *o = up_vif_by_mac(z->port, vif->mac);

		if (vif->mac == z->port->mac || o != NULL)
			expected = -EADDRINUSE;
	}
	snap_take(z, &s);
	rc = mv_vif_set_up(vif, up);
	if (rc != expected && rc != -ENOMEM)
		fz_fail("set_up(%s, %d) returned %d, expected %d", vif->name, up, rc, expected);
	snap_check(z, &s, rc);
	if (rc == 0 && vif->admin_up != up)
		fz_fail("set_up(%s, %d) succeeded but admin_up is %d", vif->name, up,
			vif->admin_up);
}

static void
step_set_mac(struct fz *z, struct rd *r)
{
	struct mv_vif *vif = pick_vif(z, rd8(r));
	mv_mac_t mac = POOL(vif_mac_pool, rd8(r));
	struct ctl_snap s;
	int expected = 0, rc;

	cur_step = "set_mac";
	if (vif == NULL)
		return;
	if (!mv_mac_is_valid_unicast(mac))
		expected = -EADDRNOTAVAIL;
	else if (mac == vif->mac)
		expected = 0;
	else if (vif->mode != MV_MODE_PASSTHRU &&
		 (mac == z->port->mac || up_vif_by_mac(z->port, mac) != NULL))
		expected = -EADDRINUSE;
	snap_take(z, &s);
	rc = mv_vif_set_mac(vif, mac);
	if (rc != expected && rc != -ENOMEM)
		fz_fail("set_mac(%s) returned %d, expected %d", vif->name, rc, expected);
	snap_check(z, &s, rc);
	if (rc == 0 && vif->mac != mac)
		fz_fail("set_mac(%s) succeeded but the MAC did not change", vif->name);
	if (rc == 0 && vif->mode == MV_MODE_PASSTHRU && z->port->mac != mac)
		fz_fail("passthru set_mac did not change the lower's MAC");
}

static void
step_set_mtu(struct fz *z, struct rd *r)
{
	struct mv_vif *vif = pick_vif(z, rd8(r));
	uint32_t mtu = POOL(vif_mtu_pool, rd8(r));
	struct ctl_snap s;
	int expected, rc;

	cur_step = "set_mtu";
	if (vif == NULL)
		return;
	expected = (mtu < MV_MIN_MTU || mtu > vif->max_mtu || mtu > z->port->mtu) ? -EINVAL : 0;
	snap_take(z, &s);
	rc = mv_vif_set_mtu(vif, mtu);
	if (rc != expected && rc != -ENOMEM)
		fz_fail("set_mtu(%s, %u) returned %d, expected %d", vif->name, mtu, rc, expected);
	snap_check(z, &s, rc);
	if (rc == 0 && vif->mtu != mtu)
		fz_fail("set_mtu(%s, %u) succeeded but MTU is %u", vif->name, mtu, vif->mtu);
}

static void
step_change(struct fz *z, struct rd *r)
{
	struct mv_vif *vif = pick_vif(z, rd8(r));
	struct mv_vif_change chg;
	mv_mac_t macs[4];
	struct ctl_snap s;
	uint8_t b = rd8(r);
	uint8_t old_mode;
	int rc;

	cur_step = "change";
	if (vif == NULL)
		return;
	mv_vif_change_init(&chg);
	if (b & 1)
		chg.mode = POOL(mode_pool, rd8(r));
	if (b & 2) {
		chg.has_flags = true;
		chg.flags = rd8(r) % 5;
	}
	if (b & 4) {
		chg.has_bc_queue_len = true;
		chg.bc_queue_len = POOL(bcql_pool, rd8(r));
	}
	if (b & 8) {
		chg.has_bc_cutoff = true;
		chg.bc_cutoff = POOL(cutoff_pool, rd8(r));
	}
	if (b & 16) {
		chg.macaddr_op = POOL(macaddr_op_pool, rd8(r));
		chg.n_macaddr = read_macs(r, macs, 4);
		chg.macaddr = chg.n_macaddr ? macs : NULL;
	}
	old_mode = vif->mode;
	snap_take(z, &s);
	rc = mv_vif_change(vif, &chg);
	expect_rc(rc, 0, -EINVAL, -EADDRNOTAVAIL, -ENOSPC);
	if (chg.mode != 0 && mv_mode_name(chg.mode) == NULL && rc != -EINVAL)
		fz_fail("unknown mode %u returned %d", chg.mode, rc);
	if (chg.has_flags && (chg.flags & ~MV_FLAGS_ALL) && rc != -EINVAL)
		fz_fail("unknown flags %#x returned %d", chg.flags, rc);
	if (chg.macaddr_op > MV_MACADDR_SET && rc != -EINVAL)
		fz_fail("unknown macaddr op %d returned %d", chg.macaddr_op, rc);
	if ((chg.macaddr_op == MV_MACADDR_ADD || chg.macaddr_op == MV_MACADDR_DEL) &&
	    chg.n_macaddr == 0 && rc != -EINVAL)
		fz_fail("macaddr add/del without an address returned %d", rc);
	if (rc == 0 && chg.macaddr_op != MV_MACADDR_NONE && vif->mode != MV_MODE_SOURCE)
		fz_fail("macaddr op accepted on a %s vif", mv_mode_name(vif->mode));
	if (chg.mode != 0 && chg.mode != old_mode &&
	    (chg.mode == MV_MODE_PASSTHRU || old_mode == MV_MODE_PASSTHRU) && rc >= 0)
		fz_fail("mode change %u -> %u returned %d", old_mode, chg.mode, rc);
	snap_check(z, &s, rc);
	if (rc == 0) {
		if (chg.mode != 0 && vif->mode != chg.mode)
			fz_fail("mode change to %u not applied", chg.mode);
		if (chg.has_flags && vif->flags != chg.flags)
			fz_fail("flags %#x not applied", chg.flags);
		if (chg.has_bc_queue_len && vif->bc_queue_len_req != chg.bc_queue_len)
			fz_fail("bc_queue_len not applied");
		if (chg.has_bc_cutoff && z->port->bc_cutoff != chg.bc_cutoff)
			fz_fail("bc_cutoff not applied");
		if (chg.macaddr_op == MV_MACADDR_FLUSH && vif->sources.count != 0)
			fz_fail("flush left %u entries", vif->sources.count);
		if (chg.macaddr_op == MV_MACADDR_ADD &&
		    mv_mac_map_lookup(&vif->sources, chg.macaddr[0]) < 0)
			fz_fail("macaddr add not applied");
		if (chg.macaddr_op == MV_MACADDR_DEL &&
		    mv_mac_map_lookup(&vif->sources, chg.macaddr[0]) >= 0)
			fz_fail("macaddr del not applied");
		if (chg.macaddr_op == MV_MACADDR_SET) {
			for (uint32_t i = 0; i < chg.n_macaddr; i++)
				if (mv_mac_map_lookup(&vif->sources, chg.macaddr[i]) < 0)
					fz_fail("macaddr set: entry %u missing", i);
			if (vif->sources.count > chg.n_macaddr)
				fz_fail("macaddr set left %u entries for %u addresses",
					vif->sources.count, chg.n_macaddr);
		}
	}
}

static void
step_mc(struct fz *z, struct rd *r, bool add)
{
	struct mv_vif *vif = pick_vif(z, rd8(r));
	mv_mac_t g = POOL(group_pool, rd8(r));
	struct ctl_snap s;
	bool had;
	int rc;

	cur_step = add ? "mc_add" : "mc_del";
	if (vif == NULL)
		return;
	had = mv_vif_has_group(vif, g);
	snap_take(z, &s);
	rc = add ? mv_vif_mc_add(vif, g) : mv_vif_mc_del(vif, g);
	if (add)
		expect_rc(rc, 0, -EINVAL, -ENOSPC, 0);
	else
		expect_rc(rc, 0, -EINVAL, -ENOENT, 0);
	if (!mv_mac_is_group(g) && rc != -EINVAL)
		fz_fail("group op on unicast %llx returned %d", (unsigned long long)g, rc);
	if (!add && mv_mac_is_group(g) && !had && g != MV_MAC_BROADCAST && rc != -ENOENT)
		fz_fail("mc_del of a group not joined returned %d", rc);
	snap_check(z, &s, rc);
	if (rc == 0 && g != MV_MAC_BROADCAST && mv_vif_has_group(vif, g) != add)
		fz_fail("group membership not updated");
}

static void
step_flag(struct fz *z, struct rd *r, bool promisc)
{
	struct mv_vif *vif = pick_vif(z, rd8(r));
	bool on = rd8(r) & 1;
	struct ctl_snap s;
	int rc;

	cur_step = promisc ? "promisc" : "allmulti";
	if (vif == NULL)
		return;
	snap_take(z, &s);
	rc = promisc ? mv_vif_set_promisc(vif, on) : mv_vif_set_allmulti(vif, on);
	expect_rc(rc, 0, 0, 0, 0);
	snap_check(z, &s, rc);
	if ((promisc ? vif->promisc : vif->allmulti) != on)
		fz_fail("flag not applied");
}

static void
step_lower_link(struct fz *z, struct rd *r)
{
	uint8_t b = rd8(r);
	/* Mostly back to a working link, so that later frames get through. */
	bool up = (b & 7) != 1, carrier = (b & 7) != 2 && (b & 7) != 3;
	bool before[MV_PORT_MAX_VIFS > 64 ? 64 : MV_PORT_MAX_VIFS];
	struct mv_deltas d = { 0 };
	struct mv_vif *vif;
	uint32_t changed = 0, i = 0;
	struct ctl_snap s;
	int rc;

	cur_step = "lower_link";
	TAILQ_FOREACH(vif, &z->port->vifs, next)
	{
		if (i < 64)
			before[i++] = vif->carrier;
	}
	snap_take(z, &s);
	rc = mv_lower_set_link(z->port, up, carrier, &d);
	expect_rc(rc, 0, 0, 0, 0);
	if (rc == 0) {
		if (z->port->admin_up != up || z->port->carrier != carrier)
			fz_fail("lower link state not applied");
		i = 0;
		TAILQ_FOREACH(vif, &z->port->vifs, next)
		{
			if (i < 64 && before[i++] != vif->carrier)
				changed++;
		}
		uint32_t nd = 0;

		for (uint32_t k = 0; k < d.n; k++) {
			if (d.v[k].kind != MV_DELTA_CARRIER)
				continue;
			nd++;
			if (d.v[k].slot >= MV_PORT_MAX_VIFS || z->port->slots[d.v[k].slot] == NULL)
				fz_fail("carrier delta for unknown slot %u", d.v[k].slot);
			if (d.v[k].value != z->port->slots[d.v[k].slot]->carrier)
				fz_fail("carrier delta value %llu disagrees",
					(unsigned long long)d.v[k].value);
		}
		if (nd != changed)
			fz_fail("%u carrier deltas for %u changes", nd, changed);
	}
	mv_deltas_free(&d);
	/* -ENOMEM may still update the tables (documented): no digest check then. */
	if (rc == 0)
		snap_check(z, &s, rc);
	else
		check_invariants(z);
}

static void
step_lower_mtu(struct fz *z, struct rd *r)
{
	uint32_t mtu = POOL(lower_mtu_pool, rd8(r));
	uint32_t before[64];
	struct mv_deltas d = { 0 };
	struct mv_vif *vif;
	uint32_t clamped = 0, i = 0;
	struct ctl_snap s;
	int rc, expected;

	cur_step = "lower_mtu";
	TAILQ_FOREACH(vif, &z->port->vifs, next)
	{
		if (i < 64)
			before[i++] = vif->mtu;
	}
	expected = (mtu < MV_MIN_MTU || mtu > z->port->max_mtu) ? -EINVAL : 0;
	snap_take(z, &s);
	rc = mv_lower_set_mtu(z->port, mtu, &d);
	if (rc != expected && rc != -ENOMEM)
		fz_fail("lower_set_mtu(%u) returned %d, expected %d", mtu, rc, expected);
	if (rc == 0) {
		if (z->port->mtu != mtu)
			fz_fail("lower MTU not applied");
		i = 0;
		TAILQ_FOREACH(vif, &z->port->vifs, next)
		{
			uint32_t old = i < 64 ? before[i] : vif->mtu;

			i++;
			if (old > mtu) {
				clamped++;
				if (vif->mtu != mtu)
					fz_fail("vif %s MTU %u not clamped to %u", vif->name, old,
						mtu);
			} else if (vif->mtu != old) {
				fz_fail("vif %s MTU changed %u -> %u (lower %u)", vif->name, old,
					vif->mtu, mtu);
			}
		}
		uint32_t nd = 0;

		for (uint32_t k = 0; k < d.n; k++)
			if (d.v[k].kind == MV_DELTA_MTU) {
				nd++;
				if (d.v[k].value != mtu)
					fz_fail("MTU delta value %llu, lower %u",
						(unsigned long long)d.v[k].value, mtu);
			}
		if (nd != clamped)
			fz_fail("%u MTU deltas for %u clamped vifs", nd, clamped);
	}
	mv_deltas_free(&d);
	if (rc == -ENOMEM)
		check_invariants(z);
	else
		snap_check(z, &s, rc);
}

static void
step_lower_mac(struct fz *z, struct rd *r)
{
	mv_mac_t mac = POOL(vif_mac_pool, rd8(r)), old_mac;
	struct mv_deltas d = { 0 };
	struct ctl_snap s;
	int rc, expected;

	cur_step = "lower_mac";
	old_mac = z->port->mac;
	expected = mv_mac_is_valid_unicast(mac) ? 0 : -EADDRNOTAVAIL;
	snap_take(z, &s);
	rc = mv_lower_set_mac(z->port, mac, &d);
	if (rc != expected && rc != -ENOMEM)
		fz_fail("lower_set_mac returned %d, expected %d", rc, expected);
	if (rc == 0 && z->port->mac != mac)
		fz_fail("lower MAC not applied");
	if (rc == 0 && z->port->passthru && mac != old_mac && z->port->perm_addr != mac)
		fz_fail("passthru: perm_addr not updated on a direct lower MAC change");
	mv_deltas_free(&d);
	if (rc == -ENOMEM)
		check_invariants(z);
	else
		snap_check(z, &s, rc);
}

static void
step_port_flags(struct fz *z, struct rd *r)
{
	uint8_t b = rd8(r);
	struct ctl_snap s;

	cur_step = "port_flags";
	snap_take(z, &s);
	if (b & 1)
		mv_port_set_promisc(z->port, (b & 2) != 0);
	else
		mv_port_set_allmulti(z->port, (b & 2) != 0);
	snap_check(z, &s, 0);
}

static void
fib_drop(struct fz *z)
{
	free(z->fib);
	z->fib = NULL;
	z->fib_valid = false;
	z->n_ring = 0;
}

static bool
verdict_eq(const struct mv_verdict *a, const struct mv_verdict *b)
{
	return a->act == b->act && a->flood_modes == b->flood_modes && a->drop == b->drop &&
	       a->vif == b->vif && a->exclude == b->exclude && a->group == b->group &&
	       a->source == b->source;
}

/* Remember a wire frame; when RING are known, classify them as one burst. */
static void
ring_push(struct fz *z, const struct mv_frame_info *f, const struct mv_verdict *v)
{
	struct mv_verdict vb[RING];

	z->ring[z->n_ring] = *f;
	z->ring_v[z->n_ring] = *v;
	if (++z->n_ring < RING)
		return;
	mv_classify_rx_burst(z->fib, z->ring, vb, RING);
	for (unsigned int i = 0; i < RING; i++)
		if (!verdict_eq(&vb[i], &z->ring_v[i]))
			fz_fail("mv_classify_rx_burst disagrees with mv_classify_rx at %u of %u", i,
				RING);
	z->n_ring = 0;
}

static void
step_lower_remove(struct fz *z)
{
	struct mv_deltas d = { 0 };
	uint32_t n = z->port->n_vifs, nd = 0;
	int rc;

	cur_step = "lower_remove";
	rc = mv_lower_remove(&z->ctl, z->port, &d);
	if (rc != 0 && rc != -ENOMEM)
		fz_fail("lower_remove returned %d", rc);
	for (uint32_t k = 0; k < d.n; k++)
		if (d.v[k].kind == MV_DELTA_DELETED)
			nd++;
	mv_deltas_free(&d);
	if (rc == 0 && nd != n)
		fz_fail("%u DELETED deltas for %u vifs", nd, n);
	if (z->ctl.n_vifs != 0)
		fz_fail("vifs left after the lower was removed");
	if (mv_port_find(&z->ctl, z->pp.name) != NULL)
		fz_fail("port still registered after removal");
	z->port = NULL;
	fib_drop(z);
	rc = mv_port_add(&z->ctl, &z->pp, &z->port);
	if (rc != 0 || z->port == NULL)
		fz_fail("port re-add failed: %d", rc);
	z->last_gen = z->port->generation;
	check_invariants(z);
}

/* ---------------------------------------------------------------------------
 * The snapshot
 */

static void
check_fib(const struct fz *z, const struct mv_fib *f)
{
	const struct mv_port *p = z->port;
	const struct mv_vif *vif;
	uint32_t hi = 0;

	if (f->generation != p->generation)
		fz_fail("fib generation %llu, port %llu", (unsigned long long)f->generation,
			(unsigned long long)p->generation);
	if (f->n_up != p->n_up_vifs)
		fz_fail("fib n_up %u, port %u", f->n_up, p->n_up_vifs);
	if (f->lower_mac != p->mac || f->lower_mtu != p->mtu || f->lower_up != p->admin_up ||
	    f->lower_carrier != p->carrier || f->passthru != p->passthru)
		fz_fail("fib lower facts disagree with the port");
	if (f->bc_queue_len != p->bc_queue_len_used)
		fz_fail("fib bc_queue_len %u, port %u", f->bc_queue_len, p->bc_queue_len_used);
	TAILQ_FOREACH(vif, &p->vifs, next)
	{
		const struct mv_fib_vif *fv;

		if (vif->slot >= f->n_slots)
			fz_fail("fib n_slots %u does not cover slot %u", f->n_slots, vif->slot);
		fv = &f->vifs[vif->slot];
		if (fv->mac != vif->mac || fv->mtu != vif->mtu || fv->mode != vif->mode ||
		    fv->flags != (uint8_t)vif->flags || fv->up != vif->admin_up ||
		    fv->carrier != vif->carrier)
			fz_fail("fib slot %u disagrees with vif %s", vif->slot, vif->name);
		if (vif->slot + 1u > hi)
			hi = vif->slot + 1u;
	}
	for (uint32_t s = 0; s < f->n_slots; s++)
		if (f->vifs[s].mode != 0 && (s >= MV_PORT_MAX_VIFS || p->slots[s] == NULL))
			fz_fail("fib slot %u used but the port has no vif there", s);
	if (f->n_slots != hi)
		fz_fail("fib n_slots %u, highest used slot + 1 is %u", f->n_slots, hi);
	/* up_list: the UP vifs in creation order. */
	{
		uint32_t i = 0;

		TAILQ_FOREACH(vif, &p->vifs, next)
		{
			if (!vif->admin_up)
				continue;
			if (i >= f->n_up || f->up_list[i] != vif->slot)
				fz_fail("fib up_list[%u] is not UP vif %s (slot %u)", i, vif->name,
					vif->slot);
			i++;
		}
	}
}

static void
fib_refresh(struct fz *z, uint8_t how)
{
	if (z->fib_valid && z->fib_gen == z->port->generation)
		return;
	fib_drop(z);
	if (how & 1) {
		size_t sz = mv_fib_size(z->port);
		size_t asz = (sz + 63) & ~(size_t)63;
		void *mem = aligned_alloc(64, asz);

		if (mem == NULL)
			fz_fail("out of memory");
		if (sz >= 8 && mv_fib_build(z->port, mem, sz - 8) != NULL)
			fz_fail("mv_fib_build accepted %zu bytes, needs %zu", sz - 8, sz);
		z->fib = mv_fib_build(z->port, mem, sz);
		if (z->fib == NULL)
			fz_fail("mv_fib_build failed with mv_fib_size() bytes");
		if ((void *)z->fib != mem)
			fz_fail("mv_fib_build did not build at mem");
		if (z->fib->size > sz)
			fz_fail("fib size %zu above mv_fib_size %zu", z->fib->size, sz);
	} else {
		z->fib = mv_fib_new(z->port);
		if (z->fib == NULL)
			fz_fail("mv_fib_new failed");
	}
	z->fib_valid = true;
	z->fib_gen = z->port->generation;
	check_fib(z, z->fib);
}

/* ---------------------------------------------------------------------------
 * The model of §4-§6: who must receive a frame
 */

#define MAX_RC 64

struct model {
	bool wire;
	bool lower;
	bool lower_maybe; /* either is fine */
	bool wire_maybe;  /* either is fine */
	int drop;         /* expected drop reason, or -1: not checked */
	int queued;       /* expected MV_ACT_QUEUE, or -1: not checked */
	unsigned int n;
	uint32_t rc[MAX_RC]; /* slot << 3 | kind */
};

static void
m_add(struct model *m, uint16_t slot, uint8_t kind)
{
	if (m->n >= MAX_RC)
		fz_fail("model overflow");
	m->rc[m->n++] = (uint32_t)slot << 3 | kind;
}

static bool
lists(const struct mv_vif *vif, mv_mac_t mac)
{
	return vif->mode == MV_MODE_SOURCE && mv_mac_map_lookup(&vif->sources, mac) >= 0;
}

static bool
subscribed(const struct mv_vif *vif, mv_mac_t dst)
{
	return dst == MV_MAC_BROADCAST || vif->allmulti || vif->promisc ||
	       mv_vif_has_group(vif, dst);
}

/* Number of UP vifs that synced @p g to the lower. */
static uint32_t
n_synced(const struct mv_port *p, mv_mac_t g)
{
	const struct mv_vif *vif;
	uint32_t n = 0;

	TAILQ_FOREACH(vif, &p->vifs, next)
	{
		if (vif->admin_up && mv_vif_has_group(vif, g))
			n++;
	}
	return n;
}

static bool
lower_all_groups(const struct mv_port *p)
{
	return mv_port_is_promisc(p) || mv_port_is_allmulti(p);
}

/* Port mc_filter (§6.1), exact. */
static bool
port_passes(const struct mv_port *p, mv_mac_t g)
{
	return g == MV_MAC_BROADCAST || lower_all_groups(p) || n_synced(p, g) > 0;
}

/* Port bc_filter (§6.1), exact. */
static bool
port_queues(const struct mv_port *p, mv_mac_t g)
{
	if (p->bc_cutoff < 0)
		return false;
	return g == MV_MAC_BROADCAST || lower_all_groups(p) ||
	       n_synced(p, g) > (uint32_t)p->bc_cutoff;
}

/* §4.2: source copies; returns true when a NODST entry matched. */
static bool
model_sources(const struct mv_port *p, const struct mv_frame_info *f, struct model *m)
{
	const struct mv_vif *vif;
	bool nodst = false;

	TAILQ_FOREACH(vif, &p->vifs, next)
	{
		if (!lists(vif, f->src))
			continue;
		if (vif->flags & MV_FLAG_NODST)
			nodst = true;
		if (vif->admin_up)
			m_add(m, vif->slot, MV_RCPT_SOURCE);
	}
	return nodst;
}

/* §4 step 2 (also the re-injected bridge-local unicast of §5.3). */
static void
model_rx_unicast(const struct mv_port *p, const struct mv_frame_info *f, struct model *m)
{
	const struct mv_vif *target;

	if (model_sources(p, f, m)) {
		m->drop = MV_DROP_NODST;
		return;
	}
	if (p->passthru)
		target = TAILQ_FIRST(&p->vifs);
	else
		target = up_vif_by_mac(p, f->dst);
	if (target == NULL || target->mode == MV_MODE_SOURCE) {
		m->lower = true;
		return;
	}
	if (!target->admin_up) {
		m->drop = MV_DROP_PASSTHRU_DOWN;
		return;
	}
	m_add(m, target->slot, MV_RCPT_UNICAST);
}

static void
model_rx(const struct mv_port *p, const struct mv_frame_info *f, struct model *m)
{
	const struct mv_vif *src, *vif;
	uint8_t mask;
	const struct mv_vif *exclude = NULL;
	unsigned int n_flood = 0;

	if (!p->admin_up || !p->carrier) {
		m->drop = MV_DROP_LOWER_DOWN;
		return;
	}
	if (!mv_mac_is_group(f->dst)) {
		model_rx_unicast(p, f, m);
		return;
	}
	if (model_sources(p, f, m)) {
		m->drop = MV_DROP_NODST;
		return;
	}
	src = up_vif_by_mac(p, f->src);
	if (src != NULL && src->mode != MV_MODE_VEPA && src->mode != MV_MODE_BRIDGE) {
		m_add(m, src->slot, MV_RCPT_REFLECT);
		return;
	}
	m->lower = true;
	if (src == NULL) {
		mask = MV_MODE_PRIVATE | MV_MODE_VEPA | MV_MODE_PASSTHRU | MV_MODE_BRIDGE;
	} else if (src->mode == MV_MODE_VEPA) {
		mask = MV_MODE_VEPA | MV_MODE_BRIDGE;
		exclude = src;
	} else {
		mask = MV_MODE_VEPA;
		exclude = src;
	}
	if (f->ether_type == MV_ETHER_TYPE_PAUSE || !port_passes(p, f->dst))
		return;
	TAILQ_FOREACH(vif, &p->vifs, next)
	{
		if (vif->admin_up && vif != exclude && (vif->mode & mask) &&
		    subscribed(vif, f->dst))
			n_flood++;
	}
	if (n_flood == 0)
		return;
	m->queued = port_queues(p, f->dst);
	if (m->queued && p->bc_queue_len_used == 0) {
		m->drop = MV_DROP_BC_QUEUE;
		return;
	}
	TAILQ_FOREACH(vif, &p->vifs, next)
	{
		if (vif->admin_up && vif != exclude && (vif->mode & mask) &&
		    subscribed(vif, f->dst))
			m_add(m, vif->slot, MV_RCPT_FLOOD);
	}
}

static void
model_tx(const struct mv_port *p, uint16_t slot, const struct mv_frame_info *f, struct model *m)
{
	const struct mv_vif *s = slot < MV_PORT_MAX_VIFS ? p->slots[slot] : NULL;
	const struct mv_vif *vif, *t;

	if (s == NULL) {
		m->drop = MV_DROP_TX_BAD_VIF;
		return;
	}
	if (!s->admin_up) {
		m->drop = MV_DROP_TX_VIF_DOWN;
		return;
	}
	if (!p->admin_up || !p->carrier) {
		m->drop = MV_DROP_TX_NO_CARRIER;
		return;
	}
	if (f->len > s->mtu + MV_ETHER_HDR_LEN + (f->vlan ? MV_VLAN_HDR_LEN : 0)) {
		m->drop = MV_DROP_TX_MTU;
		return;
	}
	if (s->mode != MV_MODE_BRIDGE) {
		m->wire = true;
		return;
	}
	if (mv_mac_is_group(f->dst)) {
		m->wire = true;
		if (f->ether_type == MV_ETHER_TYPE_PAUSE)
			return;
		TAILQ_FOREACH(vif, &p->vifs, next)
		{
			if (vif == s || !vif->admin_up || vif->mode != MV_MODE_BRIDGE ||
			    !subscribed(vif, f->dst))
				continue;
			m_add(m, vif->slot,
			      f->len <= vif->mtu + MV_ETHER_HDR_LEN + MV_VLAN_HDR_LEN
				      ? MV_RCPT_FLOOD
				      : MV_RCPT_TOO_BIG);
		}
		return;
	}
	t = up_vif_by_mac(p, f->dst);
	if (t == NULL || t->mode != MV_MODE_BRIDGE) {
		m->wire = true;
		return;
	}
	if (!p->admin_up || f->len > p->mtu + MV_ETHER_HDR_LEN + MV_VLAN_HDR_LEN) {
		m->drop = MV_DROP_LOCAL_LOWER;
		return;
	}
	model_rx_unicast(p, f, m);
}

/* ---------------------------------------------------------------------------
 * Frames
 */

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static const char *
kind_str(uint32_t k)
{
	static const char *const names[] = { "unicast", "source", "flood", "reflect", "too-big" };

	return k < 5 ? names[k] : "?";
}

static unsigned int
model_floods(const struct model *m)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < m->n; i++)
		n += (m->rc[i] & 7) == MV_RCPT_FLOOD;
	return n;
}

static void
dump_frame(const struct fz *z, const char *from, const struct mv_frame_info *f,
	   const struct mv_verdict *v, const struct mv_rcpt *rc, unsigned int n,
	   const struct model *m)
{
	char b1[MV_MAC_STRLEN], b2[MV_MAC_STRLEN];
	const struct mv_vif *vif;

	fprintf(stderr,
		"frame from %s: dst %s src %s type %#x vlan %d len %u\n"
		"verdict: act %#x drop %s flood_modes %#x vif %u exclude %u group %u source %u\n",
		from, fmt_mac(f->dst, b1), fmt_mac(f->src, b2), f->ether_type, f->vlan, f->len,
		v->act, mv_drop_name((enum mv_drop)v->drop), v->flood_modes, v->vif, v->exclude,
		v->group, v->source);
	fprintf(stderr, "got:");
	for (unsigned int i = 0; i < n; i++)
		fprintf(stderr, " %u:%s", rc[i].slot, kind_str(rc[i].kind));
	fprintf(stderr, "\n");
	if (m != NULL) {
		fprintf(stderr, "model: wire %d lower %d drop %d queued %d:", m->wire, m->lower,
			m->drop, m->queued);
		for (unsigned int i = 0; i < m->n; i++)
			fprintf(stderr, " %u:%s", m->rc[i] >> 3, kind_str(m->rc[i] & 7));
		fprintf(stderr, "\n");
	}
	fprintf(stderr,
		"lower %s mtu %u up %d carrier %d passthru %d promisc %d allmulti %d "
		"cutoff %d bcql %u\n",
		fmt_mac(z->port->mac, b1), z->port->mtu, z->port->admin_up, z->port->carrier,
		z->port->passthru, mv_port_is_promisc(z->port), mv_port_is_allmulti(z->port),
		z->port->bc_cutoff, z->port->bc_queue_len_used);
	TAILQ_FOREACH(vif, &z->port->vifs, next)
	{
		uint32_t pos = 0;
		mv_mac_t key;
		uint16_t val;

		fprintf(stderr,
			"  vif %s slot %u mode %s flags %#x mac %s mtu %u up %d allmulti %d "
			"promisc %d groups:",
			vif->name, vif->slot, mv_mode_name(vif->mode), vif->flags,
			fmt_mac(vif->mac, b1), vif->mtu, vif->admin_up, vif->allmulti,
			vif->promisc);
		while (mv_mac_map_next(&vif->mc, &pos, &key, &val) >= 0)
			fprintf(stderr, " %s", fmt_mac(key, b1));
		fprintf(stderr, " sources:");
		pos = 0;
		while (mv_mac_map_next(&vif->sources, &pos, &key, &val) >= 0)
			fprintf(stderr, " %s", fmt_mac(key, b1));
		fprintf(stderr, "\n");
	}
}

enum from_kind { FROM_WIRE, FROM_VIF, FROM_LOWER };

static void
check_frame(struct fz *z, enum from_kind from, uint16_t sender, const struct mv_frame_info *f,
	    const struct mv_verdict *v)
{
	const struct mv_fib *fib = z->fib;
	const struct mv_port *p = z->port;
	unsigned int max = mv_verdict_max_rcpts(fib);
	struct mv_rcpt *rc = calloc(max + 1, sizeof(*rc));
	struct mv_rcpt *rc2 = calloc(max + 1, sizeof(*rc2));
	uint32_t got[MAX_RC];
	struct model m = { .drop = -1, .queued = -1 };
	const struct mv_vif *s = NULL;
	const char *from_s = from == FROM_WIRE ? "wire" : from == FROM_VIF ? "vif" : "lower";
	unsigned int n, n2;
	bool seen_other = false;

	if (rc == NULL || rc2 == NULL)
		fz_fail("out of memory");
	if (from == FROM_VIF && sender < MV_PORT_MAX_VIFS)
		s = p->slots[sender];
	n = mv_verdict_expand(fib, v, f->len, rc, max);
	if (n > max) {
		dump_frame(z, from_s, f, v, rc, max, NULL);
		fz_fail("expand wrote %u receivers, max %u", n, max);
	}
	n2 = mv_verdict_expand(fib, v, f->len, rc2, max);
	if (n2 != n || memcmp(rc, rc2, n * sizeof(*rc)) != 0)
		fz_fail("expand is not deterministic");

#define FRAME_FAIL(...)                                                                            \
	do {                                                                                       \
		dump_frame(z, from_s, f, v, rc, n, &m);                                            \
		fz_fail(__VA_ARGS__);                                                              \
	} while (0)

	/* Structural rules. */
	if (from == FROM_WIRE && (v->act & MV_ACT_WIRE))
		FRAME_FAIL("a frame from the wire is sent back to the wire");
	if (from != FROM_WIRE && (v->act & MV_ACT_LOWER))
		FRAME_FAIL("a transmitted frame is given to the lower's stack");
	if (from != FROM_WIRE && (v->act & (MV_ACT_QUEUE | MV_ACT_REFLECT)))
		FRAME_FAIL("a transmitted frame is queued or reflected");
	if (from == FROM_WIRE && (v->act & MV_ACT_MTU))
		FRAME_FAIL("a received flood is checked against vif MTUs");
	if (from == FROM_LOWER && n != 0)
		FRAME_FAIL("a frame from the lower's stack reaches vifs");
	if (from == FROM_VIF && s != NULL && !s->admin_up && (n != 0 || (v->act & MV_ACT_WIRE)))
		FRAME_FAIL("a down vif sent something");
	if (from == FROM_VIF && s != NULL && s->mode != MV_MODE_BRIDGE && n != 0)
		FRAME_FAIL("a %s sender delivered locally", mv_mode_name(s->mode));
	if (from == FROM_VIF && s == NULL && (n != 0 || (v->act & MV_ACT_WIRE)))
		FRAME_FAIL("an unknown sender slot %u sent something", sender);
	if (from == FROM_WIRE && !(p->admin_up && p->carrier) && (n != 0 || v->act & MV_ACT_LOWER))
		FRAME_FAIL("a frame from the wire was delivered while the lower is down");
	for (unsigned int i = 0; i < n; i++) {
		uint16_t slot = rc[i].slot;
		const struct mv_vif *t;
		unsigned int dup = 0;

		if (rc[i].kind > MV_RCPT_TOO_BIG)
			FRAME_FAIL("bad receiver kind %u", rc[i].kind);
		if (slot >= fib->n_slots || fib->vifs[slot].mode == 0 || slot >= MV_PORT_MAX_VIFS ||
		    p->slots[slot] == NULL)
			FRAME_FAIL("receiver slot %u is not a used slot", slot);
		t = p->slots[slot];
		if (!t->admin_up)
			FRAME_FAIL("down vif %s receives", t->name);
		if (rc[i].kind == MV_RCPT_SOURCE) {
			if (seen_other)
				FRAME_FAIL("source copies do not come first");
		} else {
			seen_other = true;
		}
		if (from == FROM_VIF && t->mode == MV_MODE_PRIVATE)
			FRAME_FAIL("private vif %s receives from sibling %s", t->name,
				   s ? s->name : "?");
		if (t->mode == MV_MODE_SOURCE && rc[i].kind != MV_RCPT_SOURCE &&
		    rc[i].kind != MV_RCPT_REFLECT)
			FRAME_FAIL("source vif %s receives a %s copy", t->name,
				   kind_str(rc[i].kind));
		if (rc[i].kind == MV_RCPT_TOO_BIG && from != FROM_VIF)
			FRAME_FAIL("too-big receiver on the receive path");
		for (unsigned int j = i + 1; j < n; j++) {
			if (rc[j].slot != slot)
				continue;
			dup++;
			if (dup > 1 || t->mode != MV_MODE_SOURCE || f->src != t->mac ||
			    !lists(t, t->mac) ||
			    !((rc[i].kind == MV_RCPT_SOURCE && rc[j].kind == MV_RCPT_REFLECT) ||
			      (rc[i].kind == MV_RCPT_REFLECT && rc[j].kind == MV_RCPT_SOURCE)))
				FRAME_FAIL("vif %s receives the frame twice (%s, %s)", t->name,
					   kind_str(rc[i].kind), kind_str(rc[j].kind));
		}
	}

	/* The model. */
	if (from == FROM_WIRE) {
		model_rx(p, f, &m);
	} else if (from == FROM_VIF) {
		model_tx(p, sender, f, &m);
	} else {
		/* The wire only; whether a frame that cannot leave is flagged is open. */
		m.wire = p->admin_up && p->carrier &&
			 f->len <= p->mtu + MV_ETHER_HDR_LEN + MV_VLAN_HDR_LEN;
		m.wire_maybe = !m.wire;
	}
	if (n > MAX_RC)
		FRAME_FAIL("too many receivers");
	for (unsigned int i = 0; i < n; i++)
		got[i] = (uint32_t)rc[i].slot << 3 | rc[i].kind;
	qsort(got, n, sizeof(got[0]), cmp_u32);
	qsort(m.rc, m.n, sizeof(m.rc[0]), cmp_u32);
	if (n != m.n || memcmp(got, m.rc, n * sizeof(got[0])) != 0)
		FRAME_FAIL("receivers differ from the model");
	if (!m.lower_maybe && !!(v->act & MV_ACT_LOWER) != m.lower)
		FRAME_FAIL("lower %d, model %d", !!(v->act & MV_ACT_LOWER), m.lower);
	if (!m.wire_maybe && !!(v->act & MV_ACT_WIRE) != m.wire)
		FRAME_FAIL("wire %d, model %d", !!(v->act & MV_ACT_WIRE), m.wire);
	if (m.drop >= 0 && v->drop != m.drop)
		FRAME_FAIL("drop %s, model %s", mv_drop_name((enum mv_drop)v->drop),
			   mv_drop_name((enum mv_drop)m.drop));
	/*
	 * A frame that reached someone reports no drop, except the kernel's queue
	 * overflow of a group frame nobody wanted (it still counts a drop).
	 */
	if (m.drop < 0 && (n != 0 || (v->act & (MV_ACT_WIRE | MV_ACT_LOWER))) &&
	    v->drop != MV_DROP_NONE && v->drop != MV_DROP_NO_RECEIVER &&
	    !(v->drop == MV_DROP_BC_QUEUE && from == FROM_WIRE && mv_mac_is_group(f->dst) &&
	      model_floods(&m) == 0))
		FRAME_FAIL("delivered frame reports drop %s", mv_drop_name((enum mv_drop)v->drop));
	if (m.queued >= 0 && m.drop < 0 && !!(v->act & MV_ACT_QUEUE) != m.queued)
		FRAME_FAIL("queued %d, model %d", !!(v->act & MV_ACT_QUEUE), m.queued);
#undef FRAME_FAIL
	stats.frames++;
	stats.rcpts += n;
	for (unsigned int i = 0; i < n; i++) {
		switch (rc[i].kind) {
		case MV_RCPT_UNICAST:
			stats.unicast++;
			break;
		case MV_RCPT_SOURCE:
			stats.source++;
			break;
		case MV_RCPT_FLOOD:
			stats.flood++;
			break;
		case MV_RCPT_REFLECT:
			stats.reflect++;
			break;
		default:
			stats.too_big++;
			break;
		}
	}
	stats.lower += !!(v->act & MV_ACT_LOWER);
	stats.wire += !!(v->act & MV_ACT_WIRE);
	stats.queued += !!(v->act & MV_ACT_QUEUE);
	stats.nodst += v->drop == MV_DROP_NODST;
	free(rc);
	free(rc2);
}

static mv_mac_t
pick_frame_mac(struct fz *z, struct rd *r)
{
	uint8_t c = rd8(r);
	struct mv_vif *vif;

	switch (c % 10) {
	case 0:
	case 1:
		vif = pick_up_vif(z, rd8(r));
		return vif ? vif->mac : UNKNOWN_MAC;
	case 2:
		return z->port->mac;
	case 3:
		return MV_MAC_BROADCAST;
	case 4:
		return POOL(group_pool, rd8(r));
	case 5:
		return UNKNOWN_MAC;
	case 6:
		return POOL(src_mac_pool, rd8(r));
	case 7:
		return POOL(vif_mac_pool, rd8(r));
	case 8: {
		mv_mac_t m = 0;

		for (int i = 0; i < 6; i++)
			m = m << 8 | rd8(r);
		return m;
	}
	default:
		vif = pick_vif(z, rd8(r));
		return vif ? vif->mac : LOWER_MAC2;
	}
}

static void
step_frame(struct fz *z, struct rd *r)
{
	uint8_t fb = rd8(r), lb = rd8(r);
	enum from_kind from = fb % 8 < 4 ? FROM_WIRE : fb % 8 < 7 ? FROM_VIF : FROM_LOWER;
	struct mv_vif *sender = NULL;
	uint16_t slot = MV_SLOT_NONE;
	mv_mac_t dst, src;
	uint16_t tpid = 0, etype, tci = 0;
	uint32_t len, hdr;
	struct mv_frame_info fi, orig;
	struct mv_verdict v;
	int rc;

	cur_step = "frame";
	if (from == FROM_VIF) {
		sender = pick_vif(z, rd8(r));
		if (sender != NULL && (fb & 0x80) == 0)
			slot = sender->slot;
		else
			slot = (fb & 0x40) ? MV_SLOT_NONE : (uint16_t)(rd16(r) % 8);
	}
	dst = pick_frame_mac(z, r);
	if (sender != NULL && (fb & 0x10))
		src = sender->mac;
	else
		src = pick_frame_mac(z, r);
	switch ((fb >> 3) & 3) {
	case 2:
		tpid = MV_ETHER_TYPE_VLAN;
		tci = rd16(r);
		break;
	case 3:
		tpid = (fb & 0x20) ? MV_ETHER_TYPE_QINQ : MV_ETHER_TYPE_VLAN;
		tci = rd8(r);
		break;
	default:
		break;
	}
	switch (rd8(r) % 8) {
	case 0:
		etype = MV_ETHER_TYPE_PAUSE;
		break;
	case 1:
		etype = 0x0800;
		break;
	case 2:
		etype = rd16(r);
		break;
	default:
		etype = 0x88b5;
		break;
	}
	hdr = MV_ETHER_HDR_LEN + (tpid ? MV_VLAN_HDR_LEN : 0);
	switch (lb % 8) {
	case 0:
		len = rd8(r) % 20;
		break;
	case 1:
	case 2:
		len = 60;
		break;
	case 3:
	case 4: {
		/* Around some vif's MTU limits. */
		struct mv_vif *t = pick_vif(z, rd8(r));
		uint32_t base = t ? t->mtu : z->port->mtu;

		len = base + 10 + rd8(r) % 12;
		break;
	}
	case 5:
		len = rd16(r) % MAX_FRAME;
		break;
	default:
		len = 60 + rd16(r) % 1460;
		break;
	}
	if (len > MAX_FRAME)
		len = MAX_FRAME;

	memset(z->frame, 0, 64);
	mv_mac_to_bytes(dst, z->frame);
	mv_mac_to_bytes(src, z->frame + 6);
	if (tpid) {
		z->frame[12] = (uint8_t)(tpid >> 8);
		z->frame[13] = (uint8_t)tpid;
		z->frame[14] = (uint8_t)(tci >> 8);
		z->frame[15] = (uint8_t)tci;
	}
	z->frame[hdr - 2] = (uint8_t)(etype >> 8);
	z->frame[hdr - 1] = (uint8_t)etype;
	/* A random ethertype may itself announce a tag (but no double tags). */
	if (tpid && (etype == MV_ETHER_TYPE_VLAN || etype == MV_ETHER_TYPE_QINQ)) {
		etype = 0x88b5;
		z->frame[hdr - 2] = 0x88;
		z->frame[hdr - 1] = 0xb5;
	} else if (!tpid && (etype == MV_ETHER_TYPE_VLAN || etype == MV_ETHER_TYPE_QINQ)) {
		tpid = etype;
		hdr = MV_ETHER_HDR_LEN + MV_VLAN_HDR_LEN;
		tci = 0;
		etype = 0;
	}

	memset(&fi, 0xa5, sizeof(fi));
	orig = fi;
	rc = mv_frame_parse(z->frame, len, &fi);
	if (len < hdr) {
		if (rc != -EINVAL)
			fz_fail("parse of a %u-byte frame (header %u) returned %d", len, hdr, rc);
		if (memcmp(&fi, &orig, sizeof(fi)) != 0)
			fz_fail("parse of a runt changed its output");
		stats.runts++;
		return;
	}
	if (rc != 0)
		fz_fail("parse of a %u-byte frame returned %d", len, rc);
	if (fi.dst != dst || fi.src != src || fi.len != len || fi.vlan != (tpid != 0) ||
	    fi.ether_type != etype || (tpid && fi.vlan_tci != tci))
		fz_fail("parse: wrong fields (type %#x/%#x vlan %d tci %#x len %u/%u)",
			fi.ether_type, etype, fi.vlan, fi.vlan_tci, fi.len, len);

	fib_refresh(z, fb);
	if (from == FROM_WIRE) {
		struct mv_verdict vb[2];
		struct mv_frame_info fb2[2] = { fi, fi };

		v = mv_classify_rx(z->fib, &fi);
		mv_classify_rx_burst(z->fib, fb2, vb, 2);
		for (int i = 0; i < 2; i++)
			if (!verdict_eq(&vb[i], &v))
				fz_fail("mv_classify_rx_burst disagrees with mv_classify_rx");
		ring_push(z, &fi, &v);
	} else if (from == FROM_VIF) {
		v = mv_classify_tx(z->fib, slot, &fi);
	} else {
		v = mv_classify_lower_tx(z->fib, &fi);
	}
	check_frame(z, from, slot, &fi, &v);
}

/* ---------------------------------------------------------------------------
 * Entry point
 */

/*
 * A starting configuration drawn from the first bytes: up to 6 valid vifs,
 * all up, with distinct MACs, a few groups and source entries, so that even
 * short or random programs send frames to populated ports.
 */
static void
prologue(struct fz *z, struct rd *r)
{
	static const uint8_t modes[] = { MV_MODE_VEPA,    MV_MODE_BRIDGE,  MV_MODE_BRIDGE,
					 MV_MODE_PRIVATE, MV_MODE_SOURCE,  MV_MODE_VEPA,
					 MV_MODE_SOURCE,  MV_MODE_PASSTHRU };
	uint8_t n = rd8(r) % 7;

	cur_step = "prologue";
	for (uint8_t i = 0; i < n; i++) {
		struct mv_vif_config cfg;
		struct mv_vif *vif = NULL;
		uint8_t b = rd8(r);
		mv_mac_t src[2];
		struct ctl_snap s;
		int rc;

		mv_vif_config_init(&cfg);
		cfg.name = name_pool[i];
		cfg.mode = POOL(modes, rd8(r));
		if (cfg.mode == MV_MODE_PASSTHRU && i != 0)
			cfg.mode = MV_MODE_VEPA;
		cfg.has_mac = true;
		cfg.mac = vif_mac_pool[i];
		cfg.no_default_groups = (b & 1) != 0;
		if (cfg.mode == MV_MODE_SOURCE) {
			src[0] = POOL(src_mac_pool, rd8(r) % 7);
			src[1] = POOL(src_mac_pool, rd8(r) % 7);
			cfg.macaddr_op = MV_MACADDR_SET;
			cfg.macaddr = src;
			cfg.n_macaddr = 1 + ((b >> 1) & 1);
			if (b & 4) {
				cfg.has_flags = true;
				cfg.flags = MV_FLAG_NODST;
			}
		}
		snap_take(z, &s);
		rc = mv_vif_create(&z->ctl, z->port, &cfg, &vif);
		if (rc != 0)
			fz_fail("valid create of %s (%s) failed: %d", cfg.name,
				mv_mode_name(cfg.mode), rc);
		snap_check(z, &s, rc);
		if (b & 8) {
			snap_take(z, &s);
			rc = mv_vif_mc_add(vif, POOL(group_pool, rd8(r) % 5));
			if (rc != 0)
				fz_fail("valid mc_add failed: %d", rc);
			snap_check(z, &s, rc);
		}
		if ((b & 0x30) != 0x30) {
			snap_take(z, &s);
			rc = mv_vif_set_up(vif, true);
			if (rc != 0)
				fz_fail("up of %s with a unique MAC failed: %d", cfg.name, rc);
			snap_check(z, &s, rc);
		}
		if (cfg.mode == MV_MODE_PASSTHRU)
			break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz *z = calloc(1, sizeof(*z));
	struct rd r = { .p = data, .n = size, .i = 0 };
	uint8_t b0 = rd8(&r);
	int rc;

	if (z == NULL)
		return 0;
	cur_step = "init";
	cur_step_no = 0;
	mv_ctl_init(&z->ctl);
	z->pp.name = "p0";
	z->pp.id = 0;
	z->pp.mac = LOWER_MAC1;
	z->pp.mtu = 1500;
	z->pp.max_mtu = 9000;
	z->pp.admin_up = true;
	z->pp.carrier = (b0 & 0xe0) != 0xe0;
	z->pp.uc_filter_max = POOL(uc_filter_pool, b0);
	rc = mv_port_add(&z->ctl, &z->pp, &z->port);
	if (rc != 0 || z->port == NULL)
		fz_fail("mv_port_add failed: %d", rc);
	z->last_gen = z->port->generation;
	check_invariants(z);
	prologue(z, &r);

	while (rd_more(&r) && cur_step_no < MAX_STEPS) {
		uint8_t op = rd8(&r);

		cur_step_no++;
		stats.steps++;
		switch (op % 40) {
		case 0:
		case 1:
		case 2:
			step_create(z, &r);
			break;
		case 3:
			step_delete(z, &r);
			break;
		case 4:
		case 5:
			step_updown(z, &r);
			break;
		case 6:
			step_set_mac(z, &r);
			break;
		case 7:
			step_set_mtu(z, &r);
			break;
		case 8:
		case 9:
			step_change(z, &r);
			break;
		case 10:
		case 11:
			step_mc(z, &r, true);
			break;
		case 12:
			step_mc(z, &r, false);
			break;
		case 13:
			step_flag(z, &r, false);
			break;
		case 14:
			step_flag(z, &r, true);
			break;
		case 15:
			step_lower_link(z, &r);
			break;
		case 16:
			step_lower_mtu(z, &r);
			break;
		case 17:
			step_lower_mac(z, &r);
			break;
		case 18:
			step_port_flags(z, &r);
			break;
		case 19:
			if (op == 19 && rd8(&r) < 16)
				step_lower_remove(z);
			else
				step_updown(z, &r);
			break;
		default:
			step_frame(z, &r);
			break;
		}
	}

	fib_drop(z);
	mv_ctl_fini(&z->ctl);
	free(z);
	return 0;
}
