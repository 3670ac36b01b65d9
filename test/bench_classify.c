/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Micro-benchmark of the classifier alone: mv_classify_rx_burst() over bursts
 * of 32 pre-parsed frames, then a walk over the verdicts as a datapath would
 * do (here: folding the action bits and receivers into a checksum).
 *
 * Configurations: 4, 1024 and 4096 vifs on one port (mostly vepa and bridge,
 * some private; all up, all in the all-hosts groups), and 4096 vifs with 64k
 * source entries over 16 source vifs. Frame mix: 90% unicast to random vifs,
 * 5% broadcast/multicast, 5% unknown unicast (10% of the frames come from a
 * listed source in the source variant). The snapshot comes from mv_fib_new()
 * (malloc, 4 KB pages); the "THP" rows build it in transparent 2 MB pages
 * instead, closer to a DPDK hugepage heap.
 *
 * Usage: bench_classify [seconds-per-config]   (default 1.0)
 * Prints a table; never fails on timing.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "mv_classify.h"
#include "mv_control.h"
#include "mv_fib.h"
#include "mv_mac.h"
#include "mv_port.h"

#define BURST       32
#define N_FRAMES    16384 /* frame pool, a power of two */
#define N_EXTERNAL  512
#define TARGET_MPPS 50.0

struct bench_cfg {
	const char *name;
	uint32_t n_vifs;
	uint32_t n_source_vifs;
	uint32_t entries_per_source_vif;
	bool huge; /* snapshot in transparent 2 MB pages, as a DPDK hugepage heap gives */
};

#define HUGE_2M ((size_t)2 << 20)

struct bench_result {
	double mps;
	double ns;
	uint64_t frames;
	double share_vif, share_lower, share_flood, share_src;
};

static uint64_t rng_state = UINT64_C(0x9e3779b97f4a7c15);

static uint64_t
rnd(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return x;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A well-mixed function of @p i (splitmix64's finaliser), for MAC bits. */
static uint64_t
mix(uint64_t i)
{
	i += UINT64_C(0x9e3779b97f4a7c15);
	i = (i ^ (i >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	i = (i ^ (i >> 27)) * UINT64_C(0x94d049bb133111eb);
	return i ^ (i >> 31);
}

/*
 * Locally administered unicast MACs with random-looking low 32 bits, as
 * eth_random_addr() would give (distinct prefixes keep the three sets apart).
 */
static mv_mac_t
vif_mac(uint32_t i)
{
	return UINT64_C(0x020000000000) | (mix(i) & 0xffffffff);
}

static mv_mac_t
listed_mac(uint32_t i)
{
	return UINT64_C(0x0a0000000000) | (mix(i + (UINT64_C(1) << 32)) & 0xffffffff);
}

static mv_mac_t
external_mac(uint32_t i)
{
	return UINT64_C(0x0e0000000000) | (mix(i + (UINT64_C(2) << 32)) & 0xffffffff);
}

static uint8_t
mode_of(uint32_t i)
{
	if (i % 16 == 15)
		return MV_MODE_PRIVATE;
	return i % 2 ? MV_MODE_BRIDGE : MV_MODE_VEPA;
}

static int
build_port(struct mv_ctl *ctl, const struct bench_cfg *c, struct mv_port **portp)
{
	struct mv_port_params pp = {
		.name = "p0",
		.id = 0,
		.mac = UINT64_C(0x02aa00000001),
		.mtu = 1500,
		.max_mtu = 9000,
		.admin_up = true,
		.carrier = true,
		.uc_filter_max = 128,
	};
	struct mv_port *port;
	mv_mac_t *list = NULL;
	int rc;

	mv_ctl_init(ctl);
	rc = mv_port_add(ctl, &pp, &port);
	if (rc != 0) {
		fprintf(stderr, "mv_port_add: %d\n", rc);
		return rc;
	}
	if (c->entries_per_source_vif) {
		list = malloc(sizeof(*list) * c->entries_per_source_vif);
		if (list == NULL)
			return -ENOMEM;
	}
	for (uint32_t i = 0; i < c->n_vifs; i++) {
		struct mv_vif_config cfg;
		struct mv_vif *vif;
		char name[MV_IFNAMSIZ];

		snprintf(name, sizeof(name), "mv%u", i);
		mv_vif_config_init(&cfg);
		cfg.name = name;
		cfg.mode = i < c->n_source_vifs ? MV_MODE_SOURCE : mode_of(i);
		cfg.has_mac = true;
		cfg.mac = vif_mac(i);
		rc = mv_vif_create(ctl, port, &cfg, &vif);
		if (rc == 0)
			rc = mv_vif_set_up(vif, true);
		if (rc == 0 && i < c->n_source_vifs) {
			struct mv_vif_change chg;

			for (uint32_t k = 0; k < c->entries_per_source_vif; k++)
				list[k] = listed_mac(i * c->entries_per_source_vif + k);
			mv_vif_change_init(&chg);
			chg.macaddr_op = MV_MACADDR_SET;
			chg.macaddr = list;
			chg.n_macaddr = c->entries_per_source_vif;
			rc = mv_vif_change(vif, &chg);
		}
		if (rc != 0) {
			fprintf(stderr, "vif %u: %d\n", i, rc);
			free(list);
			return rc;
		}
	}
	free(list);
	*portp = port;
	return 0;
}

static void
build_frames(struct mv_frame_info *f, const struct bench_cfg *c)
{
	static const mv_mac_t groups[] = {
		MV_MAC_BROADCAST,    MV_MAC_BROADCAST,         MV_MAC_ALL_HOSTS_V4,
		MV_MAC_ALL_NODES_V6, UINT64_C(0x3333ff000001),
	};
	uint32_t n_listed = c->n_source_vifs * c->entries_per_source_vif;

	for (uint32_t i = 0; i < N_FRAMES; i++) {
		uint64_t r = rnd();
		uint32_t pct = (uint32_t)(r % 100);

		memset(&f[i], 0, sizeof(f[i]));
		if (pct < 90)
			f[i].dst = vif_mac((uint32_t)((r >> 8) % c->n_vifs));
		else if (pct < 95)
			f[i].dst = groups[(r >> 8) % 5];
		else
			f[i].dst = UINT64_C(0x020000ff0000) | ((r >> 8) & 0xffff);
		if (n_listed && ((r >> 40) % 10) == 0)
			f[i].src = listed_mac((uint32_t)((r >> 44) % n_listed));
		else
			f[i].src = external_mac((uint32_t)((r >> 40) % N_EXTERNAL));
		f[i].ether_type = 0x0800;
		f[i].len = 60 + (uint32_t)((r >> 24) % 1455);
	}
}

/* Walk the verdicts as a datapath would: a cheap fold of what it reads. */
static inline uint64_t
walk(const struct mv_verdict *v, unsigned int n, uint64_t acc, uint64_t counts[4])
{
	for (unsigned int i = 0; i < n; i++) {
		uint8_t act = v[i].act;

		acc += act;
		if (act & MV_ACT_VIF) {
			acc += v[i].vif;
			counts[0]++;
		}
		if (act & MV_ACT_LOWER)
			counts[1]++;
		if (act & MV_ACT_FLOOD) {
			acc ^= v[i].group;
			counts[2]++;
		}
		if (act & MV_ACT_SOURCES) {
			acc += v[i].source;
			counts[3]++;
		}
	}
	return acc;
}

static volatile uint64_t sink;

static int
run_config(const struct bench_cfg *c, double seconds, struct bench_result *res)
{
	struct mv_ctl ctl;
	struct mv_port *port = NULL;
	struct mv_fib *fib;
	struct mv_frame_info *frames;
	struct mv_verdict v[BURST];
	uint64_t acc = 0, counts[4] = { 0 }, done = 0;
	double t0, t1, warm_end;
	uint32_t pos = 0;
	int rc;

	frames = aligned_alloc(64, sizeof(*frames) * N_FRAMES);
	if (frames == NULL)
		return -ENOMEM;
	rc = build_port(&ctl, c, &port);
	if (rc != 0) {
		mv_ctl_fini(&ctl);
		free(frames);
		return rc;
	}
	if (c->huge) {
		size_t size = mv_fib_size(port);
		size_t len = (size + HUGE_2M - 1) & ~(HUGE_2M - 1);
		void *mem = aligned_alloc(HUGE_2M, len);

		fib = NULL;
		if (mem != NULL) {
			(void)madvise(mem, len, MADV_HUGEPAGE);
			memset(mem, 0, len);
			fib = mv_fib_build(port, mem, size);
			if (fib == NULL)
				free(mem);
		}
	} else {
		fib = mv_fib_new(port);
	}
	if (fib == NULL) {
		mv_ctl_fini(&ctl);
		free(frames);
		return -ENOMEM;
	}
	build_frames(frames, c);

	/* Warm-up: about a fifth of the measured time. */
	warm_end = now_s() + seconds / 5;
	while (now_s() < warm_end) {
		for (int k = 0; k < 256; k++) {
			mv_classify_rx_burst(fib, &frames[pos], v, BURST);
			acc = walk(v, BURST, acc, counts);
			pos = (pos + BURST) & (N_FRAMES - 1);
		}
	}
	memset(counts, 0, sizeof(counts));

	t0 = now_s();
	do {
		for (int k = 0; k < 1024; k++) {
			mv_classify_rx_burst(fib, &frames[pos], v, BURST);
			acc = walk(v, BURST, acc, counts);
			pos = (pos + BURST) & (N_FRAMES - 1);
		}
		done += 1024 * BURST;
		t1 = now_s();
	} while (t1 - t0 < seconds);
	sink = acc;

	res->frames = done;
	res->mps = (double)done / (t1 - t0) / 1e6;
	res->ns = (t1 - t0) * 1e9 / (double)done;
	res->share_vif = 100.0 * (double)counts[0] / (double)done;
	res->share_lower = 100.0 * (double)counts[1] / (double)done;
	res->share_flood = 100.0 * (double)counts[2] / (double)done;
	res->share_src = 100.0 * (double)counts[3] / (double)done;

	free(fib);
	mv_ctl_fini(&ctl);
	free(frames);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct bench_cfg cfgs[] = {
		{ "4 vifs", 4, 0, 0, false },
		{ "1024 vifs", 1024, 0, 0, false },
		{ "4096 vifs", 4096, 0, 0, false },
		{ "4096 vifs + 64k sources", 4096, 16, 4096, false },
		{ "4096 vifs, THP", 4096, 0, 0, true },
		{ "4096 + 64k sources, THP", 4096, 16, 4096, true },
	};
	double seconds = 1.0;
	double mps_4096 = -1;

	if (argc > 1) {
		seconds = strtod(argv[1], NULL);
		if (!(seconds > 0))
			seconds = 1.0;
	}
	printf("mv_classify_rx_burst, bursts of %d, %d-frame pool, %.2f s per config\n", BURST,
	       N_FRAMES, seconds);
	printf("frame mix: 90%% unicast to vifs, 5%% broadcast/multicast, 5%% unknown unicast\n\n");
	printf("%-26s %6s %8s %10s %9s %9s   %5s %5s %5s %5s\n", "config", "vifs", "sources",
	       "frames", "M/s", "ns/frame", "vif%", "low%", "fld%", "src%");
	for (size_t i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++) {
		struct bench_result r;
		int rc = run_config(&cfgs[i], seconds, &r);

		if (rc != 0) {
			printf("%-26s setup failed: %d (%s)\n", cfgs[i].name, rc, strerror(-rc));
			continue;
		}
		printf("%-26s %6u %8u %10llu %9.1f %9.2f   %5.1f %5.1f %5.1f %5.1f\n", cfgs[i].name,
		       cfgs[i].n_vifs, cfgs[i].n_source_vifs * cfgs[i].entries_per_source_vif,
		       (unsigned long long)r.frames, r.mps, r.ns, r.share_vif, r.share_lower,
		       r.share_flood, r.share_src);
		if (cfgs[i].n_vifs == 4096 && cfgs[i].n_source_vifs == 0 && !cfgs[i].huge)
			mps_4096 = r.mps;
		fflush(stdout);
	}
	if (mps_4096 >= 0)
		printf("\ntarget >= %.0f M/s at 4096 vifs: %s (%.1f M/s)\n", TARGET_MPPS,
		       mps_4096 >= TARGET_MPPS ? "met" : "NOT met", mps_4096);
	return EXIT_SUCCESS;
}
