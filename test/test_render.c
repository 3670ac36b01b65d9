/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The text renderers (mv_render.h): each command kind's JSON result gives the
 * shell's text, byte for byte; an unknown kind gives its JSON; a null result
 * gives nothing. No EAL.
 */
#include <errno.h>

#include <jansson.h>

#include "mv_cmd.h"
#include "mv_config.h"
#include "mv_render.h"
#include "mv_test.h"

/* render KIND of the JSON text DOC and compare with WANT */
static int
renders(const char *kind, const char *doc, const char *want)
{
	json_error_t e;
	json_t *r = json_loads(doc, JSON_DECODE_ANY, &e);
	char *got;
	int same;

	if (r == NULL) {
		fprintf(stderr, "bad test JSON: %s\n", e.text);
		return 0;
	}
	got = mv_render_text(kind, r);
	same = got != NULL && strcmp(got, want) == 0;
	if (!same)
		fprintf(stderr, "kind %s:\n--- want\n%s--- got\n%s---\n", kind, want,
			got != NULL ? got : "(null)");
	free(got);
	json_decref(r);
	return same;
}

#define PORT                                                                                       \
	"{\"ifname\":\"p0\",\"flags\":[\"BROADCAST\",\"MULTICAST\",\"ALLMULTI\",\"PROMISC\","      \
	"\"UP\","                                                                                  \
	"\"LOWER_UP\"],\"mtu\":1500,\"operstate\":\"UP\",\"address\":\"02:00:00:00:00:01\","       \
	"\"max_mtu\":9000,\"linkinfo\":{\"info_kind\":\"dpdk\",\"info_data\":{\"device\":"         \
	"\"net_null0\",\"vifs\":2,\"up_vifs\":1,\"passthru\":false,\"usedbcqueuelen\":1000,"       \
	"\"bclim\":1,\"rxq\":1,\"txq\":2}}}"

#define VIF                                                                                        \
	"{\"ifname\":\"mv0\",\"link\":\"p0\",\"flags\":[\"NO-CARRIER\",\"BROADCAST\","             \
	"\"MULTICAST\",\"UP\",\"M-DOWN\"],\"mtu\":1400,\"operstate\":\"LOWERLAYERDOWN\","          \
	"\"address\":\"02:00:00:00:00:0a\",\"address_random\":true,\"linkinfo\":{\"info_kind\":"   \
	"\"macvlan\",\"info_data\":{\"mode\":\"source\",\"nodst\":true,\"bcqueuelen\":500,"        \
	"\"usedbcqueuelen\":1000,\"bclim\":4,\"macaddr_count\":2,\"macaddr_data\":["               \
	"\"02:00:00:00:aa:01\",\"02:00:00:00:aa:02\"]}},\"backend\":{\"kind\":\"tap\","            \
	"\"description\":\"tap mv0\"}}"

static void
test_link_show(void)
{
	CHECK(renders("link show", "[" PORT "," VIF "]",
		      "p0 (net_null0): <BROADCAST,MULTICAST,PROMISC,ALLMULTI,UP,LOWER_UP> mtu 1500 "
		      "state UP\n"
		      "    link/ether 02:00:00:00:00:01 max_mtu 9000\n"
		      "    vifs 2 up 1 bcqueuelen used 1000 bclim 1 rxq 1 txq 2\n"
		      "mv0@p0: <BROADCAST,MULTICAST,UP,NO-CARRIER> mtu 1400 state LOWERLAYERDOWN\n"
		      "    link/ether 02:00:00:00:00:0a (random)\n"
		      "    macvlan mode source nodst bcqueuelen 500 usedbcqueuelen 1000 bclim 4\n"
		      "    remotes (2) 02:00:00:00:aa:01 02:00:00:00:aa:02\n"
		      "    backend tap mv0\n"));
	/* a vif that is down, default bclim, not source mode: no bclim, no remotes line */
	CHECK(renders("link show",
		      "[{\"ifname\":\"v\",\"link\":\"p1\",\"flags\":[\"BROADCAST\",\"MULTICAST\"],"
		      "\"mtu\":1500,\"operstate\":\"DOWN\",\"address\":\"02:00:00:00:00:0b\","
		      "\"linkinfo\":{\"info_kind\":\"macvlan\",\"info_data\":{\"mode\":\"vepa\","
		      "\"bcqueuelen\":1000,\"usedbcqueuelen\":1000}}}]",
		      "v@p1: <BROADCAST,MULTICAST> mtu 1500 state DOWN\n"
		      "    link/ether 02:00:00:00:00:0b\n"
		      "    macvlan mode vepa bcqueuelen 1000 usedbcqueuelen 1000\n"));
	CHECK(renders("link show", "[]", ""));
}

static void
test_link_add_set_del(void)
{
	CHECK(renders("link add", VIF,
		      "mv0: created on p0, mode source, address 02:00:00:00:00:0a (random), mtu "
		      "1400, backend tap (down)\n"));
	CHECK(renders("link set",
		      "{\"changed\":[\"macvlan\",\"address\",\"mtu\",\"up\",\"promisc\","
		      "\"allmulti\"],\"promisc\":true,\"allmulti\":false,\"link\":" VIF "}",
		      "mv0: macvlan mode source nodst, 2 source entries\n"
		      "mv0: address 02:00:00:00:00:0a\n"
		      "mv0: mtu 1400\n"
		      "mv0: up (no carrier: LOWERLAYERDOWN)\n"
		      "mv0: promisc on\n"
		      "mv0: allmulticast off\n"));
	/* a port's up/down has no carrier note */
	CHECK(renders("link set", "{\"changed\":[\"up\"],\"link\":" PORT "}", "p0: up\n"));
	CHECK(renders("link del", "{\"ifname\":\"mv0\",\"deleted\":true}", "mv0: deleted\n"));
}

static void
test_link_stats(void)
{
	CHECK(renders(
		"link stats",
		"{\"links\":[{\"ifname\":\"p0\",\"stats64\":{\"rx\":{\"bytes\":640,\"packets\":10},"
		"\"tx\":{\"bytes\":64,\"packets\":1}},\"nic\":{\"imissed\":3,\"rx_nombuf\":0,"
		"\"oerrors\":2},\"to_lower\":4,\"drops\":{\"runt\":0,\"no-receiver\":5}},"
		"{\"ifname\":\"mv0\",\"stats64\":{\"rx\":{\"bytes\":64,\"packets\":1,\"multicast\":"
		"1,"
		"\"errors\":0,\"dropped\":7},\"tx\":{\"bytes\":0,\"packets\":0,\"dropped\":0}},"
		"\"backend\":\"tap\",\"backend_stats\":{\"tx_errors\":9}}],"
		"\"workers\":[{\"worker\":0,\"lcore\":1,\"frames\":100,\"loops\":5,\"busy_loops\":"
		"2,"
		"\"cycles_per_frame\":12.25}],\"mempool\":{\"name\":\"mbufs\",\"free\":10,"
		"\"size\":11}}",
		"p0:\n"
		"    RX: packets 10 bytes 640 missed 3 nombuf 0\n"
		"    TX: packets 1 bytes 64 errors 2\n"
		"    to lower stack: 4\n"
		"    drops: no-receiver 5\n"
		"mv0:\n"
		"    RX: packets 1 bytes 64 multicast 1 errors 0 dropped 7\n"
		"    TX: packets 0 bytes 0 dropped 0\n"
		"    backend tap: tx_errors 9\n"
		"worker 0 (lcore 1): frames 100 loops 5 busy 2 cycles/frame 12.2\n"
		"mempool mbufs: 10/11 mbufs free\n"));
}

static void
test_maddr_and_others(void)
{
	CHECK(renders("maddr show",
		      "[{\"ifname\":\"mv0\",\"maddr\":[{\"family\":\"link\",\"address\":"
		      "\"01:00:5e:00:00:01\"}]},{\"ifname\":\"mv1\",\"maddr\":[]}]",
		      "mv0\n    link  01:00:5e:00:00:01\nmv1\n"));
	CHECK(renders("maddr add",
		      "{\"ifname\":\"mv0\",\"address\":\"33:33:00:00:00:01\",\"joined\":true,"
		      "\"already\":true}",
		      "mv0: joined 33:33:00:00:00:01 (already a member)\n"));
	CHECK(renders("maddr del",
		      "{\"ifname\":\"mv0\",\"address\":\"33:33:00:00:00:01\",\"joined\":false,"
		      "\"already\":false}",
		      "mv0: left 33:33:00:00:00:01\n"));
	CHECK(renders("start", "{\"forwarding\":true}", "forwarding started\n"));
	CHECK(renders("stop", "{\"forwarding\":false}", "forwarding stopped\n"));
	CHECK(renders("help", "{\"help\":\"usage\\n\"}", "usage\n"));
	/* no renderer: the JSON itself, on one line */
	CHECK(renders("future kind", "{\"a\":[1,2]}", "{\"a\":[1,2]}\n"));
	/* a null result prints nothing */
	CHECK(renders("quit", "null", ""));
	CHECK(mv_render_text_to(NULL, "link show", NULL) == -1);
}

/* a backend's words (mv_config.h) parse back into the same request */
static int
backend_round_trip(const char *words_in)
{
	static struct mv_cmd a, b;
	char line[512], line2[1024], words[512], err[256];
	char *argv[64];
	int argc, n;

	snprintf(line, sizeof(line), "link add link p0 name x type macvlan %s", words_in);
	argc = mv_cmd_tokenize(line, argv, 64);
	if (mv_cmd_parse(argc, argv, &a, err, sizeof(err)) < 0)
		return 0;
	n = mv_backend_args_format(NULL, &a.link_add.backend, words, sizeof(words));
	if (n < 0 || (size_t)n != strlen(words))
		return 0;
	snprintf(line2, sizeof(line2), "link add link p0 name x type macvlan %s", words);
	argc = mv_cmd_tokenize(line2, argv, 64);
	if (mv_cmd_parse(argc, argv, &b, err, sizeof(err)) < 0)
		return 0;
	if (strcmp(a.link_add.backend.kind, b.link_add.backend.kind) != 0 ||
	    a.link_add.backend.n != b.link_add.backend.n)
		return 0;
	for (unsigned int i = 0; i < a.link_add.backend.n; i++)
		if (strcmp(a.link_add.backend.v[i].key, b.link_add.backend.v[i].key) != 0 ||
		    strcmp(a.link_add.backend.v[i].value, b.link_add.backend.v[i].value) != 0)
			return 0;
	return 1;
}

static void
test_show_config(void)
{
	struct mv_backend_args args = { .kind = "vdev", .n = 1 };
	char buf[64];

	CHECK(renders("show config", "[\"# c\",\"link set p0 mtu 1400\",\"stop\"]",
		      "# c\nlink set p0 mtu 1400\nstop\n"));
	CHECK(renders("show config", "[]", ""));
	CHECK(backend_round_trip("backend null"));
	CHECK(backend_round_trip("backend tap"));
	CHECK(backend_round_trip("backend tap netns ns1 ifname t0"));
	CHECK(backend_round_trip("ifname t0 backend tap"));
	CHECK(backend_round_trip("backend vdev net_pcap0,iface=eth1"));
	args.v[0].key = "devargs";
	strcpy(args.v[0].value, "net_null3");
	CHECK(mv_backend_args_format(NULL, &args, buf, sizeof(buf)) == 22);
	CHECK(strcmp(buf, "backend vdev net_null3") == 0);
	CHECK(mv_backend_args_format(NULL, &args, buf, 10) == -ENOSPC);
	args.v[0].key = "bogus"; /* an option vdev does not have */
	CHECK(mv_backend_args_format(NULL, &args, buf, sizeof(buf)) == -EINVAL);
	{
		/* a kind with a positional, a flag and a keyword option, given out of order */
		static const struct mv_backend_opt path = { .key = "path", .max_len = 100 };
		static const struct mv_backend_opt opts[] = {
			{ .key = "client", .flag = true },
			{ .key = "socket-group", .max_len = 32 },
			{ .key = NULL },
		};
		static const struct mv_backend_syntax fake = { .kind = "fake",
							       .positional = &path,
							       .opts = opts };
		struct mv_backend_args f = { .kind = "fake", .n = 3 };
		char w[128];

		f.v[0].key = "socket-group";
		strcpy(f.v[0].value, "kvm");
		f.v[1].key = "client";
		strcpy(f.v[1].value, "1");
		f.v[2].key = "path";
		strcpy(f.v[2].value, "/run/x.sock");
		CHECK(mv_backend_args_format(&fake, &f, w, sizeof(w)) > 0);
		CHECK(strcmp(w, "backend fake /run/x.sock socket-group kvm client") == 0);
	}
	strcpy(args.kind, "nosuchkind");
	CHECK(mv_backend_args_format(NULL, &args, buf, sizeof(buf)) == -EINVAL);
}

static void
test_wrong_shapes(void)
{
	/* results of the wrong shape render without crashing (the renderer is total) */
	static const char *const docs[] = {
		"1", "\"s\"", "[1,2]", "{\"links\":7}", "[{\"flags\":3,\"linkinfo\":[]}]", "{}"
	};
	static const char *const kinds[] = { "link show",  "link stats", "link set",
					     "maddr show", "link add",   "maddr add",
					     "help",       "mempool",    "show config" };

	for (size_t d = 0; d < sizeof(docs) / sizeof(docs[0]); d++)
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			json_t *r = json_loads(docs[d], JSON_DECODE_ANY, NULL);
			char *t = mv_render_text(kinds[k], r);

			CHECK(t != NULL);
			free(t);
			json_decref(r);
		}
}

int
main(void)
{
	RUN_TEST(test_link_show);
	RUN_TEST(test_link_add_set_del);
	RUN_TEST(test_link_stats);
	RUN_TEST(test_maddr_and_others);
	RUN_TEST(test_show_config);
	RUN_TEST(test_wrong_shapes);
	return mv_test_summary("render");
}
