/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the lower-device events (mv_link_events.h) against
 * docs/macvlan-semantics.md section 10 (and 7, 9.6 for MAC and MTU).
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

static struct mv_ctl ctl;
static struct mv_port *port;

static struct mv_port *
add_port(const char *name, uint16_t id, mv_mac_t mac, uint32_t mtu, uint32_t max_mtu, bool admin_up,
	 bool carrier)
{
	struct mv_port_params pp = {
		.name = name,
		.id = id,
		.mac = mac,
		.mtu = mtu,
		.max_mtu = max_mtu,
		.admin_up = admin_up,
		.carrier = carrier,
		.uc_filter_max = 0,
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

static void
setup(void)
{
	mv_ctl_init(&ctl);
	port = add_port("p0", 0, P0_MAC, 1500, 0, true, true);
}

static void
teardown(void)
{
	mv_ctl_fini(&ctl);
	port = NULL;
}

static struct mv_vif *
create_on(struct mv_port *p, const char *name, uint8_t mode, mv_mac_t mac, uint32_t mtu, int line)
{
	struct mv_vif_config cfg;
	struct mv_vif *vif = NULL;
	int rc;

	mv_vif_config_init(&cfg);
	cfg.name = name;
	cfg.mode = mode;
	cfg.random = 0x1234 + (uint64_t)line;
	if (mac != 0) {
		cfg.has_mac = true;
		cfg.mac = mac;
	}
	if (mtu != 0) {
		cfg.has_mtu = true;
		cfg.mtu = mtu;
	}
	rc = mv_vif_create(&ctl, p, &cfg, &vif);
	if (rc != 0 || vif == NULL) {
		fprintf(stderr, "%s:%d: creating vif \"%s\" failed: %d; giving up\n", __FILE__,
			line, name, rc);
		exit(EXIT_FAILURE);
	}
	return vif;
}

#define CREATE(name, mode, mac)       create_on(port, name, mode, mac, 0, __LINE__)
#define CREATE_MTU(name, mtu)         create_on(port, name, 0, 0, mtu, __LINE__)
#define CREATE_ON(p, name, mode, mac) create_on(p, name, mode, mac, 0, __LINE__)

/* Number of deltas of @kind in @d. */
static uint32_t
count_kind(const struct mv_deltas *d, enum mv_delta_kind kind)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < d->n; i++)
		n += d->v[i].kind == kind;
	return n;
}

/* The delta of @kind for slot @slot; NULL if none, and a failure if several. */
static const struct mv_delta *
find_delta(const struct mv_deltas *d, enum mv_delta_kind kind, uint16_t slot)
{
	const struct mv_delta *found = NULL;

	for (uint32_t i = 0; i < d->n; i++)
		if (d->v[i].kind == kind && d->v[i].slot == slot) {
			if (found != NULL) {
				fprintf(stderr, "  two deltas of kind %d for slot %u\n", kind,
					slot);
				mv_test_checks_failed++;
			}
			found = &d->v[i];
		}
	return found;
}

/* @d holds exactly one delta of @kind for @vif, with @value. */
static bool
has_delta(const struct mv_deltas *d, enum mv_delta_kind kind, const struct mv_vif *vif,
	  uint64_t value)
{
	const struct mv_delta *x = find_delta(d, kind, vif->slot);

	if (x == NULL) {
		fprintf(stderr, "  no delta of kind %d for %s\n", kind, vif->name);
		return false;
	}
	if (x->value != value) {
		fprintf(stderr, "  delta of kind %d for %s: value %llx, expected %llx\n", kind,
			vif->name, (unsigned long long)x->value, (unsigned long long)value);
		return false;
	}
	return true;
}

/* The parts of the state that a refused event must not touch. */
struct lite_snap {
	mv_mac_t mac, perm_addr;
	uint32_t mtu;
	bool admin_up, carrier, passthru;
	uint64_t generation;
	uint32_t n_vifs;
	mv_mac_t vif_mac[8];
	uint32_t vif_mtu[8];
	bool vif_carrier[8], vif_up[8];
};

static void
lite_take(struct lite_snap *s)
{
	const struct mv_vif *vif;
	uint32_t i = 0;

	memset(s, 0, sizeof(*s));
	s->mac = port->mac;
	s->perm_addr = port->perm_addr;
	s->mtu = port->mtu;
	s->admin_up = port->admin_up;
	s->carrier = port->carrier;
	s->passthru = port->passthru;
	s->generation = port->generation;
	s->n_vifs = port->n_vifs;
	TAILQ_FOREACH(vif, &port->vifs, next)
	{
		if (i == 8)
			break;
		s->vif_mac[i] = vif->mac;
		s->vif_mtu[i] = vif->mtu;
		s->vif_carrier[i] = vif->carrier;
		s->vif_up[i] = vif->admin_up;
		i++;
	}
}

static bool
lite_same(const struct lite_snap *a)
{
	struct lite_snap b;

	lite_take(&b);
	if (memcmp(a, &b, sizeof(b)) != 0) {
		fprintf(stderr, "  state changed: mac %llx->%llx mtu %u->%u gen %llu->%llu\n",
			(unsigned long long)a->mac, (unsigned long long)b.mac, a->mtu, b.mtu,
			(unsigned long long)a->generation, (unsigned long long)b.generation);
		return false;
	}
	return true;
}

/* ================================================================ carrier */

static void
test_set_link_carrier(void)
{
	struct mv_deltas d = { 0 };
	struct mv_vif *a, *b, *c;
	uint64_t gen;

	setup();
	a = CREATE("a", MV_MODE_VEPA, MAC_A);
	b = CREATE("b", MV_MODE_BRIDGE, MAC_B);
	c = CREATE("c", MV_MODE_SOURCE, MAC_C);
	CHECK_EQ(mv_vif_set_up(a, true), 0);
	CHECK(a->carrier && b->carrier && c->carrier);

	/* the lower goes admin-down: every vif loses carrier, up or not */
	gen = port->generation;
	CHECK_EQ(mv_lower_set_link(port, false, true, &d), 0);
	CHECK(port->generation > gen);
	CHECK(!port->admin_up);
	CHECK(port->carrier);
	CHECK(!a->carrier && !b->carrier && !c->carrier);
	CHECK(a->admin_up); /* vifs stay administratively as they are */
	CHECK(!b->admin_up);
	CHECK_EQ(d.n, 3);
	CHECK_EQ(count_kind(&d, MV_DELTA_CARRIER), 3);
	CHECK(has_delta(&d, MV_DELTA_CARRIER, a, 0));
	CHECK(has_delta(&d, MV_DELTA_CARRIER, b, 0));
	CHECK(has_delta(&d, MV_DELTA_CARRIER, c, 0));
	mv_deltas_free(&d);
	CHECK_EQ(d.n, 0);
	CHECK(d.v == NULL);

	/* no change for the vifs: no deltas */
	CHECK_EQ(mv_lower_set_link(port, false, false, &d), 0);
	CHECK_EQ(d.n, 0);
	CHECK(!port->carrier);
	/* admin up but no carrier: still no carrier on the vifs */
	CHECK_EQ(mv_lower_set_link(port, true, false, &d), 0);
	CHECK_EQ(d.n, 0);
	CHECK(port->admin_up);
	CHECK(!a->carrier && !b->carrier && !c->carrier);

	/* both: the vifs recover by themselves */
	CHECK_EQ(mv_lower_set_link(port, true, true, &d), 0);
	CHECK_EQ(d.n, 3);
	CHECK(a->carrier && b->carrier && c->carrier);
	CHECK(has_delta(&d, MV_DELTA_CARRIER, a, 1));
	CHECK(has_delta(&d, MV_DELTA_CARRIER, b, 1));
	CHECK(has_delta(&d, MV_DELTA_CARRIER, c, 1));
	CHECK(a->admin_up);
	CHECK(!b->admin_up);
	mv_deltas_free(&d);

	CHECK_EQ(mv_lower_set_link(port, true, true, &d), 0);
	CHECK_EQ(d.n, 0);

	/* carrier lost with the lower still up */
	CHECK_EQ(mv_lower_set_link(port, true, false, &d), 0);
	CHECK_EQ(d.n, 3);
	CHECK(has_delta(&d, MV_DELTA_CARRIER, b, 0));
	CHECK(!a->carrier);
	CHECK(a->admin_up);
	mv_deltas_free(&d);
	teardown();
}

static void
test_set_link_other_port_untouched(void)
{
	struct mv_deltas d = { 0 };
	struct mv_port *p1;
	struct mv_vif *a, *w;

	setup();
	p1 = add_port("p1", 1, P1_MAC, 1500, 0, true, true);
	a = CREATE("a", 0, MAC_A);
	w = CREATE_ON(p1, "w", 0, MAC_B);
	CHECK_EQ(mv_lower_set_link(port, false, false, &d), 0);
	CHECK(!a->carrier);
	CHECK(w->carrier);
	CHECK(p1->admin_up && p1->carrier);
	CHECK_EQ(d.n, 1);
	CHECK(has_delta(&d, MV_DELTA_CARRIER, a, 0));
	mv_deltas_free(&d);
	teardown();
}

static void
test_vif_created_while_lower_down(void)
{
	struct mv_deltas d = { 0 };
	struct mv_port *p1, *p2;
	struct mv_vif *a, *b, *c;

	setup();
	CHECK_EQ(mv_lower_set_link(port, false, true, &d), 0);
	mv_deltas_free(&d);
	a = CREATE("a", 0, MAC_A);
	CHECK(!a->carrier);
	/* it can be brought up; it stays without carrier */
	CHECK_EQ(mv_vif_set_up(a, true), 0);
	CHECK(a->admin_up);
	CHECK(!a->carrier);

	/* a lower registered down or without carrier */
	p1 = add_port("p1", 1, P1_MAC, 1500, 0, false, true);
	p2 = add_port("p2", 2, UINT64_C(0x02aa00000003), 1500, 0, true, false);
	b = CREATE_ON(p1, "b", 0, MAC_B);
	c = CREATE_ON(p2, "c", 0, MAC_C);
	CHECK(!b->carrier);
	CHECK(!c->carrier);

	/* the lower comes up: the carrier follows, with a delta */
	CHECK_EQ(mv_lower_set_link(port, true, true, &d), 0);
	CHECK(a->carrier);
	CHECK_EQ(d.n, 1);
	CHECK(has_delta(&d, MV_DELTA_CARRIER, a, 1));
	mv_deltas_free(&d);
	CHECK_EQ(mv_lower_set_link(p2, true, true, &d), 0);
	CHECK(c->carrier);
	CHECK_EQ(d.n, 1);
	CHECK(has_delta(&d, MV_DELTA_CARRIER, c, 1));
	mv_deltas_free(&d);
	teardown();
}

/* Many vifs: the delta list grows. */
static void
test_set_link_many(void)
{
	struct mv_deltas d = { 0 };
	static uint8_t seen[MV_PORT_MAX_VIFS];
	const unsigned int n = 300;

	setup();
	memset(seen, 0, sizeof(seen));
	for (unsigned int i = 0; i < n; i++) {
		char name[MV_IFNAMSIZ];

		snprintf(name, sizeof(name), "v%u", i);
		CREATE(name, 0, 0);
	}
	CHECK_EQ(mv_lower_set_link(port, true, false, &d), 0);
	CHECK_EQ(d.n, n);
	CHECK(d.cap >= d.n);
	for (uint32_t i = 0; i < d.n; i++) {
		const struct mv_delta *x = &d.v[i];
		const struct mv_vif *vif;

		CHECK_EQ(x->kind, MV_DELTA_CARRIER);
		CHECK_EQ(x->value, 0);
		if (x->slot >= MV_PORT_MAX_VIFS || port->slots[x->slot] == NULL) {
			CHECK(!"delta names no vif");
			continue;
		}
		vif = port->slots[x->slot];
		CHECK(!vif->carrier);
		CHECK_EQ(seen[x->slot], 0);
		seen[x->slot] = 1;
	}
	mv_deltas_free(&d);
	teardown();
}

/* ================================================================ MTU */

static void
test_set_mtu(void)
{
	struct mv_deltas d = { 0 };
	struct mv_vif *big, *mid, *small, *tiny;
	struct lite_snap s;
	uint64_t gen;

	mv_ctl_init(&ctl);
	port = add_port("p0", 0, P0_MAC, 9000, 9216, true, true);
	big = CREATE_MTU("big", 9000);
	mid = CREATE_MTU("mid", 1500);
	small = CREATE_MTU("small", 1000);
	tiny = CREATE_MTU("tiny", 68);
	CHECK_EQ(mv_vif_set_up(mid, true), 0);

	/* lowered: only the vifs above the new value are clamped */
	gen = port->generation;
	CHECK_EQ(mv_lower_set_mtu(port, 1400, &d), 0);
	CHECK(port->generation > gen);
	CHECK_EQ(port->mtu, 1400);
	CHECK_EQ(big->mtu, 1400);
	CHECK_EQ(mid->mtu, 1400);
	CHECK_EQ(small->mtu, 1000);
	CHECK_EQ(tiny->mtu, 68);
	CHECK_EQ(d.n, 2);
	CHECK_EQ(count_kind(&d, MV_DELTA_MTU), 2);
	CHECK(has_delta(&d, MV_DELTA_MTU, big, 1400));
	CHECK(has_delta(&d, MV_DELTA_MTU, mid, 1400));
	CHECK(find_delta(&d, MV_DELTA_MTU, small->slot) == NULL);
	CHECK(mid->admin_up);
	mv_deltas_free(&d);

	/* the vifs cannot go above the lower now */
	CHECK_EQ(mv_vif_set_mtu(big, 1401), -EINVAL);
	CHECK_EQ(big->mtu, 1400);

	/* raised: nothing changes */
	CHECK_EQ(mv_lower_set_mtu(port, 9000, &d), 0);
	CHECK_EQ(port->mtu, 9000);
	CHECK_EQ(d.n, 0);
	CHECK_EQ(big->mtu, 1400);
	CHECK_EQ(mid->mtu, 1400);
	CHECK_EQ(small->mtu, 1000);
	/* they can be raised by hand afterwards */
	CHECK_EQ(mv_vif_set_mtu(big, 9000), 0);
	CHECK_EQ(big->mtu, 9000);

	/* the same MTU: nothing to report */
	CHECK_EQ(mv_lower_set_mtu(port, 9000, &d), 0);
	CHECK_EQ(d.n, 0);

	/* errors: below 68 or above the lower's max_mtu; nothing changes */
	lite_take(&s);
	CHECK_EQ(mv_lower_set_mtu(port, 67, &d), -EINVAL);
	CHECK_EQ(mv_lower_set_mtu(port, 0, &d), -EINVAL);
	CHECK_EQ(mv_lower_set_mtu(port, 9217, &d), -EINVAL);
	CHECK_EQ(mv_lower_set_mtu(port, UINT32_MAX, &d), -EINVAL);
	CHECK_EQ(d.n, 0);
	CHECK(lite_same(&s));

	/* the minimum clamps everything above it */
	CHECK_EQ(mv_lower_set_mtu(port, 68, &d), 0);
	CHECK_EQ(d.n, 3);
	CHECK(has_delta(&d, MV_DELTA_MTU, small, 68));
	CHECK(find_delta(&d, MV_DELTA_MTU, tiny->slot) == NULL);
	CHECK_EQ(big->mtu, 68);
	CHECK_EQ(mid->mtu, 68);
	CHECK_EQ(small->mtu, 68);
	mv_deltas_free(&d);
	/* the max is accepted */
	CHECK_EQ(mv_lower_set_mtu(port, 9216, &d), 0);
	CHECK_EQ(port->mtu, 9216);
	CHECK_EQ(d.n, 0);
	teardown();
}

/* ================================================================ MAC */

static void
test_set_mac_passthru(void)
{
	static const mv_mac_t invalid[] = { 0, MV_MAC_BROADCAST, UINT64_C(0x01005e000001),
					    UINT64_C(0x030000000000), (UINT64_C(1) << 48) | MAC_A };
	struct mv_deltas d = { 0 };
	struct mv_vif *pt;
	struct lite_snap s;
	uint64_t gen;

	setup();
	pt = CREATE("pt", MV_MODE_PASSTHRU, 0);
	CHECK_EQ(pt->mac, P0_MAC);
	CHECK_EQ(port->perm_addr, P0_MAC);

	/* down: the vif follows and perm_addr is updated */
	gen = port->generation;
	CHECK_EQ(mv_lower_set_mac(port, MAC_A, &d), 0);
	CHECK(port->generation > gen);
	CHECK_EQ(port->mac, MAC_A);
	CHECK_EQ(pt->mac, MAC_A);
	CHECK_EQ(port->perm_addr, MAC_A);
	CHECK_EQ(count_kind(&d, MV_DELTA_MAC), 1);
	CHECK(has_delta(&d, MV_DELTA_MAC, pt, MAC_A));
	mv_deltas_free(&d);

	/* up: the same, and it stays up */
	CHECK_EQ(mv_vif_set_up(pt, true), 0);
	CHECK_EQ(mv_lower_set_mac(port, MAC_B, &d), 0);
	CHECK_EQ(port->mac, MAC_B);
	CHECK_EQ(pt->mac, MAC_B);
	CHECK_EQ(port->perm_addr, MAC_B);
	CHECK(pt->admin_up);
	CHECK(has_delta(&d, MV_DELTA_MAC, pt, MAC_B));
	mv_deltas_free(&d);

	/* invalid addresses: -EADDRNOTAVAIL, nothing changes */
	lite_take(&s);
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		CHECK_EQ(mv_lower_set_mac(port, invalid[i], &d), -EADDRNOTAVAIL);
	CHECK_EQ(d.n, 0);
	CHECK(lite_same(&s));

	/* a change through the vif afterwards is undone on delete; the direct one is kept */
	CHECK_EQ(mv_vif_set_mac(pt, MAC_C), 0);
	CHECK_EQ(port->mac, MAC_C);
	CHECK_EQ(port->perm_addr, MAC_B);
	mv_vif_delete(&ctl, pt);
	CHECK_EQ(port->mac, MAC_B);
	teardown();
}

static void
test_set_mac_non_passthru(void)
{
	struct mv_deltas d = { 0 };
	struct mv_vif *a, *b;
	struct lite_snap s;

	setup();
	a = CREATE("a", MV_MODE_VEPA, MAC_A);
	b = CREATE("b", MV_MODE_BRIDGE, MAC_B);
	CHECK_EQ(mv_vif_set_up(a, true), 0);

	CHECK_EQ(mv_lower_set_mac(port, MAC_D, &d), 0);
	CHECK_EQ(port->mac, MAC_D);
	CHECK_EQ(a->mac, MAC_A);
	CHECK_EQ(b->mac, MAC_B);
	CHECK_EQ(count_kind(&d, MV_DELTA_MAC), 0);
	CHECK_EQ(count_kind(&d, MV_DELTA_DELETED), 0);
	CHECK(!port->passthru);
	mv_deltas_free(&d);

	/* the old lower MAC is free for a vif now, the new one is not */
	CHECK_EQ(mv_vif_set_mac(b, P0_MAC), 0);
	CHECK_EQ(mv_vif_set_mac(b, MAC_D), -EADDRINUSE);
	CHECK_EQ(b->mac, P0_MAC);

	/* invalid */
	lite_take(&s);
	CHECK_EQ(mv_lower_set_mac(port, 0, &d), -EADDRNOTAVAIL);
	CHECK_EQ(mv_lower_set_mac(port, MV_MAC_BROADCAST, &d), -EADDRNOTAVAIL);
	CHECK_EQ(mv_lower_set_mac(port, UINT64_C(0x333300000001), &d), -EADDRNOTAVAIL);
	CHECK(lite_same(&s));
	CHECK_EQ(d.n, 0);

	/*
	 * The lower may take an UP vif's MAC (spec 9.3): the vif keeps it while
	 * up, and cannot come back up once it has gone down.
	 */
	CHECK_EQ(mv_lower_set_mac(port, MAC_A, &d), 0);
	CHECK_EQ(port->mac, MAC_A);
	CHECK_EQ(a->mac, MAC_A);
	CHECK(a->admin_up);
	CHECK_EQ(mv_mac_map_lookup(&port->up_macs, MAC_A), a->slot);
	CHECK_EQ(mv_vif_set_up(a, false), 0);
	CHECK_EQ(mv_vif_set_up(a, true), -EADDRINUSE);
	CHECK(!a->admin_up);
	mv_deltas_free(&d);
	teardown();
}

/* ================================================================ removal */

static void
test_remove(void)
{
	struct mv_deltas d = { 0 };
	struct mv_port *p1;
	struct mv_vif *a, *b, *c, *w;
	uint16_t sa, sb, sc;
	mv_mac_t x = SRC_X;
	struct mv_vif_change chg;
	bool seen[3] = { false, false, false };

	setup();
	p1 = add_port("p1", 1, P1_MAC, 1500, 0, true, true);
	a = CREATE("a", MV_MODE_VEPA, MAC_A);
	b = CREATE("b", MV_MODE_SOURCE, MAC_B);
	c = CREATE("c", MV_MODE_BRIDGE, MAC_C);
	w = CREATE_ON(p1, "w", MV_MODE_VEPA, MAC_D);
	mv_vif_change_init(&chg);
	chg.macaddr_op = MV_MACADDR_ADD;
	chg.macaddr = &x;
	chg.n_macaddr = 1;
	CHECK_EQ(mv_vif_change(b, &chg), 0);
	CHECK_EQ(mv_vif_set_up(a, true), 0);
	CHECK_EQ(mv_vif_set_promisc(a, true), 0);
	CHECK_EQ(mv_vif_set_up(c, true), 0);
	sa = a->slot;
	sb = b->slot;
	sc = c->slot;
	CHECK_EQ(ctl.n_vifs, 4);

	CHECK_EQ(mv_lower_remove(&ctl, port, &d), 0);
	port = NULL;
	CHECK_EQ(d.n, 3);
	CHECK_EQ(count_kind(&d, MV_DELTA_DELETED), 3);
	for (uint32_t i = 0; i < d.n; i++) {
		const struct mv_delta *x2 = &d.v[i];
		int idx = -1;

		if (strcmp(x2->name, "a") == 0)
			idx = 0;
		else if (strcmp(x2->name, "b") == 0)
			idx = 1;
		else if (strcmp(x2->name, "c") == 0)
			idx = 2;
		if (idx < 0) {
			fprintf(stderr, "  unexpected DELETED delta for \"%.*s\"\n", MV_IFNAMSIZ,
				x2->name);
			CHECK(!"unexpected delta");
			continue;
		}
		CHECK(!seen[idx]);
		seen[idx] = true;
		CHECK_EQ(x2->kind, MV_DELTA_DELETED);
		CHECK_EQ(x2->slot, idx == 0 ? sa : idx == 1 ? sb : sc);
	}
	CHECK(seen[0] && seen[1] && seen[2]);
	mv_deltas_free(&d);

	/* the port and its vifs are gone; the other port is untouched */
	CHECK(ctl.ports[0] == NULL);
	CHECK(mv_port_find(&ctl, "p0") == NULL);
	CHECK(mv_vif_find(&ctl, "a") == NULL);
	CHECK(mv_vif_find(&ctl, "b") == NULL);
	CHECK(mv_vif_find(&ctl, "c") == NULL);
	CHECK(mv_vif_find(&ctl, "w") == w);
	CHECK(ctl.ports[1] == p1);
	CHECK_EQ(ctl.n_vifs, 1);
	CHECK_EQ(p1->n_vifs, 1);

	/* the id and name can be used again, and the vif names too */
	port = add_port("p0", 0, P0_MAC, 1500, 0, true, true);
	CHECK_EQ(port->n_vifs, 0);
	CHECK(CREATE("a", 0, MAC_A) != NULL);
	CHECK_EQ(ctl.n_vifs, 2);
	teardown();
}

static void
test_remove_passthru_and_empty(void)
{
	struct mv_deltas d = { 0 };
	struct mv_port *p1;
	struct mv_vif *pt;
	uint16_t slot;

	setup();
	p1 = add_port("p1", 1, P1_MAC, 1500, 0, true, true);
	pt = CREATE("pt", MV_MODE_PASSTHRU, 0);
	CHECK_EQ(mv_vif_set_up(pt, true), 0);
	CHECK_EQ(mv_vif_set_mac(pt, MAC_A), 0);
	slot = pt->slot;
	CHECK_EQ(mv_lower_remove(&ctl, port, &d), 0);
	port = NULL;
	CHECK_EQ(count_kind(&d, MV_DELTA_DELETED), 1);
	CHECK(find_delta(&d, MV_DELTA_DELETED, slot) != NULL);
	if (d.n > 0)
		CHECK(strcmp(d.v[d.n - 1].name, "pt") == 0);
	CHECK(ctl.ports[0] == NULL);
	CHECK(mv_vif_find(&ctl, "pt") == NULL);
	CHECK_EQ(ctl.n_vifs, 0);
	mv_deltas_free(&d);

	/* a port without vifs: no deltas */
	CHECK_EQ(mv_lower_remove(&ctl, p1, &d), 0);
	CHECK_EQ(d.n, 0);
	CHECK(ctl.ports[1] == NULL);
	CHECK(mv_port_find(&ctl, "p1") == NULL);
	mv_deltas_free(&d);
	teardown();
}

int
main(void)
{
	RUN_TEST(test_set_link_carrier);
	RUN_TEST(test_set_link_other_port_untouched);
	RUN_TEST(test_vif_created_while_lower_down);
	RUN_TEST(test_set_link_many);
	RUN_TEST(test_set_mtu);
	RUN_TEST(test_set_mac_passthru);
	RUN_TEST(test_set_mac_non_passthru);
	RUN_TEST(test_remove);
	RUN_TEST(test_remove_passthru_and_empty);
	return mv_test_summary("link_events");
}
