/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the control rules (mv_control.h, mv_port.h) against
 * docs/macvlan-semantics.md: every accepted and refused request, its errno,
 * and, for every refused request, that nothing changed.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mv_control.h"
#include "mv_link_events.h"
#include "mv_mac.h"
#include "mv_port.h"
#include "mv_test.h"

#define P0_MAC UINT64_C(0x02aa00000001)
#define P1_MAC UINT64_C(0x02aa00000002)
#define MAC_A  UINT64_C(0x020000000a01)
#define MAC_B  UINT64_C(0x020000000b02)
#define MAC_C  UINT64_C(0x020000000c03)
#define MAC_D  UINT64_C(0x020000000d04)
#define SRC_X  UINT64_C(0x0400000000f1)
#define SRC_Y  UINT64_C(0x0400000000f2)
#define SRC_Z  UINT64_C(0x0400000000f3)
#define GRP_1  UINT64_C(0x01005e0000fb)
#define GRP_2  UINT64_C(0x3333000000fb)
#define GRP_3  UINT64_C(0x01005e000042)

static struct mv_ctl ctl;
static struct mv_port *port;
static uint64_t random_seed = UINT64_C(0x243f6a8885a308d3);

static uint64_t
next_random(void)
{
	random_seed ^= random_seed << 13;
	random_seed ^= random_seed >> 7;
	random_seed ^= random_seed << 17;
	return random_seed;
}

/* ------------------------------------------------------------ fixtures */

static struct mv_port *
add_port(const char *name, uint16_t id, mv_mac_t mac, uint32_t mtu, bool admin_up, bool carrier,
	 uint32_t uc_filter_max)
{
	struct mv_port_params pp = {
		.name = name,
		.id = id,
		.mac = mac,
		.mtu = mtu,
		.admin_up = admin_up,
		.carrier = carrier,
		.uc_filter_max = uc_filter_max,
	};
	struct mv_port *p = NULL;
	int rc = mv_port_add(&ctl, &pp, &p);

	CHECK_EQ(rc, 0);
	if (rc != 0 || p == NULL) {
		fprintf(stderr, "cannot add port %s (%d): giving up\n", name, rc);
		exit(EXIT_FAILURE);
	}
	return p;
}

/* The standard fixture: port "p0", id 0, 02:aa:00:00:00:01, MTU 1500, up. */
static void
setup(void)
{
	mv_ctl_init(&ctl);
	port = add_port("p0", 0, P0_MAC, 1500, true, true, 0);
}

static void
setup_uc(uint32_t uc_filter_max)
{
	mv_ctl_init(&ctl);
	port = add_port("p0", 0, P0_MAC, 1500, true, true, uc_filter_max);
}

static void
teardown(void)
{
	mv_ctl_fini(&ctl);
	port = NULL;
}

static struct mv_vif_config
cfg_named(const char *name)
{
	struct mv_vif_config cfg;

	memset(&cfg, 0x5a, sizeof(cfg)); /* init must set every field */
	mv_vif_config_init(&cfg);
	cfg.name = name;
	cfg.random = next_random();
	return cfg;
}

static struct mv_vif_change
chg_empty(void)
{
	struct mv_vif_change chg;

	memset(&chg, 0x5a, sizeof(chg));
	mv_vif_change_init(&chg);
	return chg;
}

static struct mv_vif *
create_cfg_on(struct mv_port *p, const struct mv_vif_config *cfg, int line)
{
	struct mv_vif *vif = NULL;
	int rc = mv_vif_create(&ctl, p, cfg, &vif);

	if (rc != 0 || vif == NULL) {
		fprintf(stderr, "%s:%d: creating vif \"%s\" failed: %d; giving up\n", __FILE__,
			line, cfg->name, rc);
		exit(EXIT_FAILURE);
	}
	return vif;
}

/* Create a vif that must succeed; @mac 0 means "no address given". */
static struct mv_vif *
create_on(struct mv_port *p, const char *name, uint8_t mode, mv_mac_t mac, int line)
{
	struct mv_vif_config cfg = cfg_named(name);

	cfg.mode = mode;
	if (mac != 0) {
		cfg.has_mac = true;
		cfg.mac = mac;
	}
	return create_cfg_on(p, &cfg, line);
}

#define CREATE(name, mode, mac)       create_on(port, name, mode, mac, __LINE__)
#define CREATE_ON(p, name, mode, mac) create_on(p, name, mode, mac, __LINE__)
#define CREATE_CFG(cfgp)              create_cfg_on(port, cfgp, __LINE__)

static int
apply_change(struct mv_vif *vif, uint8_t mode, int op, const mv_mac_t *addrs, uint32_t n)
{
	struct mv_vif_change chg = chg_empty();

	chg.mode = mode;
	chg.macaddr_op = op;
	chg.macaddr = addrs;
	chg.n_macaddr = n;
	return mv_vif_change(vif, &chg);
}

static int
set_flags(struct mv_vif *vif, uint16_t flags)
{
	struct mv_vif_change chg = chg_empty();

	chg.has_flags = true;
	chg.flags = flags;
	return mv_vif_change(vif, &chg);
}

/* ------------------------------------------------------------ snapshots */

struct map_snap {
	uint32_t n;
	uint64_t *e; /* raw slot words, sorted */
};

struct vif_snap {
	const struct mv_vif *ptr;
	char name[MV_IFNAMSIZ];
	const struct mv_port *port;
	uint16_t slot;
	uint8_t mode;
	uint16_t flags;
	mv_mac_t mac;
	bool mac_random;
	uint32_t mtu;
	uint32_t max_mtu;
	bool admin_up;
	bool carrier;
	bool allmulti;
	bool promisc;
	uint32_t bc_queue_len_req;
	struct map_snap mc;
	struct map_snap sources;
};

struct port_snap {
	const struct mv_port *ptr;
	char name[MV_IFNAMSIZ];
	uint16_t id;
	mv_mac_t mac;
	mv_mac_t perm_addr;
	uint32_t mtu;
	uint32_t max_mtu;
	bool admin_up;
	bool carrier;
	bool promisc;
	bool allmulti;
	uint32_t uc_filter_max;
	uint32_t promisc_count;
	uint32_t allmulti_count;
	bool passthru;
	int32_t bc_cutoff;
	uint32_t bc_queue_len_used;
	uint32_t n_vifs;
	uint32_t n_up_vifs;
	uint32_t n_source_entries;
	uint64_t generation;
	bool is_promisc;
	bool is_allmulti;
	struct map_snap up_macs;
	struct map_snap mc;
	uint32_t n_listed; /* vifs found in the list */
	struct vif_snap *vifs;
	const struct mv_vif **slots; /* non-NULL slot entries, by slot */
};

struct snap {
	uint32_t n_vifs;
	struct port_snap ports[MV_MAX_PORTS];
};

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
map_snap_take(struct map_snap *ms, const struct mv_mac_map *m)
{
	uint32_t pos = 0, cap = m->slots != NULL ? m->mask + 1 : 1;
	mv_mac_t k;
	uint16_t v;

	ms->n = 0;
	ms->e = malloc(cap * sizeof(uint64_t));
	while (mv_mac_map_next(m, &pos, &k, &v) >= 0 && ms->n < cap)
		ms->e[ms->n++] = k | ((uint64_t)v << MV_MAC_MAP_VAL_SHIFT);
	qsort(ms->e, ms->n, sizeof(uint64_t), cmp_u64);
}

static bool
map_snap_eq(const struct map_snap *a, const struct map_snap *b)
{
	return a->n == b->n && (a->n == 0 || memcmp(a->e, b->e, a->n * sizeof(uint64_t)) == 0);
}

static void
snap_take(struct snap *s)
{
	memset(s, 0, sizeof(*s));
	s->n_vifs = ctl.n_vifs;
	for (unsigned int i = 0; i < MV_MAX_PORTS; i++) {
		const struct mv_port *p = ctl.ports[i];
		struct port_snap *ps = &s->ports[i];
		const struct mv_vif *vif;
		uint32_t n = 0;

		if (p == NULL)
			continue;
		ps->ptr = p;
		memcpy(ps->name, p->name, MV_IFNAMSIZ);
		ps->id = p->id;
		ps->mac = p->mac;
		ps->perm_addr = p->perm_addr;
		ps->mtu = p->mtu;
		ps->max_mtu = p->max_mtu;
		ps->admin_up = p->admin_up;
		ps->carrier = p->carrier;
		ps->promisc = p->promisc;
		ps->allmulti = p->allmulti;
		ps->uc_filter_max = p->uc_filter_max;
		ps->promisc_count = p->promisc_count;
		ps->allmulti_count = p->allmulti_count;
		ps->passthru = p->passthru;
		ps->bc_cutoff = p->bc_cutoff;
		ps->bc_queue_len_used = p->bc_queue_len_used;
		ps->n_vifs = p->n_vifs;
		ps->n_up_vifs = p->n_up_vifs;
		ps->n_source_entries = p->n_source_entries;
		ps->generation = p->generation;
		ps->is_promisc = mv_port_is_promisc(p);
		ps->is_allmulti = mv_port_is_allmulti(p);
		map_snap_take(&ps->up_macs, &p->up_macs);
		map_snap_take(&ps->mc, &p->mc);
		ps->slots = calloc(MV_PORT_MAX_VIFS, sizeof(*ps->slots));
		memcpy(ps->slots, p->slots, MV_PORT_MAX_VIFS * sizeof(*ps->slots));
		TAILQ_FOREACH(vif, &p->vifs, next)
		{
			n++;
		}
		ps->vifs = calloc(n + 1, sizeof(*ps->vifs));
		ps->n_listed = n;
		n = 0;
		TAILQ_FOREACH(vif, &p->vifs, next)
		{
			struct vif_snap *vs = &ps->vifs[n++];

			vs->ptr = vif;
			memcpy(vs->name, vif->name, MV_IFNAMSIZ);
			vs->port = vif->port;
			vs->slot = vif->slot;
			vs->mode = vif->mode;
			vs->flags = vif->flags;
			vs->mac = vif->mac;
			vs->mac_random = vif->mac_random;
			vs->mtu = vif->mtu;
			vs->max_mtu = vif->max_mtu;
			vs->admin_up = vif->admin_up;
			vs->carrier = vif->carrier;
			vs->allmulti = vif->allmulti;
			vs->promisc = vif->promisc;
			vs->bc_queue_len_req = vif->bc_queue_len_req;
			map_snap_take(&vs->mc, &vif->mc);
			map_snap_take(&vs->sources, &vif->sources);
		}
	}
}

static void
snap_free(struct snap *s)
{
	for (unsigned int i = 0; i < MV_MAX_PORTS; i++) {
		struct port_snap *ps = &s->ports[i];

		if (ps->ptr == NULL)
			continue;
		free(ps->up_macs.e);
		free(ps->mc.e);
		free(ps->slots);
		for (uint32_t j = 0; j < ps->n_listed; j++) {
			free(ps->vifs[j].mc.e);
			free(ps->vifs[j].sources.e);
		}
		free(ps->vifs);
	}
}

#define DIFF(what, a, b)                                                                           \
	do {                                                                                       \
		if ((a) != (b)) {                                                                  \
			fprintf(stderr, "  %s: was %llx, now %llx\n", what,                        \
				(unsigned long long)(a), (unsigned long long)(b));                 \
			same = false;                                                              \
		}                                                                                  \
	} while (0)

static bool
vif_snap_eq(const struct vif_snap *a, const struct vif_snap *b)
{
	bool same = true;

	DIFF("vif pointer", (uintptr_t)a->ptr, (uintptr_t)b->ptr);
	if (strcmp(a->name, b->name) != 0) {
		fprintf(stderr, "  vif name: was %s, now %s\n", a->name, b->name);
		same = false;
	}
	DIFF("vif port", (uintptr_t)a->port, (uintptr_t)b->port);
	DIFF("vif slot", a->slot, b->slot);
	DIFF("vif mode", a->mode, b->mode);
	DIFF("vif flags", a->flags, b->flags);
	DIFF("vif mac", a->mac, b->mac);
	DIFF("vif mac_random", a->mac_random, b->mac_random);
	DIFF("vif mtu", a->mtu, b->mtu);
	DIFF("vif max_mtu", a->max_mtu, b->max_mtu);
	DIFF("vif admin_up", a->admin_up, b->admin_up);
	DIFF("vif carrier", a->carrier, b->carrier);
	DIFF("vif allmulti", a->allmulti, b->allmulti);
	DIFF("vif promisc", a->promisc, b->promisc);
	DIFF("vif bc_queue_len_req", a->bc_queue_len_req, b->bc_queue_len_req);
	if (!map_snap_eq(&a->mc, &b->mc)) {
		fprintf(stderr, "  vif %s: multicast list changed (%u -> %u)\n", a->name, a->mc.n,
			b->mc.n);
		same = false;
	}
	if (!map_snap_eq(&a->sources, &b->sources)) {
		fprintf(stderr, "  vif %s: source list changed (%u -> %u)\n", a->name, a->sources.n,
			b->sources.n);
		same = false;
	}
	return same;
}

static bool
port_snap_eq(const struct port_snap *a, const struct port_snap *b)
{
	bool same = true;

	DIFF("port pointer", (uintptr_t)a->ptr, (uintptr_t)b->ptr);
	if (a->ptr == NULL || b->ptr == NULL)
		return same;
	if (strcmp(a->name, b->name) != 0) {
		fprintf(stderr, "  port name: was %s, now %s\n", a->name, b->name);
		same = false;
	}
	DIFF("port id", a->id, b->id);
	DIFF("port mac", a->mac, b->mac);
	DIFF("port perm_addr", a->perm_addr, b->perm_addr);
	DIFF("port mtu", a->mtu, b->mtu);
	DIFF("port max_mtu", a->max_mtu, b->max_mtu);
	DIFF("port admin_up", a->admin_up, b->admin_up);
	DIFF("port carrier", a->carrier, b->carrier);
	DIFF("port promisc", a->promisc, b->promisc);
	DIFF("port allmulti", a->allmulti, b->allmulti);
	DIFF("port uc_filter_max", a->uc_filter_max, b->uc_filter_max);
	DIFF("port promisc_count", a->promisc_count, b->promisc_count);
	DIFF("port allmulti_count", a->allmulti_count, b->allmulti_count);
	DIFF("port passthru", a->passthru, b->passthru);
	DIFF("port bc_cutoff", a->bc_cutoff, b->bc_cutoff);
	DIFF("port bc_queue_len_used", a->bc_queue_len_used, b->bc_queue_len_used);
	DIFF("port n_vifs", a->n_vifs, b->n_vifs);
	DIFF("port n_up_vifs", a->n_up_vifs, b->n_up_vifs);
	DIFF("port n_source_entries", a->n_source_entries, b->n_source_entries);
	DIFF("port generation", a->generation, b->generation);
	DIFF("mv_port_is_promisc", a->is_promisc, b->is_promisc);
	DIFF("mv_port_is_allmulti", a->is_allmulti, b->is_allmulti);
	if (!map_snap_eq(&a->up_macs, &b->up_macs)) {
		fprintf(stderr, "  port up_macs changed (%u -> %u)\n", a->up_macs.n, b->up_macs.n);
		same = false;
	}
	if (!map_snap_eq(&a->mc, &b->mc)) {
		fprintf(stderr, "  port mc changed (%u -> %u)\n", a->mc.n, b->mc.n);
		same = false;
	}
	if (memcmp(a->slots, b->slots, MV_PORT_MAX_VIFS * sizeof(*a->slots)) != 0) {
		fprintf(stderr, "  port slots changed\n");
		same = false;
	}
	DIFF("vifs in list", a->n_listed, b->n_listed);
	for (uint32_t i = 0; i < a->n_listed && i < b->n_listed; i++)
		if (!vif_snap_eq(&a->vifs[i], &b->vifs[i]))
			same = false;
	return same;
}

static bool
snap_eq(const struct snap *a, const struct snap *b)
{
	bool same = true;

	DIFF("ctl n_vifs", a->n_vifs, b->n_vifs);
	for (unsigned int i = 0; i < MV_MAX_PORTS; i++)
		if (!port_snap_eq(&a->ports[i], &b->ports[i]))
			same = false;
	return same;
}

/* Compare the current state with @before; report a failure at @line. */
static void
check_unchanged(const struct snap *before, int line)
{
	struct snap now;

	snap_take(&now);
	if (!snap_eq(before, &now)) {
		fprintf(stderr, "%s:%d: state changed by a rejected request\n", __FILE__, line);
		mv_test_checks_failed++;
	}
	snap_free(&now);
}

/* Run @call, which must return @err and leave every table as it was. */
#define EXPECT_FAIL(call, err)                                                                     \
	do {                                                                                       \
		struct snap before_;                                                               \
		int rc_;                                                                           \
		snap_take(&before_);                                                               \
		rc_ = (call);                                                                      \
		if (rc_ != (err)) {                                                                \
			fprintf(stderr, "%s:%d: %s returned %d, expected %d\n", __FILE__,          \
				__LINE__, #call, rc_, (int)(err));                                 \
			mv_test_checks_failed++;                                                   \
		}                                                                                  \
		check_unchanged(&before_, __LINE__);                                               \
		snap_free(&before_);                                                               \
	} while (0)

/* A create that must fail with @err and change nothing. */
#define CREATE_FAILS(p, cfgp, err)                                                                 \
	do {                                                                                       \
		struct mv_vif *v_ = NULL;                                                          \
		EXPECT_FAIL(mv_vif_create(&ctl, (p), (cfgp), &v_), err);                           \
	} while (0)

/* Run @call, which must succeed and bump the port's generation. */
#define EXPECT_BUMP(p, call)                                                                       \
	do {                                                                                       \
		uint64_t gen_ = (p)->generation;                                                   \
		CHECK_EQ((call), 0);                                                               \
		if ((p)->generation <= gen_) {                                                     \
			fprintf(stderr, "%s:%d: %s did not bump the generation\n", __FILE__,       \
				__LINE__, #call);                                                  \
			mv_test_checks_failed++;                                                   \
		}                                                                                  \
	} while (0)

/* ------------------------------------------------------------ checks on lists */

static uint32_t
source_list(const struct mv_vif *vif, mv_mac_t *out, uint32_t max)
{
	uint32_t pos = 0, n = 0;
	mv_mac_t k;
	uint16_t v;

	while (mv_mac_map_next(&vif->sources, &pos, &k, &v) >= 0)
		if (n < max)
			out[n++] = k;
	qsort(out, n < max ? n : max, sizeof(*out), cmp_u64);
	return n;
}

/* Is @vif's source list exactly @want (any order, no duplicates in @want)? */
static bool
sources_are(const struct mv_vif *vif, const mv_mac_t *want, uint32_t n_want)
{
	mv_mac_t got[64], exp[64];
	uint32_t n = source_list(vif, got, 64);

	if (n != n_want || mv_vif_macaddr_count(vif) != n_want) {
		fprintf(stderr, "  %s: %u sources (count %u), expected %u\n", vif->name, n,
			mv_vif_macaddr_count(vif), n_want);
		return false;
	}
	if (n_want == 0)
		return true;
	memcpy(exp, want, n_want * sizeof(*exp));
	qsort(exp, n_want, sizeof(*exp), cmp_u64);
	for (uint32_t i = 0; i < n; i++)
		if (got[i] != exp[i]) {
			fprintf(stderr, "  %s: source %012llx, expected %012llx\n", vif->name,
				(unsigned long long)got[i], (unsigned long long)exp[i]);
			return false;
		}
	return true;
}

static bool
list_is(const mv_mac_t *got, uint32_t n_got, const mv_mac_t *want, uint32_t n_want)
{
	mv_mac_t exp[64];

	if (n_got != n_want) {
		fprintf(stderr, "  list has %u entries, expected %u\n", n_got, n_want);
		return false;
	}
	if (n_want == 0)
		return true;
	memcpy(exp, want, n_want * sizeof(*exp));
	qsort(exp, n_want, sizeof(*exp), cmp_u64);
	for (uint32_t i = 0; i < n_got; i++)
		if (got[i] != exp[i]) {
			fprintf(stderr, "  entry %u: %012llx, expected %012llx (sorted)\n", i,
				(unsigned long long)got[i], (unsigned long long)exp[i]);
			return false;
		}
	return true;
}

static uint32_t
total_sources(const struct mv_port *p)
{
	const struct mv_vif *vif;
	uint32_t n = 0;

	TAILQ_FOREACH(vif, &p->vifs, next)
	{
		n += mv_vif_macaddr_count(vif);
	}
	return n;
}

/* ================================================================ tests */

static void
test_config_init(void)
{
	struct mv_vif_config cfg;
	struct mv_vif_change chg;

	memset(&cfg, 0xa5, sizeof(cfg));
	mv_vif_config_init(&cfg);
	CHECK(cfg.name == NULL);
	CHECK_EQ(cfg.mode, 0);
	CHECK(!cfg.has_flags);
	CHECK(!cfg.has_mac);
	CHECK(!cfg.has_mtu);
	CHECK(!cfg.has_bc_queue_len);
	CHECK(!cfg.has_bc_cutoff);
	CHECK_EQ(cfg.macaddr_op, MV_MACADDR_NONE);
	CHECK(cfg.macaddr == NULL);
	CHECK_EQ(cfg.n_macaddr, 0);
	CHECK(!cfg.no_default_groups);

	memset(&chg, 0xa5, sizeof(chg));
	mv_vif_change_init(&chg);
	CHECK_EQ(chg.mode, 0);
	CHECK(!chg.has_flags);
	CHECK(!chg.has_bc_queue_len);
	CHECK(!chg.has_bc_cutoff);
	CHECK_EQ(chg.macaddr_op, MV_MACADDR_NONE);
	CHECK(chg.macaddr == NULL);
	CHECK_EQ(chg.n_macaddr, 0);
}

static void
test_ifname_valid(void)
{
	static const char *const good[] = {
		"a", "v0", "macvlan0", "a.b", "a-b_c", "123456789012345", "...", ".a", "a..",
	};
	static const char *const bad[] = {
		"",
		".",
		"..",
		"a/b",
		"/",
		"a:b",
		":",
		"a b",
		" a",
		"a ",
		"a\tb",
		"a\nb",
		"a\vb",
		"a\fb",
		"a\rb",
		"1234567890123456",
		"a_very_long_interface_name",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (!mv_ifname_valid(good[i]))
			fprintf(stderr, "  \"%s\" should be valid\n", good[i]);
		CHECK(mv_ifname_valid(good[i]));
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (mv_ifname_valid(bad[i]))
			fprintf(stderr, "  \"%s\" should be invalid\n", bad[i]);
		CHECK(!mv_ifname_valid(bad[i]));
	}
}

static void
test_mode_names(void)
{
	static const struct {
		uint8_t mode;
		const char *name;
	} modes[] = {
		{ MV_MODE_PRIVATE, "private" }, { MV_MODE_VEPA, "vepa" },
		{ MV_MODE_BRIDGE, "bridge" },   { MV_MODE_PASSTHRU, "passthru" },
		{ MV_MODE_SOURCE, "source" },
	};

	CHECK_EQ(MV_MODE_PRIVATE, 1);
	CHECK_EQ(MV_MODE_VEPA, 2);
	CHECK_EQ(MV_MODE_BRIDGE, 4);
	CHECK_EQ(MV_MODE_PASSTHRU, 8);
	CHECK_EQ(MV_MODE_SOURCE, 16);
	CHECK_EQ(MV_MODE_DEFAULT, MV_MODE_VEPA);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		const char *n = mv_mode_name(modes[i].mode);

		CHECK(n != NULL && strcmp(n, modes[i].name) == 0);
		CHECK_EQ(mv_mode_parse(modes[i].name), modes[i].mode);
	}
	CHECK(mv_mode_name(0) == NULL);
	CHECK(mv_mode_name(3) == NULL);
	CHECK(mv_mode_name(32) == NULL);
	CHECK(mv_mode_name(255) == NULL);
	CHECK_EQ(mv_mode_parse("bogus"), -EINVAL);
	CHECK_EQ(mv_mode_parse(""), -EINVAL);
	CHECK_EQ(mv_mode_parse("VEPA "), -EINVAL);
}

static void
test_port_add(void)
{
	struct mv_port_params pp = {
		.name = "p1",
		.id = 1,
		.mac = P1_MAC,
		.mtu = 9000,
		.max_mtu = 9216,
		.admin_up = false,
		.carrier = true,
		.uc_filter_max = 7,
	};
	struct mv_port *p1 = NULL;

	setup();
	CHECK(ctl.ports[0] == port);
	CHECK(strcmp(port->name, "p0") == 0);
	CHECK_EQ(port->id, 0);
	CHECK_EQ(port->mac, P0_MAC);
	CHECK_EQ(port->mtu, 1500);
	CHECK_EQ(port->max_mtu, MV_DEFAULT_MAX_MTU);
	CHECK(port->admin_up);
	CHECK(port->carrier);
	CHECK(!port->promisc);
	CHECK(!port->allmulti);
	CHECK(!port->passthru);
	CHECK_EQ(port->promisc_count, 0);
	CHECK_EQ(port->allmulti_count, 0);
	CHECK_EQ(port->bc_cutoff, MV_DEFAULT_BC_CUTOFF);
	CHECK_EQ(port->n_vifs, 0);
	CHECK_EQ(port->n_up_vifs, 0);
	CHECK_EQ(port->n_source_entries, 0);
	CHECK(TAILQ_EMPTY(&port->vifs));
	CHECK(!mv_port_is_promisc(port));
	CHECK(!mv_port_is_allmulti(port));

	CHECK_EQ(mv_port_add(&ctl, &pp, &p1), 0);
	CHECK(p1 != NULL && ctl.ports[1] == p1);
	if (p1 != NULL) {
		CHECK_EQ(p1->mtu, 9000);
		CHECK_EQ(p1->max_mtu, 9216);
		CHECK_EQ(p1->uc_filter_max, 7);
		CHECK(!p1->admin_up);
		CHECK(p1->carrier);
	}
	CHECK(mv_port_find(&ctl, "p0") == port);
	CHECK(mv_port_find(&ctl, "p1") == p1);
	CHECK(mv_port_find(&ctl, "p2") == NULL);

	/* errors (mv_port.h): bad name, id or MAC -EINVAL; id or name taken -EEXIST */
	pp.name = "p2";
	pp.id = 2;
	pp.mac = UINT64_C(0x02aa00000003);
	{
		struct mv_port_params bad = pp;
		struct mv_port *out = NULL;

		bad.name = "";
		EXPECT_FAIL(mv_port_add(&ctl, &bad, &out), -EINVAL);
		bad.name = "a/b";
		EXPECT_FAIL(mv_port_add(&ctl, &bad, &out), -EINVAL);
		bad.name = "1234567890123456";
		EXPECT_FAIL(mv_port_add(&ctl, &bad, &out), -EINVAL);
		bad.name = NULL;
		EXPECT_FAIL(mv_port_add(&ctl, &bad, &out), -EINVAL);

		bad = pp;
		bad.id = MV_MAX_PORTS;
		EXPECT_FAIL(mv_port_add(&ctl, &bad, &out), -EINVAL);
		bad.id = UINT16_MAX;
		EXPECT_FAIL(mv_port_add(&ctl, &bad, &out), -EINVAL);

		/* mv_port.h: "-EADDRNOTAVAIL for a MAC that is not valid unicast" */
		bad = pp;
		bad.mac = 0;
		EXPECT_FAIL(mv_port_add(&ctl, &bad, &out), -EADDRNOTAVAIL);
		bad.mac = MV_MAC_ALL_HOSTS_V4;
		EXPECT_FAIL(mv_port_add(&ctl, &bad, &out), -EADDRNOTAVAIL);
		bad.mac = MV_MAC_BROADCAST;
		EXPECT_FAIL(mv_port_add(&ctl, &bad, &out), -EADDRNOTAVAIL);

		bad = pp;
		bad.id = 1; /* taken by p1 */
		EXPECT_FAIL(mv_port_add(&ctl, &bad, &out), -EEXIST);
		bad = pp;
		bad.name = "p1"; /* name taken */
		EXPECT_FAIL(mv_port_add(&ctl, &bad, &out), -EEXIST);
		CHECK(out == NULL);
	}
	CHECK_EQ(mv_port_add(&ctl, &pp, NULL), 0);
	CHECK(mv_port_find(&ctl, "p2") == ctl.ports[2]);
	teardown();
}

static void
test_create_defaults(void)
{
	struct mv_vif *v;
	uint64_t gen;

	setup();
	gen = port->generation;
	v = CREATE("v0", 0, 0);
	CHECK(port->generation > gen);
	CHECK(strcmp(v->name, "v0") == 0);
	CHECK(v->port == port);
	CHECK_EQ(v->mode, MV_MODE_VEPA);
	CHECK_EQ(v->flags, 0);
	CHECK(!v->admin_up);
	CHECK(v->carrier);
	CHECK(!v->promisc);
	CHECK(!v->allmulti);
	CHECK_EQ(v->mtu, 1500);
	CHECK_EQ(v->max_mtu, MV_DEFAULT_MAX_MTU);
	CHECK_EQ(v->bc_queue_len_req, MV_DEFAULT_BC_QUEUE_LEN);
	CHECK_EQ(port->bc_queue_len_used, MV_DEFAULT_BC_QUEUE_LEN);
	CHECK_EQ(port->bc_cutoff, MV_DEFAULT_BC_CUTOFF);
	CHECK_EQ(mv_vif_macaddr_count(v), 0);
	/* random MAC: unicast, locally administered, recorded as random */
	CHECK(mv_mac_is_valid_unicast(v->mac));
	CHECK((v->mac & MV_MAC_LOCAL_BIT) != 0);
	CHECK(v->mac_random);
	/* the two all-hosts groups, nothing else */
	CHECK(mv_vif_has_group(v, MV_MAC_ALL_HOSTS_V4));
	CHECK(mv_vif_has_group(v, MV_MAC_ALL_NODES_V6));
	CHECK_EQ(v->mc.count, 2);
	/* bookkeeping */
	CHECK_EQ(port->n_vifs, 1);
	CHECK_EQ(port->n_up_vifs, 0);
	CHECK_EQ(ctl.n_vifs, 1);
	CHECK(TAILQ_FIRST(&port->vifs) == v);
	CHECK(v->slot < MV_PORT_MAX_VIFS);
	if (v->slot < MV_PORT_MAX_VIFS)
		CHECK(port->slots[v->slot] == v);
	CHECK(mv_vif_find(&ctl, "v0") == v);
	CHECK(mv_vif_find(&ctl, "v1") == NULL);
	/* down: not in the UP table, holds nothing on the lower */
	CHECK_EQ(mv_mac_map_lookup(&port->up_macs, v->mac), -1);
	CHECK_EQ(port->promisc_count, 0);
	CHECK_EQ(port->allmulti_count, 0);
	CHECK(!port->passthru);
	teardown();
}

static void
test_create_options(void)
{
	struct mv_vif_config cfg;
	struct mv_vif *v, *w, *x;
	mv_mac_t srcs[2] = { SRC_X, SRC_Y };

	mv_ctl_init(&ctl);
	port = add_port("p0", 0, P0_MAC, 9000, true, true, 0);

	cfg = cfg_named("v0");
	cfg.mode = MV_MODE_BRIDGE;
	cfg.has_mac = true;
	cfg.mac = MAC_A;
	cfg.has_mtu = true;
	cfg.mtu = 1400;
	cfg.has_flags = true;
	cfg.flags = MV_FLAG_NODST; /* accepted on a non-source vif, does nothing */
	cfg.has_bc_queue_len = true;
	cfg.bc_queue_len = 77;
	cfg.no_default_groups = true;
	v = CREATE_CFG(&cfg);
	CHECK_EQ(v->mode, MV_MODE_BRIDGE);
	CHECK_EQ(v->mac, MAC_A);
	CHECK(!v->mac_random);
	CHECK_EQ(v->mtu, 1400);
	CHECK_EQ(v->flags, MV_FLAG_NODST);
	CHECK_EQ(v->bc_queue_len_req, 77);
	CHECK_EQ(port->bc_queue_len_used, 77);
	CHECK_EQ(v->mc.count, 0);
	CHECK(!mv_vif_has_group(v, MV_MAC_ALL_HOSTS_V4));
	CHECK(!mv_vif_has_group(v, MV_MAC_ALL_NODES_V6));

	/* MTU bounds are inclusive: 68 and the lower's MTU */
	cfg = cfg_named("v1");
	cfg.has_mtu = true;
	cfg.mtu = MV_MIN_MTU;
	w = CREATE_CFG(&cfg);
	CHECK_EQ(w->mtu, 68);
	cfg = cfg_named("v2");
	cfg.has_mtu = true;
	cfg.mtu = 9000;
	cfg.mode = MV_MODE_SOURCE;
	cfg.has_flags = true;
	cfg.flags = MV_FLAGS_ALL;
	cfg.macaddr_op = MV_MACADDR_SET;
	cfg.macaddr = srcs;
	cfg.n_macaddr = 2;
	x = CREATE_CFG(&cfg);
	CHECK_EQ(x->mtu, 9000);
	CHECK_EQ(x->mode, MV_MODE_SOURCE);
	CHECK_EQ(x->flags, MV_FLAGS_ALL);
	CHECK(sources_are(x, srcs, 2));
	CHECK_EQ(port->n_source_entries, 2);
	/* default MTU is the lower's */
	CHECK_EQ(CREATE("v3", MV_MODE_PRIVATE, 0)->mtu, 9000);
	CHECK_EQ(ctl.n_vifs, 4);
	CHECK_EQ(port->n_vifs, 4);
	teardown();

	/* a lower with its own max_mtu: vifs take it at creation */
	{
		struct mv_port_params pp = {
			.name = "p0",
			.id = 0,
			.mac = P0_MAC,
			.mtu = 1500,
			.max_mtu = 9216,
			.admin_up = true,
			.carrier = true,
		};
		mv_ctl_init(&ctl);
		CHECK_EQ(mv_port_add(&ctl, &pp, &port), 0);
		CHECK_EQ(CREATE("v0", 0, 0)->max_mtu, 9216);
		teardown();
	}
}

static void
test_create_random_mac(void)
{
	struct mv_vif_config cfg;
	mv_mac_t macs[16];

	setup();
	for (int i = 0; i < 16; i++) {
		char name[MV_IFNAMSIZ];
		struct mv_vif *v;

		snprintf(name, sizeof(name), "r%d", i);
		cfg = cfg_named(name);
		/* the group bit and the local bit clear in the random input */
		cfg.random = (next_random() & ~(MV_MAC_LOCAL_BIT)) | MV_MAC_GROUP_BIT;
		v = CREATE_CFG(&cfg);
		CHECK(mv_mac_is_valid_unicast(v->mac));
		CHECK((v->mac & MV_MAC_LOCAL_BIT) != 0);
		CHECK(!mv_mac_is_group(v->mac));
		CHECK(v->mac_random);
		macs[i] = v->mac;
		for (int j = 0; j < i; j++)
			CHECK(macs[j] != macs[i]);
	}
	teardown();
}

static void
test_create_carrier_from_lower(void)
{
	struct mv_port *down, *nocarrier;

	mv_ctl_init(&ctl);
	port = add_port("p0", 0, P0_MAC, 1500, true, true, 0);
	down = add_port("p1", 1, P1_MAC, 1500, false, true, 0);
	nocarrier = add_port("p2", 2, UINT64_C(0x02aa00000003), 1500, true, false, 0);
	CHECK(CREATE("v0", 0, 0)->carrier);
	CHECK(!CREATE_ON(down, "v1", 0, 0)->carrier);
	CHECK(!CREATE_ON(nocarrier, "v2", 0, 0)->carrier);
	/* a vif can be brought up on a lower that is down (spec 9.2) */
	CHECK_EQ(mv_vif_set_up(mv_vif_find(&ctl, "v1"), true), 0);
	CHECK(mv_vif_find(&ctl, "v1")->admin_up);
	CHECK(!mv_vif_find(&ctl, "v1")->carrier);
	teardown();
}

static void
test_create_invalid_mac(void)
{
	static const mv_mac_t bad[] = {
		0,
		MV_MAC_BROADCAST,
		MV_MAC_ALL_HOSTS_V4,
		UINT64_C(0x010000000000),
		UINT64_C(0x030000000001),
		(UINT64_C(1) << 48) | MAC_A,
	};
	struct mv_vif_config cfg;

	setup();
	CREATE("keep", MV_MODE_SOURCE, MAC_D);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cfg = cfg_named("v0");
		cfg.has_mac = true;
		cfg.mac = bad[i];
		CREATE_FAILS(port, &cfg, -EADDRNOTAVAIL);
		/* also for passthru, whose address would be overwritten */
		cfg.mode = MV_MODE_PASSTHRU;
		CREATE_FAILS(port, &cfg, -EADDRNOTAVAIL);
	}
	CHECK(mv_vif_find(&ctl, "v0") == NULL);
	teardown();
}

static void
test_create_bad_mtu(void)
{
	static const uint32_t bad[] = { 0, 1, 67, 1501, 9000, 65535, 65536, UINT32_MAX };
	struct mv_vif_config cfg;

	setup();
	CREATE("keep", 0, MAC_D);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cfg = cfg_named("v0");
		cfg.has_mtu = true;
		cfg.mtu = bad[i];
		CREATE_FAILS(port, &cfg, -EINVAL);
	}
	teardown();
}

static void
test_create_bad_flags_mode_op(void)
{
	static const uint16_t bad_flags[] = { 4, 8, 0x10, 0x8000, 0xffff, MV_FLAGS_ALL | 4 };
	static const uint8_t bad_modes[] = { 3, 5, 6, 7, 9, 12, 17, 24, 31, 32, 64, 128, 255 };
	static const int bad_ops[] = { 4, 5, 100, -2, -100 };
	struct mv_vif_config cfg;

	setup();
	CREATE("keep", MV_MODE_SOURCE, MAC_D);
	for (size_t i = 0; i < sizeof(bad_flags) / sizeof(bad_flags[0]); i++) {
		cfg = cfg_named("v0");
		cfg.has_flags = true;
		cfg.flags = bad_flags[i];
		CREATE_FAILS(port, &cfg, -EINVAL);
	}
	for (size_t i = 0; i < sizeof(bad_modes) / sizeof(bad_modes[0]); i++) {
		cfg = cfg_named("v0");
		cfg.mode = bad_modes[i];
		CREATE_FAILS(port, &cfg, -EINVAL);
	}
	for (size_t i = 0; i < sizeof(bad_ops) / sizeof(bad_ops[0]); i++) {
		cfg = cfg_named("v0");
		cfg.mode = MV_MODE_SOURCE;
		cfg.macaddr_op = bad_ops[i];
		CREATE_FAILS(port, &cfg, -EINVAL);
	}
	teardown();
}

static void
test_create_macaddr_rules(void)
{
	static const uint8_t non_source[] = { 0, MV_MODE_PRIVATE, MV_MODE_VEPA, MV_MODE_BRIDGE };
	static const int ops[] = { MV_MACADDR_ADD, MV_MACADDR_DEL, MV_MACADDR_FLUSH,
				   MV_MACADDR_SET };
	mv_mac_t one = SRC_X;
	mv_mac_t set_dup[4] = { SRC_X, SRC_Y, SRC_X, SRC_Y };
	mv_mac_t bad_list[3] = { SRC_X, 0, SRC_Y };
	mv_mac_t bad_group = GRP_1;
	mv_mac_t bad_bcast = MV_MAC_BROADCAST;
	struct mv_vif_config cfg;
	struct mv_vif *v;

	setup();
	CREATE("keep", MV_MODE_SOURCE, MAC_D);

	/* any macaddr op on a vif that is not source: -EINVAL */
	for (size_t m = 0; m < sizeof(non_source); m++)
		for (size_t o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
			cfg = cfg_named("v0");
			cfg.mode = non_source[m];
			cfg.macaddr_op = ops[o];
			cfg.macaddr = &one;
			cfg.n_macaddr = 1;
			CREATE_FAILS(port, &cfg, -EINVAL);
		}

	/* ADD / DEL without an address: -EINVAL */
	cfg = cfg_named("v0");
	cfg.mode = MV_MODE_SOURCE;
	cfg.macaddr_op = MV_MACADDR_ADD;
	CREATE_FAILS(port, &cfg, -EINVAL);
	cfg.macaddr = &one; /* a pointer but no count is still no address */
	CREATE_FAILS(port, &cfg, -EINVAL);
	cfg.macaddr = NULL;
	cfg.macaddr_op = MV_MACADDR_DEL;
	CREATE_FAILS(port, &cfg, -EINVAL);

	/* a source address that is not unicast: -EADDRNOTAVAIL */
	cfg = cfg_named("v0");
	cfg.mode = MV_MODE_SOURCE;
	cfg.macaddr_op = MV_MACADDR_ADD;
	cfg.macaddr = &bad_group;
	cfg.n_macaddr = 1;
	CREATE_FAILS(port, &cfg, -EADDRNOTAVAIL);
	cfg.macaddr = &bad_bcast;
	CREATE_FAILS(port, &cfg, -EADDRNOTAVAIL);
	cfg.macaddr_op = MV_MACADDR_DEL;
	CREATE_FAILS(port, &cfg, -EADDRNOTAVAIL);
	cfg.macaddr_op = MV_MACADDR_SET;
	cfg.macaddr = bad_list;
	cfg.n_macaddr = 3;
	CREATE_FAILS(port, &cfg, -EADDRNOTAVAIL);

	/* accepted forms */
	cfg = cfg_named("s1");
	cfg.mode = MV_MODE_SOURCE;
	cfg.macaddr_op = MV_MACADDR_ADD;
	cfg.macaddr = set_dup; /* ADD takes the first address only */
	cfg.n_macaddr = 4;
	v = CREATE_CFG(&cfg);
	CHECK(sources_are(v, &one, 1));

	cfg = cfg_named("s2");
	cfg.mode = MV_MODE_SOURCE;
	cfg.macaddr_op = MV_MACADDR_SET;
	cfg.macaddr = set_dup; /* duplicates collapse */
	cfg.n_macaddr = 4;
	v = CREATE_CFG(&cfg);
	CHECK(sources_are(v, set_dup, 2));

	cfg = cfg_named("s3");
	cfg.mode = MV_MODE_SOURCE;
	cfg.macaddr_op = MV_MACADDR_DEL; /* deleting a missing address is fine */
	cfg.macaddr = &one;
	cfg.n_macaddr = 1;
	CHECK_EQ(CREATE_CFG(&cfg)->sources.count, 0);

	cfg = cfg_named("s4");
	cfg.mode = MV_MODE_SOURCE;
	cfg.macaddr_op = MV_MACADDR_FLUSH;
	CHECK_EQ(CREATE_CFG(&cfg)->sources.count, 0);

	cfg = cfg_named("s5");
	cfg.mode = MV_MODE_SOURCE;
	cfg.macaddr_op = MV_MACADDR_SET; /* empty set */
	CHECK_EQ(CREATE_CFG(&cfg)->sources.count, 0);

	/* the lower's MAC and another vif's MAC are accepted as sources (spec 8) */
	{
		mv_mac_t both[2] = { P0_MAC, MAC_D };

		cfg = cfg_named("s6");
		cfg.mode = MV_MODE_SOURCE;
		cfg.macaddr_op = MV_MACADDR_SET;
		cfg.macaddr = both;
		cfg.n_macaddr = 2;
		CHECK(sources_are(CREATE_CFG(&cfg), both, 2));
	}
	/* the same MAC under two vifs: each has its own entry */
	CHECK_EQ(port->n_source_entries, 1 + 2 + 2);
	CHECK_EQ(port->n_source_entries, total_sources(port));
	teardown();
}

static void
test_create_names(void)
{
	static const char *const bad[] = {
		"", ".", "..", "a/b", "a:b", "a b", "a\tb", "a\nb", "1234567890123456",
	};
	struct mv_vif_config cfg;
	struct mv_port *p1;

	setup();
	p1 = add_port("p1", 1, P1_MAC, 1500, true, true, 0);
	CREATE("v0", 0, MAC_A);
	CHECK(strcmp(CREATE("123456789012345", 0, 0)->name, "123456789012345") == 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cfg = cfg_named(bad[i]);
		CREATE_FAILS(port, &cfg, -EINVAL);
	}
	cfg = cfg_named(NULL);
	CREATE_FAILS(port, &cfg, -EINVAL);

	/* taken, on the same port or another one (names are global) */
	cfg = cfg_named("v0");
	CREATE_FAILS(port, &cfg, -EEXIST);
	CREATE_FAILS(p1, &cfg, -EEXIST);
	cfg.mode = MV_MODE_SOURCE;
	cfg.has_mac = true;
	cfg.mac = MAC_B;
	CREATE_FAILS(port, &cfg, -EEXIST);
	teardown();
}

/* A vif may not take the name of a lower port: both are interfaces. */
static void
test_create_name_of_port(void)
{
	struct mv_vif_config cfg;

	setup();
	add_port("p1", 1, P1_MAC, 1500, true, true, 0);
	cfg = cfg_named("p0");
	CREATE_FAILS(port, &cfg, -EEXIST);
	cfg = cfg_named("p1");
	CREATE_FAILS(port, &cfg, -EEXIST);
	teardown();
}

/* The order of checks that mv_control.h and spec 9.1 agree on. */
static void
test_create_error_order(void)
{
	mv_mac_t group = GRP_1;
	struct mv_vif_config cfg;

	setup();
	CREATE("taken", 0, MAC_D);

	/* the vif MAC is checked first of all */
	cfg = cfg_named("v0");
	cfg.has_mac = true;
	cfg.mac = MV_MAC_ALL_HOSTS_V4;
	cfg.mode = 3;
	cfg.has_flags = true;
	cfg.flags = 0x80;
	cfg.has_mtu = true;
	cfg.mtu = 10;
	CREATE_FAILS(port, &cfg, -EADDRNOTAVAIL);
	cfg.name = "taken";
	CREATE_FAILS(port, &cfg, -EADDRNOTAVAIL);
	cfg.name = "a/b";
	CREATE_FAILS(port, &cfg, -EADDRNOTAVAIL);

	/* flags / mode / op before the source address */
	cfg = cfg_named("v0");
	cfg.mode = MV_MODE_SOURCE;
	cfg.macaddr_op = MV_MACADDR_ADD;
	cfg.macaddr = &group;
	cfg.n_macaddr = 1;
	cfg.has_flags = true;
	cfg.flags = 0x40;
	CREATE_FAILS(port, &cfg, -EINVAL);
	cfg.has_flags = false;
	cfg.macaddr_op = 9;
	CREATE_FAILS(port, &cfg, -EINVAL);

	/* __rtnl_newlink(): the taken name is refused before the MTU is checked */
	cfg = cfg_named("taken");
	cfg.has_mtu = true;
	cfg.mtu = 50;
	CREATE_FAILS(port, &cfg, -EEXIST);
	cfg = cfg_named("taken");
	cfg.mode = 6;
	CREATE_FAILS(port, &cfg, -EINVAL);
	teardown();
}

/*
 * Spec 9.1 step 1 (and the kernel's macvlan_validate): the source address and
 * list are validated, -EADDRNOTAVAIL, together with the vif MAC and before
 * the MTU check (step 2) and the "op on a non-source vif" check (step 9).
 * mv_control.h lists these -EINVAL cases before that -EADDRNOTAVAIL; per the
 * instructions the spec wins.
 */
static void
test_create_error_order_spec(void)
{
	mv_mac_t group = GRP_1;
	mv_mac_t list[2] = { SRC_X, MV_MAC_BROADCAST };
	struct mv_vif_config cfg;

	setup();
	cfg = cfg_named("v0");
	cfg.mode = MV_MODE_SOURCE;
	cfg.macaddr_op = MV_MACADDR_ADD;
	cfg.macaddr = &group;
	cfg.n_macaddr = 1;
	cfg.has_mtu = true;
	cfg.mtu = 50;
	CREATE_FAILS(port, &cfg, -EADDRNOTAVAIL);
	cfg.mtu = 9000; /* above the lower's: step 5 */
	CREATE_FAILS(port, &cfg, -EADDRNOTAVAIL);

	cfg = cfg_named("v0");
	cfg.mode = MV_MODE_VEPA; /* op on a non-source vif: step 9 */
	cfg.macaddr_op = MV_MACADDR_SET;
	cfg.macaddr = list;
	cfg.n_macaddr = 2;
	CREATE_FAILS(port, &cfg, -EADDRNOTAVAIL);
	teardown();
}

static void
test_passthru_create(void)
{
	struct mv_vif_config cfg;
	struct mv_vif *pt, *v;
	struct mv_port *p1;

	setup();
	p1 = add_port("p1", 1, P1_MAC, 1500, true, true, 0);

	/* passthru on a port that has a vif, even a down one: -EINVAL */
	v = CREATE_ON(p1, "w0", MV_MODE_VEPA, MAC_C);
	cfg = cfg_named("pt1");
	cfg.mode = MV_MODE_PASSTHRU;
	CREATE_FAILS(p1, &cfg, -EINVAL);
	mv_vif_delete(&ctl, v);
	CHECK(!p1->passthru);

	/* a user address is silently overwritten with the lower's */
	cfg = cfg_named("pt0");
	cfg.mode = MV_MODE_PASSTHRU;
	cfg.has_mac = true;
	cfg.mac = MAC_A;
	pt = CREATE_CFG(&cfg);
	CHECK_EQ(pt->mode, MV_MODE_PASSTHRU);
	CHECK_EQ(pt->mac, P0_MAC);
	CHECK_EQ(port->mac, P0_MAC);
	CHECK(port->passthru);
	CHECK_EQ(port->perm_addr, P0_MAC);
	CHECK(!pt->admin_up);

	/* then no other vif on that port, of any mode */
	for (uint8_t m = MV_MODE_PRIVATE; m <= MV_MODE_SOURCE; m <<= 1) {
		cfg = cfg_named("v1");
		cfg.mode = m;
		CREATE_FAILS(port, &cfg, -EINVAL);
	}
	cfg = cfg_named("v1");
	CREATE_FAILS(port, &cfg, -EINVAL);
	/* also while it is up */
	CHECK_EQ(mv_vif_set_up(pt, true), 0);
	cfg = cfg_named("v1");
	cfg.mode = MV_MODE_PASSTHRU;
	CREATE_FAILS(port, &cfg, -EINVAL);

	/* other ports are not affected */
	CHECK(!p1->passthru);
	CHECK_EQ(CREATE_ON(p1, "w1", MV_MODE_BRIDGE, MAC_B)->mode, MV_MODE_BRIDGE);

	/* without a user address, the MAC is the lower's too */
	mv_vif_delete(&ctl, pt);
	CHECK(!port->passthru);
	CHECK_EQ(port->n_vifs, 0);
	pt = CREATE("pt2", MV_MODE_PASSTHRU, 0);
	CHECK_EQ(pt->mac, P0_MAC);
	CHECK(port->passthru);
	mv_vif_delete(&ctl, pt);

	/* once the passthru vif is gone, other modes work again */
	CHECK_EQ(CREATE("v2", MV_MODE_VEPA, MAC_A)->mode, MV_MODE_VEPA);
	teardown();
}

static void
test_up_down(void)
{
	struct mv_vif *v;
	uint64_t gen;

	setup();
	v = CREATE("v0", MV_MODE_BRIDGE, MAC_A);

	gen = port->generation;
	CHECK_EQ(mv_vif_set_up(v, true), 0);
	CHECK(port->generation > gen);
	CHECK(v->admin_up);
	CHECK(v->carrier);
	CHECK_EQ(port->n_up_vifs, 1);
	CHECK_EQ(mv_mac_map_lookup(&port->up_macs, MAC_A), v->slot);
	CHECK_EQ(port->up_macs.count, 1);

	/* up again: no change */
	CHECK_EQ(mv_vif_set_up(v, true), 0);
	CHECK_EQ(port->n_up_vifs, 1);

	gen = port->generation;
	CHECK_EQ(mv_vif_set_up(v, false), 0);
	CHECK(port->generation > gen);
	CHECK(!v->admin_up);
	CHECK_EQ(port->n_up_vifs, 0);
	CHECK_EQ(mv_mac_map_lookup(&port->up_macs, MAC_A), -1);
	CHECK_EQ(port->up_macs.count, 0);
	CHECK_EQ(mv_vif_set_up(v, false), 0);
	CHECK_EQ(port->n_up_vifs, 0);
	teardown();
}

static void
test_up_addrinuse(void)
{
	struct mv_vif *a, *b, *low, *s, *t;

	setup();
	/* created with the lower's MAC: fine; up: -EADDRINUSE */
	low = CREATE("low", 0, P0_MAC);
	CHECK_EQ(low->mac, P0_MAC);
	EXPECT_FAIL(mv_vif_set_up(low, true), -EADDRINUSE);
	CHECK(!low->admin_up);

	/* two vifs with one MAC: both created; the second up fails */
	a = CREATE("a", MV_MODE_VEPA, MAC_A);
	b = CREATE("b", MV_MODE_BRIDGE, MAC_A);
	CHECK_EQ(mv_vif_set_up(a, true), 0);
	EXPECT_FAIL(mv_vif_set_up(b, true), -EADDRINUSE);
	CHECK(!b->admin_up);
	/* the DOWN vif's MAC is free */
	CHECK_EQ(mv_vif_set_up(a, false), 0);
	CHECK_EQ(mv_vif_set_up(b, true), 0);
	EXPECT_FAIL(mv_vif_set_up(a, true), -EADDRINUSE);
	CHECK_EQ(mv_mac_map_lookup(&port->up_macs, MAC_A), b->slot);

	/* an UP source vif's own MAC counts too (spec 8) */
	s = CREATE("s", MV_MODE_SOURCE, MAC_C);
	t = CREATE("t", MV_MODE_PRIVATE, MAC_C);
	CHECK_EQ(mv_vif_set_up(s, true), 0);
	EXPECT_FAIL(mv_vif_set_up(t, true), -EADDRINUSE);
	CHECK_EQ(port->n_up_vifs, 2);
	teardown();
}

static void
test_set_mac(void)
{
	static const mv_mac_t invalid[] = { 0, MV_MAC_BROADCAST, MV_MAC_ALL_HOSTS_V4,
					    UINT64_C(0x010000000001), (UINT64_C(1) << 50) | MAC_B };
	struct mv_vif *a, *b, *low;
	uint64_t gen;

	setup();
	a = CREATE("a", MV_MODE_VEPA, MAC_A);
	b = CREATE("b", MV_MODE_VEPA, MAC_B);
	low = CREATE("low", MV_MODE_VEPA, P0_MAC);

	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		EXPECT_FAIL(mv_vif_set_mac(a, invalid[i]), -EADDRNOTAVAIL);
		EXPECT_FAIL(mv_vif_set_mac(low, invalid[i]), -EADDRNOTAVAIL);
	}

	/* the same address: a no-op, even when it is the lower's */
	CHECK_EQ(mv_vif_set_mac(low, P0_MAC), 0);
	CHECK_EQ(low->mac, P0_MAC);
	CHECK_EQ(mv_vif_set_mac(a, MAC_A), 0);
	CHECK_EQ(a->mac, MAC_A);

	/* busy: the lower's MAC, while down and while up */
	EXPECT_FAIL(mv_vif_set_mac(a, P0_MAC), -EADDRINUSE);
	CHECK_EQ(mv_vif_set_up(a, true), 0);
	EXPECT_FAIL(mv_vif_set_mac(a, P0_MAC), -EADDRINUSE);
	/* the same address while up: still a no-op (it is its own) */
	CHECK_EQ(mv_vif_set_mac(a, MAC_A), 0);
	CHECK_EQ(mv_mac_map_lookup(&port->up_macs, MAC_A), a->slot);

	/* busy: an UP vif's MAC, checked even while this vif is down */
	EXPECT_FAIL(mv_vif_set_mac(b, MAC_A), -EADDRINUSE);
	CHECK_EQ(mv_vif_set_up(b, true), 0);
	EXPECT_FAIL(mv_vif_set_mac(b, MAC_A), -EADDRINUSE);
	CHECK_EQ(mv_vif_set_up(b, false), 0);

	/* a DOWN vif's MAC is free: a and b may end up sharing one */
	CHECK_EQ(mv_vif_set_up(a, false), 0);
	CHECK_EQ(mv_vif_set_mac(b, MAC_A), 0);
	CHECK_EQ(b->mac, MAC_A);
	CHECK(!b->mac_random);
	CHECK_EQ(mv_vif_set_up(b, true), 0);
	EXPECT_FAIL(mv_vif_set_up(a, true), -EADDRINUSE);

	/* changing an UP vif's MAC re-keys the UP table */
	gen = port->generation;
	CHECK_EQ(mv_vif_set_mac(b, MAC_C), 0);
	CHECK(port->generation > gen);
	CHECK_EQ(b->mac, MAC_C);
	CHECK_EQ(mv_mac_map_lookup(&port->up_macs, MAC_C), b->slot);
	CHECK_EQ(mv_mac_map_lookup(&port->up_macs, MAC_A), -1);
	CHECK_EQ(port->up_macs.count, 1);
	/* and frees the old one */
	CHECK_EQ(mv_vif_set_up(a, true), 0);
	CHECK_EQ(port->up_macs.count, 2);

	/* a random MAC becomes a set one */
	{
		struct mv_vif *r = CREATE("r", 0, 0);

		CHECK(r->mac_random);
		CHECK_EQ(mv_vif_set_mac(r, MAC_D), 0);
		CHECK_EQ(r->mac, MAC_D);
		CHECK(!r->mac_random);
	}
	teardown();
}

static void
test_passthru_set_mac(void)
{
	struct mv_vif *pt;

	setup();
	pt = CREATE("pt", MV_MODE_PASSTHRU, 0);
	EXPECT_FAIL(mv_vif_set_mac(pt, 0), -EADDRNOTAVAIL);
	EXPECT_FAIL(mv_vif_set_mac(pt, GRP_1), -EADDRNOTAVAIL);
	CHECK_EQ(mv_vif_set_mac(pt, P0_MAC), 0);
	CHECK_EQ(port->mac, P0_MAC);

	/* down: the lower's MAC changes, the vif follows, perm_addr stays */
	CHECK_EQ(mv_vif_set_mac(pt, MAC_A), 0);
	CHECK_EQ(port->mac, MAC_A);
	CHECK_EQ(pt->mac, MAC_A);
	CHECK_EQ(port->perm_addr, P0_MAC);

	/* up: the same */
	CHECK_EQ(mv_vif_set_up(pt, true), 0);
	CHECK_EQ(mv_vif_set_mac(pt, MAC_B), 0);
	CHECK_EQ(port->mac, MAC_B);
	CHECK_EQ(pt->mac, MAC_B);
	CHECK_EQ(port->perm_addr, P0_MAC);
	CHECK(pt->admin_up);
	/* back to the original address is allowed too */
	CHECK_EQ(mv_vif_set_mac(pt, P0_MAC), 0);
	CHECK_EQ(port->mac, P0_MAC);
	CHECK_EQ(pt->mac, P0_MAC);
	teardown();
}

static void
test_passthru_delete_restores(void)
{
	struct mv_deltas d = { 0 };
	struct mv_vif *pt;

	setup();
	/* a change made through the vif is undone when the vif is deleted */
	pt = CREATE("pt", MV_MODE_PASSTHRU, 0);
	CHECK_EQ(mv_vif_set_mac(pt, MAC_A), 0);
	CHECK_EQ(port->mac, MAC_A);
	mv_vif_delete(&ctl, pt);
	CHECK_EQ(port->mac, P0_MAC);
	CHECK(!port->passthru);

	/* a direct change of the lower is kept */
	pt = CREATE("pt", MV_MODE_PASSTHRU, 0);
	CHECK_EQ(mv_lower_set_mac(port, MAC_B, &d), 0);
	CHECK_EQ(pt->mac, MAC_B);
	CHECK_EQ(port->perm_addr, MAC_B);
	mv_vif_delete(&ctl, pt);
	CHECK_EQ(port->mac, MAC_B);

	/* both: the lower's own change stays, the vif's is undone */
	pt = CREATE("pt", MV_MODE_PASSTHRU, 0);
	CHECK_EQ(pt->mac, MAC_B);
	CHECK_EQ(mv_lower_set_mac(port, MAC_C, &d), 0);
	CHECK_EQ(mv_vif_set_mac(pt, MAC_D), 0);
	CHECK_EQ(port->mac, MAC_D);
	mv_vif_delete(&ctl, pt);
	CHECK_EQ(port->mac, MAC_C);
	mv_deltas_free(&d);
	teardown();
}

/*
 * perm_addr is the lower's MAC when the port got its first vif (spec 2.1):
 * a lower MAC change while the port had only non-passthru vifs, or none,
 * must not be undone by a later passthru vif's deletion.
 */
static void
test_passthru_perm_addr_from_first_vif(void)
{
	struct mv_deltas d = { 0 };
	struct mv_vif *pt, *v;

	setup();
	/* no vif at all when the lower changes */
	CHECK_EQ(mv_lower_set_mac(port, MAC_A, &d), 0);
	CHECK_EQ(port->mac, MAC_A);
	pt = CREATE("pt", MV_MODE_PASSTHRU, 0);
	CHECK_EQ(pt->mac, MAC_A);
	CHECK_EQ(port->perm_addr, MAC_A);
	CHECK_EQ(mv_vif_set_mac(pt, MAC_B), 0);
	mv_vif_delete(&ctl, pt);
	CHECK_EQ(port->mac, MAC_A);

	/* a vepa vif in between, deleted before the passthru one is made */
	v = CREATE("v", MV_MODE_VEPA, MAC_D);
	CHECK_EQ(mv_lower_set_mac(port, MAC_C, &d), 0);
	mv_vif_delete(&ctl, v);
	pt = CREATE("pt", MV_MODE_PASSTHRU, 0);
	CHECK_EQ(pt->mac, MAC_C);
	CHECK_EQ(mv_vif_set_mac(pt, MAC_B), 0);
	mv_vif_delete(&ctl, pt);
	CHECK_EQ(port->mac, MAC_C);
	mv_deltas_free(&d);
	teardown();
}

static void
test_set_mtu(void)
{
	struct mv_vif *v;

	mv_ctl_init(&ctl);
	port = add_port("p0", 0, P0_MAC, 9000, true, true, 0);
	v = CREATE("v0", 0, 0);
	CHECK_EQ(v->mtu, 9000);
	EXPECT_FAIL(mv_vif_set_mtu(v, 0), -EINVAL);
	EXPECT_FAIL(mv_vif_set_mtu(v, 67), -EINVAL);
	EXPECT_FAIL(mv_vif_set_mtu(v, 9001), -EINVAL);
	EXPECT_FAIL(mv_vif_set_mtu(v, 65535), -EINVAL);
	EXPECT_FAIL(mv_vif_set_mtu(v, 70000), -EINVAL);
	EXPECT_FAIL(mv_vif_set_mtu(v, UINT32_MAX), -EINVAL);
	CHECK_EQ(mv_vif_set_mtu(v, 68), 0);
	CHECK_EQ(v->mtu, 68);
	CHECK_EQ(mv_vif_set_mtu(v, 9000), 0);
	CHECK_EQ(v->mtu, 9000);
	CHECK_EQ(mv_vif_set_up(v, true), 0);
	CHECK_EQ(mv_vif_set_mtu(v, 1280), 0);
	CHECK_EQ(v->mtu, 1280);
	/* the port's MTU is not touched */
	CHECK_EQ(port->mtu, 9000);
	teardown();
}

static void
test_change_mode(void)
{
	struct mv_vif *v, *pt;
	struct mv_port *p1;
	uint64_t gen;

	setup();
	p1 = add_port("p1", 1, P1_MAC, 1500, true, true, 0);
	v = CREATE("v0", MV_MODE_VEPA, MAC_A);
	CHECK_EQ(mv_vif_set_up(v, true), 0);

	/* live switching among private, vepa, bridge and source */
	{
		static const uint8_t seq[] = { MV_MODE_BRIDGE, MV_MODE_PRIVATE, MV_MODE_SOURCE,
					       MV_MODE_VEPA,   MV_MODE_SOURCE,  MV_MODE_BRIDGE };

		for (size_t i = 0; i < sizeof(seq); i++) {
			gen = port->generation;
			CHECK_EQ(apply_change(v, seq[i], MV_MACADDR_NONE, NULL, 0), 0);
			CHECK_EQ(v->mode, seq[i]);
			CHECK(port->generation > gen);
			CHECK(v->admin_up);
		}
	}
	/* mode 0 leaves it as it is */
	CHECK_EQ(apply_change(v, 0, MV_MACADDR_NONE, NULL, 0), 0);
	CHECK_EQ(v->mode, MV_MODE_BRIDGE);

	/* unknown modes */
	EXPECT_FAIL(apply_change(v, 3, MV_MACADDR_NONE, NULL, 0), -EINVAL);
	EXPECT_FAIL(apply_change(v, 32, MV_MACADDR_NONE, NULL, 0), -EINVAL);
	EXPECT_FAIL(apply_change(v, 255, MV_MACADDR_NONE, NULL, 0), -EINVAL);

	/* to passthru: refused, up or down */
	EXPECT_FAIL(apply_change(v, MV_MODE_PASSTHRU, MV_MACADDR_NONE, NULL, 0), -EINVAL);
	CHECK_EQ(mv_vif_set_up(v, false), 0);
	EXPECT_FAIL(apply_change(v, MV_MODE_PASSTHRU, MV_MACADDR_NONE, NULL, 0), -EINVAL);

	/* from passthru: refused; passthru to passthru is no change */
	pt = CREATE_ON(p1, "pt", MV_MODE_PASSTHRU, 0);
	for (uint8_t m = MV_MODE_PRIVATE; m <= MV_MODE_SOURCE; m <<= 1)
		if (m != MV_MODE_PASSTHRU)
			EXPECT_FAIL(apply_change(pt, m, MV_MACADDR_NONE, NULL, 0), -EINVAL);
	CHECK_EQ(mv_vif_set_up(pt, true), 0);
	EXPECT_FAIL(apply_change(pt, MV_MODE_VEPA, MV_MACADDR_NONE, NULL, 0), -EINVAL);
	CHECK_EQ(apply_change(pt, MV_MODE_PASSTHRU, MV_MACADDR_NONE, NULL, 0), 0);
	CHECK_EQ(pt->mode, MV_MODE_PASSTHRU);
	CHECK(p1->passthru);
	teardown();
}

static void
test_change_flags(void)
{
	struct mv_vif_change chg;
	struct mv_vif *v;

	setup();
	v = CREATE("v0", MV_MODE_SOURCE, MAC_A);
	CHECK_EQ(set_flags(v, MV_FLAG_NODST), 0);
	CHECK_EQ(v->flags, MV_FLAG_NODST);
	/* the value replaces the flags */
	CHECK_EQ(set_flags(v, MV_FLAG_NOPROMISC), 0);
	CHECK_EQ(v->flags, MV_FLAG_NOPROMISC);
	CHECK_EQ(set_flags(v, MV_FLAGS_ALL), 0);
	CHECK_EQ(v->flags, MV_FLAGS_ALL);
	/* no flags in the request: unchanged (e.g. a mode change) */
	CHECK_EQ(apply_change(v, MV_MODE_SOURCE, MV_MACADDR_NONE, NULL, 0), 0);
	CHECK_EQ(v->flags, MV_FLAGS_ALL);
	CHECK_EQ(set_flags(v, 0), 0);
	CHECK_EQ(v->flags, 0);

	EXPECT_FAIL(set_flags(v, 4), -EINVAL);
	EXPECT_FAIL(set_flags(v, 0x8000), -EINVAL);
	EXPECT_FAIL(set_flags(v, MV_FLAGS_ALL | 0x100), -EINVAL);

	/* a bad part anywhere refuses the whole request */
	chg = chg_empty();
	chg.mode = MV_MODE_BRIDGE;
	chg.has_flags = true;
	chg.flags = 0x20;
	chg.has_bc_queue_len = true;
	chg.bc_queue_len = 5;
	chg.has_bc_cutoff = true;
	chg.bc_cutoff = 9;
	EXPECT_FAIL(mv_vif_change(v, &chg), -EINVAL);
	chg.flags = MV_FLAG_NODST;
	chg.macaddr_op = 7;
	EXPECT_FAIL(mv_vif_change(v, &chg), -EINVAL);
	chg.macaddr_op = MV_MACADDR_NONE;
	chg.mode = 12;
	EXPECT_FAIL(mv_vif_change(v, &chg), -EINVAL);
	/* refused late (op on a vif that would no longer be source): still nothing */
	{
		mv_mac_t x = SRC_X;

		CHECK_EQ(apply_change(v, 0, MV_MACADDR_ADD, &x, 1), 0);
		chg.mode = MV_MODE_BRIDGE;
		chg.macaddr_op = MV_MACADDR_ADD;
		chg.macaddr = &x;
		chg.n_macaddr = 1;
		EXPECT_FAIL(mv_vif_change(v, &chg), -EINVAL);
		chg.mode = MV_MODE_PASSTHRU;
		chg.macaddr_op = MV_MACADDR_NONE;
		EXPECT_FAIL(mv_vif_change(v, &chg), -EINVAL);
		chg.mode = MV_MODE_SOURCE;
		chg.macaddr_op = MV_MACADDR_SET;
		chg.macaddr = NULL;
		chg.n_macaddr = 0;
		chg.flags = MV_FLAG_NOPROMISC;
		CHECK_EQ(mv_vif_change(v, &chg), 0);
		CHECK_EQ(v->flags, MV_FLAG_NOPROMISC);
		CHECK_EQ(v->bc_queue_len_req, 5);
		CHECK_EQ(port->bc_cutoff, 9);
		CHECK_EQ(mv_vif_macaddr_count(v), 0);
	}

	/* NODST on a non-source vif is accepted */
	CHECK_EQ(apply_change(v, MV_MODE_VEPA, MV_MACADDR_NONE, NULL, 0), 0);
	CHECK_EQ(set_flags(v, MV_FLAG_NODST), 0);
	CHECK_EQ(v->flags, MV_FLAG_NODST);
	teardown();
}

static void
test_change_macaddr_ops(void)
{
	mv_mac_t x = SRC_X, y = SRC_Y, z = SRC_Z;
	mv_mac_t xy[2] = { SRC_X, SRC_Y };
	mv_mac_t set_dup[5] = { SRC_Y, SRC_Z, SRC_Y, SRC_Y, SRC_Z };
	mv_mac_t yz[2] = { SRC_Y, SRC_Z };
	mv_mac_t group = GRP_2, zero = 0, bcast = MV_MAC_BROADCAST;
	mv_mac_t bad_list[3] = { SRC_X, SRC_Y, GRP_1 };
	struct mv_vif *s, *t, *v;
	uint64_t gen;

	setup();
	s = CREATE("s", MV_MODE_SOURCE, MAC_A);
	t = CREATE("t", MV_MODE_SOURCE, MAC_B);
	v = CREATE("v", MV_MODE_VEPA, MAC_C);

	gen = port->generation;
	CHECK_EQ(apply_change(s, 0, MV_MACADDR_ADD, &x, 1), 0);
	CHECK(port->generation > gen);
	CHECK(sources_are(s, &x, 1));
	/* duplicate ADD: a silent no-op */
	CHECK_EQ(apply_change(s, 0, MV_MACADDR_ADD, &x, 1), 0);
	CHECK(sources_are(s, &x, 1));
	/* ADD with several addresses takes the first one only */
	CHECK_EQ(apply_change(s, 0, MV_MACADDR_ADD, yz, 2), 0);
	CHECK(sources_are(s, xy, 2));
	CHECK_EQ(port->n_source_entries, 2);

	/* DEL of a missing address: success, nothing changes */
	CHECK_EQ(apply_change(s, 0, MV_MACADDR_DEL, &z, 1), 0);
	CHECK(sources_are(s, xy, 2));
	gen = port->generation;
	CHECK_EQ(apply_change(s, 0, MV_MACADDR_DEL, &x, 1), 0);
	CHECK(port->generation > gen);
	CHECK(sources_are(s, &y, 1));

	/* the same MAC on another source vif: its own entry */
	CHECK_EQ(apply_change(t, 0, MV_MACADDR_ADD, &y, 1), 0);
	CHECK(sources_are(t, &y, 1));
	CHECK_EQ(port->n_source_entries, 2);
	CHECK_EQ(apply_change(t, 0, MV_MACADDR_DEL, &y, 1), 0);
	CHECK(sources_are(s, &y, 1));
	CHECK_EQ(port->n_source_entries, 1);

	/* SET: flush, then add; duplicates collapse */
	CHECK_EQ(apply_change(s, 0, MV_MACADDR_ADD, &x, 1), 0);
	CHECK_EQ(apply_change(s, 0, MV_MACADDR_SET, set_dup, 5), 0);
	CHECK(sources_are(s, yz, 2));
	CHECK_EQ(port->n_source_entries, 2);
	/* an empty SET is a flush */
	CHECK_EQ(apply_change(s, 0, MV_MACADDR_SET, NULL, 0), 0);
	CHECK(sources_are(s, NULL, 0));
	CHECK_EQ(port->n_source_entries, 0);

	/* FLUSH */
	CHECK_EQ(apply_change(s, 0, MV_MACADDR_SET, xy, 2), 0);
	CHECK_EQ(apply_change(t, 0, MV_MACADDR_SET, yz, 2), 0);
	CHECK_EQ(port->n_source_entries, 4);
	gen = port->generation;
	CHECK_EQ(apply_change(s, 0, MV_MACADDR_FLUSH, NULL, 0), 0);
	CHECK(port->generation > gen);
	CHECK(sources_are(s, NULL, 0));
	CHECK(sources_are(t, yz, 2)); /* only this vif's entries */
	CHECK_EQ(port->n_source_entries, 2);
	CHECK_EQ(apply_change(s, 0, MV_MACADDR_FLUSH, NULL, 0), 0);

	/* errors */
	CHECK_EQ(apply_change(s, 0, MV_MACADDR_SET, xy, 2), 0);
	EXPECT_FAIL(apply_change(s, 0, MV_MACADDR_ADD, NULL, 0), -EINVAL);
	EXPECT_FAIL(apply_change(s, 0, MV_MACADDR_ADD, &z, 0), -EINVAL);
	EXPECT_FAIL(apply_change(s, 0, MV_MACADDR_DEL, NULL, 0), -EINVAL);
	EXPECT_FAIL(apply_change(s, 0, 4, &z, 1), -EINVAL);
	EXPECT_FAIL(apply_change(s, 0, -7, &z, 1), -EINVAL);
	EXPECT_FAIL(apply_change(s, 0, MV_MACADDR_ADD, &group, 1), -EADDRNOTAVAIL);
	EXPECT_FAIL(apply_change(s, 0, MV_MACADDR_ADD, &zero, 1), -EADDRNOTAVAIL);
	EXPECT_FAIL(apply_change(s, 0, MV_MACADDR_ADD, &bcast, 1), -EADDRNOTAVAIL);
	EXPECT_FAIL(apply_change(s, 0, MV_MACADDR_DEL, &group, 1), -EADDRNOTAVAIL);
	/* SET with one bad element: refused, the old list stays */
	EXPECT_FAIL(apply_change(s, 0, MV_MACADDR_SET, bad_list, 3), -EADDRNOTAVAIL);
	CHECK(sources_are(s, xy, 2));

	/* any op on a non-source vif: -EINVAL */
	EXPECT_FAIL(apply_change(v, 0, MV_MACADDR_ADD, &x, 1), -EINVAL);
	EXPECT_FAIL(apply_change(v, 0, MV_MACADDR_DEL, &x, 1), -EINVAL);
	EXPECT_FAIL(apply_change(v, 0, MV_MACADDR_FLUSH, NULL, 0), -EINVAL);
	EXPECT_FAIL(apply_change(v, 0, MV_MACADDR_SET, NULL, 0), -EINVAL);
	EXPECT_FAIL(apply_change(v, MV_MODE_BRIDGE, MV_MACADDR_FLUSH, NULL, 0), -EINVAL);
	/* the mode that counts is the one after the change */
	CHECK_EQ(apply_change(v, MV_MODE_SOURCE, MV_MACADDR_ADD, &z, 1), 0);
	CHECK_EQ(v->mode, MV_MODE_SOURCE);
	CHECK(sources_are(v, &z, 1));
	CHECK_EQ(port->n_source_entries, total_sources(port));
	teardown();
}

static void
test_change_leaving_source(void)
{
	mv_mac_t xyz[3] = { SRC_X, SRC_Y, SRC_Z };
	mv_mac_t x = SRC_X;
	struct mv_vif *s, *t;

	setup();
	s = CREATE("s", MV_MODE_SOURCE, MAC_A);
	t = CREATE("t", MV_MODE_SOURCE, MAC_B);
	CHECK_EQ(apply_change(s, 0, MV_MACADDR_SET, xyz, 3), 0);
	CHECK_EQ(apply_change(t, 0, MV_MACADDR_ADD, &x, 1), 0);
	CHECK_EQ(port->n_source_entries, 4);

	/* SOURCE -> SOURCE and "no mode" keep the list */
	CHECK_EQ(apply_change(s, MV_MODE_SOURCE, MV_MACADDR_NONE, NULL, 0), 0);
	CHECK(sources_are(s, xyz, 3));
	CHECK_EQ(set_flags(s, MV_FLAG_NODST), 0);
	CHECK(sources_are(s, xyz, 3));
	CHECK_EQ(apply_change(s, MV_MODE_SOURCE, MV_MACADDR_ADD, &x, 1), 0);
	CHECK(sources_are(s, xyz, 3));

	/* a refused request that would leave SOURCE keeps everything */
	EXPECT_FAIL(apply_change(s, MV_MODE_VEPA, MV_MACADDR_ADD, &x, 1), -EINVAL);
	EXPECT_FAIL(apply_change(s, MV_MODE_PASSTHRU, MV_MACADDR_NONE, NULL, 0), -EINVAL);
	CHECK_EQ(s->mode, MV_MODE_SOURCE);
	CHECK(sources_are(s, xyz, 3));

	/* leaving SOURCE flushes the list, and only this vif's */
	CHECK_EQ(apply_change(s, MV_MODE_BRIDGE, MV_MACADDR_NONE, NULL, 0), 0);
	CHECK_EQ(s->mode, MV_MODE_BRIDGE);
	CHECK_EQ(mv_vif_macaddr_count(s), 0);
	CHECK_EQ(s->sources.count, 0);
	CHECK(sources_are(t, &x, 1));
	CHECK_EQ(port->n_source_entries, 1);
	/* back to SOURCE: the list starts empty */
	CHECK_EQ(apply_change(s, MV_MODE_SOURCE, MV_MACADDR_NONE, NULL, 0), 0);
	CHECK_EQ(mv_vif_macaddr_count(s), 0);

	/* deleting a source vif flushes its entries */
	mv_vif_delete(&ctl, t);
	CHECK_EQ(port->n_source_entries, 0);
	teardown();
}

static void
test_source_entries_limit(void)
{
	const uint32_t max = MV_PORT_MAX_SOURCE_ENTRIES;
	mv_mac_t *list = malloc((size_t)(max + 1) * sizeof(*list));
	mv_mac_t extra = UINT64_C(0x06ffffffffff);
	struct mv_vif_config cfg;
	struct mv_vif *s, *t;

	setup();
	for (uint32_t i = 0; i <= max; i++)
		list[i] = UINT64_C(0x060000000000) + i;
	s = CREATE("s", MV_MODE_SOURCE, MAC_A);
	t = CREATE("t", MV_MODE_SOURCE, MAC_B);

	/* one more than the port holds, in one request */
	EXPECT_FAIL(apply_change(s, 0, MV_MACADDR_SET, list, max + 1), -ENOSPC);
	CHECK_EQ(apply_change(s, 0, MV_MACADDR_SET, list, max), 0);
	CHECK_EQ(mv_vif_macaddr_count(s), max);
	CHECK_EQ(port->n_source_entries, max);

	/* the table is full */
	EXPECT_FAIL(apply_change(s, 0, MV_MACADDR_ADD, &extra, 1), -ENOSPC);
	EXPECT_FAIL(apply_change(t, 0, MV_MACADDR_ADD, &extra, 1), -ENOSPC);
	EXPECT_FAIL(apply_change(t, 0, MV_MACADDR_ADD, &list[0], 1), -ENOSPC);
	cfg = cfg_named("u");
	cfg.mode = MV_MODE_SOURCE;
	cfg.macaddr_op = MV_MACADDR_ADD;
	cfg.macaddr = &extra;
	cfg.n_macaddr = 1;
	CREATE_FAILS(port, &cfg, -ENOSPC);
	/* a duplicate ADD needs no room */
	CHECK_EQ(apply_change(s, 0, MV_MACADDR_ADD, &list[5], 1), 0);
	CHECK_EQ(port->n_source_entries, max);

	/* SET flushes first: replacing a full list with another full list fits */
	CHECK_EQ(apply_change(s, 0, MV_MACADDR_SET, list + 1, max), 0);
	CHECK_EQ(mv_vif_macaddr_count(s), max);
	CHECK_EQ(port->n_source_entries, max);

	/* room again after a DEL */
	CHECK_EQ(apply_change(s, 0, MV_MACADDR_DEL, &list[1], 1), 0);
	CHECK_EQ(apply_change(t, 0, MV_MACADDR_ADD, &extra, 1), 0);
	CHECK_EQ(port->n_source_entries, max);
	/* deleting the vif frees its entries */
	mv_vif_delete(&ctl, s);
	CHECK_EQ(port->n_source_entries, 1);
	CHECK_EQ(CREATE_CFG(&cfg)->sources.count, 1);
	teardown();
	free(list);
}

static void
test_bc_queue_len(void)
{
	struct mv_vif_config cfg;
	struct mv_vif_change chg;
	struct mv_vif *a, *b, *c;

	setup();
	a = CREATE("a", 0, MAC_A);
	CHECK_EQ(port->bc_queue_len_used, 1000);

	cfg = cfg_named("b");
	cfg.has_bc_queue_len = true;
	cfg.bc_queue_len = 5000;
	b = CREATE_CFG(&cfg);
	CHECK_EQ(b->bc_queue_len_req, 5000);
	CHECK_EQ(port->bc_queue_len_used, 5000);

	/* a new vif asking for less still sees the maximum */
	cfg = cfg_named("c");
	cfg.has_bc_queue_len = true;
	cfg.bc_queue_len = 10;
	c = CREATE_CFG(&cfg);
	CHECK_EQ(c->bc_queue_len_req, 10);
	CHECK_EQ(port->bc_queue_len_used, 5000);

	/* up or down makes no difference */
	CHECK_EQ(mv_vif_set_up(a, true), 0);
	CHECK_EQ(port->bc_queue_len_used, 5000);

	/* deleting the 5000 one */
	mv_vif_delete(&ctl, b);
	CHECK_EQ(port->bc_queue_len_used, 1000);

	/* changes recompute it, both ways */
	chg = chg_empty();
	chg.has_bc_queue_len = true;
	chg.bc_queue_len = 7000;
	CHECK_EQ(mv_vif_change(c, &chg), 0);
	CHECK_EQ(c->bc_queue_len_req, 7000);
	CHECK_EQ(port->bc_queue_len_used, 7000);
	chg.bc_queue_len = 0;
	CHECK_EQ(mv_vif_change(c, &chg), 0);
	CHECK_EQ(port->bc_queue_len_used, 1000);
	chg.bc_queue_len = 0;
	CHECK_EQ(mv_vif_change(a, &chg), 0);
	CHECK_EQ(port->bc_queue_len_used, 0);
	chg.bc_queue_len = UINT32_MAX;
	CHECK_EQ(mv_vif_change(a, &chg), 0);
	CHECK_EQ(port->bc_queue_len_used, UINT32_MAX);
	/* a refused create does not count */
	cfg = cfg_named("d");
	cfg.has_bc_queue_len = true;
	cfg.bc_queue_len = 3;
	cfg.mode = 99;
	CREATE_FAILS(port, &cfg, -EINVAL);

	/* with no vifs left: 0 (spec 2.1) */
	mv_vif_delete(&ctl, a);
	CHECK_EQ(port->bc_queue_len_used, 0);
	mv_vif_delete(&ctl, c);
	CHECK_EQ(port->bc_queue_len_used, 0);
	CREATE("e", 0, MAC_A);
	CHECK_EQ(port->bc_queue_len_used, 1000);
	teardown();
}

static void
test_bc_cutoff(void)
{
	struct mv_vif_config cfg;
	struct mv_vif_change chg;
	struct mv_vif *a, *b;
	uint64_t gen;

	setup();
	CHECK_EQ(port->bc_cutoff, 1);
	cfg = cfg_named("a");
	cfg.has_bc_cutoff = true;
	cfg.bc_cutoff = 5;
	a = CREATE_CFG(&cfg);
	CHECK_EQ(port->bc_cutoff, 5);
	/* a vif that does not give one leaves it alone */
	b = CREATE("b", 0, MAC_B);
	CHECK_EQ(port->bc_cutoff, 5);

	/* last writer wins */
	chg = chg_empty();
	chg.has_bc_cutoff = true;
	chg.bc_cutoff = -1;
	gen = port->generation;
	CHECK_EQ(mv_vif_change(b, &chg), 0);
	CHECK_EQ(port->bc_cutoff, -1);
	CHECK(port->generation > gen);
	chg.bc_cutoff = 3;
	CHECK_EQ(mv_vif_change(a, &chg), 0);
	CHECK_EQ(port->bc_cutoff, 3);
	chg.bc_cutoff = INT32_MIN;
	CHECK_EQ(mv_vif_change(a, &chg), 0);
	CHECK_EQ(port->bc_cutoff, INT32_MIN);
	chg.bc_cutoff = 3;
	CHECK_EQ(mv_vif_change(a, &chg), 0);

	/* a refused request does not set it (mv_control.h: nothing changes) */
	cfg = cfg_named("c");
	cfg.has_bc_cutoff = true;
	cfg.bc_cutoff = 42;
	cfg.has_mtu = true;
	cfg.mtu = 20;
	CREATE_FAILS(port, &cfg, -EINVAL);
	cfg.has_mtu = false;
	cfg.name = "a"; /* duplicate name */
	CREATE_FAILS(port, &cfg, -EEXIST);
	chg.bc_cutoff = 42;
	chg.has_flags = true;
	chg.flags = 0x10;
	EXPECT_FAIL(mv_vif_change(b, &chg), -EINVAL);
	chg.has_flags = false;
	chg.macaddr_op = MV_MACADDR_FLUSH; /* b is not source */
	EXPECT_FAIL(mv_vif_change(b, &chg), -EINVAL);
	chg.macaddr_op = MV_MACADDR_NONE;
	chg.mode = MV_MODE_PASSTHRU;
	EXPECT_FAIL(mv_vif_change(b, &chg), -EINVAL);
	chg.mode = 0;
	cfg = cfg_named("c");
	cfg.has_bc_cutoff = true;
	cfg.bc_cutoff = 42;
	cfg.mode = MV_MODE_PASSTHRU; /* the port has vifs */
	CREATE_FAILS(port, &cfg, -EINVAL);
	cfg.mode = MV_MODE_VEPA;
	cfg.macaddr_op = MV_MACADDR_FLUSH; /* not source */
	CREATE_FAILS(port, &cfg, -EINVAL);
	CHECK_EQ(port->bc_cutoff, 3);

	/* it survives while other vifs remain */
	mv_vif_delete(&ctl, a);
	CHECK_EQ(port->bc_cutoff, 3);
	/* and resets once the port has no vifs */
	mv_vif_delete(&ctl, b);
	CHECK_EQ(port->bc_cutoff, MV_DEFAULT_BC_CUTOFF);
	CREATE("d", 0, MAC_A);
	CHECK_EQ(port->bc_cutoff, MV_DEFAULT_BC_CUTOFF);
	teardown();
}

static void
test_promisc_allmulti_counts(void)
{
	struct mv_vif *a, *b;

	setup_uc(16);
	a = CREATE("a", MV_MODE_VEPA, MAC_A);
	b = CREATE("b", MV_MODE_BRIDGE, MAC_B);

	/* flags on a down vif are remembered but not propagated */
	CHECK_EQ(mv_vif_set_promisc(a, true), 0);
	CHECK_EQ(mv_vif_set_allmulti(a, true), 0);
	CHECK(a->promisc);
	CHECK(a->allmulti);
	CHECK_EQ(port->promisc_count, 0);
	CHECK_EQ(port->allmulti_count, 0);
	CHECK(!mv_port_is_promisc(port));
	CHECK(!mv_port_is_allmulti(port));

	/* up: +1 each */
	CHECK_EQ(mv_vif_set_up(a, true), 0);
	CHECK_EQ(port->promisc_count, 1);
	CHECK_EQ(port->allmulti_count, 1);
	CHECK(mv_port_is_promisc(port));
	CHECK(mv_port_is_allmulti(port));
	/* setting a flag that is already set changes nothing */
	CHECK_EQ(mv_vif_set_promisc(a, true), 0);
	CHECK_EQ(mv_vif_set_allmulti(a, true), 0);
	CHECK_EQ(port->promisc_count, 1);
	CHECK_EQ(port->allmulti_count, 1);

	/* a second vif adds its own */
	CHECK_EQ(mv_vif_set_up(b, true), 0);
	CHECK_EQ(port->promisc_count, 1);
	CHECK_EQ(mv_vif_set_promisc(b, true), 0);
	CHECK_EQ(port->promisc_count, 2);
	CHECK_EQ(port->allmulti_count, 1);
	CHECK_EQ(mv_vif_set_allmulti(b, true), 0);
	CHECK_EQ(port->allmulti_count, 2);

	/* clearing while up */
	CHECK_EQ(mv_vif_set_promisc(b, false), 0);
	CHECK_EQ(port->promisc_count, 1);
	CHECK_EQ(mv_vif_set_promisc(b, false), 0);
	CHECK_EQ(port->promisc_count, 1);
	CHECK(!b->promisc);

	/* NOPROMISC means nothing outside passthru */
	CHECK_EQ(set_flags(a, MV_FLAG_NOPROMISC), 0);
	CHECK_EQ(port->promisc_count, 1);

	/* down takes it all away */
	CHECK_EQ(mv_vif_set_up(a, false), 0);
	CHECK_EQ(port->promisc_count, 0);
	CHECK_EQ(port->allmulti_count, 1);
	CHECK(a->promisc);
	CHECK_EQ(mv_vif_set_up(b, false), 0);
	CHECK_EQ(port->allmulti_count, 0);
	CHECK(!mv_port_is_promisc(port));
	CHECK(!mv_port_is_allmulti(port));

	/* a refused up does not count */
	{
		struct mv_vif *c = CREATE("c", MV_MODE_VEPA, P0_MAC);

		CHECK_EQ(mv_vif_set_promisc(c, true), 0);
		EXPECT_FAIL(mv_vif_set_up(c, true), -EADDRINUSE);
		CHECK_EQ(port->promisc_count, 0);
	}

	/* deleting an up vif releases its holds */
	CHECK_EQ(mv_vif_set_up(a, true), 0);
	CHECK_EQ(port->promisc_count, 1);
	CHECK_EQ(port->allmulti_count, 1);
	mv_vif_delete(&ctl, a);
	CHECK_EQ(port->promisc_count, 0);
	CHECK_EQ(port->allmulti_count, 0);
	CHECK_EQ(port->n_up_vifs, 0);
	teardown();
}

static void
test_port_own_flags(void)
{
	struct mv_vif *a;

	setup_uc(16);
	a = CREATE("a", MV_MODE_VEPA, MAC_A);
	CHECK_EQ(mv_vif_set_up(a, true), 0);
	CHECK(!mv_port_is_promisc(port));
	mv_port_set_promisc(port, true);
	CHECK(port->promisc);
	CHECK(mv_port_is_promisc(port));
	CHECK_EQ(port->promisc_count, 0);
	mv_port_set_promisc(port, false);
	CHECK(!port->promisc);
	CHECK(!mv_port_is_promisc(port));

	mv_port_set_allmulti(port, true);
	CHECK(port->allmulti);
	CHECK(mv_port_is_allmulti(port));
	CHECK_EQ(port->allmulti_count, 0);
	mv_port_set_allmulti(port, false);
	CHECK(!mv_port_is_allmulti(port));
	teardown();
}

static void
test_passthru_promisc(void)
{
	struct mv_vif_config cfg;
	struct mv_vif *pt;

	setup();
	pt = CREATE("pt", MV_MODE_PASSTHRU, 0);
	CHECK_EQ(port->promisc_count, 0);

	/* up: +1 promisc */
	CHECK_EQ(mv_vif_set_up(pt, true), 0);
	CHECK_EQ(port->promisc_count, 1);
	CHECK(mv_port_is_promisc(port));
	/* the vif's PROMISC flag is not propagated; ALLMULTI is */
	CHECK_EQ(mv_vif_set_promisc(pt, true), 0);
	CHECK(pt->promisc);
	CHECK_EQ(port->promisc_count, 1);
	CHECK_EQ(mv_vif_set_allmulti(pt, true), 0);
	CHECK_EQ(port->allmulti_count, 1);
	CHECK_EQ(mv_vif_set_promisc(pt, false), 0);
	CHECK_EQ(port->promisc_count, 1);

	/* NOPROMISC toggled while up: applied at once */
	CHECK_EQ(set_flags(pt, MV_FLAG_NOPROMISC), 0);
	CHECK_EQ(port->promisc_count, 0);
	CHECK(!mv_port_is_promisc(port));
	CHECK_EQ(set_flags(pt, MV_FLAG_NOPROMISC), 0);
	CHECK_EQ(port->promisc_count, 0);
	CHECK_EQ(set_flags(pt, 0), 0);
	CHECK_EQ(port->promisc_count, 1);
	CHECK_EQ(set_flags(pt, MV_FLAG_NODST), 0); /* NOPROMISC stays clear */
	CHECK_EQ(port->promisc_count, 1);

	/* down: both holds go */
	CHECK_EQ(mv_vif_set_up(pt, false), 0);
	CHECK_EQ(port->promisc_count, 0);
	CHECK_EQ(port->allmulti_count, 0);

	/*
	 * NOPROMISC toggled while DOWN must not change the count (spec 7: the
	 * kernel wraps it to 4294967295; documented deviation).
	 */
	CHECK_EQ(set_flags(pt, MV_FLAG_NOPROMISC), 0);
	CHECK_EQ(port->promisc_count, 0);
	CHECK_EQ(set_flags(pt, 0), 0);
	CHECK_EQ(port->promisc_count, 0);
	CHECK_EQ(set_flags(pt, MV_FLAG_NOPROMISC), 0);
	CHECK_EQ(port->promisc_count, 0);
	/* up with NOPROMISC: no hold */
	CHECK_EQ(mv_vif_set_up(pt, true), 0);
	CHECK_EQ(port->promisc_count, 0);
	CHECK_EQ(port->allmulti_count, 1);
	CHECK_EQ(mv_vif_set_up(pt, false), 0);
	CHECK_EQ(port->promisc_count, 0);
	/* cleared while down, then up: the hold comes back exactly once */
	CHECK_EQ(set_flags(pt, 0), 0);
	CHECK_EQ(port->promisc_count, 0);
	CHECK_EQ(mv_vif_set_up(pt, true), 0);
	CHECK_EQ(port->promisc_count, 1);
	mv_vif_delete(&ctl, pt);
	CHECK_EQ(port->promisc_count, 0);
	CHECK_EQ(port->allmulti_count, 0);

	/* created with NOPROMISC */
	cfg = cfg_named("pt2");
	cfg.mode = MV_MODE_PASSTHRU;
	cfg.has_flags = true;
	cfg.flags = MV_FLAG_NOPROMISC;
	pt = CREATE_CFG(&cfg);
	CHECK_EQ(mv_vif_set_promisc(pt, true), 0);
	CHECK_EQ(mv_vif_set_up(pt, true), 0);
	CHECK_EQ(port->promisc_count, 0);
	CHECK(!mv_port_is_promisc(port));
	/* the PROMISC flag does not count, up or down, set or cleared */
	CHECK_EQ(mv_vif_set_promisc(pt, false), 0);
	CHECK_EQ(port->promisc_count, 0);
	CHECK_EQ(mv_vif_set_promisc(pt, true), 0);
	CHECK_EQ(port->promisc_count, 0);
	CHECK_EQ(mv_vif_set_up(pt, false), 0);
	CHECK_EQ(port->promisc_count, 0);
	teardown();
}

static void
test_mc_add_del(void)
{
	struct mv_vif *v, *w;
	uint64_t gen;

	setup();
	v = CREATE("v", 0, MAC_A);
	w = CREATE("w", 0, MAC_B);
	CHECK_EQ(mv_vif_set_up(v, true), 0);

	/* not a group address */
	EXPECT_FAIL(mv_vif_mc_add(v, MAC_C), -EINVAL);
	EXPECT_FAIL(mv_vif_mc_add(v, 0), -EINVAL);
	EXPECT_FAIL(mv_vif_mc_add(v, P0_MAC), -EINVAL);
	EXPECT_FAIL(mv_vif_mc_del(v, MAC_C), -EINVAL);
	EXPECT_FAIL(mv_vif_mc_del(v, 0), -EINVAL);
	/* not joined */
	EXPECT_FAIL(mv_vif_mc_del(v, GRP_1), -ENOENT);
	EXPECT_FAIL(mv_vif_mc_del(w, GRP_1), -ENOENT);

	gen = port->generation;
	CHECK_EQ(mv_vif_mc_add(v, GRP_1), 0);
	CHECK(port->generation > gen);
	CHECK(mv_vif_has_group(v, GRP_1));
	CHECK(!mv_vif_has_group(w, GRP_1));
	CHECK_EQ(v->mc.count, 3);
	/* joining again: success, no change */
	CHECK_EQ(mv_vif_mc_add(v, GRP_1), 0);
	CHECK_EQ(v->mc.count, 3);
	/* a group of another vif is independent */
	CHECK_EQ(mv_vif_mc_add(w, GRP_1), 0);
	CHECK_EQ(mv_vif_mc_add(w, GRP_2), 0);
	CHECK_EQ(w->mc.count, 4);
	gen = port->generation;
	CHECK_EQ(mv_vif_mc_del(v, GRP_1), 0);
	CHECK(port->generation > gen);
	CHECK(!mv_vif_has_group(v, GRP_1));
	CHECK(mv_vif_has_group(w, GRP_1));
	EXPECT_FAIL(mv_vif_mc_del(v, GRP_1), -ENOENT);
	/* the default groups can be left */
	CHECK_EQ(mv_vif_mc_del(v, MV_MAC_ALL_HOSTS_V4), 0);
	CHECK(!mv_vif_has_group(v, MV_MAC_ALL_HOSTS_V4));
	CHECK_EQ(v->mc.count, 1);
	/* joining while down works too */
	CHECK_EQ(mv_vif_mc_add(w, GRP_3), 0);
	CHECK(mv_vif_has_group(w, GRP_3));
	CHECK_EQ(mv_vif_mc_add(v, GRP_3), 0);
	CHECK(mv_vif_has_group(v, GRP_3));
	teardown();
}

/* Fill the port's group table with @a's groups: 65536 distinct in all. */
static void
fill_groups(struct mv_vif *a)
{
	for (uint32_t i = 0; a->mc.count < MV_PORT_MAX_GROUPS; i++)
		if (mv_vif_mc_add(a, UINT64_C(0x010000000000) + i) != 0) {
			CHECK(!"mc_add failed before the table was full");
			break;
		}
	CHECK_EQ(a->mc.count, MV_PORT_MAX_GROUPS);
}

static void
test_mc_group_limit(void)
{
	struct mv_vif *a;

	setup();
	a = CREATE("a", 0, MAC_A);
	fill_groups(a);
	EXPECT_FAIL(mv_vif_mc_add(a, UINT64_C(0x01ffffffffff) - 1), -ENOSPC);
	/* joining again is no change, so it needs no room */
	CHECK_EQ(mv_vif_mc_add(a, UINT64_C(0x010000000005)), 0);
	/* after leaving one there is room for one */
	CHECK_EQ(mv_vif_mc_del(a, UINT64_C(0x010000000005)), 0);
	CHECK_EQ(mv_vif_mc_add(a, UINT64_C(0x01ffffffffff) - 1), 0);
	EXPECT_FAIL(mv_vif_mc_add(a, UINT64_C(0x010000000005)), -ENOSPC);
	teardown();
}

/*
 * MV_PORT_MAX_GROUPS counts *distinct* groups over the port's vifs
 * (mv_port.h): once the table is full, another vif may still join a group
 * that is already in it, and a new vif may still join the two all-hosts
 * groups.
 */
static void
test_mc_group_limit_distinct(void)
{
	struct mv_vif_config cfg;
	struct mv_vif *a, *b;
	int rc;

	setup();
	a = CREATE("a", 0, MAC_A);
	fill_groups(a);
	cfg = cfg_named("b");
	cfg.no_default_groups = true;
	b = CREATE_CFG(&cfg);
	rc = mv_vif_mc_add(b, UINT64_C(0x010000000007));
	CHECK_EQ(rc, 0);
	CHECK(mv_vif_has_group(b, UINT64_C(0x010000000007)));
	EXPECT_FAIL(mv_vif_mc_add(b, UINT64_C(0x01ffffffffff) - 1), -ENOSPC);

	cfg = cfg_named("c");
	{
		struct mv_vif *c = NULL;

		rc = mv_vif_create(&ctl, port, &cfg, &c);
		CHECK_EQ(rc, 0);
		if (rc == 0) {
			CHECK(mv_vif_has_group(c, MV_MAC_ALL_HOSTS_V4));
			CHECK(mv_vif_has_group(c, MV_MAC_ALL_NODES_V6));
		}
	}
	teardown();
}

static void
test_rx_filter(void)
{
	struct mv_rx_filter f;
	struct mv_vif *a, *b, *c, *s;

	setup_uc(2);
	a = CREATE("a", MV_MODE_VEPA, MAC_A);
	b = CREATE("b", MV_MODE_BRIDGE, MAC_B);
	c = CREATE("c", MV_MODE_PRIVATE, MAC_C);
	s = CREATE("s", MV_MODE_SOURCE, MAC_D);
	CHECK_EQ(mv_vif_mc_add(a, GRP_1), 0);
	CHECK_EQ(mv_vif_mc_add(b, GRP_1), 0);
	CHECK_EQ(mv_vif_mc_add(b, GRP_2), 0);
	CHECK_EQ(mv_vif_mc_add(c, GRP_3), 0);

	/* nothing up: nothing to accept */
	CHECK_EQ(mv_port_rx_filter(port, &f), 0);
	CHECK_EQ(f.n_uc, 0);
	CHECK_EQ(f.n_mc, 0);
	CHECK(!f.promisc);
	CHECK(!f.allmulti);
	mv_rx_filter_free(&f);

	CHECK_EQ(mv_vif_set_up(a, true), 0);
	CHECK_EQ(mv_vif_set_up(b, true), 0);
	CHECK_EQ(mv_port_rx_filter(port, &f), 0);
	{
		mv_mac_t uc[] = { MAC_A, MAC_B };
		mv_mac_t mc[] = { MV_MAC_ALL_HOSTS_V4, MV_MAC_ALL_NODES_V6, GRP_1, GRP_2 };

		CHECK(list_is(f.uc, f.n_uc, uc, 2));
		CHECK(list_is(f.mc, f.n_mc, mc, 4)); /* sorted, GRP_1 once; c's GRP_3 not */
	}
	CHECK(!f.promisc); /* 2 addresses fit in 2 filters */
	CHECK(!f.allmulti);
	mv_rx_filter_free(&f);

	/* a third (source-mode vifs count too): over uc_filter_max -> promiscuous */
	CHECK_EQ(mv_vif_set_up(s, true), 0);
	CHECK_EQ(mv_port_rx_filter(port, &f), 0);
	{
		mv_mac_t uc[] = { MAC_A, MAC_B, MAC_D };

		CHECK(list_is(f.uc, f.n_uc, uc, 3));
	}
	CHECK(f.promisc);
	CHECK(mv_port_is_promisc(port));
	CHECK_EQ(port->promisc_count, 0);
	mv_rx_filter_free(&f);

	/* down again: back to filtering; b's groups go with it */
	CHECK_EQ(mv_vif_set_up(b, false), 0);
	CHECK_EQ(mv_vif_set_allmulti(a, true), 0);
	CHECK_EQ(mv_port_rx_filter(port, &f), 0);
	{
		mv_mac_t uc[] = { MAC_A, MAC_D };
		mv_mac_t mc[] = { MV_MAC_ALL_HOSTS_V4, MV_MAC_ALL_NODES_V6, GRP_1 };

		CHECK(list_is(f.uc, f.n_uc, uc, 2));
		CHECK(list_is(f.mc, f.n_mc, mc, 3));
	}
	CHECK(!f.promisc);
	CHECK(!mv_port_is_promisc(port));
	CHECK(f.allmulti);
	mv_rx_filter_free(&f);

	/* the lower's own flags */
	mv_port_set_promisc(port, true);
	CHECK_EQ(mv_port_rx_filter(port, &f), 0);
	CHECK(f.promisc);
	mv_rx_filter_free(&f);
	mv_port_set_promisc(port, false);
	CHECK_EQ(mv_vif_set_allmulti(a, false), 0);
	mv_port_set_allmulti(port, true);
	CHECK_EQ(mv_port_rx_filter(port, &f), 0);
	CHECK(f.allmulti);
	CHECK(!f.promisc);
	mv_rx_filter_free(&f);
	teardown();

	/* a lower that cannot filter unicast: any UP vif makes it promiscuous */
	setup_uc(0);
	a = CREATE("a", MV_MODE_VEPA, MAC_A);
	CHECK_EQ(mv_vif_set_up(a, true), 0);
	CHECK_EQ(mv_port_rx_filter(port, &f), 0);
	CHECK_EQ(f.n_uc, 1);
	CHECK(f.n_uc == 1 && f.uc[0] == MAC_A);
	CHECK(f.promisc);
	CHECK_EQ(port->promisc_count, 0);
	CHECK(mv_port_is_promisc(port));
	mv_rx_filter_free(&f);
	teardown();
}

static void
test_rx_filter_passthru(void)
{
	struct mv_vif_config cfg;
	struct mv_rx_filter f;
	struct mv_vif *pt;

	setup_uc(0);
	cfg = cfg_named("pt");
	cfg.mode = MV_MODE_PASSTHRU;
	cfg.has_flags = true;
	cfg.flags = MV_FLAG_NOPROMISC;
	pt = CREATE_CFG(&cfg);
	CHECK_EQ(mv_vif_mc_add(pt, GRP_1), 0);
	CHECK_EQ(mv_vif_set_up(pt, true), 0);

	/* the passthru MAC is the lower's: not a secondary address */
	CHECK_EQ(mv_port_rx_filter(port, &f), 0);
	CHECK_EQ(f.n_uc, 0);
	{
		mv_mac_t mc[] = { MV_MAC_ALL_HOSTS_V4, MV_MAC_ALL_NODES_V6, GRP_1 };

		CHECK(list_is(f.mc, f.n_mc, mc, 3));
	}
	CHECK(!f.promisc); /* NOPROMISC */
	CHECK(!mv_port_is_promisc(port));
	mv_rx_filter_free(&f);

	CHECK_EQ(set_flags(pt, 0), 0);
	CHECK_EQ(mv_port_rx_filter(port, &f), 0);
	CHECK(f.promisc);
	CHECK_EQ(f.n_uc, 0);
	mv_rx_filter_free(&f);
	teardown();
}

static void
test_max_vifs(void)
{
	static uint8_t seen[MV_PORT_MAX_VIFS];
	struct mv_vif_config cfg;
	struct mv_vif *victim = NULL, *v;
	uint16_t freed_slot;
	struct mv_port *p1;

	setup();
	p1 = add_port("p1", 1, P1_MAC, 1500, true, true, 0);
	memset(seen, 0, sizeof(seen));
	for (unsigned int i = 0; i < MV_PORT_MAX_VIFS; i++) {
		char name[16];
		struct mv_vif *x;

		snprintf(name, sizeof(name), "v%u", i);
		x = CREATE(name, (uint8_t)(1u << (i % 3)), 0);
		if (x->slot >= MV_PORT_MAX_VIFS || seen[x->slot]) {
			CHECK(!"slot out of range or reused");
			break;
		}
		seen[x->slot] = 1;
		CHECK(port->slots[x->slot] == x);
		if (i == 1234)
			victim = x;
	}
	CHECK_EQ(port->n_vifs, MV_PORT_MAX_VIFS);
	CHECK_EQ(ctl.n_vifs, MV_PORT_MAX_VIFS);

	cfg = cfg_named("extra");
	CREATE_FAILS(port, &cfg, -ENOSPC);
	/* the name is checked first (mv_control.h order) */
	cfg = cfg_named("v7");
	CREATE_FAILS(port, &cfg, -EEXIST);
	/* another port is not full */
	CREATE_ON(p1, "other", 0, 0);

	/* a freed slot can be used again */
	freed_slot = victim->slot;
	mv_vif_delete(&ctl, victim);
	CHECK(port->slots[freed_slot] == NULL);
	CHECK(mv_vif_find(&ctl, "v1234") == NULL);
	cfg = cfg_named("extra");
	v = CREATE_CFG(&cfg);
	CHECK_EQ(v->slot, freed_slot);
	CHECK(port->slots[freed_slot] == v);
	CHECK_EQ(port->n_vifs, MV_PORT_MAX_VIFS);
	teardown();
}

static void
test_delete(void)
{
	mv_mac_t x = SRC_X;
	struct mv_vif *a, *b, *c;
	uint16_t slot;
	uint64_t gen;

	setup();
	a = CREATE("a", MV_MODE_VEPA, MAC_A);
	b = CREATE("b", MV_MODE_SOURCE, MAC_B);
	c = CREATE("c", MV_MODE_BRIDGE, MAC_C);
	CHECK_EQ(apply_change(b, 0, MV_MACADDR_ADD, &x, 1), 0);
	CHECK_EQ(mv_vif_set_up(b, true), 0);
	CHECK_EQ(mv_vif_set_promisc(b, true), 0);
	CHECK_EQ(mv_vif_set_allmulti(b, true), 0);
	CHECK_EQ(mv_vif_set_up(c, true), 0);
	CHECK_EQ(port->n_up_vifs, 2);
	CHECK_EQ(port->promisc_count, 1);

	slot = b->slot;
	gen = port->generation;
	mv_vif_delete(&ctl, b);
	CHECK(port->generation > gen);
	CHECK(mv_vif_find(&ctl, "b") == NULL);
	CHECK(port->slots[slot] == NULL);
	CHECK_EQ(port->n_vifs, 2);
	CHECK_EQ(ctl.n_vifs, 2);
	CHECK_EQ(port->n_up_vifs, 1);
	CHECK_EQ(port->up_macs.count, 1);
	CHECK_EQ(mv_mac_map_lookup(&port->up_macs, MAC_B), -1);
	CHECK_EQ(mv_mac_map_lookup(&port->up_macs, MAC_C), c->slot);
	CHECK_EQ(port->promisc_count, 0);
	CHECK_EQ(port->allmulti_count, 0);
	CHECK_EQ(port->n_source_entries, 0);
	/* the list keeps creation order */
	CHECK(TAILQ_FIRST(&port->vifs) == a);
	CHECK(TAILQ_NEXT(a, next) == c);
	CHECK(TAILQ_NEXT(c, next) == NULL);
	/* its name is free again */
	CHECK(CREATE("b", MV_MODE_VEPA, MAC_B) != NULL);
	CHECK(TAILQ_LAST(&port->vifs, mv_vif_list) == mv_vif_find(&ctl, "b"));
	mv_vif_delete(&ctl, a);
	mv_vif_delete(&ctl, c);
	mv_vif_delete(&ctl, mv_vif_find(&ctl, "b"));
	CHECK_EQ(port->n_vifs, 0);
	CHECK_EQ(ctl.n_vifs, 0);
	CHECK(TAILQ_EMPTY(&port->vifs));
	/* the port itself stays */
	CHECK(mv_port_find(&ctl, "p0") == port);
	teardown();
}

/* A sequence of accepted requests: each one bumps the generation. */
static void
test_generation(void)
{
	mv_mac_t x = SRC_X;
	struct mv_vif_change chg;
	struct mv_vif *v;

	setup();
	{
		uint64_t gen = port->generation;

		v = CREATE("v", MV_MODE_VEPA, MAC_A);
		CHECK(port->generation > gen);
	}
	EXPECT_BUMP(port, mv_vif_set_up(v, true));
	EXPECT_BUMP(port, mv_vif_set_mac(v, MAC_B));
	EXPECT_BUMP(port, mv_vif_mc_add(v, GRP_1));
	EXPECT_BUMP(port, mv_vif_mc_del(v, GRP_1));
	EXPECT_BUMP(port, apply_change(v, MV_MODE_BRIDGE, MV_MACADDR_NONE, NULL, 0));
	EXPECT_BUMP(port, apply_change(v, MV_MODE_SOURCE, MV_MACADDR_ADD, &x, 1));
	EXPECT_BUMP(port, set_flags(v, MV_FLAG_NODST));
	EXPECT_BUMP(port, apply_change(v, 0, MV_MACADDR_FLUSH, NULL, 0));
	chg = chg_empty();
	chg.has_bc_cutoff = true;
	chg.bc_cutoff = 0;
	EXPECT_BUMP(port, mv_vif_change(v, &chg));
	EXPECT_BUMP(port, mv_vif_set_up(v, false));
	{
		uint64_t gen = port->generation;

		mv_vif_delete(&ctl, v);
		CHECK(port->generation > gen);
	}
	teardown();
}

int
main(void)
{
	RUN_TEST(test_config_init);
	RUN_TEST(test_ifname_valid);
	RUN_TEST(test_mode_names);
	RUN_TEST(test_port_add);
	RUN_TEST(test_create_defaults);
	RUN_TEST(test_create_options);
	RUN_TEST(test_create_random_mac);
	RUN_TEST(test_create_carrier_from_lower);
	RUN_TEST(test_create_invalid_mac);
	RUN_TEST(test_create_bad_mtu);
	RUN_TEST(test_create_bad_flags_mode_op);
	RUN_TEST(test_create_macaddr_rules);
	RUN_TEST(test_create_names);
	RUN_TEST(test_create_name_of_port);
	RUN_TEST(test_create_error_order);
	RUN_TEST(test_create_error_order_spec);
	RUN_TEST(test_passthru_create);
	RUN_TEST(test_up_down);
	RUN_TEST(test_up_addrinuse);
	RUN_TEST(test_set_mac);
	RUN_TEST(test_passthru_set_mac);
	RUN_TEST(test_passthru_delete_restores);
	RUN_TEST(test_passthru_perm_addr_from_first_vif);
	RUN_TEST(test_set_mtu);
	RUN_TEST(test_change_mode);
	RUN_TEST(test_change_flags);
	RUN_TEST(test_change_macaddr_ops);
	RUN_TEST(test_change_leaving_source);
	RUN_TEST(test_source_entries_limit);
	RUN_TEST(test_bc_queue_len);
	RUN_TEST(test_bc_cutoff);
	RUN_TEST(test_promisc_allmulti_counts);
	RUN_TEST(test_port_own_flags);
	RUN_TEST(test_passthru_promisc);
	RUN_TEST(test_mc_add_del);
	RUN_TEST(test_mc_group_limit);
	RUN_TEST(test_mc_group_limit_distinct);
	RUN_TEST(test_rx_filter);
	RUN_TEST(test_rx_filter_passthru);
	RUN_TEST(test_max_vifs);
	RUN_TEST(test_delete);
	RUN_TEST(test_generation);
	return mv_test_summary("control");
}
