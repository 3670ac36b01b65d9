/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gen_pcap: write the benchmark's source traffic, a pcap of Ethernet frames
 * whose destination MACs cycle over N vifs, with an optional share of
 * broadcast, multicast and unknown unicast frames. Deterministic: the same
 * arguments always give the same file, byte for byte.
 *
 *   gen_pcap -o FILE [-s SIZE] [-n VIFS] [-c COUNT] [-b PCT] [-m PCT] [-u PCT]
 *            [--base MAC] [--src MAC]
 *   gen_pcap --print-macs [-n VIFS] [--base MAC]
 *
 * -s SIZE     frame size on the wire, FCS included (default 64): each record
 *             holds SIZE - 4 bytes (64 -> 60, 1518 -> 1514, a full 1500-byte
 *             payload), as a NIC delivers it with the CRC stripped
 * -n VIFS     vifs the unicast frames cycle over (1..65536, default 4);
 *             vif k (0-based) has MAC base + k
 * -c COUNT    frames in the file (default 8192)
 * -b PCT      share of broadcast frames (ff:ff:ff:ff:ff:ff), percent
 * -m PCT      share of multicast frames, percent: alternately to the
 *             all-hosts groups 01:00:5e:00:00:01 and 33:33:00:00:00:01,
 *             which every vif joins when it is created
 * -u PCT      share of unknown unicast, percent: to base + 0x10000 + j
 *             (j cycling over 0..VIFS-1), which no vif has
 * --base MAC  MAC of vif 0 (default 02:00:00:00:00:00, so vifs are
 *             02:00:00:00:XX:XX)
 * --src MAC   source MAC of every frame (default 02:00:00:fe:00:01, an
 *             external host: neither a vif nor in the unknown range)
 * --print-macs  print the VIFS vif MACs, one per line, and exit
 *
 * The classes are interleaved evenly, not at random: frame i (1-based) is of
 * a special class when that class is behind its share (floor(i * PCT / 100)
 * frames so far); when several are behind, the one furthest behind goes
 * first; otherwise it is unicast to the next vif in turn. Each frame is
 * IPv4/UDP (valid IPv4 header checksum, UDP checksum 0) with the frame index
 * in the payload; timestamps are i microseconds.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#define FCS_LEN      4
#define MIN_SIZE     64
#define MAX_SIZE     16384
#define MAX_VIFS     65536
#define UNKNOWN_OFF  0x10000ull
#define MAC_MASK     ((1ull << 48) - 1)
#define BCAST_MAC    0xffffffffffffull
#define MCAST_V4_MAC 0x01005e000001ull
#define MCAST_V6_MAC 0x333300000001ull

enum cls { CLS_BCAST, CLS_MCAST, CLS_UNKNOWN, CLS__SPECIAL, CLS_UNICAST = CLS__SPECIAL };

static const char *const cls_name[] = { "broadcast", "multicast", "unknown unicast", "unicast" };

static void
usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s -o FILE [-s SIZE] [-n VIFS] [-c COUNT] [-b PCT] [-m PCT] [-u PCT]\n"
		"          [--base MAC] [--src MAC]\n"
		"       %s --print-macs [-n VIFS] [--base MAC]\n"
		"  -s, --size SIZE      frame size on the wire with FCS (%d..%d, default 64)\n"
		"  -n, --vifs N         vifs the unicast frames cycle over (1..%d, default 4)\n"
		"  -c, --count N        frames in the file (default 8192)\n"
		"  -b, --bcast PCT      percent broadcast\n"
		"  -m, --mcast PCT      percent multicast (all-hosts groups)\n"
		"  -u, --unknown PCT    percent unicast to MACs no vif has\n"
		"  --base MAC           MAC of vif 0 (default 02:00:00:00:00:00)\n"
		"  --src MAC            source MAC (default 02:00:00:fe:00:01)\n"
		"  --print-macs         print the vif MACs and exit\n",
		prog, prog, MIN_SIZE, MAX_SIZE, MAX_VIFS);
}

static int
parse_mac(const char *s, uint64_t *out)
{
	unsigned int b[6];
	char end;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &end) != 6)
		return -EINVAL;
	*out = 0;
	for (int i = 0; i < 6; i++)
		*out = (*out << 8) | b[i];
	return 0;
}

static void
put_mac(uint8_t *p, uint64_t mac)
{
	for (int i = 5; i >= 0; i--) {
		p[i] = (uint8_t)mac;
		mac >>= 8;
	}
}

static void
print_mac(FILE *f, uint64_t mac)
{
	fprintf(f, "%02x:%02x:%02x:%02x:%02x:%02x\n", (unsigned int)(mac >> 40) & 0xff,
		(unsigned int)(mac >> 32) & 0xff, (unsigned int)(mac >> 24) & 0xff,
		(unsigned int)(mac >> 16) & 0xff, (unsigned int)(mac >> 8) & 0xff,
		(unsigned int)mac & 0xff);
}

static int
parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (*s == '\0' || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int
parse_pct(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= 0.0 && v <= 100.0))
		return -EINVAL;
	*out = v;
	return 0;
}

static uint16_t
ip_checksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* One frame of @p len bytes (FCS excluded) to @p dst. */
static void
build_frame(uint8_t *f, uint32_t len, uint64_t dst, uint64_t src, uint32_t index, uint32_t vif)
{
	uint8_t *ip = f + 14, *udp = ip + 20;
	uint32_t ip_len = len - 14, udp_len = ip_len - 20;

	memset(f, 0, len);
	put_mac(f, dst);
	put_mac(f + 6, src);
	f[12] = 0x08; /* IPv4 */
	f[13] = 0x00;
	ip[0] = 0x45;
	ip[2] = (uint8_t)(ip_len >> 8);
	ip[3] = (uint8_t)ip_len;
	ip[4] = (uint8_t)(index >> 8); /* identification */
	ip[5] = (uint8_t)index;
	ip[8] = 64; /* ttl */
	ip[9] = 17; /* udp */
	ip[12] = 198, ip[13] = 18, ip[14] = 0, ip[15] = 1;
	ip[16] = 198, ip[17] = 19, ip[18] = (uint8_t)(vif >> 8), ip[19] = (uint8_t)vif;
	{
		uint16_t c = ip_checksum(ip, 20);

		ip[10] = (uint8_t)(c >> 8);
		ip[11] = (uint8_t)c;
	}
	udp[0] = 0x04, udp[1] = 0x00; /* 1024 -> 1025 */
	udp[2] = 0x04, udp[3] = 0x01;
	udp[4] = (uint8_t)(udp_len >> 8);
	udp[5] = (uint8_t)udp_len;
	/* payload: the frame index, then a repeating pattern */
	for (uint32_t i = 8; i < udp_len; i++)
		udp[i] = (uint8_t)(i < 12 ? index >> (8 * (11 - i)) : i);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "size", required_argument, NULL, 's' },
		{ "vifs", required_argument, NULL, 'n' },
		{ "count", required_argument, NULL, 'c' },
		{ "bcast", required_argument, NULL, 'b' },
		{ "mcast", required_argument, NULL, 'm' },
		{ "unknown", required_argument, NULL, 'u' },
		{ "base", required_argument, NULL, 'B' },
		{ "src", required_argument, NULL, 'S' },
		{ "print-macs", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL;
	unsigned long size = 64, vifs = 4, count = 8192;
	double pct[CLS__SPECIAL] = { 0 };
	uint64_t base = 0x020000000000ull, src = 0x020000fe0001ull;
	uint64_t made[CLS__SPECIAL + 1] = { 0 };
	bool print_macs = false;
	pcap_t *dead;
	pcap_dumper_t *d;
	uint8_t *frame;
	uint32_t next_vif = 0, next_unknown = 0, len;
	int c;

	while ((c = getopt_long(argc, argv, "o:s:n:c:b:m:u:h", longopts, NULL)) != -1) {
		int bad = 0;

		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 's':
			bad = parse_ulong(optarg, MIN_SIZE, MAX_SIZE, &size);
			break;
		case 'n':
			bad = parse_ulong(optarg, 1, MAX_VIFS, &vifs);
			break;
		case 'c':
			bad = parse_ulong(optarg, 1, 100000000, &count);
			break;
		case 'b':
			bad = parse_pct(optarg, &pct[CLS_BCAST]);
			break;
		case 'm':
			bad = parse_pct(optarg, &pct[CLS_MCAST]);
			break;
		case 'u':
			bad = parse_pct(optarg, &pct[CLS_UNKNOWN]);
			break;
		case 'B':
			bad = parse_mac(optarg, &base);
			break;
		case 'S':
			bad = parse_mac(optarg, &src);
			break;
		case 'P':
			print_macs = true;
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		default:
			usage(stderr, argv[0]);
			return 2;
		}
		if (bad) {
			fprintf(stderr, "%s: invalid value \"%s\"\n", argv[0], optarg);
			usage(stderr, argv[0]);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument \"%s\"\n", argv[0], argv[optind]);
		return 2;
	}
	if ((base & (1ull << 40)) != 0 || base + UNKNOWN_OFF + vifs > MAC_MASK) {
		fprintf(stderr, "%s: --base must be a unicast MAC with room for the vifs\n",
			argv[0]);
		return 2;
	}
	if (print_macs) {
		for (unsigned long k = 0; k < vifs; k++)
			print_mac(stdout, base + k);
		return 0;
	}
	if (out == NULL) {
		fprintf(stderr, "%s: -o FILE is required\n", argv[0]);
		usage(stderr, argv[0]);
		return 2;
	}
	if (pct[CLS_BCAST] + pct[CLS_MCAST] + pct[CLS_UNKNOWN] > 100.0) {
		fprintf(stderr, "%s: the shares add up to more than 100%%\n", argv[0]);
		return 2;
	}
	if (src == base || (src >= base && src < base + vifs) ||
	    (src >= base + UNKNOWN_OFF && src < base + UNKNOWN_OFF + vifs)) {
		fprintf(stderr, "%s: --src must not be a vif's or an unknown destination's MAC\n",
			argv[0]);
		return 2;
	}

	len = (uint32_t)size - FCS_LEN;
	frame = malloc(len);
	dead = pcap_open_dead(DLT_EN10MB, MAX_SIZE);
	d = dead != NULL ? pcap_dump_open(dead, out) : NULL;
	if (frame == NULL || d == NULL) {
		fprintf(stderr, "%s: cannot write %s: %s\n", argv[0], out,
			dead != NULL ? pcap_geterr(dead) : "out of memory");
		if (dead != NULL)
			pcap_close(dead);
		free(frame);
		return 1;
	}
	for (unsigned long i = 1; i <= count; i++) {
		struct pcap_pkthdr h;
		enum cls cls = CLS_UNICAST;
		double worst = 0.0;
		uint64_t dst;
		uint32_t vif = 0;

		/* the special class furthest behind its share, if any */
		for (int k = 0; k < CLS__SPECIAL; k++) {
			/* the epsilon keeps exact decimal shares (5 of 100) exact */
			double due = (double)(uint64_t)((double)i * pct[k] / 100.0 + 1e-9);
			double behind = due - (double)made[k];

			if (behind >= 1.0 && behind > worst) {
				worst = behind;
				cls = (enum cls)k;
			}
		}
		switch (cls) {
		case CLS_BCAST:
			dst = BCAST_MAC;
			break;
		case CLS_MCAST:
			dst = (made[CLS_MCAST] & 1) ? MCAST_V6_MAC : MCAST_V4_MAC;
			break;
		case CLS_UNKNOWN:
			vif = next_unknown;
			dst = base + UNKNOWN_OFF + next_unknown;
			next_unknown = (uint32_t)((next_unknown + 1) % vifs);
			break;
		default:
			vif = next_vif;
			dst = base + next_vif;
			next_vif = (uint32_t)((next_vif + 1) % vifs);
			break;
		}
		made[cls]++;
		build_frame(frame, len, dst, src, (uint32_t)i, vif);
		memset(&h, 0, sizeof(h));
		h.ts.tv_sec = (time_t)(i / 1000000);
		h.ts.tv_usec = (suseconds_t)(i % 1000000);
		h.caplen = h.len = len;
		pcap_dump((u_char *)d, &h, frame);
	}
	pcap_dump_close(d);
	pcap_close(dead);
	free(frame);
	fprintf(stderr, "%s: %lu frames of %u bytes (%lu on the wire):", out, count, len, size);
	for (int k = CLS__SPECIAL; k >= 0; k--)
		if (made[k] != 0)
			fprintf(stderr, " %" PRIu64 " %s", made[k], cls_name[k]);
	fprintf(stderr, "; %lu vifs from ", vifs);
	print_mac(stderr, base);
	return 0;
}
