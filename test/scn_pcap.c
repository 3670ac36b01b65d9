/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * scn_pcap: replay a conformance scenario through the real program.
 *
 *   scn_pcap prepare SCENARIO EXPECTED DIR   writes DIR/eal.args, DIR/cmds,
 *                                            DIR/wire_rx.pcap, DIR/<vif>_rx.pcap
 *   scn_pcap prepare-vhost SCENARIO EXPECTED DIR
 *                                            the same with every vif a vhost vif
 *                                            on DIR/<vif>.sock; DIR/guests lists
 *                                            "<vif> <mac>" for the guests to start
 *   scn_pcap check SCENARIO EXPECTED DIR     compares DIR/wire_tx.pcap and
 *                                            DIR/<vif>_tx.pcap with the kernel
 *
 * The physical port is net_pcap0 (rx_pcap: frames from the wire; tx_pcap:
 * what leaves on the wire); each vif is a net_pcap vdev backend (rx_pcap:
 * frames the vif sends; tx_pcap: frames it receives). With prepare-vhost
 * each vif is a vhost vif whose guest (test/e2e/conformance_vhost.sh)
 * forwards between that same pcap pair and the vif, and the wire is a veth,
 * so check compares the same files. The lower's own stack is not modelled yet: the "lower" receiver and frames sent by the lower are
 * left out, and scenarios whose lower has no carrier are skipped (exit 77).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "scenario.h"

#define EXIT_SKIP 77

static int
write_pcap(const char *path, const struct scenario *s, enum scn_from from, int vif)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, SCN_MAX_FRAME_SIZE);
	pcap_dumper_t *d = dead != NULL ? pcap_dump_open(dead, path) : NULL;
	static uint8_t buf[SCN_MAX_FRAME_SIZE];

	if (d == NULL) {
		fprintf(stderr, "cannot write %s: %s\n", path, dead ? pcap_geterr(dead) : "");
		if (dead != NULL)
			pcap_close(dead);
		return -1;
	}
	for (uint32_t i = 0; i < s->n_frames; i++) {
		const struct scn_frame *f = &s->frames[i];
		struct pcap_pkthdr h;
		int len;

		if (f->from != from || (from == SCN_FROM_VIF && f->vif != vif))
			continue;
		len = scn_frame_build(f, buf, sizeof(buf));
		if (len < 0)
			continue;
		memset(&h, 0, sizeof(h));
		h.caplen = h.len = (bpf_u_int32)len;
		pcap_dump((u_char *)d, &h, buf);
	}
	pcap_dump_close(d);
	pcap_close(dead);
	return 0;
}

static void
fmac(FILE *f, mv_mac_t mac)
{
	char b[MV_MAC_STRLEN];

	fputs(mv_mac_format(mac, b, sizeof(b)), f);
}

/* The vif's backend: a net_pcap vdev, or (vhost) a socket whose guest plays the pcap pair. */
static void
vif_backend(FILE *cmds, FILE *guests, const char *dir, const struct scn_vif *v, uint32_t i)
{
	if (guests == NULL) {
		fprintf(cmds,
			" backend vdev net_pcap%u,rx_pcap=%s/%s_rx.pcap,tx_pcap=%s/%s_tx.pcap\n",
			i + 1, dir, v->name, dir, v->name);
		return;
	}
	fprintf(cmds, " backend vhost %s/%s.sock\n", dir, v->name);
	fprintf(guests, "%s ", v->name);
	fmac(guests, v->mac);
	fputc('\n', guests);
}

static int
prepare(const struct scenario *s, const char *dir, bool vhost)
{
	char path[4096];
	FILE *eal, *cmds, *guests = NULL;

	snprintf(path, sizeof(path), "%s/wire_rx.pcap", dir);
	if (write_pcap(path, s, SCN_FROM_WIRE, -1) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/eal.args", dir);
	eal = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/cmds", dir);
	cmds = fopen(path, "w");
	if (vhost) {
		snprintf(path, sizeof(path), "%s/guests", dir);
		guests = fopen(path, "w");
	}
	if (eal == NULL || cmds == NULL || (vhost && guests == NULL))
		return -1;
	fprintf(eal, "--vdev=net_pcap0,rx_pcap=%s/wire_rx.pcap,tx_pcap=%s/wire_tx.pcap\n", dir,
		dir);
	fclose(eal);

	fprintf(cmds, "# %s\nlink set p0 address ", s->name);
	fmac(cmds, s->lower.mac);
	fprintf(cmds, "\nlink set p0 mtu %u\n", s->lower.mtu);
	if (s->lower.promisc)
		fprintf(cmds, "link set p0 promisc on\n");
	for (uint32_t i = 0; i < s->n_vifs; i++) {
		const struct scn_vif *v = &s->vifs[i];

		snprintf(path, sizeof(path), "%s/%s_rx.pcap", dir, v->name);
		if (write_pcap(path, s, SCN_FROM_VIF, (int)i) < 0)
			return -1;
		fprintf(cmds, "link add link p0 name %s type macvlan", v->name);
		if (v->mode_given)
			fprintf(cmds, " mode %s", mv_mode_name(v->mode));
		if (v->nopromisc)
			fprintf(cmds, " nopromisc");
		if (v->nodst)
			fprintf(cmds, " nodst");
		if (v->mode != MV_MODE_PASSTHRU) {
			fprintf(cmds, " address ");
			fmac(cmds, v->mac);
		}
		if (v->mtu_given)
			fprintf(cmds, " mtu %u", v->mtu);
		vif_backend(cmds, guests, dir, v, i);
		if (v->macaddr.n > 0) {
			fprintf(cmds, "link set %s type macvlan macaddr set", v->name);
			for (uint32_t k = 0; k < v->macaddr.n; k++) {
				fputc(' ', cmds);
				fmac(cmds, v->macaddr.v[k]);
			}
			fputc('\n', cmds);
		}
		for (uint32_t k = 0; k < v->mc.n; k++) {
			fprintf(cmds, "maddr add ");
			fmac(cmds, v->mc.v[k]);
			fprintf(cmds, " dev %s\n", v->name);
		}
		if (v->allmulti)
			fprintf(cmds, "link set %s allmulticast on\n", v->name);
		if (v->promisc)
			fprintf(cmds, "link set %s promisc on\n", v->name);
	}
	for (uint32_t i = 0; i < s->n_vifs; i++)
		if (s->vifs[i].up)
			fprintf(cmds, "link set %s up\n", s->vifs[i].name);
	if (!s->lower.up)
		fprintf(cmds, "link set p0 down\n");
	fclose(cmds);
	if (guests != NULL)
		fclose(guests);
	return 0;
}

/* Frame id of a scenario frame, or -1: the marker follows the (tagged) header. */
static int64_t
frame_id(const uint8_t *p, uint32_t len)
{
	for (uint32_t off = 14; off <= 22 && off + SCN_MARKER_LEN + 4 <= len; off += 4)
		if (memcmp(p + off, SCN_MARKER, SCN_MARKER_LEN) == 0) {
			const uint8_t *q = p + off + SCN_MARKER_LEN;

			return (int64_t)((uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 |
					 (uint32_t)q[2] << 8 | q[3]);
		}
	return -1;
}

/* Count, per frame index, the copies in a pcap; -1 if it cannot be read. */
static int
count_pcap(const char *path, const struct scenario *s, uint32_t *counts)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, errbuf);
	struct pcap_pkthdr *h;
	const u_char *data;

	if (p == NULL) {
		fprintf(stderr, "%s: cannot read %s: %s\n", s->name, path, errbuf);
		return -1;
	}
	while (pcap_next_ex(p, &h, &data) == 1) {
		int64_t id = frame_id(data, h->caplen);

		for (uint32_t i = 0; id >= 0 && i < s->n_frames; i++)
			if (s->frames[i].id == (uint32_t)id)
				counts[i]++;
	}
	pcap_close(p);
	return 0;
}

static int
check(const struct scenario *s, const char *dir)
{
	uint32_t n_rcpt = s->n_vifs + 1, mismatches = 0, compared = 0;
	uint32_t *counts = calloc((size_t)n_rcpt * s->n_frames, sizeof(uint32_t));
	char path[4096];

	if (counts == NULL)
		return -1;
	/* receiver 0 is the wire, receiver i + 1 is vif i */
	snprintf(path, sizeof(path), "%s/wire_tx.pcap", dir);
	if (count_pcap(path, s, counts) < 0)
		return -1;
	for (uint32_t v = 0; v < s->n_vifs; v++) {
		snprintf(path, sizeof(path), "%s/%s_tx.pcap", dir, s->vifs[v].name);
		if (count_pcap(path, s, counts + (size_t)(v + 1) * s->n_frames) < 0)
			return -1;
	}
	for (uint32_t i = 0; i < s->n_frames; i++) {
		const struct scn_frame *f = &s->frames[i];

		if (f->from == SCN_FROM_LOWER)
			continue;
		compared++;
		for (uint32_t r = 0; r < n_rcpt; r++) {
			const char *name = r == 0 ? SCN_RCPT_WIRE : s->vifs[r - 1].name;
			uint32_t want = scn_result_count(&s->expected[i], name);
			uint32_t got = counts[(size_t)r * s->n_frames + i];

			if (want != got) {
				printf("%s: frame %u (%s, %s): %s got %u copies, kernel %u\n",
				       s->name, f->id, scn_frame_sender(s, f),
				       f->note ? f->note : "", name, got, want);
				mismatches++;
			}
		}
	}
	free(counts);
	printf("%s: %u frames compared, %u mismatches\n", s->name, compared, mismatches);
	return mismatches == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	struct scenario *s;
	char err[512];
	int ret;

	if (argc != 5 || (strcmp(argv[1], "prepare") != 0 &&
			  strcmp(argv[1], "prepare-vhost") != 0 && strcmp(argv[1], "check") != 0)) {
		fprintf(stderr, "usage: %s prepare|prepare-vhost|check SCENARIO EXPECTED DIR\n",
			argv[0]);
		return 2;
	}
	s = scn_load(argv[2], argv[3], err, sizeof(err));
	if (s == NULL) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	if (!s->lower.carrier) {
		printf("%s: skipped (the lower has no carrier: needs a host-side link)\n", s->name);
		scn_free(s);
		return EXIT_SKIP;
	}
	if (strcmp(argv[1], "check") == 0)
		ret = check(s, argv[4]);
	else
		ret = prepare(s, argv[4], strcmp(argv[1], "prepare-vhost") == 0);
	scn_free(s);
	return ret == 0 ? 0 : 1;
}
