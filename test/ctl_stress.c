/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Abuse of the control socket for test/e2e/ctl.sh: raw frames a well-behaved
 * client never sends, and load. Usage: ctl_stress SOCKET MODE [ARGS]
 *   query N|STOPFILE [WORD...]
 *                      requests of the command WORD... (default `link show`) on
 *                      one connection, N of them or until STOPFILE exists;
 *                      every reply must be status 0; prints
 *                      "replies N seconds S rate R/s"
 *   half               half a frame, then close
 *   midreply           `link show` (text), read 10 bytes of the reply, close
 *   random N SEED      N random lines (grammar words plus a garbage word) on one
 *                      connection; every reply must be a well-formed error
 *   garbage N SEED     N connections each sending random bytes; the daemon must
 *                      answer with an error or close
 *   big BYTES          one request of BYTES bytes (a huge word in argv); prints
 *                      the reply's status, then whether the connection was closed
 *   hugelen            a length prefix of 0xffffffff; prints the reply's status
 * Exit status 0 when every reply was as expected.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "mv_ctl_proto.h"

static const char *sock_path;

static int
dial(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "ctl_stress: connect %s: %s\n", sock_path, strerror(errno));
		exit(1);
	}
	return fd;
}

static int
send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
send_json(int fd, json_t *msg)
{
	char *frame;
	size_t len;
	int ret = mv_ctl_encode(msg, &frame, &len);

	if (ret == 0)
		ret = send_all(fd, frame, len);
	free(frame);
	return ret;
}

/* The next message, NULL at end of stream or after @p timeout_ms without one. */
static json_t *
recv_json(int fd, struct mv_ctl_reader *r, int timeout_ms)
{
	const char *msg;
	size_t len;
	char buf[65536];

	for (;;) {
		int k = mv_ctl_reader_next(r, &msg, &len);
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (k < 0)
			return NULL;
		if (k > 0)
			return json_loadb(msg, len, 0, NULL);
		if (poll(&p, 1, timeout_ms) <= 0)
			return NULL;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0)
			return NULL;
		if (mv_ctl_reader_feed(r, buf, (size_t)n) < 0)
			return NULL;
	}
}

/* A reply as the protocol says: version 1, a status; an error when the status is not 0. */
static int
reply_status(const json_t *r)
{
	const json_t *st = json_object_get(r, "status");
	const char *err = json_string_value(json_object_get(r, "error"));

	if (!json_is_object(r) || json_integer_value(json_object_get(r, "version")) != 1 ||
	    !json_is_integer(st))
		return -1;
	if (json_integer_value(st) != 0 && (err == NULL || strncmp(err, "Error: ", 7) != 0))
		return -1;
	return (int)json_integer_value(st);
}

static uint64_t rng_state;

static uint32_t
rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
mode_query(const char *arg, int argc, char **words)
{
	char *end;
	long n = strtol(arg, &end, 10);
	const char *stop = *end != '\0' ? arg : NULL;
	char *link_show[] = { "link", "show" };
	json_t *req = argc > 0 ? mv_ctl_request_new(argc, words, MV_CTL_FORMAT_JSON, NULL)
			       : mv_ctl_request_new(2, link_show, MV_CTL_FORMAT_JSON, NULL);
	struct mv_ctl_reader r;
	int fd = dial();
	long done = 0;
	double t0 = now_s(), dt;

	mv_ctl_reader_init(&r, MV_CTL_MAX_REPLY);
	while (stop != NULL ? access(stop, F_OK) != 0 : done < n) {
		json_t *rep;

		if (send_json(fd, req) < 0 || (rep = recv_json(fd, &r, 30000)) == NULL) {
			fprintf(stderr, "ctl_stress: query %ld: no reply\n", done);
			return 1;
		}
		if (reply_status(rep) != 0) {
			fprintf(stderr, "ctl_stress: query %ld: status %d\n", done,
				reply_status(rep));
			return 1;
		}
		json_decref(rep);
		done++;
	}
	dt = now_s() - t0;
	printf("replies %ld seconds %.3f rate %.0f/s\n", done, dt, dt > 0 ? done / dt : 0.0);
	json_decref(req);
	mv_ctl_reader_fini(&r);
	close(fd);
	return 0;
}

static int
mode_half(void)
{
	static const char frame[] = "\0\0\0\x40{\"version\":1,\"argv\":[\"link\",";
	int fd = dial();

	send_all(fd, frame, sizeof(frame) - 1);
	close(fd);
	return 0;
}

static int
mode_midreply(void)
{
	char *argv[] = { "link", "show" };
	json_t *req = mv_ctl_request_new(2, argv, MV_CTL_FORMAT_JSON, NULL);
	char buf[10];
	size_t got = 0;
	int fd = dial();

	send_json(fd, req);
	while (got < sizeof(buf)) {
		ssize_t n = recv(fd, buf + got, sizeof(buf) - got, 0);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	json_decref(req);
	return got == sizeof(buf) ? 0 : 1;
}

static const char *const words[] = {
	"link",
	"add",
	"set",
	"del",
	"show",
	"stats",
	"maddr",
	"dev",
	"name",
	"type",
	"macvlan",
	"mode",
	"bridge",
	"vepa",
	"private",
	"passthru",
	"source",
	"up",
	"down",
	"address",
	"mtu",
	"1500",
	"9000",
	"promisc",
	"on",
	"off",
	"backend",
	"null",
	"tap",
	"vdev",
	"macaddr",
	"flush",
	"p0",
	"mv0",
	"mvx",
	"help",
	"events",
	"monitor",
	"start",
	"stop",
	"ip",
	"bclim",
	"-1",
	"flag",
	"nopromisc",
	"nodst",
	"01:00:5e:00:00:01",
	"02:00:00:00:00:01",
	"allmulticast",
	"ifname",
	"netns",
	"quit",
	"exit",
	"0",
	"4096",
};
#define N_WORDS (sizeof(words) / sizeof(words[0]))

/*
 * A word that makes every line fail: it starts with '/', so it is no valid
 * interface name, number, MAC or keyword; half of them are short enough to be
 * looked up as a name (ENODEV), the others too long for one (EINVAL).
 */
static void
garbage_word(char *buf, size_t size)
{
	static const char chars[] = "abcXYZ019/:%!@$^&*()[]{}<>,.;'\"\\|~`=+-_";
	size_t n = rnd(2) ? 2 + rnd(12) : 16 + rnd(24);

	if (n >= size)
		n = size - 1;
	for (size_t i = 0; i < n; i++)
		buf[i] = chars[rnd(sizeof(chars) - 1)];
	buf[0] = '/';
	buf[n] = '\0';
}

static int
mode_random(long n, uint64_t seed)
{
	struct mv_ctl_reader r;
	int fd = dial();
	long by_status[3] = { 0 };

	rng_state = seed | 1;
	mv_ctl_reader_init(&r, MV_CTL_MAX_REPLY);
	for (long i = 0; i < n; i++) {
		char garbage[64], joined[1024] = "";
		char *argv[10];
		int argc = 1 + (int)rnd(8), g = (int)rnd((uint32_t)argc);
		json_t *req, *rep;
		int st;

		garbage_word(garbage, sizeof(garbage));
		for (int k = 0; k < argc; k++)
			argv[k] = k == g ? garbage : (char *)words[rnd(N_WORDS)];
		if (rnd(10) == 0) {
			/* the whole line in one element: refused (white space) */
			for (int k = 0; k < argc; k++) {
				strncat(joined, argv[k], sizeof(joined) - strlen(joined) - 2);
				strcat(joined, k + 1 < argc ? " " : "\t");
			}
			argv[0] = joined;
			argc = 1;
		}
		req = mv_ctl_request_new(argc, argv,
					 rnd(2) ? MV_CTL_FORMAT_TEXT : MV_CTL_FORMAT_JSON, NULL);
		if (send_json(fd, req) < 0 || (rep = recv_json(fd, &r, 30000)) == NULL) {
			fprintf(stderr, "ctl_stress: random line %ld: no reply\n", i);
			return 1;
		}
		st = reply_status(rep);
		if (st <= 0) {
			fprintf(stderr, "ctl_stress: random line %ld (%s ...): status %d\n", i,
				argv[0], st);
			return 1;
		}
		by_status[st == EINVAL ? 0 : st == ENODEV ? 1 : 2]++;
		json_decref(rep);
		json_decref(req);
	}
	printf("random: %ld lines, EINVAL %ld ENODEV %ld other %ld\n", n, by_status[0],
	       by_status[1], by_status[2]);
	mv_ctl_reader_fini(&r);
	close(fd);
	return 0;
}

static int
mode_garbage(long n, uint64_t seed)
{
	rng_state = seed | 1;
	for (long i = 0; i < n; i++) {
		struct mv_ctl_reader r;
		uint8_t buf[512];
		size_t len = 1 + rnd(sizeof(buf));
		int fd = dial();
		json_t *rep;

		for (size_t k = 0; k < len; k++)
			buf[k] = (uint8_t)rnd(256);
		if (rnd(2)) { /* a plausible length: the JSON decoder sees the bytes */
			uint32_t l = (uint32_t)(len - 4);

			buf[0] = (uint8_t)(l >> 24), buf[1] = (uint8_t)(l >> 16);
			buf[2] = (uint8_t)(l >> 8), buf[3] = (uint8_t)l;
		}
		send_all(fd, buf, len);
		mv_ctl_reader_init(&r, MV_CTL_MAX_REPLY);
		/* an error reply, or nothing (an incomplete frame) */
		while ((rep = recv_json(fd, &r, 20)) != NULL) {
			if (reply_status(rep) <= 0) {
				fprintf(stderr, "ctl_stress: garbage %ld: bad reply\n", i);
				return 1;
			}
			json_decref(rep);
		}
		mv_ctl_reader_fini(&r);
		close(fd);
	}
	printf("garbage: %ld connections\n", n);
	return 0;
}

/* Whether the daemon closed the connection (within 2 s). */
static const char *
closed(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;
	ssize_t n;

	if (poll(&p, 1, 2000) <= 0)
		return "open";
	n = recv(fd, &c, 1, MSG_DONTWAIT);
	/* closed with our bytes unread: a unix socket's peer sees ECONNRESET */
	return n == 0 || (n < 0 && (errno == ECONNRESET || errno == EPIPE)) ? "closed" : "open";
}

static int
mode_big(long bytes)
{
	const char *head = "{\"version\":1,\"argv\":[\"link\",\"show\",\"";
	const char *tail = "\"]}";
	size_t hl = strlen(head), tl = strlen(tail), n = (size_t)bytes;
	char *frame = malloc(n + 4);
	struct mv_ctl_reader r;
	json_t *rep;
	int fd = dial();

	if (frame == NULL || n < hl + tl + 1)
		return 1;
	frame[0] = (char)(n >> 24), frame[1] = (char)(n >> 16);
	frame[2] = (char)(n >> 8), frame[3] = (char)n;
	memcpy(frame + 4, head, hl);
	memset(frame + 4 + hl, 'A', n - hl - tl);
	memcpy(frame + 4 + n - tl, tail, tl);
	send_all(fd, frame, n + 4);
	mv_ctl_reader_init(&r, MV_CTL_MAX_REPLY);
	rep = recv_json(fd, &r, 10000);
	printf("status %d %s\n", rep != NULL ? reply_status(rep) : -1, closed(fd));
	json_decref(rep);
	free(frame);
	mv_ctl_reader_fini(&r);
	close(fd);
	return 0;
}

static int
mode_hugelen(void)
{
	static const char frame[] = "\xff\xff\xff\xff{\"version\":1}";
	struct mv_ctl_reader r;
	json_t *rep;
	int fd = dial();

	send_all(fd, frame, sizeof(frame) - 1);
	mv_ctl_reader_init(&r, MV_CTL_MAX_REPLY);
	rep = recv_json(fd, &r, 10000);
	printf("status %d %s\n", rep != NULL ? reply_status(rep) : -1, closed(fd));
	json_decref(rep);
	mv_ctl_reader_fini(&r);
	close(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *mode;

	if (argc < 3) {
		fprintf(stderr, "usage: ctl_stress SOCKET MODE [ARGS]\n");
		return 2;
	}
	sock_path = argv[1];
	mode = argv[2];
	if (strcmp(mode, "query") == 0 && argc >= 4)
		return mode_query(argv[3], argc - 4, argv + 4);
	if (strcmp(mode, "half") == 0)
		return mode_half();
	if (strcmp(mode, "midreply") == 0)
		return mode_midreply();
	if (strcmp(mode, "random") == 0 && argc == 5)
		return mode_random(atol(argv[3]), strtoull(argv[4], NULL, 0));
	if (strcmp(mode, "garbage") == 0 && argc == 5)
		return mode_garbage(atol(argv[3]), strtoull(argv[4], NULL, 0));
	if (strcmp(mode, "big") == 0 && argc == 4)
		return mode_big(atol(argv[3]));
	if (strcmp(mode, "hugelen") == 0)
		return mode_hugelen();
	fprintf(stderr, "ctl_stress: unknown mode or arguments\n");
	return 2;
}
