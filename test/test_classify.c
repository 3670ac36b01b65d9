/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the frame parser and of the classifier (mv_classify.h).
 *
 * Every test builds a port with the control API, takes a forwarding snapshot,
 * sends byte-level frames through mv_frame_parse() and the classifier, and
 * compares the expanded receivers with the delivery tables of the behavioural
 * specification, macvlan-semantics.md (sections 4 to 7; "§5.1" etc. below).
 *
 * Receivers are written as a string of sorted tokens: "wire", "lower", and
 * "<vif>:<kind>" with kind one of uni, src, flood, refl, big (MV_RCPT_*).
 */

#include <errno.h>
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
#include "mv_port.h"

#include "mv_test.h"

/* Addresses of the reference set (§5): P, V, V2, B, B2, S (list {X}), a down D. */
#define MAC_LOWER UINT64_C(0x02aa00000001)
#define MAC_P     UINT64_C(0x020000000001)
#define MAC_V     UINT64_C(0x020000000002)
#define MAC_V2    UINT64_C(0x020000000003)
#define MAC_B     UINT64_C(0x020000000004)
#define MAC_B2    UINT64_C(0x020000000005)
#define MAC_S     UINT64_C(0x020000000006)
#define MAC_D     UINT64_C(0x020000000007)
#define MAC_P2    UINT64_C(0x020000000008)
#define MAC_S2    UINT64_C(0x020000000009)
#define MAC_DB    UINT64_C(0x02000000000a)
#define MAC_X     UINT64_C(0x020000009901) /* listed by S */
#define MAC_E     UINT64_C(0x02ee00000001) /* an unlisted external host */
#define MAC_UNK   UINT64_C(0x020000007777) /* nobody's */
#define GRP_G     UINT64_C(0x3333ffffff01) /* joined by P, V, B (and S, D) */
#define GRP_G2    UINT64_C(0x3333ffffff02) /* joined by V, B2 */
#define GRP_U     UINT64_C(0x3333ffffff0f) /* joined by nobody */
#define GRP_PAUSE UINT64_C(0x0180c2000001)
#define BCAST     MV_MAC_BROADCAST

#define ETH_TEST 0x88b5

#define MAX_VIFS 32

struct env {
	struct mv_ctl ctl;
	struct mv_port *port;
	struct mv_fib *fib;
	struct mv_verdict v; /* last verdict */
	char got[1024];      /* last receivers, normalised */
	struct mv_vif *vifs[MAX_VIFS];
	unsigned int n;
};

/* The vifs of the reference set, by name. */
struct ref {
	struct mv_vif *P, *V, *V2, *B, *B2, *S, *D;
};

static uint8_t frame_buf[16384];

/* ---------------------------------------------------------------------------
 * Helpers
 */

static void
env_init_params(struct env *e, uint32_t uc_filter_max, bool carrier)
{
	struct mv_port_params pp = {
		.name = "p0",
		.id = 0,
		.mac = MAC_LOWER,
		.mtu = 1500,
		.max_mtu = 9000,
		.admin_up = true,
		.carrier = carrier,
		.uc_filter_max = uc_filter_max,
	};
	int rc;

	memset(e, 0, sizeof(*e));
	mv_ctl_init(&e->ctl);
	rc = mv_port_add(&e->ctl, &pp, &e->port);
	CHECK_EQ(rc, 0);
	if (rc != 0) {
		fprintf(stderr, "mv_port_add failed: %d\n", rc);
		exit(EXIT_FAILURE);
	}
}

static void
env_init(struct env *e)
{
	env_init_params(e, 64, true);
}

static void
env_fini(struct env *e)
{
	free(e->fib);
	e->fib = NULL;
	mv_ctl_fini(&e->ctl);
}

static struct mv_vif *
vif_new_cfg(struct env *e, struct mv_vif_config *cfg, bool up)
{
	struct mv_vif *vif = NULL;
	int rc = mv_vif_create(&e->ctl, e->port, cfg, &vif);

	if (rc != 0 || vif == NULL) {
		fprintf(stderr, "mv_vif_create(%s) failed: %d\n", cfg->name, rc);
		mv_test_checks_failed++;
		env_fini(e);
		exit(EXIT_FAILURE);
	}
	if (up) {
		rc = mv_vif_set_up(vif, true);
		if (rc != 0) {
			fprintf(stderr, "mv_vif_set_up(%s) failed: %d\n", cfg->name, rc);
			mv_test_checks_failed++;
		}
	}
	if (e->n < MAX_VIFS)
		e->vifs[e->n++] = vif;
	return vif;
}

/* A vif without the default all-hosts groups, so group tests stay exact. */
static struct mv_vif *
vif_new(struct env *e, const char *name, uint8_t mode, mv_mac_t mac, bool up)
{
	struct mv_vif_config cfg;

	mv_vif_config_init(&cfg);
	cfg.name = name;
	cfg.mode = mode;
	cfg.has_mac = mac != 0; /* passthru takes the lower's MAC */
	cfg.mac = mac;
	cfg.no_default_groups = true;
	return vif_new_cfg(e, &cfg, up);
}

static struct mv_vif *
vif_new_mtu(struct env *e, const char *name, uint8_t mode, mv_mac_t mac, uint32_t mtu)
{
	struct mv_vif_config cfg;

	mv_vif_config_init(&cfg);
	cfg.name = name;
	cfg.mode = mode;
	cfg.has_mac = true;
	cfg.mac = mac;
	cfg.has_mtu = true;
	cfg.mtu = mtu;
	cfg.no_default_groups = true;
	return vif_new_cfg(e, &cfg, true);
}

static int
vif_set_flags(struct mv_vif *vif, uint16_t flags)
{
	struct mv_vif_change chg;

	mv_vif_change_init(&chg);
	chg.has_flags = true;
	chg.flags = flags;
	return mv_vif_change(vif, &chg);
}

static int
vif_macaddr(struct mv_vif *vif, int op, const mv_mac_t *macs, uint32_t n)
{
	struct mv_vif_change chg;

	mv_vif_change_init(&chg);
	chg.macaddr_op = op;
	chg.macaddr = macs;
	chg.n_macaddr = n;
	return mv_vif_change(vif, &chg);
}

static int
vif_source_add(struct mv_vif *vif, mv_mac_t mac)
{
	return vif_macaddr(vif, MV_MACADDR_ADD, &mac, 1);
}

static int
vif_bc_queue_len(struct mv_vif *vif, uint32_t len)
{
	struct mv_vif_change chg;

	mv_vif_change_init(&chg);
	chg.has_bc_queue_len = true;
	chg.bc_queue_len = len;
	return mv_vif_change(vif, &chg);
}

static int
vif_bc_cutoff(struct mv_vif *vif, int32_t cutoff)
{
	struct mv_vif_change chg;

	mv_vif_change_init(&chg);
	chg.has_bc_cutoff = true;
	chg.bc_cutoff = cutoff;
	return mv_vif_change(vif, &chg);
}

/*
 * The reference set of §5: P (private), V, V2 (vepa), B, B2 (bridge), S
 * (source, list {X}), all up, plus D (vepa, down). Group G is joined by P, V,
 * B and S (S must never get it by flood); G2 by V and B2.
 */
static void
ref_init(struct env *e, struct ref *r)
{
	env_init(e);
	r->P = vif_new(e, "P", MV_MODE_PRIVATE, MAC_P, true);
	r->V = vif_new(e, "V", MV_MODE_VEPA, MAC_V, true);
	r->V2 = vif_new(e, "V2", MV_MODE_VEPA, MAC_V2, true);
	r->B = vif_new(e, "B", MV_MODE_BRIDGE, MAC_B, true);
	r->B2 = vif_new(e, "B2", MV_MODE_BRIDGE, MAC_B2, true);
	r->S = vif_new(e, "S", MV_MODE_SOURCE, MAC_S, true);
	r->D = vif_new(e, "D", MV_MODE_VEPA, MAC_D, false);
	CHECK_EQ(vif_source_add(r->S, MAC_X), 0);
	CHECK_EQ(mv_vif_mc_add(r->P, GRP_G), 0);
	CHECK_EQ(mv_vif_mc_add(r->V, GRP_G), 0);
	CHECK_EQ(mv_vif_mc_add(r->B, GRP_G), 0);
	CHECK_EQ(mv_vif_mc_add(r->S, GRP_G), 0);
	CHECK_EQ(mv_vif_mc_add(r->D, GRP_G), 0);
	CHECK_EQ(mv_vif_mc_add(r->V, GRP_G2), 0);
	CHECK_EQ(mv_vif_mc_add(r->B2, GRP_G2), 0);
}

/* A passthru port: one passthru vif PT. */
static struct mv_vif *
pt_init(struct env *e, bool up)
{
	env_init(e);
	return vif_new(e, "PT", MV_MODE_PASSTHRU, 0, up);
}

static void
fib_refresh(struct env *e)
{
	free(e->fib);
	e->fib = mv_fib_new(e->port);
	if (e->fib == NULL) {
		fprintf(stderr, "mv_fib_new failed\n");
		mv_test_checks_failed++;
		env_fini(e);
		exit(EXIT_FAILURE);
	}
}

static uint32_t
frame_build(uint8_t *buf, mv_mac_t dst, mv_mac_t src, uint16_t tpid, uint16_t tci, uint16_t etype,
	    uint32_t len)
{
	uint32_t off = 12;

	memset(buf, 0, len > 64 ? len : 64);
	mv_mac_to_bytes(dst, buf);
	mv_mac_to_bytes(src, buf + 6);
	if (tpid != 0) {
		buf[12] = (uint8_t)(tpid >> 8);
		buf[13] = (uint8_t)tpid;
		buf[14] = (uint8_t)(tci >> 8);
		buf[15] = (uint8_t)tci;
		off = 16;
	}
	buf[off] = (uint8_t)(etype >> 8);
	buf[off + 1] = (uint8_t)etype;
	return len;
}

/* Parse a built frame; a failure is a test failure. */
static bool
frame_info(struct mv_frame_info *fi, mv_mac_t dst, mv_mac_t src, uint16_t tpid, uint16_t etype,
	   uint32_t len)
{
	uint32_t n = frame_build(frame_buf, dst, src, tpid, tpid ? 10 : 0, etype, len);
	int rc = mv_frame_parse(frame_buf, n, fi);

	CHECK_EQ(rc, 0);
	return rc == 0;
}

static const char *
kind_name(uint8_t kind)
{
	switch (kind) {
	case MV_RCPT_UNICAST:
		return "uni";
	case MV_RCPT_SOURCE:
		return "src";
	case MV_RCPT_FLOOD:
		return "flood";
	case MV_RCPT_REFLECT:
		return "refl";
	case MV_RCPT_TOO_BIG:
		return "big";
	default:
		return "?";
	}
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sort the space-separated tokens of @p in into @p out. */
static void
normalise(const char *in, char *out, size_t size)
{
	char tmp[1024];
	char *tok[128];
	unsigned int n = 0;
	size_t used = 0;

	snprintf(tmp, sizeof(tmp), "%s", in);
	for (char *s = strtok(tmp, " "); s != NULL && n < 128; s = strtok(NULL, " "))
		tok[n++] = s;
	qsort(tok, n, sizeof(tok[0]), cmp_str);
	out[0] = '\0';
	for (unsigned int i = 0; i < n; i++) {
		int w = snprintf(out + used, size - used, "%s%s", i ? " " : "", tok[i]);

		if (w < 0 || (size_t)w >= size - used)
			break;
		used += (size_t)w;
	}
}

static const char *
slot_name(const struct env *e, uint16_t slot, char *buf, size_t size)
{
	if (slot < MV_PORT_MAX_VIFS && e->port->slots[slot] != NULL)
		snprintf(buf, size, "%s", e->port->slots[slot]->name);
	else
		snprintf(buf, size, "slot%u", slot);
	return buf;
}

/* Expand e->v into e->got. */
static const char *
describe(struct env *e, uint32_t len)
{
	unsigned int max = mv_verdict_max_rcpts(e->fib);
	struct mv_rcpt *r = calloc(max, sizeof(*r));
	char raw[1024] = "";
	size_t used = 0;
	unsigned int n;
	bool seen_other = false;

	if (r == NULL)
		abort();
	n = mv_verdict_expand(e->fib, &e->v, len, r, max);
	CHECK(n <= max);
	if (n > max)
		n = max;
	if (e->v.act & MV_ACT_WIRE)
		used += (size_t)snprintf(raw + used, sizeof(raw) - used, "wire ");
	if (e->v.act & MV_ACT_LOWER)
		used += (size_t)snprintf(raw + used, sizeof(raw) - used, "lower ");
	for (unsigned int i = 0; i < n && used < sizeof(raw) - 64; i++) {
		char name[32];

		/* "Source copies come first." */
		if (r[i].kind == MV_RCPT_SOURCE)
			CHECK(!seen_other);
		else
			seen_other = true;
		used += (size_t)snprintf(raw + used, sizeof(raw) - used, "%s:%s ",
					 slot_name(e, r[i].slot, name, sizeof(name)),
					 kind_name(r[i].kind));
	}
	free(r);
	normalise(raw, e->got, sizeof(e->got));
	return e->got;
}

static bool
verdict_eq(const struct mv_verdict *a, const struct mv_verdict *b)
{
	return a->act == b->act && a->flood_modes == b->flood_modes && a->drop == b->drop &&
	       a->vif == b->vif && a->exclude == b->exclude && a->group == b->group &&
	       a->source == b->source;
}

/* A frame from the wire: rebuild the snapshot, classify, expand. */
static const char *
rx_full(struct env *e, mv_mac_t dst, mv_mac_t src, uint16_t tpid, uint16_t etype, uint32_t len)
{
	struct mv_frame_info fi[3];
	struct mv_verdict vb[3];

	fib_refresh(e);
	if (!frame_info(&fi[0], dst, src, tpid, etype, len)) {
		snprintf(e->got, sizeof(e->got), "<parse error>");
		return e->got;
	}
	e->v = mv_classify_rx(e->fib, &fi[0]);
	/* The burst variant must agree with the single-frame one. */
	fi[1] = fi[0];
	fi[2] = fi[0];
	mv_classify_rx_burst(e->fib, fi, vb, 3);
	for (int i = 0; i < 3; i++)
		CHECK(verdict_eq(&vb[i], &e->v));
	CHECK(!(e->v.act & MV_ACT_WIRE));
	return describe(e, len);
}

static const char *
rx(struct env *e, mv_mac_t dst, mv_mac_t src)
{
	return rx_full(e, dst, src, 0, ETH_TEST, 60);
}

/* A frame transmitted by @p from. */
static const char *
tx_full(struct env *e, struct mv_vif *from, mv_mac_t dst, mv_mac_t src, uint16_t tpid,
	uint16_t etype, uint32_t len)
{
	struct mv_frame_info fi;

	fib_refresh(e);
	if (!frame_info(&fi, dst, src, tpid, etype, len)) {
		snprintf(e->got, sizeof(e->got), "<parse error>");
		return e->got;
	}
	e->v = mv_classify_tx(e->fib, from->slot, &fi);
	CHECK(!(e->v.act & MV_ACT_LOWER));
	return describe(e, len);
}

static const char *
tx(struct env *e, struct mv_vif *from, mv_mac_t dst)
{
	return tx_full(e, from, dst, from->mac, 0, ETH_TEST, 60);
}

static const char *
tx_len(struct env *e, struct mv_vif *from, mv_mac_t dst, uint32_t len)
{
	return tx_full(e, from, dst, from->mac, 0, ETH_TEST, len);
}

static void
check_str(int line, const char *got, const char *expected_raw)
{
	char expected[1024];

	normalise(expected_raw, expected, sizeof(expected));
	if (strcmp(got, expected) != 0) {
		fprintf(stderr, "%s:%d: receivers \"%s\", expected \"%s\"\n", __FILE__, line, got,
			expected);
		mv_test_checks_failed++;
	}
}

#define CHECK_RCPTS(got, expected) check_str(__LINE__, (got), (expected))

#define CHECK_DROP(e, d)                                                                           \
	do {                                                                                       \
		if ((e)->v.drop != (d)) {                                                          \
			fprintf(stderr, "%s:%d: drop %s (%u), expected %s\n", __FILE__, __LINE__,  \
				mv_drop_name((enum mv_drop)(e)->v.drop), (e)->v.drop,              \
				mv_drop_name(d));                                                  \
			mv_test_checks_failed++;                                                   \
		}                                                                                  \
	} while (0)

#define CHECK_QUEUED(e, yes) CHECK_EQ(!!((e)->v.act & MV_ACT_QUEUE), !!(yes))

/* ---------------------------------------------------------------------------
 * mv_frame_parse
 */

static void
test_parse_basic(void)
{
	struct mv_frame_info fi;
	uint32_t n = frame_build(frame_buf, MAC_V, MAC_E, 0, 0, 0x0800, 60);

	memset(&fi, 0xa5, sizeof(fi));
	CHECK_EQ(mv_frame_parse(frame_buf, n, &fi), 0);
	CHECK_EQ(fi.dst, MAC_V);
	CHECK_EQ(fi.src, MAC_E);
	CHECK_EQ(fi.ether_type, 0x0800);
	CHECK(!fi.vlan);
	CHECK_EQ(fi.len, 60);

	/* Exactly a header is enough. */
	n = frame_build(frame_buf, BCAST, MAC_E, 0, 0, 0x0806, 14);
	CHECK_EQ(mv_frame_parse(frame_buf, n, &fi), 0);
	CHECK_EQ(fi.dst, BCAST);
	CHECK_EQ(fi.ether_type, 0x0806);
	CHECK_EQ(fi.len, 14);
}

static void
test_parse_runts(void)
{
	struct mv_frame_info fi, ref;

	frame_build(frame_buf, MAC_V, MAC_E, 0, 0, 0x0800, 60);
	for (uint32_t len = 0; len < 14; len++) {
		memset(&fi, 0x5a, sizeof(fi));
		ref = fi;
		CHECK_EQ(mv_frame_parse(frame_buf, len, &fi), -EINVAL);
		CHECK(memcmp(&fi, &ref, sizeof(fi)) == 0);
	}
	/* A tag announced but cut short: 14..17 bytes. */
	static const uint16_t tpids[] = { MV_ETHER_TYPE_VLAN, MV_ETHER_TYPE_QINQ };
	for (unsigned int t = 0; t < 2; t++) {
		frame_build(frame_buf, MAC_V, MAC_E, tpids[t], 5, 0x0800, 60);
		for (uint32_t len = 14; len < 18; len++) {
			memset(&fi, 0x5a, sizeof(fi));
			ref = fi;
			CHECK_EQ(mv_frame_parse(frame_buf, len, &fi), -EINVAL);
			CHECK(memcmp(&fi, &ref, sizeof(fi)) == 0);
		}
		memset(&fi, 0, sizeof(fi));
		CHECK_EQ(mv_frame_parse(frame_buf, 18, &fi), 0);
		CHECK_EQ(fi.ether_type, 0x0800);
		CHECK_EQ(fi.len, 18);
	}
}

static void
test_parse_vlan(void)
{
	struct mv_frame_info fi;

	/* 802.1Q, VID 10, PCP 3. */
	frame_build(frame_buf, MAC_V, MAC_E, MV_ETHER_TYPE_VLAN, (3u << 13) | 10u, 0x86dd, 64);
	memset(&fi, 0, sizeof(fi));
	CHECK_EQ(mv_frame_parse(frame_buf, 64, &fi), 0);
	CHECK(fi.vlan);
	CHECK_EQ(fi.ether_type, 0x86dd);
	CHECK_EQ(fi.vlan_tci, (3u << 13) | 10u);
	CHECK_EQ(fi.dst, MAC_V);
	CHECK_EQ(fi.src, MAC_E);
	CHECK_EQ(fi.len, 64);

	/* 802.1ad. */
	frame_build(frame_buf, BCAST, MAC_E, MV_ETHER_TYPE_QINQ, 100, 0x0806, 60);
	memset(&fi, 0, sizeof(fi));
	CHECK_EQ(mv_frame_parse(frame_buf, 60, &fi), 0);
	CHECK(fi.vlan);
	CHECK_EQ(fi.ether_type, 0x0806);
	CHECK_EQ(fi.vlan_tci, 100);
	CHECK_EQ(fi.dst, BCAST);

	/* VID 0 (priority tag) is still a tag. */
	frame_build(frame_buf, MAC_V, MAC_E, MV_ETHER_TYPE_VLAN, 0, ETH_TEST, 60);
	CHECK_EQ(mv_frame_parse(frame_buf, 60, &fi), 0);
	CHECK(fi.vlan);
	CHECK_EQ(fi.ether_type, ETH_TEST);
}

/* ---------------------------------------------------------------------------
 * §5.1 Unicast arriving from the wire: one test per row.
 */

/* Row: an UP P/V/B vif. */
static void
test_51_up_vif(void)
{
	struct env e;
	struct ref r;
	struct mv_vif *p2;

	ref_init(&e, &r);
	p2 = vif_new(&e, "P2", MV_MODE_PRIVATE, MAC_P2, true);
	(void)p2;
	/* Source = E. */
	CHECK_RCPTS(rx(&e, MAC_P, MAC_E), "P:uni");
	CHECK_RCPTS(rx(&e, MAC_V, MAC_E), "V:uni");
	CHECK_RCPTS(rx(&e, MAC_B, MAC_E), "B:uni");
	CHECK_DROP(&e, MV_DROP_NONE);
	/* Source = X (listed by S). */
	CHECK_RCPTS(rx(&e, MAC_P, MAC_X), "S:src P:uni");
	CHECK_RCPTS(rx(&e, MAC_V, MAC_X), "S:src V:uni");
	CHECK_RCPTS(rx(&e, MAC_B, MAC_X), "S:src B:uni");
	/* Source = some vif's MAC (hairpin); private -> private works. */
	CHECK_RCPTS(rx(&e, MAC_P, MAC_P2), "P:uni");
	CHECK_RCPTS(rx(&e, MAC_P2, MAC_P), "P2:uni");
	CHECK_RCPTS(rx(&e, MAC_V, MAC_V2), "V:uni");
	CHECK_RCPTS(rx(&e, MAC_V, MAC_B), "V:uni");
	CHECK_RCPTS(rx(&e, MAC_B, MAC_B2), "B:uni");
	CHECK_RCPTS(rx(&e, MAC_B, MAC_S), "B:uni");
	CHECK_RCPTS(rx(&e, MAC_V, MAC_V), "V:uni");
	env_fini(&e);
}

/* Row: an UP S vif's own MAC. */
static void
test_51_source_own_mac(void)
{
	struct env e;
	struct ref r;

	ref_init(&e, &r);
	CHECK_RCPTS(rx(&e, MAC_S, MAC_E), "lower");
	CHECK_RCPTS(rx(&e, MAC_S, MAC_X), "S:src lower");
	CHECK_RCPTS(rx(&e, MAC_S, MAC_V), "lower");
	CHECK_RCPTS(rx(&e, MAC_S, MAC_S), "lower");
	env_fini(&e);
}

/* Row: a DOWN vif's MAC. */
static void
test_51_down_vif(void)
{
	struct env e;
	struct ref r;
	struct mv_vif *db;

	ref_init(&e, &r);
	db = vif_new(&e, "DB", MV_MODE_BRIDGE, MAC_DB, false);
	(void)db;
	CHECK_RCPTS(rx(&e, MAC_D, MAC_E), "lower");
	CHECK_RCPTS(rx(&e, MAC_D, MAC_X), "S:src lower");
	CHECK_RCPTS(rx(&e, MAC_D, MAC_V), "lower");
	CHECK_RCPTS(rx(&e, MAC_DB, MAC_E), "lower");
	CHECK_RCPTS(rx(&e, MAC_DB, MAC_B), "lower");
	/* A vif taken down stops receiving (§9.2). */
	CHECK_EQ(mv_vif_set_up(r.V, false), 0);
	CHECK_RCPTS(rx(&e, MAC_V, MAC_E), "lower");
	CHECK_RCPTS(rx(&e, MAC_V, MAC_X), "S:src lower");
	CHECK_EQ(mv_vif_set_up(r.V, true), 0);
	CHECK_RCPTS(rx(&e, MAC_V, MAC_E), "V:uni");
	env_fini(&e);
}

/* Row: unknown MAC. */
static void
test_51_unknown(void)
{
	struct env e;
	struct ref r;

	ref_init(&e, &r);
	CHECK_RCPTS(rx(&e, MAC_UNK, MAC_E), "lower");
	CHECK_RCPTS(rx(&e, MAC_UNK, MAC_X), "S:src lower");
	CHECK_RCPTS(rx(&e, MAC_UNK, MAC_P), "lower");
	CHECK_RCPTS(rx(&e, MAC_UNK, MAC_B), "lower");
	env_fini(&e);
}

/* Row: the lower's MAC. */
static void
test_51_lower_mac(void)
{
	struct env e;
	struct ref r;

	ref_init(&e, &r);
	CHECK_RCPTS(rx(&e, MAC_LOWER, MAC_E), "lower");
	CHECK_RCPTS(rx(&e, MAC_LOWER, MAC_X), "S:src lower");
	CHECK_RCPTS(rx(&e, MAC_LOWER, MAC_V), "lower");
	CHECK_RCPTS(rx(&e, MAC_LOWER, MAC_P), "lower");
	env_fini(&e);
}

/* Row: S set to NODST: source X goes to S only; E and vif sources unchanged. */
static void
test_51_nodst(void)
{
	struct env e;
	struct ref r;

	ref_init(&e, &r);
	CHECK_EQ(vif_set_flags(r.S, MV_FLAG_NODST), 0);
	CHECK_RCPTS(rx(&e, MAC_P, MAC_X), "S:src");
	CHECK_DROP(&e, MV_DROP_NODST);
	CHECK_RCPTS(rx(&e, MAC_V, MAC_X), "S:src");
	CHECK_RCPTS(rx(&e, MAC_B, MAC_X), "S:src");
	CHECK_RCPTS(rx(&e, MAC_S, MAC_X), "S:src");
	CHECK_RCPTS(rx(&e, MAC_D, MAC_X), "S:src");
	CHECK_RCPTS(rx(&e, MAC_UNK, MAC_X), "S:src");
	CHECK_RCPTS(rx(&e, MAC_LOWER, MAC_X), "S:src");
	CHECK_DROP(&e, MV_DROP_NODST);
	/* Unchanged for E and for vif sources. */
	CHECK_RCPTS(rx(&e, MAC_V, MAC_E), "V:uni");
	CHECK_RCPTS(rx(&e, MAC_UNK, MAC_E), "lower");
	CHECK_RCPTS(rx(&e, MAC_S, MAC_E), "lower");
	CHECK_RCPTS(rx(&e, MAC_V, MAC_B), "V:uni");
	CHECK_RCPTS(rx(&e, MAC_LOWER, MAC_V), "lower");
	env_fini(&e);
}

/* Row: passthru port, vif UP: every unicast to the vif, L nothing. */
static void
test_51_passthru_up(void)
{
	struct env e;
	struct mv_vif *pt = pt_init(&e, true);

	CHECK_EQ(pt->mac, MAC_LOWER);
	CHECK_RCPTS(rx(&e, MAC_LOWER, MAC_E), "PT:uni");
	CHECK_RCPTS(rx(&e, MAC_UNK, MAC_E), "PT:uni");
	CHECK_RCPTS(rx(&e, MAC_V, MAC_E), "PT:uni");
	CHECK_RCPTS(rx(&e, MAC_UNK, MAC_LOWER), "PT:uni");
	CHECK_RCPTS(rx_full(&e, MAC_UNK, MAC_E, MV_ETHER_TYPE_VLAN, ETH_TEST, 64), "PT:uni");
	/* Multicast is flooded to it like to P/V/B (§7). */
	CHECK_RCPTS(rx(&e, BCAST, MAC_E), "PT:flood lower");
	CHECK_RCPTS(rx(&e, GRP_U, MAC_E), "lower");
	CHECK_EQ(mv_vif_mc_add(pt, GRP_G), 0);
	CHECK_RCPTS(rx(&e, GRP_G, MAC_E), "PT:flood lower");
	env_fini(&e);
}

/* Row: passthru port, vif DOWN: unicast dropped, nobody gets it. */
static void
test_51_passthru_down(void)
{
	struct env e;
	struct mv_vif *pt = pt_init(&e, false);

	CHECK_RCPTS(rx(&e, MAC_LOWER, MAC_E), "");
	CHECK_DROP(&e, MV_DROP_PASSTHRU_DOWN);
	CHECK_RCPTS(rx(&e, MAC_UNK, MAC_E), "");
	CHECK_DROP(&e, MV_DROP_PASSTHRU_DOWN);
	/* Broadcast still reaches the lower. */
	CHECK_RCPTS(rx(&e, BCAST, MAC_E), "lower");
	/* Up again: back to normal; down again: blackhole. */
	CHECK_EQ(mv_vif_set_up(pt, true), 0);
	CHECK_RCPTS(rx(&e, MAC_UNK, MAC_E), "PT:uni");
	CHECK_EQ(mv_vif_set_up(pt, false), 0);
	CHECK_RCPTS(rx(&e, MAC_UNK, MAC_E), "");
	CHECK_RCPTS(rx(&e, BCAST, MAC_E), "lower");
	/* A passthru vif sending while down. */
	CHECK_RCPTS(tx(&e, pt, MAC_UNK), "");
	CHECK_DROP(&e, MV_DROP_TX_VIF_DOWN);
	env_fini(&e);
}

/* ---------------------------------------------------------------------------
 * §5.2 Broadcast or multicast arriving from the wire: one test per row.
 */

/* Row: external source, the lower's MAC, or a DOWN vif. */
static void
test_52_external(void)
{
	static const mv_mac_t srcs[] = { MAC_E, MAC_LOWER, MAC_D };
	struct env e;
	struct ref r;

	ref_init(&e, &r);
	for (unsigned int i = 0; i < 3; i++) {
		CHECK_RCPTS(rx(&e, BCAST, srcs[i]),
			    "P:flood V:flood V2:flood B:flood B2:flood lower");
		CHECK_RCPTS(rx(&e, GRP_G, srcs[i]), "P:flood V:flood B:flood lower");
		CHECK_RCPTS(rx(&e, GRP_G2, srcs[i]), "V:flood B2:flood lower");
		/* Unsubscribed group: only L. */
		CHECK_RCPTS(rx(&e, GRP_U, srcs[i]), "lower");
	}
	env_fini(&e);
}

/* Row: listed source X (no NODST): S regardless of subscription + the flood. */
static void
test_52_listed_source(void)
{
	struct env e;
	struct ref r;

	ref_init(&e, &r);
	CHECK_RCPTS(rx(&e, BCAST, MAC_X), "S:src P:flood V:flood V2:flood B:flood B2:flood lower");
	CHECK_RCPTS(rx(&e, GRP_G, MAC_X), "S:src P:flood V:flood B:flood lower");
	CHECK_RCPTS(rx(&e, GRP_U, MAC_X), "S:src lower");
	CHECK_RCPTS(rx(&e, GRP_PAUSE, MAC_X), "S:src lower");
	env_fini(&e);
}

/* Row: listed source X, some matching S has NODST: matching UP S vifs only, no L. */
static void
test_52_listed_nodst(void)
{
	struct env e;
	struct ref r;
	struct mv_vif *s2;

	ref_init(&e, &r);
	s2 = vif_new(&e, "S2", MV_MODE_SOURCE, MAC_S2, true);
	CHECK_EQ(vif_source_add(s2, MAC_X), 0);
	CHECK_RCPTS(rx(&e, BCAST, MAC_X),
		    "S:src S2:src P:flood V:flood V2:flood B:flood B2:flood lower");
	CHECK_EQ(vif_set_flags(s2, MV_FLAG_NODST), 0);
	CHECK_RCPTS(rx(&e, BCAST, MAC_X), "S:src S2:src");
	CHECK_DROP(&e, MV_DROP_NODST);
	CHECK_RCPTS(rx(&e, GRP_G, MAC_X), "S:src S2:src");
	CHECK_RCPTS(rx(&e, GRP_U, MAC_X), "S:src S2:src");
	/* Others unchanged. */
	CHECK_RCPTS(rx(&e, GRP_G, MAC_E), "P:flood V:flood B:flood lower");
	env_fini(&e);
}

/* Row: an UP private vif P: P only (even unjoined groups), no L. */
static void
test_52_private_src(void)
{
	struct env e;
	struct ref r;

	ref_init(&e, &r);
	CHECK_RCPTS(rx(&e, BCAST, MAC_P), "P:refl");
	CHECK_EQ(e.v.act & MV_ACT_LOWER, 0);
	CHECK_RCPTS(rx(&e, GRP_G, MAC_P), "P:refl");
	CHECK_RCPTS(rx(&e, GRP_U, MAC_P), "P:refl");
	CHECK_RCPTS(rx(&e, GRP_G2, MAC_P), "P:refl");
	/* Once P is down, its MAC is an external source. */
	CHECK_EQ(mv_vif_set_up(r.P, false), 0);
	CHECK_RCPTS(rx(&e, BCAST, MAC_P), "V:flood V2:flood B:flood B2:flood lower");
	env_fini(&e);
}

/* Row: the UP passthru vif (= the lower's MAC): the passthru vif only, no L. */
static void
test_52_passthru_src(void)
{
	struct env e;
	struct mv_vif *pt = pt_init(&e, true);

	(void)pt;
	CHECK_RCPTS(rx(&e, BCAST, MAC_LOWER), "PT:refl");
	CHECK_RCPTS(rx(&e, GRP_U, MAC_LOWER), "PT:refl");
	CHECK_RCPTS(rx(&e, BCAST, MAC_E), "PT:flood lower");
	env_fini(&e);
}

/* Row: an UP source vif's own MAC: that S only, no L. */
static void
test_52_source_src(void)
{
	struct env e;
	struct ref r;

	ref_init(&e, &r);
	CHECK_RCPTS(rx(&e, BCAST, MAC_S), "S:refl");
	CHECK_RCPTS(rx(&e, GRP_G, MAC_S), "S:refl");
	CHECK_RCPTS(rx(&e, GRP_U, MAC_S), "S:refl");
	env_fini(&e);
}

/* Row: an UP vepa vif V: other UP subscribed V and B vifs, L. */
static void
test_52_vepa_src(void)
{
	struct env e;
	struct ref r;

	ref_init(&e, &r);
	CHECK_RCPTS(rx(&e, BCAST, MAC_V), "V2:flood B:flood B2:flood lower");
	CHECK_RCPTS(rx(&e, GRP_G, MAC_V), "B:flood lower");
	CHECK_RCPTS(rx(&e, GRP_G2, MAC_V), "B2:flood lower");
	CHECK_RCPTS(rx(&e, GRP_U, MAC_V), "lower");
	env_fini(&e);
}

/* Row: an UP bridge vif B: UP subscribed V vifs only, L. */
static void
test_52_bridge_src(void)
{
	struct env e;
	struct ref r;

	ref_init(&e, &r);
	CHECK_RCPTS(rx(&e, BCAST, MAC_B), "V:flood V2:flood lower");
	CHECK_RCPTS(rx(&e, GRP_G, MAC_B), "V:flood lower");
	CHECK_RCPTS(rx(&e, GRP_G2, MAC_B), "V:flood lower");
	CHECK_RCPTS(rx(&e, GRP_G2, MAC_B2), "V:flood lower");
	CHECK_RCPTS(rx(&e, GRP_U, MAC_B), "lower");
	env_fini(&e);
}

/* ---------------------------------------------------------------------------
 * §5.3 Frames transmitted by a vif: one test per sender mode (row).
 */

static void
test_53_private(void)
{
	struct env e;
	struct ref r;

	ref_init(&e, &r);
	CHECK_RCPTS(tx(&e, r.P, MAC_B2), "wire");
	CHECK_RCPTS(tx(&e, r.P, MAC_V), "wire");
	CHECK_RCPTS(tx(&e, r.P, MAC_S), "wire");
	CHECK_RCPTS(tx(&e, r.P, MAC_P), "wire");
	CHECK_RCPTS(tx(&e, r.P, MAC_UNK), "wire");
	CHECK_RCPTS(tx(&e, r.P, MAC_LOWER), "wire");
	CHECK_RCPTS(tx(&e, r.P, MAC_D), "wire");
	CHECK_RCPTS(tx(&e, r.P, BCAST), "wire");
	CHECK_RCPTS(tx(&e, r.P, GRP_G), "wire");
	CHECK_RCPTS(tx(&e, r.P, GRP_U), "wire");
	env_fini(&e);
}

static void
test_53_vepa(void)
{
	struct env e;
	struct ref r;

	ref_init(&e, &r);
	CHECK_RCPTS(tx(&e, r.V, MAC_B2), "wire");
	CHECK_RCPTS(tx(&e, r.V, MAC_V2), "wire");
	CHECK_RCPTS(tx(&e, r.V, MAC_P), "wire");
	CHECK_RCPTS(tx(&e, r.V, MAC_V), "wire");
	CHECK_RCPTS(tx(&e, r.V, MAC_UNK), "wire");
	CHECK_RCPTS(tx(&e, r.V, MAC_LOWER), "wire");
	CHECK_RCPTS(tx(&e, r.V, MAC_D), "wire");
	CHECK_RCPTS(tx(&e, r.V, BCAST), "wire");
	CHECK_RCPTS(tx(&e, r.V, GRP_G2), "wire");
	CHECK_RCPTS(tx(&e, r.V, GRP_U), "wire");
	env_fini(&e);
}

static void
test_53_bridge(void)
{
	struct env e;
	struct ref r;
	struct mv_vif *db;

	ref_init(&e, &r);
	db = vif_new(&e, "DB", MV_MODE_BRIDGE, MAC_DB, false);
	(void)db;
	/* To an UP bridge vif: that vif only, locally; no W, no L. */
	CHECK_RCPTS(tx(&e, r.B, MAC_B2), "B2:uni");
	CHECK_DROP(&e, MV_DROP_NONE);
	CHECK_RCPTS(tx(&e, r.B2, MAC_B), "B:uni");
	/* To an UP vif of another mode: W. */
	CHECK_RCPTS(tx(&e, r.B, MAC_V), "wire");
	CHECK_RCPTS(tx(&e, r.B, MAC_P), "wire");
	CHECK_RCPTS(tx(&e, r.B, MAC_S), "wire");
	/* To itself: itself, locally. */
	CHECK_RCPTS(tx(&e, r.B, MAC_B), "B:uni");
	/* Unknown, the lower, a DOWN vif (bridge or not): W. */
	CHECK_RCPTS(tx(&e, r.B, MAC_UNK), "wire");
	CHECK_RCPTS(tx(&e, r.B, MAC_LOWER), "wire");
	CHECK_RCPTS(tx(&e, r.B, MAC_D), "wire");
	CHECK_RCPTS(tx(&e, r.B, MAC_DB), "wire");
	/* Broadcast / multicast: other UP subscribed bridge vifs + W; not L/V/P/S. */
	CHECK_RCPTS(tx(&e, r.B, BCAST), "B2:flood wire");
	CHECK_RCPTS(tx(&e, r.B2, BCAST), "B:flood wire");
	CHECK_RCPTS(tx(&e, r.B, GRP_G2), "B2:flood wire");
	CHECK_RCPTS(tx(&e, r.B, GRP_G), "wire");
	CHECK_RCPTS(tx(&e, r.B2, GRP_G), "B:flood wire");
	CHECK_RCPTS(tx(&e, r.B, GRP_U), "wire");
	/* Source entries matching the sender get a copy of bridge-local unicast only. */
	CHECK_EQ(vif_source_add(r.S, MAC_B), 0);
	CHECK_RCPTS(tx(&e, r.B, MAC_B2), "S:src B2:uni");
	CHECK_RCPTS(tx(&e, r.B, BCAST), "B2:flood wire");
	CHECK_RCPTS(tx(&e, r.B, MAC_UNK), "wire");
	env_fini(&e);
}

static void
test_53_passthru(void)
{
	struct env e;
	struct mv_vif *pt = pt_init(&e, true);

	CHECK_RCPTS(tx(&e, pt, MAC_LOWER), "wire");
	CHECK_RCPTS(tx(&e, pt, MAC_UNK), "wire");
	CHECK_RCPTS(tx(&e, pt, BCAST), "wire");
	CHECK_RCPTS(tx(&e, pt, GRP_U), "wire");
	env_fini(&e);
}

static void
test_53_source(void)
{
	struct env e;
	struct ref r;

	ref_init(&e, &r);
	CHECK_RCPTS(tx(&e, r.S, MAC_B2), "wire");
	CHECK_RCPTS(tx(&e, r.S, MAC_V), "wire");
	CHECK_RCPTS(tx(&e, r.S, MAC_S), "wire");
	CHECK_RCPTS(tx(&e, r.S, MAC_UNK), "wire");
	CHECK_RCPTS(tx(&e, r.S, MAC_LOWER), "wire");
	CHECK_RCPTS(tx(&e, r.S, MAC_D), "wire");
	CHECK_RCPTS(tx(&e, r.S, BCAST), "wire");
	CHECK_RCPTS(tx(&e, r.S, GRP_G), "wire");
	/* A frame spoofing X from S is still only for the wire. */
	CHECK_RCPTS(tx_full(&e, r.S, BCAST, MAC_X, 0, ETH_TEST, 60), "wire");
	env_fini(&e);
}

/*
 * §5.4: a hairpinning switch on the wire. What a vif sends is classified as
 * transmitted; what goes to the wire comes back and is classified as received.
 * Returns every copy of both steps (the "wire" token of the first removed).
 */
static const char *
hairpin(struct env *e, struct mv_vif *from, mv_mac_t dst)
{
	char first[1024], *w;
	bool to_wire;

	snprintf(first, sizeof(first), "%s", tx(e, from, dst));
	to_wire = (e->v.act & MV_ACT_WIRE) != 0;
	w = strstr(first, "wire");
	if (w != NULL)
		memmove(w, w + 4, strlen(w + 4) + 1);
	if (to_wire) {
		char both[2048];

		snprintf(both, sizeof(both), "%s %s", first, rx(e, dst, from->mac));
		normalise(both, e->got, sizeof(e->got));
	} else {
		normalise(first, e->got, sizeof(e->got));
	}
	return e->got;
}

static void
test_54_hairpin(void)
{
	struct env e;
	struct ref r;
	struct mv_vif *p2;

	ref_init(&e, &r);
	p2 = vif_new(&e, "P2", MV_MODE_PRIVATE, MAC_P2, true);
	CHECK_RCPTS(hairpin(&e, r.P, MAC_P2), "P2:uni");
	CHECK_RCPTS(hairpin(&e, p2, MAC_P), "P:uni");
	CHECK_RCPTS(hairpin(&e, r.P, BCAST), "P:refl");
	CHECK_RCPTS(hairpin(&e, r.V, MAC_V2), "V2:uni");
	CHECK_RCPTS(hairpin(&e, r.V, MAC_P), "P:uni");
	CHECK_RCPTS(hairpin(&e, r.V, BCAST), "B:flood B2:flood V2:flood lower");
	/* B2 gets one copy (locally), not a second one from the reflection. */
	CHECK_RCPTS(hairpin(&e, r.B, BCAST), "B2:flood V:flood V2:flood lower");
	CHECK_RCPTS(hairpin(&e, r.B, MAC_V), "V:uni");
	CHECK_RCPTS(hairpin(&e, r.V, MAC_LOWER), "lower");
	CHECK_RCPTS(hairpin(&e, r.B, MAC_LOWER), "lower");
	CHECK_RCPTS(hairpin(&e, r.S, BCAST), "S:refl");
	env_fini(&e);
}

/* The lower's own stack transmits: the wire only. */
static void
test_lower_tx(void)
{
	struct env e;
	struct ref r;
	struct mv_frame_info fi;
	char buf[64];

	ref_init(&e, &r);
	fib_refresh(&e);
	static const mv_mac_t dsts[] = { MAC_B, MAC_V, MAC_UNK, BCAST, GRP_G };
	for (unsigned int i = 0; i < 5; i++) {
		if (!frame_info(&fi, dsts[i], MAC_LOWER, 0, ETH_TEST, 60))
			continue;
		e.v = mv_classify_lower_tx(e.fib, &fi);
		snprintf(buf, sizeof(buf), "%s", describe(&e, 60));
		CHECK_RCPTS(buf, "wire");
	}
	env_fini(&e);
}

/* ---------------------------------------------------------------------------
 * Passthru, NODST, PAUSE, MTU, down sender, carrier, queue, groups.
 */

static void
test_passthru_all_unicast(void)
{
	struct env e;
	struct mv_vif *pt = pt_init(&e, true);
	struct mv_deltas d = { 0 };

	/* VLAN-tagged and long frames too; the vif MTU is not checked on receive. */
	CHECK_RCPTS(rx_full(&e, MAC_LOWER, MAC_E, MV_ETHER_TYPE_QINQ, ETH_TEST, 1518), "PT:uni");
	CHECK_EQ(mv_vif_set_mtu(pt, 1000), 0);
	CHECK_RCPTS(rx_full(&e, MAC_UNK, MAC_E, 0, ETH_TEST, 1414), "PT:uni");
	/* The lower's MAC changes: the vif follows and still gets everything. */
	CHECK_EQ(mv_lower_set_mac(e.port, UINT64_C(0x02aa00000002), &d), 0);
	mv_deltas_free(&d);
	CHECK_EQ(pt->mac, UINT64_C(0x02aa00000002));
	CHECK_RCPTS(rx(&e, UINT64_C(0x02aa00000002), MAC_E), "PT:uni");
	CHECK_RCPTS(rx(&e, MAC_LOWER, MAC_E), "PT:uni");
	CHECK_RCPTS(rx(&e, BCAST, UINT64_C(0x02aa00000002)), "PT:refl");
	env_fini(&e);
}

/* A DOWN NODST vif still makes matching frames disappear (§4.2). */
static void
test_nodst_down_vif(void)
{
	struct env e;
	struct ref r;

	ref_init(&e, &r);
	CHECK_EQ(vif_set_flags(r.S, MV_FLAG_NODST), 0);
	CHECK_EQ(mv_vif_set_up(r.S, false), 0);
	CHECK_RCPTS(rx(&e, MAC_V, MAC_X), "");
	CHECK_DROP(&e, MV_DROP_NODST);
	CHECK_RCPTS(rx(&e, BCAST, MAC_X), "");
	CHECK_DROP(&e, MV_DROP_NODST);
	CHECK_RCPTS(rx(&e, MAC_UNK, MAC_X), "");
	CHECK_RCPTS(rx(&e, MAC_LOWER, MAC_X), "");
	/* Clearing the flag restores normal delivery (S is still down). */
	CHECK_EQ(vif_set_flags(r.S, 0), 0);
	CHECK_RCPTS(rx(&e, MAC_V, MAC_X), "V:uni");
	CHECK_RCPTS(rx(&e, BCAST, MAC_X), "P:flood V:flood V2:flood B:flood B2:flood lower");
	env_fini(&e);
}

/* A NODST source vif listing a bridge vif's MAC steals its local unicast (§5.3 note). */
static void
test_nodst_steals_bridge_local(void)
{
	struct env e;
	struct ref r;

	ref_init(&e, &r);
	CHECK_EQ(vif_source_add(r.S, MAC_B), 0);
	CHECK_EQ(vif_set_flags(r.S, MV_FLAG_NODST), 0);
	CHECK_RCPTS(tx(&e, r.B, MAC_B2), "S:src");
	CHECK_DROP(&e, MV_DROP_NODST);
	/* Local multicast does not pass through the lower's rx path. */
	CHECK_RCPTS(tx(&e, r.B, BCAST), "B2:flood wire");
	CHECK_RCPTS(tx(&e, r.B, MAC_UNK), "wire");
	CHECK_RCPTS(tx(&e, r.B2, MAC_B), "B:uni");
	/* The reflection of B's frame from the wire is stolen too. */
	CHECK_RCPTS(rx(&e, MAC_B2, MAC_B), "S:src");
	/* Down NODST vif: local unicast vanishes completely. */
	CHECK_EQ(mv_vif_set_up(r.S, false), 0);
	CHECK_RCPTS(tx(&e, r.B, MAC_B2), "");
	CHECK_DROP(&e, MV_DROP_NODST);
	env_fini(&e);
}

/* PAUSE (0x8808) is never flooded; the lower still gets it. */
static void
test_pause(void)
{
	struct env e;
	struct ref r;

	ref_init(&e, &r);
	CHECK_EQ(mv_vif_mc_add(r.V, GRP_PAUSE), 0);
	CHECK_EQ(mv_vif_mc_add(r.B2, GRP_PAUSE), 0);
	CHECK_EQ(mv_vif_set_allmulti(r.V2, true), 0);
	CHECK_RCPTS(rx_full(&e, GRP_PAUSE, MAC_E, 0, MV_ETHER_TYPE_PAUSE, 60), "lower");
	CHECK_RCPTS(rx_full(&e, BCAST, MAC_E, 0, MV_ETHER_TYPE_PAUSE, 60), "lower");
	CHECK_RCPTS(rx_full(&e, GRP_PAUSE, MAC_V, 0, MV_ETHER_TYPE_PAUSE, 60), "lower");
	CHECK_RCPTS(rx_full(&e, GRP_PAUSE, MAC_B, 0, MV_ETHER_TYPE_PAUSE, 60), "lower");
	/* Other link-local groups get no special treatment. */
	CHECK_RCPTS(rx_full(&e, GRP_PAUSE, MAC_E, 0, ETH_TEST, 60),
		    "V:flood V2:flood B2:flood lower");
	/* From a bridge vif: not flooded locally, still sent. */
	CHECK_RCPTS(tx_full(&e, r.B, GRP_PAUSE, MAC_B, 0, MV_ETHER_TYPE_PAUSE, 60), "wire");
	CHECK_RCPTS(tx_full(&e, r.B, BCAST, MAC_B, 0, MV_ETHER_TYPE_PAUSE, 60), "wire");
	env_fini(&e);
}

/* Bridge-local multicast only to targets with len <= mtu + 18. */
static void
test_mtu_bridge_local_mcast(void)
{
	struct env e;
	struct mv_vif *b0, *b1, *b2;

	env_init(&e);
	b0 = vif_new_mtu(&e, "b0", MV_MODE_BRIDGE, MAC_B, 1000);
	b1 = vif_new(&e, "b1", MV_MODE_BRIDGE, MAC_B2, true);
	b2 = vif_new_mtu(&e, "b2", MV_MODE_BRIDGE, MAC_P, 1400);
	(void)b0;
	(void)b2;
	CHECK_RCPTS(tx_len(&e, b1, BCAST, 1018), "b0:flood b2:flood wire");
	CHECK(e.v.act & MV_ACT_MTU);
	CHECK_RCPTS(tx_len(&e, b1, BCAST, 1019), "b0:big b2:flood wire");
	CHECK_RCPTS(tx_len(&e, b1, BCAST, 1418), "b0:big b2:flood wire");
	CHECK_RCPTS(tx_len(&e, b1, BCAST, 1419), "b0:big b2:big wire");
	CHECK_RCPTS(tx_len(&e, b1, BCAST, 1514), "b0:big b2:big wire");
	/* A VLAN tag is counted in the frame length; the +18 covers it. */
	CHECK_RCPTS(tx_full(&e, b1, BCAST, MAC_B2, MV_ETHER_TYPE_VLAN, ETH_TEST, 1018),
		    "b0:flood b2:flood wire");
	/* Bridge-local unicast does not check the target's MTU (§5.3). */
	CHECK_RCPTS(tx_len(&e, b1, MAC_B, 1200), "b0:uni");
	CHECK_RCPTS(tx_len(&e, b1, MAC_B, 1514), "b0:uni");
	env_fini(&e);
}

/* A vif sending more than mtu + 14 bytes (+4 when tagged) is dropped. */
static void
test_mtu_tx(void)
{
	struct env e;
	struct mv_vif *b0, *b1, *v0;

	env_init(&e);
	b0 = vif_new_mtu(&e, "b0", MV_MODE_BRIDGE, MAC_B, 1000);
	b1 = vif_new(&e, "b1", MV_MODE_BRIDGE, MAC_B2, true);
	v0 = vif_new(&e, "v0", MV_MODE_VEPA, MAC_V, true);
	CHECK_RCPTS(tx_len(&e, b0, MAC_UNK, 1014), "wire");
	CHECK_RCPTS(tx_len(&e, b0, MAC_UNK, 1015), "");
	CHECK_DROP(&e, MV_DROP_TX_MTU);
	CHECK_RCPTS(tx_len(&e, b0, MAC_UNK, 1200), "");
	CHECK_DROP(&e, MV_DROP_TX_MTU);
	CHECK_RCPTS(tx_len(&e, b0, MAC_B2, 1200), "");
	CHECK_DROP(&e, MV_DROP_TX_MTU);
	CHECK_RCPTS(tx_len(&e, b0, BCAST, 1015), "");
	CHECK_DROP(&e, MV_DROP_TX_MTU);
	CHECK_RCPTS(tx_len(&e, b0, MAC_B2, 1014), "b1:uni");
	/* Tagged: 4 bytes more. */
	CHECK_RCPTS(tx_full(&e, b0, MAC_UNK, MAC_B, MV_ETHER_TYPE_VLAN, ETH_TEST, 1018), "wire");
	CHECK_RCPTS(tx_full(&e, b0, MAC_UNK, MAC_B, MV_ETHER_TYPE_VLAN, ETH_TEST, 1019), "");
	CHECK_DROP(&e, MV_DROP_TX_MTU);
	/* Default MTU 1500. */
	CHECK_RCPTS(tx_len(&e, v0, MAC_UNK, 1514), "wire");
	CHECK_RCPTS(tx_len(&e, v0, MAC_UNK, 1515), "");
	CHECK_DROP(&e, MV_DROP_TX_MTU);
	CHECK_RCPTS(tx_len(&e, b1, BCAST, 1514), "b0:big wire");
	CHECK_RCPTS(tx_len(&e, b1, BCAST, 1515), "");
	CHECK_DROP(&e, MV_DROP_TX_MTU);
	/* Raising the MTU (within the lower's) allows more. */
	CHECK_EQ(mv_vif_set_mtu(b0, 1500), 0);
	CHECK_RCPTS(tx_len(&e, b0, MAC_UNK, 1200), "wire");
	env_fini(&e);
}

/* The receive path never checks the vif MTU (§4). */
static void
test_mtu_rx_unchecked(void)
{
	struct env e;
	struct mv_vif *v0, *v1, *b0, *s0;

	env_init(&e);
	v0 = vif_new_mtu(&e, "v0", MV_MODE_VEPA, MAC_V, 1000);
	v1 = vif_new_mtu(&e, "v1", MV_MODE_VEPA, MAC_V2, 1000);
	b0 = vif_new_mtu(&e, "b0", MV_MODE_BRIDGE, MAC_B, 1000);
	s0 = vif_new_mtu(&e, "s0", MV_MODE_SOURCE, MAC_S, 1000);
	(void)v1;
	(void)b0;
	CHECK_EQ(vif_source_add(s0, MAC_X), 0);
	CHECK_RCPTS(rx_full(&e, MAC_V, MAC_E, 0, ETH_TEST, 1414), "v0:uni");
	CHECK_RCPTS(rx_full(&e, MAC_V, MAC_X, 0, ETH_TEST, 1514), "s0:src v0:uni");
	CHECK_RCPTS(rx_full(&e, BCAST, MAC_E, 0, ETH_TEST, 1414),
		    "v0:flood v1:flood b0:flood lower");
	/* Reflected from the wire: the +14 quirk of local multicast does not apply. */
	CHECK_RCPTS(rx_full(&e, BCAST, MAC_V, 0, ETH_TEST, 1514), "v1:flood b0:flood lower");
	CHECK_RCPTS(rx_full(&e, BCAST, MAC_S, 0, ETH_TEST, 1514), "s0:refl");
	CHECK_RCPTS(rx_full(&e, MAC_V, MAC_E, MV_ETHER_TYPE_VLAN, ETH_TEST, 9018), "v0:uni");
	(void)v0;
	env_fini(&e);
}

/* A vif that is down sends nothing. */
static void
test_down_sender(void)
{
	struct env e;
	struct ref r;

	ref_init(&e, &r);
	CHECK_RCPTS(tx(&e, r.D, MAC_UNK), "");
	CHECK_DROP(&e, MV_DROP_TX_VIF_DOWN);
	CHECK_RCPTS(tx(&e, r.D, BCAST), "");
	CHECK_DROP(&e, MV_DROP_TX_VIF_DOWN);
	CHECK_EQ(mv_vif_set_up(r.B, false), 0);
	CHECK_RCPTS(tx(&e, r.B, MAC_B2), "");
	CHECK_DROP(&e, MV_DROP_TX_VIF_DOWN);
	CHECK_RCPTS(tx(&e, r.B, BCAST), "");
	CHECK_DROP(&e, MV_DROP_TX_VIF_DOWN);
	/* ... and the others do not see it as a bridge peer either. */
	CHECK_RCPTS(tx(&e, r.B2, MAC_B), "wire");
	CHECK_RCPTS(tx(&e, r.B2, BCAST), "wire");
	/* An unknown sender slot. */
	{
		struct mv_frame_info fi;

		fib_refresh(&e);
		if (frame_info(&fi, MAC_UNK, MAC_E, 0, ETH_TEST, 60)) {
			e.v = mv_classify_tx(e.fib, 4000, &fi);
			CHECK_RCPTS(describe(&e, 60), "");
			CHECK_DROP(&e, MV_DROP_TX_BAD_VIF);
		}
	}
	env_fini(&e);
}

/* Lower without carrier (or admin down): nothing from the wire, vif tx dropped. */
static void
test_no_carrier(void)
{
	struct env e;
	struct ref r;
	struct mv_deltas d = { 0 };

	ref_init(&e, &r);
	for (int pass = 0; pass < 2; pass++) {
		/* pass 0: admin down (carrier kept); pass 1: up without carrier. */
		CHECK_EQ(mv_lower_set_link(e.port, pass == 1, pass == 0, &d), 0);
		mv_deltas_free(&d);
		memset(&d, 0, sizeof(d));
		CHECK(!r.V->carrier);
		CHECK(r.V->admin_up);
		CHECK_RCPTS(rx(&e, MAC_V, MAC_E), "");
		CHECK_DROP(&e, MV_DROP_LOWER_DOWN);
		CHECK_RCPTS(rx(&e, BCAST, MAC_E), "");
		CHECK_DROP(&e, MV_DROP_LOWER_DOWN);
		CHECK_RCPTS(rx(&e, MAC_UNK, MAC_X), "");
		CHECK_RCPTS(rx(&e, BCAST, MAC_P), "");
		CHECK_RCPTS(tx(&e, r.B, MAC_B2), "");
		CHECK_DROP(&e, MV_DROP_TX_NO_CARRIER);
		CHECK_RCPTS(tx(&e, r.B, BCAST), "");
		CHECK_DROP(&e, MV_DROP_TX_NO_CARRIER);
		CHECK_RCPTS(tx(&e, r.B, MAC_UNK), "");
		CHECK_RCPTS(tx(&e, r.V, MAC_B), "");
		CHECK_DROP(&e, MV_DROP_TX_NO_CARRIER);
		CHECK_RCPTS(tx(&e, r.P, BCAST), "");
		/* Carrier back: everything recovers by itself. */
		CHECK_EQ(mv_lower_set_link(e.port, true, true, &d), 0);
		mv_deltas_free(&d);
		memset(&d, 0, sizeof(d));
		CHECK(r.V->carrier);
		CHECK_RCPTS(rx(&e, MAC_V, MAC_E), "V:uni");
		CHECK_RCPTS(tx(&e, r.B, MAC_B2), "B2:uni");
	}
	env_fini(&e);

	/* A vif created while the lower has no carrier comes up without carrier. */
	env_init_params(&e, 64, false);
	{
		struct mv_vif *b0 = vif_new(&e, "b0", MV_MODE_BRIDGE, MAC_B, true);
		struct mv_vif *b1 = vif_new(&e, "b1", MV_MODE_BRIDGE, MAC_B2, true);

		CHECK(!b0->carrier);
		CHECK_RCPTS(tx(&e, b0, MAC_B2), "");
		CHECK_DROP(&e, MV_DROP_TX_NO_CARRIER);
		CHECK_RCPTS(rx(&e, MAC_B2, MAC_E), "");
		CHECK_DROP(&e, MV_DROP_LOWER_DOWN);
		(void)b1;
	}
	env_fini(&e);
}

/* bc_queue_len_used 0: the queued flood is dropped, the lower still gets it. */
static void
test_bc_queue_zero(void)
{
	struct env e;
	struct ref r;

	ref_init(&e, &r);
	for (unsigned int i = 0; i < e.n; i++)
		CHECK_EQ(vif_bc_queue_len(e.vifs[i], 0), 0);
	CHECK_EQ(e.port->bc_queue_len_used, 0);
	CHECK_RCPTS(rx(&e, BCAST, MAC_E), "lower");
	CHECK_DROP(&e, MV_DROP_BC_QUEUE);
	CHECK_RCPTS(rx(&e, BCAST, MAC_V), "lower");
	CHECK_DROP(&e, MV_DROP_BC_QUEUE);
	/* Source copies are made before the queue. */
	CHECK_RCPTS(rx(&e, BCAST, MAC_X), "S:src lower");
	CHECK_DROP(&e, MV_DROP_BC_QUEUE);
	/* Reflection to the originator does not use the queue. */
	CHECK_RCPTS(rx(&e, BCAST, MAC_P), "P:refl");
	/* Unicast is unaffected. */
	CHECK_RCPTS(rx(&e, MAC_V, MAC_E), "V:uni");
	/* Bridge-local transmit flooding is unaffected. */
	CHECK_RCPTS(tx(&e, r.B, BCAST), "B2:flood wire");
	/* One vif (even a down one) asking for a queue is enough. */
	CHECK_EQ(vif_bc_queue_len(r.D, 5), 0);
	CHECK_EQ(e.port->bc_queue_len_used, 5);
	CHECK_RCPTS(rx(&e, BCAST, MAC_E), "P:flood V:flood V2:flood B:flood B2:flood lower");
	CHECK_EQ(vif_bc_queue_len(r.D, 0), 0);

	/* bclim -1: nothing is queued, so a zero-length queue drops nothing. */
	CHECK_EQ(vif_bc_cutoff(r.V, -1), 0);
	CHECK_EQ(e.port->bc_cutoff, -1);
	CHECK_RCPTS(rx(&e, BCAST, MAC_E), "P:flood V:flood V2:flood B:flood B2:flood lower");
	CHECK_QUEUED(&e, false);
	CHECK_DROP(&e, MV_DROP_NONE);
	CHECK_RCPTS(rx(&e, GRP_G, MAC_E), "P:flood V:flood B:flood lower");
	CHECK_QUEUED(&e, false);
	CHECK_RCPTS(rx(&e, BCAST, MAC_B), "V:flood V2:flood lower");
	CHECK_QUEUED(&e, false);
	env_fini(&e);
}

/* bc_queue_len_used is the maximum over every vif, down ones included (§6.2). */
static void
test_bc_queue_len_used(void)
{
	struct env e;
	struct mv_vif *a, *b, *c;

	env_init(&e);
	CHECK_EQ(e.port->bc_queue_len_used, 0);
	a = vif_new(&e, "a", MV_MODE_VEPA, MAC_V, true);
	CHECK_EQ(e.port->bc_queue_len_used, MV_DEFAULT_BC_QUEUE_LEN);
	b = vif_new(&e, "b", MV_MODE_VEPA, MAC_V2, false);
	CHECK_EQ(vif_bc_queue_len(b, 5000), 0);
	CHECK_EQ(e.port->bc_queue_len_used, 5000);
	c = vif_new(&e, "c", MV_MODE_VEPA, MAC_B, true);
	CHECK_EQ(vif_bc_queue_len(c, 10), 0);
	CHECK_EQ(e.port->bc_queue_len_used, 5000);
	mv_vif_delete(&e.ctl, b);
	CHECK_EQ(e.port->bc_queue_len_used, MV_DEFAULT_BC_QUEUE_LEN);
	fib_refresh(&e);
	CHECK_EQ(e.fib->bc_queue_len, MV_DEFAULT_BC_QUEUE_LEN);
	(void)a;
	env_fini(&e);
}

/*
 * Queued flag (§6.1) on a port with unicast filtering (not promiscuous): a
 * group synced by more than bc_cutoff vifs goes through the queue; others
 * are flooded inline; broadcast is always queued unless the cutoff is < 0.
 */
static void
test_bc_cutoff_queue(void)
{
	struct env e;
	struct mv_vif *v0, *v1, *v2;

	env_init_params(&e, 1024, true);
	v0 = vif_new(&e, "v0", MV_MODE_VEPA, MAC_V, true);
	v1 = vif_new(&e, "v1", MV_MODE_VEPA, MAC_V2, true);
	v2 = vif_new(&e, "v2", MV_MODE_BRIDGE, MAC_B, true);
	CHECK(!mv_port_is_promisc(e.port));
	CHECK(!mv_port_is_allmulti(e.port));
	CHECK_EQ(e.port->bc_cutoff, MV_DEFAULT_BC_CUTOFF);
	CHECK_EQ(mv_vif_mc_add(v0, GRP_G), 0);
	CHECK_EQ(mv_vif_mc_add(v0, GRP_G2), 0);
	CHECK_EQ(mv_vif_mc_add(v1, GRP_G2), 0);

	/* Cutoff 1 (default): one subscriber inline, two queued, broadcast queued. */
	CHECK_RCPTS(rx(&e, GRP_G, MAC_E), "v0:flood lower");
	CHECK_QUEUED(&e, false);
	CHECK_RCPTS(rx(&e, GRP_G2, MAC_E), "v0:flood v1:flood lower");
	CHECK_QUEUED(&e, true);
	CHECK_RCPTS(rx(&e, BCAST, MAC_E), "v0:flood v1:flood v2:flood lower");
	CHECK_QUEUED(&e, true);
	/* Reflected from the wire, the same filter applies. */
	CHECK_RCPTS(rx(&e, GRP_G2, MAC_B), "v0:flood v1:flood lower");
	CHECK_QUEUED(&e, true);
	CHECK_RCPTS(rx(&e, GRP_G, MAC_V2), "v0:flood lower");
	CHECK_QUEUED(&e, false);
	/* A second subscriber makes G queued; leaving makes it inline again. */
	CHECK_EQ(mv_vif_mc_add(v2, GRP_G), 0);
	CHECK_RCPTS(rx(&e, GRP_G, MAC_E), "v0:flood v2:flood lower");
	CHECK_QUEUED(&e, true);
	CHECK_EQ(mv_vif_mc_del(v2, GRP_G), 0);
	CHECK_RCPTS(rx(&e, GRP_G, MAC_E), "v0:flood lower");
	CHECK_QUEUED(&e, false);

	/* Cutoff 0: every subscribed group is queued. */
	CHECK_EQ(vif_bc_cutoff(v2, 0), 0);
	CHECK_EQ(e.port->bc_cutoff, 0);
	CHECK_RCPTS(rx(&e, GRP_G, MAC_E), "v0:flood lower");
	CHECK_QUEUED(&e, true);
	CHECK_RCPTS(rx(&e, GRP_G2, MAC_E), "v0:flood v1:flood lower");
	CHECK_QUEUED(&e, true);
	CHECK_RCPTS(rx(&e, BCAST, MAC_E), "v0:flood v1:flood v2:flood lower");
	CHECK_QUEUED(&e, true);

	/* A large cutoff queues only broadcast. */
	CHECK_EQ(vif_bc_cutoff(v1, 100), 0);
	CHECK_RCPTS(rx(&e, GRP_G2, MAC_E), "v0:flood v1:flood lower");
	CHECK_QUEUED(&e, false);
	CHECK_RCPTS(rx(&e, BCAST, MAC_E), "v0:flood v1:flood v2:flood lower");
	CHECK_QUEUED(&e, true);

	/* Cutoff -1: nothing is queued. */
	CHECK_EQ(vif_bc_cutoff(v0, -1), 0);
	CHECK_RCPTS(rx(&e, GRP_G2, MAC_E), "v0:flood v1:flood lower");
	CHECK_QUEUED(&e, false);
	CHECK_RCPTS(rx(&e, BCAST, MAC_E), "v0:flood v1:flood v2:flood lower");
	CHECK_QUEUED(&e, false);

	/* The cutoff survives while other vifs remain (§9.5). */
	mv_vif_delete(&e.ctl, v0);
	CHECK_EQ(e.port->bc_cutoff, -1);
	CHECK_RCPTS(rx(&e, BCAST, MAC_E), "v1:flood v2:flood lower");
	CHECK_QUEUED(&e, false);
	env_fini(&e);
}

/* A lower that is promiscuous or allmulti has all-ones port filters: all queued. */
static void
test_bc_cutoff_promisc_lower(void)
{
	struct env e;
	struct mv_vif *v0, *v1;

	/* Without unicast filtering, the first UP vif makes the lower promiscuous. */
	env_init_params(&e, 0, true);
	v0 = vif_new(&e, "v0", MV_MODE_VEPA, MAC_V, true);
	CHECK(mv_port_is_promisc(e.port));
	CHECK_EQ(mv_vif_mc_add(v0, GRP_G), 0);
	CHECK_RCPTS(rx(&e, GRP_G, MAC_E), "v0:flood lower");
	CHECK_QUEUED(&e, true);
	env_fini(&e);

	/* An allmulti vif makes the lower allmulti. */
	env_init_params(&e, 1024, true);
	v0 = vif_new(&e, "v0", MV_MODE_VEPA, MAC_V, true);
	v1 = vif_new(&e, "v1", MV_MODE_VEPA, MAC_V2, true);
	CHECK_EQ(mv_vif_mc_add(v0, GRP_G), 0);
	CHECK_RCPTS(rx(&e, GRP_G, MAC_E), "v0:flood lower");
	CHECK_QUEUED(&e, false);
	CHECK_EQ(mv_vif_set_allmulti(v1, true), 0);
	CHECK(mv_port_is_allmulti(e.port));
	CHECK_RCPTS(rx(&e, GRP_G, MAC_E), "v0:flood v1:flood lower");
	CHECK_QUEUED(&e, true);
	CHECK_RCPTS(rx(&e, GRP_U, MAC_E), "v1:flood lower");
	CHECK_QUEUED(&e, true);
	/* ... and cutoff -1 still queues nothing. */
	CHECK_EQ(vif_bc_cutoff(v1, -1), 0);
	CHECK_RCPTS(rx(&e, GRP_G, MAC_E), "v0:flood v1:flood lower");
	CHECK_QUEUED(&e, false);
	env_fini(&e);
}

/* ALLMULTI and PROMISC vifs get every group, but no foreign unicast. */
static void
test_allmulti_promisc(void)
{
	struct env e;
	struct ref r;

	ref_init(&e, &r);
	CHECK_EQ(mv_vif_set_allmulti(r.V2, true), 0);
	CHECK_EQ(mv_vif_set_promisc(r.B2, true), 0);
	CHECK_RCPTS(rx(&e, GRP_U, MAC_E), "V2:flood B2:flood lower");
	CHECK_RCPTS(rx(&e, GRP_G, MAC_E), "P:flood V:flood V2:flood B:flood B2:flood lower");
	CHECK_RCPTS(rx(&e, GRP_U, MAC_V), "V2:flood B2:flood lower");
	CHECK_RCPTS(rx(&e, GRP_U, MAC_B), "V2:flood lower");
	/* Bridge-local multicast to a promisc bridge vif. */
	CHECK_RCPTS(tx(&e, r.B, GRP_U), "B2:flood wire");
	/* No foreign unicast for a promisc vif. */
	CHECK_RCPTS(rx(&e, MAC_UNK, MAC_E), "lower");
	CHECK_RCPTS(rx(&e, MAC_V, MAC_E), "V:uni");
	/* Allmulti/promisc on a source vif gives it no flood. */
	CHECK_EQ(mv_vif_set_allmulti(r.S, true), 0);
	CHECK_RCPTS(rx(&e, GRP_U, MAC_E), "V2:flood B2:flood lower");
	/* Turned off again. */
	CHECK_EQ(mv_vif_set_allmulti(r.V2, false), 0);
	CHECK_EQ(mv_vif_set_promisc(r.B2, false), 0);
	CHECK_RCPTS(rx(&e, GRP_U, MAC_E), "lower");
	/* Allmulti on a down vif gives it nothing. */
	CHECK_EQ(mv_vif_set_allmulti(r.D, true), 0);
	CHECK_RCPTS(rx(&e, GRP_U, MAC_E), "lower");
	env_fini(&e);
}

/* Exact multicast membership: no hash collisions, join/leave, down members. */
static void
test_mc_exact(void)
{
	struct env e;
	struct ref r;
	/* Same low 32 bits as G: would share a bit of the kernel's hash. */
	const mv_mac_t g_alias = UINT64_C(0x0100ffffff01);
	const mv_mac_t g_near = GRP_G ^ 1;

	ref_init(&e, &r);
	CHECK_RCPTS(rx(&e, g_alias, MAC_E), "lower");
	CHECK_RCPTS(rx(&e, g_near, MAC_E), "lower");
	CHECK_EQ(mv_vif_mc_add(r.V2, g_near), 0);
	CHECK_RCPTS(rx(&e, g_near, MAC_E), "V2:flood lower");
	CHECK_RCPTS(rx(&e, GRP_G, MAC_E), "P:flood V:flood B:flood lower");
	/* Joining twice is no change; leaving once leaves. */
	CHECK_EQ(mv_vif_mc_add(r.V2, g_near), 0);
	CHECK_EQ(mv_vif_mc_del(r.V2, g_near), 0);
	CHECK_RCPTS(rx(&e, g_near, MAC_E), "lower");
	CHECK_EQ(mv_vif_mc_del(r.V2, g_near), -ENOENT);
	CHECK_EQ(mv_vif_mc_add(r.V2, MAC_UNK), -EINVAL);
	CHECK_EQ(mv_vif_mc_del(r.V2, MAC_UNK), -EINVAL);
	/* Leaving G on one member keeps the others. */
	CHECK_EQ(mv_vif_mc_del(r.V, GRP_G), 0);
	CHECK_RCPTS(rx(&e, GRP_G, MAC_E), "P:flood B:flood lower");
	/* A down member gets nothing, and gets it again once up. */
	CHECK_EQ(mv_vif_set_up(r.B, false), 0);
	CHECK_RCPTS(rx(&e, GRP_G, MAC_E), "P:flood lower");
	CHECK_EQ(mv_vif_set_up(r.B, true), 0);
	CHECK_RCPTS(rx(&e, GRP_G, MAC_E), "P:flood B:flood lower");
	/* D joined G while down, and gets it once up. */
	CHECK_EQ(mv_vif_set_up(r.D, true), 0);
	CHECK_RCPTS(rx(&e, GRP_G, MAC_E), "P:flood B:flood D:flood lower");
	env_fini(&e);
}

/* By default a vif joins the IPv4 and IPv6 all-hosts groups. */
static void
test_default_groups(void)
{
	struct env e;
	struct mv_vif_config cfg;
	struct mv_vif *a, *b;

	env_init(&e);
	mv_vif_config_init(&cfg);
	cfg.name = "a";
	cfg.has_mac = true;
	cfg.mac = MAC_V;
	a = vif_new_cfg(&e, &cfg, true);
	b = vif_new(&e, "b", MV_MODE_VEPA, MAC_V2, true);
	CHECK(mv_vif_has_group(a, MV_MAC_ALL_HOSTS_V4));
	CHECK(mv_vif_has_group(a, MV_MAC_ALL_NODES_V6));
	CHECK(!mv_vif_has_group(b, MV_MAC_ALL_HOSTS_V4));
	CHECK_EQ(a->mode, MV_MODE_VEPA);
	CHECK_RCPTS(rx(&e, MV_MAC_ALL_HOSTS_V4, MAC_E), "a:flood lower");
	CHECK_RCPTS(rx(&e, MV_MAC_ALL_NODES_V6, MAC_E), "a:flood lower");
	env_fini(&e);
}

/* VLAN-tagged frames are classified by destination, the tag ignored (§13.2). */
static void
test_vlan_frames(void)
{
	struct env e;
	struct ref r;

	ref_init(&e, &r);
	CHECK_RCPTS(rx_full(&e, MAC_V, MAC_E, MV_ETHER_TYPE_VLAN, ETH_TEST, 64), "V:uni");
	CHECK_RCPTS(rx_full(&e, MAC_P, MAC_X, MV_ETHER_TYPE_QINQ, ETH_TEST, 64), "S:src P:uni");
	CHECK_RCPTS(rx_full(&e, BCAST, MAC_E, MV_ETHER_TYPE_VLAN, ETH_TEST, 64),
		    "P:flood V:flood V2:flood B:flood B2:flood lower");
	CHECK_RCPTS(rx_full(&e, MAC_UNK, MAC_E, MV_ETHER_TYPE_VLAN, ETH_TEST, 64), "lower");
	CHECK_RCPTS(tx_full(&e, r.B, MAC_B2, MAC_B, MV_ETHER_TYPE_VLAN, ETH_TEST, 64), "B2:uni");
	CHECK_RCPTS(tx_full(&e, r.B, BCAST, MAC_B, MV_ETHER_TYPE_VLAN, ETH_TEST, 64),
		    "B2:flood wire");
	env_fini(&e);
}

/* Several source vifs listing the same MAC each get a copy (§2.3). */
static void
test_source_multi(void)
{
	struct env e;
	struct ref r;
	struct mv_vif *s2, *s3;

	ref_init(&e, &r);
	s2 = vif_new(&e, "S2", MV_MODE_SOURCE, MAC_S2, true);
	s3 = vif_new(&e, "S3", MV_MODE_SOURCE, UINT64_C(0x02000000000b), false);
	CHECK_EQ(vif_source_add(s2, MAC_X), 0);
	CHECK_EQ(vif_source_add(s3, MAC_X), 0);
	CHECK_RCPTS(rx(&e, MAC_V, MAC_X), "S:src S2:src V:uni");
	/* Down source vifs get no copy. */
	CHECK_EQ(mv_vif_set_up(s3, true), 0);
	CHECK_RCPTS(rx(&e, MAC_V, MAC_X), "S:src S2:src S3:src V:uni");
	/* Leaving source mode flushes the list. */
	{
		struct mv_vif_change chg;

		mv_vif_change_init(&chg);
		chg.mode = MV_MODE_VEPA;
		CHECK_EQ(mv_vif_change(s2, &chg), 0);
		CHECK_EQ(mv_vif_macaddr_count(s2), 0);
	}
	CHECK_RCPTS(rx(&e, MAC_V, MAC_X), "S:src S3:src V:uni");
	/* s2 is now a vepa vif: it gets the flood. */
	CHECK_RCPTS(rx(&e, BCAST, MAC_X),
		    "S:src S3:src P:flood V:flood V2:flood B:flood B2:flood S2:flood lower");
	/* DEL and FLUSH. */
	{
		mv_mac_t x = MAC_X;

		CHECK_EQ(vif_macaddr(s3, MV_MACADDR_DEL, &x, 1), 0);
		CHECK_EQ(vif_macaddr(r.S, MV_MACADDR_FLUSH, NULL, 0), 0);
	}
	CHECK_RCPTS(rx(&e, MAC_V, MAC_X), "V:uni");
	env_fini(&e);
}

/* A source vif listing its own MAC: a source copy and the reflection. */
static void
test_source_lists_own_mac(void)
{
	struct env e;
	struct ref r;

	ref_init(&e, &r);
	CHECK_EQ(vif_source_add(r.S, MAC_S), 0);
	CHECK_RCPTS(rx(&e, BCAST, MAC_S), "S:src S:refl");
	CHECK_RCPTS(rx(&e, MAC_UNK, MAC_S), "S:src lower");
	env_fini(&e);
}

/*
 * The lower may take an UP vif's MAC (§9.3): the vif keeps receiving it; a
 * down vif's MAC is free for another vif (§9.2).
 */
static void
test_mac_ownership(void)
{
	struct env e;
	struct ref r;
	struct mv_deltas d = { 0 };
	struct mv_vif *v3;

	ref_init(&e, &r);
	CHECK_EQ(mv_lower_set_mac(e.port, MAC_V, &d), 0);
	mv_deltas_free(&d);
	CHECK_RCPTS(rx(&e, MAC_V, MAC_E), "V:uni");
	CHECK_RCPTS(rx(&e, MAC_LOWER, MAC_E), "lower");
	/* A group frame with that source is V's (vepa) reflection. */
	CHECK_RCPTS(rx(&e, BCAST, MAC_V), "V2:flood B:flood B2:flood lower");
	CHECK_EQ(mv_vif_set_up(r.V, false), 0);
	CHECK_EQ(mv_vif_set_up(r.V, true), -EADDRINUSE);
	CHECK_RCPTS(rx(&e, MAC_V, MAC_E), "lower");
	CHECK_RCPTS(rx(&e, BCAST, MAC_V), "P:flood V2:flood B:flood B2:flood lower");

	/* D (down) shares its MAC with a new vif, which can come up and receive. */
	v3 = vif_new(&e, "V3", MV_MODE_VEPA, MAC_D, true);
	CHECK(v3->admin_up);
	CHECK_RCPTS(rx(&e, MAC_D, MAC_E), "V3:uni");
	CHECK_EQ(mv_vif_set_up(r.D, true), -EADDRINUSE);
	CHECK_EQ(mv_vif_set_up(v3, false), 0);
	CHECK_EQ(mv_vif_set_up(r.D, true), 0);
	CHECK_RCPTS(rx(&e, MAC_D, MAC_E), "D:uni");
	env_fini(&e);
}

/*
 * Bridge-local unicast goes through the lower's receive path, which checks
 * the lower's MTU (§5.3 note). The control rules keep every vif within the
 * lower's MTU, so this is checked on a snapshot edited by hand.
 */
static void
test_local_lower_mtu(void)
{
	struct env e;
	struct ref r;
	struct mv_frame_info fi;

	ref_init(&e, &r);
	fib_refresh(&e);
	e.fib->lower_mtu = 1000;
	if (frame_info(&fi, MAC_B2, MAC_B, 0, ETH_TEST, 1018)) {
		e.v = mv_classify_tx(e.fib, r.B->slot, &fi);
		CHECK_RCPTS(describe(&e, 1018), "B2:uni");
	}
	if (frame_info(&fi, MAC_B2, MAC_B, 0, ETH_TEST, 1019)) {
		e.v = mv_classify_tx(e.fib, r.B->slot, &fi);
		CHECK_RCPTS(describe(&e, 1019), "");
		CHECK_DROP(&e, MV_DROP_LOCAL_LOWER);
	}
	/* Frames to the wire are not affected by the re-injection check. */
	if (frame_info(&fi, MAC_UNK, MAC_B, 0, ETH_TEST, 1200)) {
		e.v = mv_classify_tx(e.fib, r.B->slot, &fi);
		CHECK_RCPTS(describe(&e, 1200), "wire");
	}
	env_fini(&e);
}

/* spoofchk on: what a vif sends with another source MAC is dropped; off (default): sent. */
static void
test_spoofchk(void)
{
	struct env e;
	struct ref r;
	uint64_t gen;

	ref_init(&e, &r);
	CHECK_RCPTS(tx_full(&e, r.B, MAC_UNK, MAC_E, 0, ETH_TEST, 60),
		    "wire"); /* off: as the kernel */
	gen = r.B->port->generation;
	CHECK_EQ(mv_vif_set_spoofchk(r.B, true), 0);
	CHECK(r.B->port->generation != gen); /* the snapshot must change */
	CHECK_RCPTS(tx_full(&e, r.B, MAC_UNK, MAC_E, 0, ETH_TEST, 60), "");
	CHECK_DROP(&e, MV_DROP_TX_SPOOFED);
	/* its own source goes, to the wire and to a bridge neighbour; broadcast too */
	CHECK_RCPTS(tx(&e, r.B, MAC_UNK), "wire");
	CHECK_RCPTS(tx(&e, r.B, MAC_B2), "B2:uni");
	CHECK_RCPTS(tx_full(&e, r.B, BCAST, MAC_B2, 0, ETH_TEST, 60), ""); /* a neighbour's MAC */
	CHECK_DROP(&e, MV_DROP_TX_SPOOFED);
	/* other vifs are not checked */
	CHECK_RCPTS(tx_full(&e, r.B2, MAC_UNK, MAC_E, 0, ETH_TEST, 60), "wire");
	gen = r.B->port->generation;
	CHECK_EQ(mv_vif_set_spoofchk(r.B, true), 0);
	CHECK_EQ(r.B->port->generation, gen); /* no change, no new snapshot */
	CHECK_EQ(mv_vif_set_spoofchk(r.B, false), 0);
	CHECK_RCPTS(tx_full(&e, r.B, MAC_UNK, MAC_E, 0, ETH_TEST, 60), "wire");
	CHECK(strcmp(mv_drop_name(MV_DROP_TX_SPOOFED), "tx-spoofed") == 0);
	env_fini(&e);
}

/* Live mode changes take effect at once (§9.4). */
static void
test_mode_change(void)
{
	struct env e;
	struct ref r;
	struct mv_vif_change chg;

	ref_init(&e, &r);
	mv_vif_change_init(&chg);
	chg.mode = MV_MODE_BRIDGE;
	CHECK_EQ(mv_vif_change(r.V, &chg), 0);
	CHECK_RCPTS(tx(&e, r.B, MAC_V), "V:uni");
	CHECK_RCPTS(tx(&e, r.V, BCAST), "B:flood B2:flood wire");
	chg.mode = MV_MODE_PRIVATE;
	CHECK_EQ(mv_vif_change(r.V, &chg), 0);
	CHECK_RCPTS(tx(&e, r.B, MAC_V), "wire");
	CHECK_RCPTS(rx(&e, BCAST, MAC_V), "V:refl");
	chg.mode = MV_MODE_PASSTHRU;
	CHECK_EQ(mv_vif_change(r.V, &chg), -EINVAL);
	CHECK_EQ(r.V->mode, MV_MODE_PRIVATE);
	env_fini(&e);
}

int
main(void)
{
	RUN_TEST(test_parse_basic);
	RUN_TEST(test_parse_runts);
	RUN_TEST(test_parse_vlan);

	RUN_TEST(test_51_up_vif);
	RUN_TEST(test_51_source_own_mac);
	RUN_TEST(test_51_down_vif);
	RUN_TEST(test_51_unknown);
	RUN_TEST(test_51_lower_mac);
	RUN_TEST(test_51_nodst);
	RUN_TEST(test_51_passthru_up);
	RUN_TEST(test_51_passthru_down);

	RUN_TEST(test_52_external);
	RUN_TEST(test_52_listed_source);
	RUN_TEST(test_52_listed_nodst);
	RUN_TEST(test_52_private_src);
	RUN_TEST(test_52_passthru_src);
	RUN_TEST(test_52_source_src);
	RUN_TEST(test_52_vepa_src);
	RUN_TEST(test_52_bridge_src);

	RUN_TEST(test_53_private);
	RUN_TEST(test_53_vepa);
	RUN_TEST(test_53_bridge);
	RUN_TEST(test_53_passthru);
	RUN_TEST(test_53_source);
	RUN_TEST(test_54_hairpin);
	RUN_TEST(test_lower_tx);

	RUN_TEST(test_passthru_all_unicast);
	RUN_TEST(test_nodst_down_vif);
	RUN_TEST(test_nodst_steals_bridge_local);
	RUN_TEST(test_pause);
	RUN_TEST(test_mtu_bridge_local_mcast);
	RUN_TEST(test_mtu_tx);
	RUN_TEST(test_mtu_rx_unchecked);
	RUN_TEST(test_down_sender);
	RUN_TEST(test_no_carrier);
	RUN_TEST(test_bc_queue_zero);
	RUN_TEST(test_bc_queue_len_used);
	RUN_TEST(test_bc_cutoff_queue);
	RUN_TEST(test_bc_cutoff_promisc_lower);
	RUN_TEST(test_allmulti_promisc);
	RUN_TEST(test_mc_exact);
	RUN_TEST(test_default_groups);
	RUN_TEST(test_vlan_frames);
	RUN_TEST(test_source_multi);
	RUN_TEST(test_source_lists_own_mac);
	RUN_TEST(test_mode_change);
	RUN_TEST(test_spoofchk);
	RUN_TEST(test_mac_ownership);
	RUN_TEST(test_local_lower_mtu);

	return mv_test_summary("classify");
}
