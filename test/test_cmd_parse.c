/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The shell's parser: every command form to its fields, every error path to
 * one "Error: " line with a useful word in it, and the output cleared on
 * error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mv_backend_vhost.h"
#include "mv_cmd.h"
#include "mv_memif_msg.h"
#include "mv_test.h"

/* a backend option of a parsed link add, "" when absent (never NULL: strcmp-safe) */
#define ARG(a, key)                                                                                \
	(mv_backend_arg(&(a)->backend, (key)) != NULL ? mv_backend_arg(&(a)->backend, (key)) : "")

static struct mv_cmd cmd;
static const struct mv_cmd zero_cmd;
static char err[256];
static char line_buf[MV_CMD_MAX_ARGS * 20];
static char *args[MV_CMD_MAX_ARGS];

#define MAC(s) mac_of(s)

static mv_mac_t
mac_of(const char *s)
{
	mv_mac_t m = 0;

	if (mv_mac_parse(s, &m) < 0)
		abort();
	return m;
}

/* Tokenize a copy of @p line and parse it into cmd. */
static int
parse(const char *line)
{
	int n;

	if (strlen(line) >= sizeof(line_buf))
		abort();
	strcpy(line_buf, line);
	n = mv_cmd_tokenize(line_buf, args, MV_CMD_MAX_ARGS);
	if (n < 0)
		return n;
	return mv_cmd_parse(n, args, &cmd, err, sizeof(err));
}

/* @p line parses; prints the error otherwise. */
static int
parse_ok_at(const char *line, int lineno)
{
	int ret = parse(line);

	if (ret != 0 || err[0] != '\0') {
		fprintf(stderr, "%s:%d: \"%s\" failed: %d %s\n", __FILE__, lineno, line, ret, err);
		mv_test_checks_failed++;
	}
	return ret;
}
#define PARSE_OK(line) parse_ok_at((line), __LINE__)

/*
 * @p line is refused with one line "Error: ..." containing @p word, and cmd
 * is cleared. cmd is filled with garbage first.
 */
static void
check_err_at(const char *line, const char *word, int lineno)
{
	int ret;

	memset(&cmd, 0xa5, sizeof(cmd));
	ret = parse(line);
	if (ret != -EINVAL || strncmp(err, "Error: ", 7) != 0 || strchr(err, '\n') != NULL ||
	    strstr(err, word) == NULL || memcmp(&cmd, &zero_cmd, sizeof(cmd)) != 0) {
		fprintf(stderr, "%s:%d: \"%s\": want error with \"%s\", got %d \"%s\"%s\n",
			__FILE__, lineno, line, word, ret, err,
			memcmp(&cmd, &zero_cmd, sizeof(cmd)) != 0 ? " (out not cleared)" : "");
		mv_test_checks_failed++;
	}
}
#define CHECK_ERR(line, word) check_err_at((line), (word), __LINE__)

static void
test_tokenize(void)
{
	char l1[] = "  link\tadd  link p0\r\n";
	char l2[] = "";
	char l3[] = "   \t \n";
	char l4[] = "# a comment";
	char l5[] = "link show # trailing comment";
	char l6[] = "a#b c";
	char l7[] = "a b c d";
	char l8[] = "a b c";
	char l9[] = "   # indented comment";
	char l10[] = "x";
	char *v[4];

	CHECK_EQ(mv_cmd_tokenize(l1, v, 4), 4);
	CHECK(strcmp(v[0], "link") == 0);
	CHECK(strcmp(v[1], "add") == 0);
	CHECK(strcmp(v[2], "link") == 0);
	CHECK(strcmp(v[3], "p0") == 0);
	CHECK_EQ(mv_cmd_tokenize(l2, v, 4), 0);
	CHECK(v[0] == NULL);
	CHECK_EQ(mv_cmd_tokenize(l3, v, 4), 0);
	CHECK_EQ(mv_cmd_tokenize(l4, v, 4), 0);
	CHECK_EQ(mv_cmd_tokenize(l9, v, 4), 0);
	CHECK_EQ(mv_cmd_tokenize(l5, v, 4), 2);
	CHECK(strcmp(v[1], "show") == 0);
	CHECK(v[2] == NULL);
	/* '#' inside a token is not a comment */
	CHECK_EQ(mv_cmd_tokenize(l6, v, 4), 2);
	CHECK(strcmp(v[0], "a#b") == 0);
	CHECK(strcmp(v[1], "c") == 0);
	/* exactly max: no room for the NULL, still fine */
	CHECK_EQ(mv_cmd_tokenize(l7, v, 4), 4);
	CHECK(strcmp(v[3], "d") == 0);
	CHECK_EQ(mv_cmd_tokenize(l8, v, 2), -E2BIG);
	CHECK_EQ(mv_cmd_tokenize(l10, v, 0), -E2BIG);
	CHECK_EQ(mv_cmd_tokenize(l2, NULL, 0), 0);
	CHECK_EQ(mv_cmd_tokenize(NULL, v, 4), -EINVAL);
	CHECK_EQ(mv_cmd_tokenize(l10, NULL, 4), -EINVAL);
	CHECK_EQ(mv_cmd_tokenize(l10, v, -1), -EINVAL);
}

static void
test_empty(void)
{
	char *none[1] = { NULL };

	memset(&cmd, 0xa5, sizeof(cmd));
	strcpy(err, "stale");
	CHECK_EQ(mv_cmd_parse(0, none, &cmd, err, sizeof(err)), 0);
	CHECK_EQ(cmd.type, MV_CMD_NONE);
	CHECK(err[0] == '\0');
	CHECK(memcmp(&cmd, &zero_cmd, sizeof(cmd)) == 0);
	CHECK_EQ(parse("   # only a comment"), 0);
	CHECK_EQ(cmd.type, MV_CMD_NONE);
	CHECK_EQ(mv_cmd_parse(0, NULL, &cmd, NULL, 0), 0);
}

static void
check_add_defaults(const struct mv_cmd_link_add *a)
{
	CHECK(a->cfg.name == cmd.name);
	CHECK_EQ(a->cfg.mode, 0);
	CHECK(!a->cfg.has_flags);
	CHECK(!a->cfg.has_mac);
	CHECK(!a->cfg.has_mtu);
	CHECK(!a->cfg.has_bc_queue_len);
	CHECK(!a->cfg.has_bc_cutoff);
	CHECK_EQ(a->cfg.macaddr_op, MV_MACADDR_NONE);
	CHECK(a->cfg.macaddr == NULL);
	CHECK_EQ(a->cfg.n_macaddr, 0);
	CHECK(!a->cfg.no_default_groups);
	CHECK_EQ(a->cfg.random, 0);
}

static void
test_link_add_minimal(void)
{
	const struct mv_cmd_link_add *a = &cmd.link_add;

	CHECK_EQ(PARSE_OK("link add link p0 name mv0 type macvlan"), 0);
	CHECK_EQ(cmd.type, MV_CMD_LINK_ADD);
	CHECK(strcmp(cmd.name, "mv0") == 0);
	CHECK(strcmp(a->link, "p0") == 0);
	check_add_defaults(a);
	CHECK(a->backend.kind[0] == '\0');
	CHECK_EQ(a->backend.n, 0);
	CHECK(mv_backend_arg(&a->backend, "ifname") == NULL);
	CHECK(mv_backend_arg(&a->backend, "netns") == NULL);
	CHECK(mv_backend_arg(&a->backend, "devargs") == NULL);

	/* other orders and aliases give the same */
	CHECK_EQ(PARSE_OK("link add name mv0 link p0 type macvlan"), 0);
	CHECK(strcmp(cmd.name, "mv0") == 0 && strcmp(a->link, "p0") == 0);
	CHECK_EQ(PARSE_OK("link add type macvlan link p0 dev mv0"), 0);
	CHECK(strcmp(cmd.name, "mv0") == 0 && strcmp(a->link, "p0") == 0);
	CHECK_EQ(PARSE_OK("link add mv0 link p0 type macvlan"), 0);
	CHECK(strcmp(cmd.name, "mv0") == 0 && strcmp(a->link, "p0") == 0);
	CHECK(a->cfg.name == cmd.name);
	CHECK_EQ(PARSE_OK("ip link add link p0 name mv0 type macvlan"), 0);
	CHECK_EQ(cmd.type, MV_CMD_LINK_ADD);
	/* a port by DPDK device name: not an interface name, only length-checked */
	CHECK_EQ(PARSE_OK("link add link 0000:01:00.0 name mv0 type macvlan"), 0);
	CHECK(strcmp(a->link, "0000:01:00.0") == 0);
	/* 15 characters is the limit */
	CHECK_EQ(PARSE_OK("link add link p0 name abcdefghijklmno type macvlan"), 0);
	CHECK(strcmp(cmd.name, "abcdefghijklmno") == 0);
}

static void
test_link_add_full(void)
{
	const struct mv_cmd_link_add *a = &cmd.link_add;

	CHECK_EQ(PARSE_OK("link add link p0 name mv1 type macvlan mode bridge "
			  "address 02:00:00:00:00:01 mtu 1400 bcqueuelen 500 bclim -1 "
			  "backend tap ifname tap1 netns blue"),
		 0);
	CHECK_EQ(cmd.type, MV_CMD_LINK_ADD);
	CHECK(strcmp(cmd.name, "mv1") == 0);
	CHECK_EQ(a->cfg.mode, MV_MODE_BRIDGE);
	CHECK(!a->cfg.has_flags);
	CHECK(a->cfg.has_mac);
	CHECK_EQ(a->cfg.mac, UINT64_C(0x020000000001));
	CHECK(a->cfg.has_mtu);
	CHECK_EQ(a->cfg.mtu, 1400);
	CHECK(a->cfg.has_bc_queue_len);
	CHECK_EQ(a->cfg.bc_queue_len, 500);
	CHECK(a->cfg.has_bc_cutoff);
	CHECK_EQ(a->cfg.bc_cutoff, -1);
	CHECK(strcmp(a->backend.kind, "tap") == 0);
	CHECK(strcmp(ARG(a, "ifname"), "tap1") == 0);
	CHECK(strcmp(ARG(a, "netns"), "blue") == 0);
	CHECK_EQ(a->backend.n, 2);
	CHECK_EQ(a->cfg.macaddr_op, MV_MACADDR_NONE);

	/* the same in another order, generic options before type */
	CHECK_EQ(PARSE_OK("link add mtu 1400 address 02:00:00:00:00:01 name mv1 link p0 "
			  "type macvlan netns blue bclim -1 backend tap bcqueuelen 500 "
			  "mode bridge ifname tap1"),
		 0);
	CHECK_EQ(a->cfg.mode, MV_MODE_BRIDGE);
	CHECK_EQ(a->cfg.mac, UINT64_C(0x020000000001));
	CHECK_EQ(a->cfg.mtu, 1400);
	CHECK_EQ(a->cfg.bc_queue_len, 500);
	CHECK_EQ(a->cfg.bc_cutoff, -1);
	CHECK(strcmp(ARG(a, "ifname"), "tap1") == 0 && strcmp(ARG(a, "netns"), "blue") == 0);

	/* addr alias, '-' separators, one-digit octets */
	CHECK_EQ(PARSE_OK("link add link p0 name mv1 type macvlan addr 2-0-0-0-0-a"), 0);
	CHECK_EQ(a->cfg.mac, UINT64_C(0x02000000000a));
}

static void
test_link_add_modes(void)
{
	static const struct {
		const char *name;
		uint8_t mode;
	} modes[] = {
		{ "private", MV_MODE_PRIVATE }, { "vepa", MV_MODE_VEPA },
		{ "bridge", MV_MODE_BRIDGE },   { "passthru", MV_MODE_PASSTHRU },
		{ "source", MV_MODE_SOURCE },
	};
	const struct mv_vif_config *c = &cmd.link_add.cfg;
	char line[128];

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		snprintf(line, sizeof(line), "link add link p0 name mv0 type macvlan mode %s",
			 modes[i].name);
		CHECK_EQ(PARSE_OK(line), 0);
		CHECK_EQ(c->mode, modes[i].mode);
		CHECK(!c->has_flags);
	}
	CHECK_EQ(PARSE_OK("link add link p0 name mv0 type macvlan mode passthru nopromisc"), 0);
	CHECK_EQ(c->mode, MV_MODE_PASSTHRU);
	CHECK(c->has_flags);
	CHECK_EQ(c->flags, MV_FLAG_NOPROMISC);
	/* the flag before the mode: checked once the command is read, as ip does */
	CHECK_EQ(PARSE_OK("link add link p0 name mv0 type macvlan nopromisc mode passthru"), 0);
	CHECK_EQ(c->flags, MV_FLAG_NOPROMISC);
	CHECK_EQ(PARSE_OK("link add link p0 name mv0 type macvlan mode source nodst"), 0);
	CHECK_EQ(c->mode, MV_MODE_SOURCE);
	CHECK(c->has_flags);
	CHECK_EQ(c->flags, MV_FLAG_NODST);
	CHECK_EQ(PARSE_OK("link add link p0 name mv0 type macvlan mode passthru flag nopromisc"),
		 0);
	CHECK_EQ(c->flags, MV_FLAG_NOPROMISC);
	CHECK_EQ(PARSE_OK("link add link p0 name mv0 type macvlan mode source flag nodst"), 0);
	CHECK_EQ(c->flags, MV_FLAG_NODST);
	/* flag null: flags given, all clear, with any mode or none */
	CHECK_EQ(PARSE_OK("link add link p0 name mv0 type macvlan mode bridge flag null"), 0);
	CHECK(c->has_flags);
	CHECK_EQ(c->flags, 0);
	CHECK_EQ(PARSE_OK("link add link p0 name mv0 type macvlan flag null"), 0);
	CHECK(c->has_flags);
	CHECK_EQ(c->mode, 0);
}

static void
test_link_add_numbers(void)
{
	const struct mv_vif_config *c = &cmd.link_add.cfg;

	CHECK_EQ(PARSE_OK("link add link p0 name mv0 type macvlan bcqueuelen 4294967295 "
			  "bclim 2147483647 mtu 65535"),
		 0);
	CHECK_EQ(c->bc_queue_len, UINT32_MAX);
	CHECK_EQ(c->bc_cutoff, INT32_MAX);
	CHECK_EQ(c->mtu, 65535);
	CHECK_EQ(PARSE_OK("link add link p0 name mv0 type macvlan bcqueuelen 0 bclim "
			  "-2147483648 mtu 68"),
		 0);
	CHECK(c->has_bc_queue_len);
	CHECK_EQ(c->bc_queue_len, 0);
	CHECK_EQ(c->bc_cutoff, INT32_MIN);
	CHECK_EQ(c->mtu, 68);
	CHECK_EQ(PARSE_OK("link add link p0 name mv0 type macvlan bclim 0 mtu 01500"), 0);
	CHECK(c->has_bc_cutoff);
	CHECK_EQ(c->bc_cutoff, 0);
	CHECK_EQ(c->mtu, 1500);
	/* range checks beyond syntax are the core's: mtu 0 and 70000 parse */
	CHECK_EQ(PARSE_OK("link add link p0 name mv0 type macvlan mtu 0"), 0);
	CHECK_EQ(c->mtu, 0);
	CHECK_EQ(PARSE_OK("link add link p0 name mv0 type macvlan mtu 4294967295"), 0);
	CHECK_EQ(c->mtu, UINT32_MAX);
}

static void
test_link_add_macaddr(void)
{
	const struct mv_vif_config *c = &cmd.link_add.cfg;

	CHECK_EQ(PARSE_OK("link add link p0 name mv0 type macvlan mode source "
			  "macaddr add 02:00:00:00:00:09"),
		 0);
	CHECK_EQ(c->macaddr_op, MV_MACADDR_ADD);
	CHECK_EQ(c->n_macaddr, 1);
	CHECK(c->macaddr == cmd.macaddr);
	CHECK_EQ(c->macaddr[0], MAC("02:00:00:00:00:09"));
	/* set: the list ends at the next option */
	CHECK_EQ(PARSE_OK("link add link p0 name mv0 type macvlan macaddr set "
			  "02:00:00:00:00:01 02:00:00:00:00:02 mode source backend null"),
		 0);
	CHECK_EQ(c->macaddr_op, MV_MACADDR_SET);
	CHECK_EQ(c->n_macaddr, 2);
	CHECK_EQ(c->macaddr[0], MAC("02:00:00:00:00:01"));
	CHECK_EQ(c->macaddr[1], MAC("02:00:00:00:00:02"));
	CHECK_EQ(c->mode, MV_MODE_SOURCE);
	CHECK(strcmp(cmd.link_add.backend.kind, "null") == 0);
	CHECK_EQ(PARSE_OK("link add link p0 name mv0 type macvlan mode source macaddr set"), 0);
	CHECK_EQ(c->macaddr_op, MV_MACADDR_SET);
	CHECK_EQ(c->n_macaddr, 0);
	CHECK(c->macaddr == cmd.macaddr);
	CHECK_EQ(PARSE_OK("link add link p0 name mv0 type macvlan mode source macaddr flush"), 0);
	CHECK_EQ(c->macaddr_op, MV_MACADDR_FLUSH);
	CHECK_EQ(c->n_macaddr, 0);
}

static void
test_link_add_backends(void)
{
	const struct mv_cmd_link_add *a = &cmd.link_add;

	CHECK_EQ(PARSE_OK("link add link p0 name mv0 type macvlan backend null"), 0);
	CHECK(strcmp(a->backend.kind, "null") == 0);
	CHECK_EQ(a->backend.n, 0);
	CHECK_EQ(PARSE_OK("link add link p0 name mv0 type macvlan backend tap"), 0);
	CHECK(strcmp(a->backend.kind, "tap") == 0);
	CHECK_EQ(a->backend.n, 0);
	CHECK_EQ(PARSE_OK("link add link p0 name mv0 type macvlan backend vdev "
			  "net_pcap1,rx_pcap=/tmp/a/mv0_rx.pcap,tx_pcap=/tmp/a/mv0_tx.pcap"),
		 0);
	CHECK(strcmp(a->backend.kind, "vdev") == 0);
	CHECK(strcmp(ARG(a, "devargs"),
		     "net_pcap1,rx_pcap=/tmp/a/mv0_rx.pcap,tx_pcap=/tmp/a/mv0_tx.pcap") == 0);
	/* devargs is one token, not interpreted, even if it looks like a keyword */
	CHECK_EQ(PARSE_OK("link add link p0 name mv0 type macvlan backend vdev mtu"), 0);
	CHECK(strcmp(ARG(a, "devargs"), "mtu") == 0);
	CHECK(!a->cfg.has_mtu);
	/* ifname / netns anywhere once backend tap is in the command */
	CHECK_EQ(PARSE_OK("link add ifname t0 link p0 name mv0 type macvlan backend tap"), 0);
	CHECK(strcmp(ARG(a, "ifname"), "t0") == 0);

	/* the lines the conformance harness writes (test/scn_pcap.c) */
	CHECK_EQ(PARSE_OK("link add link p0 name v1 type macvlan mode passthru nopromisc mtu 1400 "
			  "backend vdev net_pcap1,rx_pcap=/t/v1_rx.pcap,tx_pcap=/t/v1_tx.pcap"),
		 0);
	CHECK_EQ(a->cfg.mode, MV_MODE_PASSTHRU);
	CHECK_EQ(a->cfg.flags, MV_FLAG_NOPROMISC);
	CHECK_EQ(PARSE_OK("link add link p0 name v2 type macvlan mode source nodst address "
			  "02:00:00:00:00:02 backend vdev net_pcap2,rx_pcap=/t/a,tx_pcap=/t/b"),
		 0);
	CHECK_EQ(a->cfg.flags, MV_FLAG_NODST);
	CHECK_EQ(a->cfg.mac, MAC("02:00:00:00:00:02"));
}

/* `backend memif <socket> id <n> [role server|client] [secret <s>] [socket-group <g>]` */
static void
test_link_add_memif(void)
{
	const struct mv_cmd_link_add *a = &cmd.link_add;
	char line[512];

	CHECK_EQ(PARSE_OK("link add link p0 name mv0 type macvlan backend memif /run/m.sock id 7"),
		 0);
	CHECK(strcmp(a->backend.kind, "memif") == 0);
	CHECK(strcmp(ARG(a, "socket"), "/run/m.sock") == 0);
	CHECK(strcmp(ARG(a, "id"), "7") == 0);
	CHECK(mv_backend_arg(&a->backend, "role") == NULL);
	CHECK_EQ(PARSE_OK("link add link p0 name mv0 type macvlan backend memif /run/m.sock "
			  "id 4294967295 role client secret s3cr3t socket-group kvm"),
		 0);
	CHECK(strcmp(ARG(a, "id"), "4294967295") == 0);
	CHECK(strcmp(ARG(a, "role"), "client") == 0);
	CHECK(strcmp(ARG(a, "secret"), "s3cr3t") == 0);
	CHECK(strcmp(ARG(a, "socket-group"), "kvm") == 0);
	/* options before the backend word, and id 0 */
	CHECK_EQ(PARSE_OK("link add id 0 role server link p0 name mv0 type macvlan "
			  "backend memif /m"),
		 0);
	CHECK(strcmp(ARG(a, "id"), "0") == 0);
	CHECK(strcmp(ARG(a, "role"), "server") == 0);
	/* exactly the limits pass: a 107-byte path, a 24-byte secret */
	snprintf(line, sizeof(line),
		 "link add link p0 name mv0 type macvlan backend memif /%0*d id 1 secret %0*d",
		 MV_MEMIF_SOCKET_PATH_MAX - 1, 0, MV_MEMIF_SECRET_SIZE, 0);
	CHECK_EQ(PARSE_OK(line), 0);
	CHECK_EQ(strlen(ARG(a, "socket")), MV_MEMIF_SOCKET_PATH_MAX);

	/* errors */
	CHECK_ERR("link add link p0 name mv0 type macvlan backend memif",
		  "missing memif socket path");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend memif m.sock id 1",
		  "is not absolute");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend memif /run/ id 1",
		  "names a directory");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend memif /m",
		  "missing memif id for backend memif (id <memif id>)");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend memif /m role client",
		  "missing memif id for backend memif");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend memif /m id",
		  "missing value for id");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend memif /m id -1",
		  "invalid memif id \"-1\"");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend memif /m id 4294967296",
		  "invalid memif id");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend memif /m id 0x10",
		  "invalid memif id");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend memif /m id 12345678901",
		  "too long");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend memif /m id 1 id 2",
		  "\"id\" given twice");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend memif /m id 1 role master",
		  "invalid memif role \"master\" (server or client)");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend memif /m id 1 socket-group a/b",
		  "invalid group name");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend tap id 1",
		  "\"id\" only valid with \"backend memif\"");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend null role client",
		  "\"role\" only valid with \"backend memif\"");
	snprintf(line, sizeof(line),
		 "link add link p0 name mv0 type macvlan backend memif /%0*d id 1",
		 MV_MEMIF_SOCKET_PATH_MAX, 0);
	CHECK_ERR(line, "memif socket path");
	CHECK_ERR(line, "too long (at most 107 characters)");
	snprintf(line, sizeof(line),
		 "link add link p0 name mv0 type macvlan backend memif /m id 1 secret %0*d",
		 MV_MEMIF_SECRET_SIZE + 1, 0);
	CHECK_ERR(line, "memif secret too long (at most 24 characters)");
}

/* backend vhost <socket path> [client] [queues <n>] [socket-group <name>] */
static void
test_link_add_vhost(void)
{
	const struct mv_cmd_link_add *a = &cmd.link_add;
	char line[512], path[MV_VHOST_PATH_MAX + 2];

	CHECK_EQ(PARSE_OK("link add link p0 name mv0 type macvlan backend vhost /run/vm1.sock"), 0);
	CHECK(strcmp(a->backend.kind, "vhost") == 0);
	CHECK_EQ(a->backend.n, 1);
	CHECK(strcmp(ARG(a, "path"), "/run/vm1.sock") == 0);
	CHECK(mv_backend_arg(&a->backend, "client") == NULL);
	CHECK(mv_backend_arg(&a->backend, "queues") == NULL);
	/* a flag, a number, a group; in any order, anywhere after the path */
	CHECK_EQ(PARSE_OK("link add link p0 name mv0 type macvlan backend vhost vm1.sock client "
			  "queues 4 socket-group kvm mode bridge"),
		 0);
	CHECK(strcmp(ARG(a, "path"), "vm1.sock") == 0);
	CHECK(strcmp(ARG(a, "client"), "1") == 0);
	CHECK(strcmp(ARG(a, "queues"), "4") == 0);
	CHECK(strcmp(ARG(a, "socket-group"), "kvm") == 0);
	CHECK_EQ(a->cfg.mode, MV_MODE_BRIDGE);
	CHECK_EQ(PARSE_OK("link add link p0 name mv0 type macvlan backend vhost ./client queues 8"),
		 0);
	CHECK(strcmp(ARG(a, "path"), "./client") == 0);
	CHECK(mv_backend_arg(&a->backend, "client") == NULL);
	CHECK_EQ(PARSE_OK("link add link p0 name mv0 type macvlan backend vhost /s queues 1"), 0);
	/* the longest path sockaddr_un holds */
	memset(path, 'a', MV_VHOST_PATH_MAX);
	path[0] = '/';
	path[MV_VHOST_PATH_MAX] = '\0';
	snprintf(line, sizeof(line), "link add link p0 name mv0 type macvlan backend vhost %s",
		 path);
	CHECK_EQ(PARSE_OK(line), 0);
	CHECK_EQ(strlen(ARG(a, "path")), MV_VHOST_PATH_MAX);

	/* errors */
	CHECK_ERR("link add link p0 name mv0 type macvlan backend vhost", "missing socket path");
	path[MV_VHOST_PATH_MAX] = 'a';
	path[MV_VHOST_PATH_MAX + 1] = '\0';
	snprintf(line, sizeof(line), "link add link p0 name mv0 type macvlan backend vhost %s",
		 path);
	CHECK_ERR(line, "socket path");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend vhost /run/dir/",
		  "names a directory");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend vhost client /x",
		  "comes right after");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend vhost queues 2",
		  "comes right after");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend vhost /s queues",
		  "missing value for queues");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend vhost /s queues 0",
		  "invalid queues \"0\" (1..8)");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend vhost /s queues 9",
		  "invalid queues \"9\"");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend vhost /s queues 1x",
		  "invalid queues");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend vhost /s queues -1",
		  "invalid queues");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend vhost /s queues 99999999999",
		  "too long");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend vhost /s client client",
		  "\"client\" given twice");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend vhost /s queues 2 queues 2",
		  "\"queues\" given twice");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend vhost /s socket-group a/b",
		  "invalid group name");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend vhost /s socket-group",
		  "missing value for socket-group");
	/* vhost's options with another kind, and the other kinds' with vhost */
	CHECK_ERR("link add link p0 name mv0 type macvlan backend tap client", "vhost");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend null queues 2", "vhost");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend vhost /s ifname t0",
		  "\"ifname\" only valid with \"backend tap\"");
}

static void
test_link_add_errors(void)
{
	char line[MV_CMD_DEVARGS_SIZE + 128];

	CHECK_ERR("link add", "link <port>");
	CHECK_ERR("link add name mv0 type macvlan", "link <port>");
	CHECK_ERR("link add link p0 type macvlan", "name <vif>");
	CHECK_ERR("link add link p0 name mv0", "type macvlan");
	CHECK_ERR("link add link p0 name mv0 type vlan", "vlan");
	CHECK_ERR("link add link p0 name mv0 type", "missing value for type");
	CHECK_ERR("link add link p0 name mv0 type macvlan type macvlan", "\"type\" given twice");
	CHECK_ERR("link add link p0 name mv0 type macvlan foo",
		  "unknown option \"foo\" for link add");
	CHECK_ERR("link add link p0 name mv0 type macvlan up", "unknown option \"up\"");
	CHECK_ERR("link add link p0 name mv0 type macvlan allmulticast on", "unknown option");
	CHECK_ERR("link add link", "missing value for link");
	CHECK_ERR("link add link p0 name", "missing value for name");
	CHECK_ERR("link add link p0 link p1 name mv0 type macvlan", "\"link\" given twice");
	CHECK_ERR("link add link p0 name mv0 dev mv1 type macvlan", "\"name\" given twice");
	CHECK_ERR("link add mv0 link p0 name mv1 type macvlan", "\"name\" given twice");
	CHECK_ERR("link add link p0 name mv0 mode bridge type macvlan",
		  "\"mode\" must come after \"type macvlan\"");
	CHECK_ERR("link add link p0 name mv0 bcqueuelen 5 type macvlan", "after \"type macvlan\"");
	/* mode */
	CHECK_ERR("link add link p0 name mv0 type macvlan mode", "missing value for mode");
	CHECK_ERR("link add link p0 name mv0 type macvlan mode foo", "invalid mode \"foo\"");
	CHECK_ERR("link add link p0 name mv0 type macvlan mode Bridge", "invalid mode");
	CHECK_ERR("link add link p0 name mv0 type macvlan mode vepa mode bridge",
		  "\"mode\" given twice");
	/* flags */
	CHECK_ERR("link add link p0 name mv0 type macvlan nopromisc", "passthru");
	CHECK_ERR("link add link p0 name mv0 type macvlan mode bridge nopromisc", "passthru");
	CHECK_ERR("link add link p0 name mv0 type macvlan mode passthru nodst", "source");
	CHECK_ERR("link add link p0 name mv0 type macvlan mode bridge flag nodst", "source");
	CHECK_ERR("link add link p0 name mv0 type macvlan mode passthru nopromisc nopromisc",
		  "\"nopromisc\" given twice");
	CHECK_ERR("link add link p0 name mv0 type macvlan mode passthru flag nopromisc nopromisc",
		  "given twice");
	CHECK_ERR("link add link p0 name mv0 type macvlan mode source nodst nopromisc",
		  "conflicts");
	CHECK_ERR("link add link p0 name mv0 type macvlan mode source flag null nodst",
		  "conflicts");
	CHECK_ERR("link add link p0 name mv0 type macvlan flag", "missing value for flag");
	CHECK_ERR("link add link p0 name mv0 type macvlan flag bogus", "invalid flag \"bogus\"");
	/* address */
	CHECK_ERR("link add link p0 name mv0 type macvlan address", "missing value for address");
	CHECK_ERR("link add link p0 name mv0 type macvlan address xx",
		  "invalid MAC address \"xx\"");
	CHECK_ERR("link add link p0 name mv0 type macvlan address 02:00:00:00:00",
		  "invalid MAC address");
	CHECK_ERR("link add link p0 name mv0 type macvlan address 02:00:00:00:00:01:02",
		  "invalid MAC address");
	CHECK_ERR("link add link p0 name mv0 type macvlan address 02:00:00:00:00:01 addr "
		  "02:00:00:00:00:02",
		  "\"address\" given twice");
	/* numbers */
	CHECK_ERR("link add link p0 name mv0 type macvlan mtu", "missing value for mtu");
	CHECK_ERR("link add link p0 name mv0 type macvlan mtu abc", "not a number");
	CHECK_ERR("link add link p0 name mv0 type macvlan mtu 1400x", "not a number");
	CHECK_ERR("link add link p0 name mv0 type macvlan mtu 0x500", "not a number");
	CHECK_ERR("link add link p0 name mv0 type macvlan mtu +1400", "not a number");
	CHECK_ERR("link add link p0 name mv0 type macvlan mtu 1400.0", "not a number");
	CHECK_ERR("link add link p0 name mv0 type macvlan mtu -", "not a number");
	CHECK_ERR("link add link p0 name mv0 type macvlan mtu -1", "negative");
	CHECK_ERR("link add link p0 name mv0 type macvlan mtu 4294967296", "out of range");
	CHECK_ERR("link add link p0 name mv0 type macvlan mtu 99999999999999999999999",
		  "out of range");
	CHECK_ERR("link add link p0 name mv0 type macvlan mtu 1400 mtu 1500",
		  "\"mtu\" given twice");
	CHECK_ERR("link add link p0 name mv0 type macvlan bcqueuelen",
		  "missing value for bcqueuelen");
	CHECK_ERR("link add link p0 name mv0 type macvlan bcqueuelen -1", "negative");
	CHECK_ERR("link add link p0 name mv0 type macvlan bcqueuelen 4294967296", "4294967295");
	CHECK_ERR("link add link p0 name mv0 type macvlan bcqueuelen many", "bcqueuelen");
	CHECK_ERR("link add link p0 name mv0 type macvlan bcqueuelen 1 bcqueuelen 2",
		  "\"bcqueuelen\" given twice");
	CHECK_ERR("link add link p0 name mv0 type macvlan bclim", "missing value for bclim");
	CHECK_ERR("link add link p0 name mv0 type macvlan bclim 2147483648", "out of range");
	CHECK_ERR("link add link p0 name mv0 type macvlan bclim -2147483649", "-2147483648");
	CHECK_ERR("link add link p0 name mv0 type macvlan bclim --1", "not a number");
	CHECK_ERR("link add link p0 name mv0 type macvlan bclim 1 bclim 1",
		  "\"bclim\" given twice");
	/* names */
	CHECK_ERR("link add link p0 name abcdefghijklmnop type macvlan", "too long");
	CHECK_ERR("link add link p0 name abcdefghijklmnop type macvlan", "15");
	CHECK_ERR("link add link abcdefghijklmnop name mv0 type macvlan", "too long");
	CHECK_ERR("link add link p0 name a/b type macvlan", "invalid interface name \"a/b\"");
	CHECK_ERR("link add link p0 name a:b type macvlan", "invalid interface name");
	CHECK_ERR("link add link p0 name . type macvlan", "invalid interface name");
	CHECK_ERR("link add x/y link p0 type macvlan", "invalid interface name");
	/* macaddr */
	CHECK_ERR("link add link p0 name mv0 type macvlan macaddr add 02:00:00:00:00:01",
		  "source mode");
	CHECK_ERR("link add link p0 name mv0 type macvlan mode source macaddr",
		  "missing value for macaddr");
	CHECK_ERR("link add link p0 name mv0 type macvlan mode source macaddr add",
		  "missing value for macaddr add");
	CHECK_ERR("link add link p0 name mv0 type macvlan mode source macaddr del",
		  "missing value for macaddr del");
	CHECK_ERR("link add link p0 name mv0 type macvlan mode source macaddr add zz",
		  "invalid MAC address \"zz\"");
	CHECK_ERR("link add link p0 name mv0 type macvlan mode source macaddr bogus",
		  "invalid macaddr operation \"bogus\"");
	CHECK_ERR("link add link p0 name mv0 type macvlan mode source macaddr set "
		  "02:00:00:00:00:01 02:00:00:00:00:zz",
		  "invalid MAC address \"02:00:00:00:00:zz\"");
	CHECK_ERR("link add link p0 name mv0 type macvlan mode source macaddr flush macaddr flush",
		  "\"macaddr\" given twice");
	/* backends */
	CHECK_ERR("link add link p0 name mv0 type macvlan backend", "missing value for backend");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend pcap",
		  "unknown backend \"pcap\"");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend vdev", "missing devargs");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend tap backend null",
		  "\"backend\" given twice");
	CHECK_ERR("link add link p0 name mv0 type macvlan ifname t0", "backend tap");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend null ifname t0",
		  "\"ifname\" only valid with \"backend tap\"");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend vdev net_null0 netns blue",
		  "\"netns\" only valid with \"backend tap\"");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend tap ifname",
		  "missing value for ifname");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend tap ifname abcdefghijklmnop",
		  "too long");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend tap ifname t/0",
		  "invalid interface name");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend tap ifname t0 ifname t1",
		  "\"ifname\" given twice");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend tap netns",
		  "missing value for netns");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend tap netns a/b",
		  "invalid netns name");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend tap netns ..",
		  "invalid netns name");
	CHECK_ERR("link add link p0 name mv0 type macvlan backend tap netns a netns b",
		  "\"netns\" given twice");
	snprintf(line, sizeof(line),
		 "link add link p0 name mv0 type macvlan backend tap netns %0*d", MV_CMD_NETNS_SIZE,
		 0);
	CHECK_ERR(line, "netns name");
	snprintf(line, sizeof(line), "link add link p0 name mv0 type macvlan backend vdev %0*d",
		 MV_CMD_DEVARGS_SIZE, 0);
	CHECK_ERR(line, "devargs too long");
	/* exactly the limits pass */
	snprintf(line, sizeof(line), "link add link p0 name mv0 type macvlan backend vdev %0*d",
		 MV_CMD_DEVARGS_SIZE - 1, 0);
	CHECK_EQ(PARSE_OK(line), 0);
	CHECK_EQ(strlen(ARG(&cmd.link_add, "devargs")), MV_CMD_DEVARGS_SIZE - 1);
	snprintf(line, sizeof(line),
		 "link add link p0 name mv0 type macvlan backend tap netns %0*d",
		 MV_CMD_NETNS_SIZE - 1, 0);
	CHECK_EQ(PARSE_OK(line), 0);
	CHECK_EQ(strlen(ARG(&cmd.link_add, "netns")), MV_CMD_NETNS_SIZE - 1);
}

/* macaddr set with many addresses: up to MV_CMD_MAX_MACADDR. */
static void
test_macaddr_set_many(void)
{
	static char line[MV_CMD_MAX_ARGS * 20];
	const struct mv_vif_change *c = &cmd.link_set.chg;
	size_t len;

	len = (size_t)snprintf(line, sizeof(line), "link set mv0 type macvlan macaddr set");
	for (unsigned int i = 0; i < MV_CMD_MAX_MACADDR; i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, " 02:00:00:00:%02x:%02x",
					i >> 8, i & 0xff);
	CHECK_EQ(PARSE_OK(line), 0);
	CHECK_EQ(c->macaddr_op, MV_MACADDR_SET);
	CHECK_EQ(c->n_macaddr, MV_CMD_MAX_MACADDR);
	CHECK(c->macaddr == cmd.macaddr);
	CHECK_EQ(c->macaddr[0], MAC("02:00:00:00:00:00"));
	CHECK_EQ(c->macaddr[4095], MAC("02:00:00:00:0f:ff"));
	snprintf(line + len, sizeof(line) - len, " 02:00:00:00:10:00");
	CHECK_ERR(line, "too many addresses");
	CHECK_ERR(line, "4096");
}

static void
test_link_set_device(void)
{
	const struct mv_cmd_link_set *s = &cmd.link_set;

	CHECK_EQ(PARSE_OK("link set mv0 up"), 0);
	CHECK_EQ(cmd.type, MV_CMD_LINK_SET);
	CHECK(strcmp(cmd.name, "mv0") == 0);
	CHECK(s->has_up && s->up);
	CHECK(!s->has_mac && !s->has_mtu && !s->has_allmulti && !s->has_promisc);
	CHECK(!s->has_change);
	CHECK_EQ(s->chg.mode, 0);
	CHECK(!s->chg.has_flags);
	CHECK_EQ(s->chg.macaddr_op, MV_MACADDR_NONE);
	CHECK(s->chg.macaddr == NULL);

	CHECK_EQ(PARSE_OK("link set p0 down"), 0);
	CHECK(strcmp(cmd.name, "p0") == 0);
	CHECK(s->has_up && !s->up);
	CHECK_EQ(PARSE_OK("link set dev mv0 up"), 0);
	CHECK(strcmp(cmd.name, "mv0") == 0 && s->has_up && s->up);
	CHECK_EQ(PARSE_OK("link set net_pcap0 address 02:00:00:00:00:aa"), 0);
	CHECK(strcmp(cmd.name, "net_pcap0") == 0);
	CHECK(s->has_mac);
	CHECK_EQ(s->mac, UINT64_C(0x0200000000aa));
	CHECK(!s->has_up);
	CHECK_EQ(PARSE_OK("link set 0000:01:00.0 mtu 9000"), 0);
	CHECK(strcmp(cmd.name, "0000:01:00.0") == 0);
	CHECK(s->has_mtu);
	CHECK_EQ(s->mtu, 9000);
	CHECK_EQ(PARSE_OK("link set mv0 spoofchk on"), 0);
	CHECK(cmd.link_set.has_spoofchk && cmd.link_set.spoofchk && !cmd.link_set.has_up);
	CHECK_EQ(PARSE_OK("link set mv0 up spoofchk off"), 0);
	CHECK(cmd.link_set.has_spoofchk && !cmd.link_set.spoofchk && cmd.link_set.has_up);
	CHECK_EQ(PARSE_OK("link set mv0 bcrate 1000"), 0);
	CHECK(cmd.link_set.has_bcrate && cmd.link_set.bcrate == 1000 && !cmd.link_set.has_up);
	CHECK_EQ(PARSE_OK("link set mv0 up bcrate 0"), 0);
	CHECK(cmd.link_set.has_bcrate && cmd.link_set.bcrate == 0 && cmd.link_set.has_up);
	CHECK_EQ(PARSE_OK("link set mv0 bcrate 4294967295"), 0);
	CHECK_EQ(cmd.link_set.bcrate, UINT32_MAX);
	CHECK_EQ(PARSE_OK("link set mv0 allmulticast on"), 0);
	CHECK(s->has_allmulti && s->allmulti);
	CHECK_EQ(PARSE_OK("link set mv0 allmulti off"), 0);
	CHECK(s->has_allmulti && !s->allmulti);
	CHECK_EQ(PARSE_OK("link set mv0 promisc on"), 0);
	CHECK(s->has_promisc && s->promisc);
	CHECK(!s->has_allmulti);
	CHECK_EQ(PARSE_OK("link set mv0 promisc off"), 0);
	CHECK(s->has_promisc && !s->promisc);
	/* several at once, as ip does */
	CHECK_EQ(PARSE_OK("link set mv0 address 02:00:00:00:00:01 mtu 1400 up"), 0);
	CHECK(s->has_mac && s->mac == MAC("02:00:00:00:00:01"));
	CHECK(s->has_mtu && s->mtu == 1400);
	CHECK(s->has_up && s->up);
	CHECK(!s->has_promisc && !s->has_allmulti && !s->has_change);
	CHECK_EQ(
		PARSE_OK("link set mv0 down promisc on allmulticast off mtu 1500 addr 2:0:0:0:0:2"),
		0);
	CHECK(s->has_up && !s->up);
	CHECK(s->has_promisc && s->promisc);
	CHECK(s->has_allmulti && !s->allmulti);
	CHECK_EQ(s->mtu, 1500);
	CHECK_EQ(s->mac, MAC("02:00:00:00:00:02"));
	CHECK_EQ(PARSE_OK("ip link set p0 promisc on"), 0);
	CHECK(s->has_promisc && s->promisc);
}

static void
test_link_set_macvlan(void)
{
	const struct mv_cmd_link_set *s = &cmd.link_set;
	const struct mv_vif_change *c = &s->chg;

	CHECK_EQ(PARSE_OK("link set mv0 type macvlan mode bridge"), 0);
	CHECK(s->has_change);
	CHECK(!s->has_up && !s->has_mac && !s->has_mtu);
	CHECK_EQ(c->mode, MV_MODE_BRIDGE);
	CHECK(!c->has_flags);
	CHECK(!c->has_bc_queue_len && !c->has_bc_cutoff);
	CHECK_EQ(c->macaddr_op, MV_MACADDR_NONE);
	CHECK(c->macaddr == NULL);
	CHECK_EQ(PARSE_OK("link set mv0 type macvlan mode passthru nopromisc"), 0);
	CHECK_EQ(c->mode, MV_MODE_PASSTHRU);
	CHECK(c->has_flags && c->flags == MV_FLAG_NOPROMISC);
	CHECK_EQ(PARSE_OK("link set mv0 type macvlan mode source nodst"), 0);
	CHECK(c->has_flags && c->flags == MV_FLAG_NODST);
	CHECK_EQ(PARSE_OK("link set mv0 type macvlan flag null"), 0);
	CHECK_EQ(c->mode, 0);
	CHECK(c->has_flags && c->flags == 0);
	CHECK_EQ(PARSE_OK("link set mv0 type macvlan bcqueuelen 10"), 0);
	CHECK(c->has_bc_queue_len && c->bc_queue_len == 10);
	CHECK_EQ(c->mode, 0);
	CHECK_EQ(PARSE_OK("link set mv0 type macvlan bclim -1"), 0);
	CHECK(c->has_bc_cutoff && c->bc_cutoff == -1);
	CHECK_EQ(PARSE_OK("link set mv0 type macvlan macaddr add 02:00:00:00:00:05"), 0);
	CHECK_EQ(c->macaddr_op, MV_MACADDR_ADD);
	CHECK_EQ(c->n_macaddr, 1);
	CHECK(c->macaddr == cmd.macaddr);
	CHECK_EQ(c->macaddr[0], MAC("02:00:00:00:00:05"));
	CHECK_EQ(PARSE_OK("link set mv0 type macvlan macaddr del 02:00:00:00:00:06"), 0);
	CHECK_EQ(c->macaddr_op, MV_MACADDR_DEL);
	CHECK_EQ(c->n_macaddr, 1);
	CHECK_EQ(c->macaddr[0], MAC("02:00:00:00:00:06"));
	CHECK_EQ(PARSE_OK("link set mv0 type macvlan macaddr flush"), 0);
	CHECK_EQ(c->macaddr_op, MV_MACADDR_FLUSH);
	CHECK_EQ(c->n_macaddr, 0);
	CHECK_EQ(PARSE_OK("link set mv0 type macvlan macaddr set"), 0);
	CHECK_EQ(c->macaddr_op, MV_MACADDR_SET);
	CHECK_EQ(c->n_macaddr, 0);
	CHECK_EQ(PARSE_OK("link set mv0 type macvlan macaddr set 02:00:00:00:00:01 "
			  "02:00:00:00:00:02 02:00:00:00:00:03"),
		 0);
	CHECK_EQ(c->macaddr_op, MV_MACADDR_SET);
	CHECK_EQ(c->n_macaddr, 3);
	CHECK_EQ(c->macaddr[2], MAC("02:00:00:00:00:03"));
	/* mode change and macaddr op in one command */
	CHECK_EQ(PARSE_OK("link set mv0 type macvlan mode source macaddr add 02:00:00:00:00:07"),
		 0);
	CHECK_EQ(c->mode, MV_MODE_SOURCE);
	CHECK_EQ(c->macaddr_op, MV_MACADDR_ADD);
	CHECK_EQ(c->macaddr[0], MAC("02:00:00:00:00:07"));
	/* the set list ends at a macvlan option */
	CHECK_EQ(PARSE_OK("link set mv0 type macvlan macaddr set 02:00:00:00:00:01 mode source "
			  "bclim 3"),
		 0);
	CHECK_EQ(c->n_macaddr, 1);
	CHECK_EQ(c->mode, MV_MODE_SOURCE);
	CHECK(c->has_bc_cutoff && c->bc_cutoff == 3);
	/* everything at once */
	CHECK_EQ(PARSE_OK("link set mv0 address 02:00:00:00:00:01 mtu 1400 up promisc off "
			  "allmulticast on type macvlan mode source nodst bcqueuelen 7 bclim 2 "
			  "macaddr set 02:00:00:00:00:08"),
		 0);
	CHECK(s->has_mac && s->has_mtu && s->has_up && s->up);
	CHECK(s->has_promisc && !s->promisc && s->has_allmulti && s->allmulti);
	CHECK(s->has_change);
	CHECK_EQ(c->mode, MV_MODE_SOURCE);
	CHECK_EQ(c->flags, MV_FLAG_NODST);
	CHECK_EQ(c->bc_queue_len, 7);
	CHECK_EQ(c->bc_cutoff, 2);
	CHECK_EQ(c->macaddr_op, MV_MACADDR_SET);
	CHECK_EQ(c->n_macaddr, 1);
}

static void
test_link_set_errors(void)
{
	CHECK_ERR("link set", "missing device name");
	CHECK_ERR("link set dev", "missing device name");
	CHECK_ERR("link set mv0", "missing attribute");
	CHECK_ERR("link set mv0 spoofchk", "spoofchk");
	CHECK_ERR("link set mv0 spoofchk yes", "spoofchk");
	CHECK_ERR("link set mv0 spoofchk on spoofchk off", "\"spoofchk\" given twice");
	CHECK_ERR("link set mv0 bcrate", "missing value for bcrate");
	CHECK_ERR("link set mv0 bcrate -1", "negative");
	CHECK_ERR("link set mv0 bcrate 4294967296", "4294967295");
	CHECK_ERR("link set mv0 bcrate fast", "bcrate");
	CHECK_ERR("link set mv0 bcrate 1 bcrate 2", "\"bcrate\" given twice");
	CHECK_ERR("link set mv0 type macvlan mode bridge bcrate 5",
		  "\"bcrate\" must come before \"type macvlan\"");
	CHECK_ERR("link set mv0 type macvlan mode bridge spoofchk on",
		  "\"spoofchk\" must come before \"type macvlan\"");
	CHECK_ERR("link set abcdefghijklmnop up", "too long");
	CHECK_ERR("link set mv0 up down", "\"down\" conflicts with \"up\"");
	CHECK_ERR("link set mv0 down up", "conflicts");
	CHECK_ERR("link set mv0 up up", "\"up\" given twice");
	CHECK_ERR("link set mv0 mtu 1400 mtu 1500", "\"mtu\" given twice");
	CHECK_ERR("link set mv0 mtu", "missing value for mtu");
	CHECK_ERR("link set mv0 mtu big", "not a number");
	CHECK_ERR("link set mv0 mtu -1500", "negative");
	CHECK_ERR("link set mv0 mtu 1500000000000", "out of range");
	CHECK_ERR("link set mv0 address", "missing value for address");
	CHECK_ERR("link set mv0 address 02:00:00:00:00:0g", "invalid MAC address");
	CHECK_ERR("link set mv0 address 02:00:00:00:00:01 address 02:00:00:00:00:01",
		  "\"address\" given twice");
	CHECK_ERR("link set mv0 promisc", "missing value for promisc");
	CHECK_ERR("link set mv0 promisc yes", "on or off");
	CHECK_ERR("link set mv0 promisc on promisc off", "\"promisc\" given twice");
	CHECK_ERR("link set mv0 allmulticast", "missing value for allmulticast");
	CHECK_ERR("link set mv0 allmulticast 1", "on or off");
	CHECK_ERR("link set mv0 allmulticast on allmulti on", "\"allmulticast\" given twice");
	CHECK_ERR("link set mv0 foo", "unknown option \"foo\" for link set");
	CHECK_ERR("link set mv0 backend tap", "unknown option \"backend\"");
	CHECK_ERR("link set mv0 name mv1", "unknown option \"name\"");
	CHECK_ERR("link set mv0 up extra", "unknown option \"extra\"");
	CHECK_ERR("link set mv0 type", "missing value for type");
	CHECK_ERR("link set mv0 type vlan", "unsupported link type");
	CHECK_ERR("link set mv0 type macvlan", "missing macvlan option");
	CHECK_ERR("link set mv0 type macvlan type macvlan mode vepa", "\"type\" given twice");
	CHECK_ERR("link set mv0 type macvlan mode bridge up", "\"up\" must come before");
	CHECK_ERR("link set mv0 type macvlan mode bridge mtu 1400", "\"mtu\" must come before");
	CHECK_ERR("link set mv0 mode bridge", "\"mode\" must come after \"type macvlan\"");
	CHECK_ERR("link set mv0 bcqueuelen 5", "must come after");
	CHECK_ERR("link set mv0 nopromisc", "must come after");
	CHECK_ERR("link set mv0 macaddr flush", "must come after");
	CHECK_ERR("link set mv0 type macvlan foo", "unknown option \"foo\"");
	CHECK_ERR("link set mv0 type macvlan ifname t0", "unknown option \"ifname\"");
	CHECK_ERR("link set mv0 type macvlan mode", "missing value for mode");
	CHECK_ERR("link set mv0 type macvlan mode all", "invalid mode \"all\"");
	CHECK_ERR("link set mv0 type macvlan mode vepa mode vepa", "\"mode\" given twice");
	/* flags are checked against the mode in the same command, as ip does */
	CHECK_ERR("link set mv0 type macvlan nopromisc", "passthru mode");
	CHECK_ERR("link set mv0 type macvlan nodst", "source mode");
	CHECK_ERR("link set mv0 type macvlan mode vepa flag nopromisc", "passthru");
	CHECK_ERR("link set mv0 type macvlan mode passthru nopromisc flag null", "conflicts");
	CHECK_ERR("link set mv0 type macvlan flag null flag null", "given twice");
	CHECK_ERR("link set mv0 type macvlan bcqueuelen x", "not a number");
	CHECK_ERR("link set mv0 type macvlan bclim 1.5", "not a number");
	CHECK_ERR("link set mv0 type macvlan macaddr", "missing value for macaddr");
	CHECK_ERR("link set mv0 type macvlan macaddr add", "missing value for macaddr add");
	CHECK_ERR("link set mv0 type macvlan macaddr add 1", "invalid MAC address \"1\"");
	CHECK_ERR("link set mv0 type macvlan macaddr del nope", "invalid MAC address \"nope\"");
	CHECK_ERR("link set mv0 type macvlan macaddr replace", "invalid macaddr operation");
	CHECK_ERR("link set mv0 type macvlan macaddr flush macaddr set", "\"macaddr\" given twice");
	CHECK_ERR("link set mv0 type macvlan macaddr set 02:00:00:00:00:01 bogus",
		  "invalid MAC address \"bogus\"");
	/* a device attribute after the list: placed wrong, not an address */
	CHECK_ERR("link set mv0 type macvlan macaddr set 02:00:00:00:00:01 up", "must come before");
	CHECK_ERR("link set mv0 type macvlan macaddr flush 02:00:00:00:00:01", "unknown option");
}

static void
test_link_del(void)
{
	CHECK_EQ(PARSE_OK("link del mv0"), 0);
	CHECK_EQ(cmd.type, MV_CMD_LINK_DEL);
	CHECK(strcmp(cmd.name, "mv0") == 0);
	CHECK_EQ(PARSE_OK("link delete dev mv1"), 0);
	CHECK_EQ(cmd.type, MV_CMD_LINK_DEL);
	CHECK(strcmp(cmd.name, "mv1") == 0);
	CHECK_EQ(PARSE_OK("link del dev dev"), 0);
	CHECK(strcmp(cmd.name, "dev") == 0);
	CHECK_ERR("link del", "missing vif name");
	CHECK_ERR("link del dev", "missing value for dev");
	CHECK_ERR("link del mv0 mv1", "unexpected \"mv1\"");
	CHECK_ERR("link del mv0 type macvlan", "unexpected \"type\" after link del");
	CHECK_ERR("link del abcdefghijklmnop", "too long");
}

static void
test_show_stats(void)
{
	CHECK_EQ(PARSE_OK("link show"), 0);
	CHECK_EQ(cmd.type, MV_CMD_LINK_SHOW);
	CHECK(cmd.name[0] == '\0');
	CHECK_EQ(PARSE_OK("link"), 0);
	CHECK_EQ(cmd.type, MV_CMD_LINK_SHOW);
	CHECK(cmd.name[0] == '\0');
	CHECK_EQ(PARSE_OK("show"), 0);
	CHECK_EQ(cmd.type, MV_CMD_LINK_SHOW);
	CHECK_EQ(PARSE_OK("link show mv0"), 0);
	CHECK_EQ(cmd.type, MV_CMD_LINK_SHOW);
	CHECK(strcmp(cmd.name, "mv0") == 0);
	CHECK_EQ(PARSE_OK("link list dev p0"), 0);
	CHECK_EQ(cmd.type, MV_CMD_LINK_SHOW);
	CHECK(strcmp(cmd.name, "p0") == 0);
	CHECK_EQ(PARSE_OK("link ls"), 0);
	CHECK_EQ(cmd.type, MV_CMD_LINK_SHOW);
	CHECK_EQ(PARSE_OK("show mv3"), 0);
	CHECK(strcmp(cmd.name, "mv3") == 0);
	CHECK_EQ(PARSE_OK("ip link show"), 0);
	CHECK_EQ(cmd.type, MV_CMD_LINK_SHOW);
	CHECK_EQ(PARSE_OK("link stats"), 0);
	CHECK_EQ(cmd.type, MV_CMD_LINK_STATS);
	CHECK(cmd.name[0] == '\0');
	CHECK_EQ(PARSE_OK("link stats p0"), 0);
	CHECK_EQ(cmd.type, MV_CMD_LINK_STATS);
	CHECK(strcmp(cmd.name, "p0") == 0);
	CHECK_EQ(PARSE_OK("stats dev mv0"), 0);
	CHECK_EQ(cmd.type, MV_CMD_LINK_STATS);
	CHECK(strcmp(cmd.name, "mv0") == 0);
	CHECK_ERR("link show mv0 mv1", "unexpected \"mv1\" after link show");
	CHECK_ERR("link show dev", "missing value for dev");
	CHECK_ERR("link show abcdefghijklmnop", "too long");
	CHECK_ERR("link stats mv0 extra", "unexpected \"extra\" after link stats");
	CHECK_ERR("show mv0 mv1", "unexpected");
	CHECK_ERR("stats a b", "unexpected");
	/* ip's -d and -s, before the object or among the words */
	CHECK_EQ(PARSE_OK("link show -d -s mv0"), 0);
	CHECK(cmd.type == MV_CMD_LINK_SHOW && cmd.details && cmd.stats);
	CHECK(strcmp(cmd.name, "mv0") == 0);
	CHECK_EQ(PARSE_OK("-s link show"), 0);
	CHECK(cmd.type == MV_CMD_LINK_SHOW && cmd.stats && !cmd.details);
	CHECK_EQ(PARSE_OK("ip -details -statistics link"), 0);
	CHECK(cmd.type == MV_CMD_LINK_SHOW && cmd.stats && cmd.details);
	CHECK_EQ(PARSE_OK("ip --stats link show dev mv0"), 0);
	CHECK(cmd.stats && strcmp(cmd.name, "mv0") == 0);
	CHECK_EQ(PARSE_OK("link show"), 0);
	CHECK(!cmd.stats && !cmd.details && !cmd.ports_only);
	CHECK_ERR("ip -x link", "unknown option \"-x\" (-d or -s)");
	CHECK_ERR("link show -j", "unknown option \"-j\"");
	CHECK_ERR("-s", "missing command after \"-s\"");
	/* iproute2's abbreviations, in ip's order */
	CHECK_EQ(PARSE_OK("l"), 0);
	CHECK_EQ(cmd.type, MV_CMD_LINK_SHOW);
	CHECK_EQ(PARSE_OK("li sh mv0"), 0);
	CHECK(cmd.type == MV_CMD_LINK_SHOW && strcmp(cmd.name, "mv0") == 0);
	CHECK_EQ(PARSE_OK("link s mv0 up"), 0);
	CHECK_EQ(cmd.type, MV_CMD_LINK_SET);
	CHECK_EQ(PARSE_OK("link change mv0 up"), 0);
	CHECK_EQ(cmd.type, MV_CMD_LINK_SET);
	CHECK_EQ(PARSE_OK("link l"), 0);
	CHECK_EQ(cmd.type, MV_CMD_LINK_SHOW);
	CHECK_EQ(PARSE_OK("link d mv0"), 0);
	CHECK_EQ(cmd.type, MV_CMD_LINK_DEL);
	CHECK_EQ(PARSE_OK("m"), 0);
	CHECK_EQ(cmd.type, MV_CMD_MADDR_SHOW);
	CHECK_EQ(PARSE_OK("maddress s dev mv0"), 0);
	CHECK_EQ(cmd.type, MV_CMD_MADDR_SHOW);
	CHECK_EQ(PARSE_OK("ip mo"), 0);
	CHECK_EQ(cmd.type, MV_CMD_MONITOR);
	CHECK_EQ(PARSE_OK("h link"), 0);
	CHECK_EQ(cmd.type, MV_CMD_HELP);
	CHECK_EQ(PARSE_OK("link h"), 0);
	CHECK_EQ(cmd.type, MV_CMD_HELP);
	CHECK_ERR("link st", "unknown link command \"st\"");
	CHECK_ERR("a", "unknown command \"a\"");
	CHECK_ERR("n", "unknown command \"n\"");
	CHECK_ERR("link rep mv0", "unknown link command \"rep\"");
	/* testpmd's words */
	CHECK_EQ(PARSE_OK("show port stats all"), 0);
	CHECK(cmd.type == MV_CMD_LINK_STATS && cmd.ports_only && cmd.name[0] == '\0');
	CHECK_EQ(PARSE_OK("show port info 1"), 0);
	CHECK(cmd.type == MV_CMD_LINK_SHOW && cmd.ports_only && strcmp(cmd.name, "p1") == 0);
	CHECK_EQ(PARSE_OK("show port stats net_null0"), 0);
	CHECK(strcmp(cmd.name, "net_null0") == 0);
	CHECK_EQ(PARSE_OK("clear port stats all"), 0);
	CHECK(cmd.type == MV_CMD_CLEAR_STATS && cmd.ports_only);
	CHECK_EQ(PARSE_OK("clear link stats"), 0);
	CHECK(cmd.type == MV_CMD_CLEAR_STATS && !cmd.ports_only && cmd.name[0] == '\0');
	CHECK_EQ(PARSE_OK("clear link stats mv0"), 0);
	CHECK(strcmp(cmd.name, "mv0") == 0);
	CHECK_ERR("show port", "missing \"stats\" or \"info\" after show port");
	CHECK_ERR("show port stats", "missing \"all\" or a port");
	CHECK_ERR("show port stats all p0", "unexpected \"p0\"");
	CHECK_ERR("clear", "unknown clear command");
	CHECK_ERR("clear port", "unknown clear command \"port\"");
	CHECK(mv_cmd_help("show port") != NULL && mv_cmd_help("clear") != NULL);
	CHECK(mv_cmd_help("l sh") != NULL && strstr(mv_cmd_help("l sh"), "link show") != NULL);
	CHECK_EQ(PARSE_OK("show config"), 0);
	CHECK_EQ(cmd.type, MV_CMD_SHOW_CONFIG);
	CHECK_EQ(PARSE_OK("ip show config"), 0);
	CHECK_EQ(cmd.type, MV_CMD_SHOW_CONFIG);
	CHECK_ERR("show config all", "unexpected \"all\" after show config");
	CHECK(mv_cmd_help("show config") != NULL);
}

static void
test_maddr(void)
{
	CHECK_EQ(PARSE_OK("maddr add 01:00:5e:00:00:01 dev mv0"), 0);
	CHECK_EQ(cmd.type, MV_CMD_MADDR_ADD);
	CHECK(strcmp(cmd.name, "mv0") == 0);
	CHECK_EQ(cmd.maddr.addr, UINT64_C(0x01005e000001));
	CHECK_EQ(PARSE_OK("maddr del 33:33:00:00:00:01 dev mv1"), 0);
	CHECK_EQ(cmd.type, MV_CMD_MADDR_DEL);
	CHECK(strcmp(cmd.name, "mv1") == 0);
	CHECK_EQ(cmd.maddr.addr, UINT64_C(0x333300000001));
	CHECK_EQ(PARSE_OK("maddr delete dev mv1 address 01:00:5e:00:00:02"), 0);
	CHECK_EQ(cmd.type, MV_CMD_MADDR_DEL);
	CHECK_EQ(cmd.maddr.addr, MAC("01:00:5e:00:00:02"));
	CHECK_EQ(PARSE_OK("maddr add dev mv0 01:00:5e:00:00:03"), 0);
	CHECK_EQ(cmd.maddr.addr, MAC("01:00:5e:00:00:03"));
	/* syntax only: a unicast address is the core's to refuse */
	CHECK_EQ(PARSE_OK("ip maddr add 02:00:00:00:00:01 dev mv0"), 0);
	CHECK_EQ(cmd.type, MV_CMD_MADDR_ADD);

	CHECK_EQ(PARSE_OK("maddr show"), 0);
	CHECK_EQ(cmd.type, MV_CMD_MADDR_SHOW);
	CHECK(cmd.name[0] == '\0');
	CHECK_EQ(PARSE_OK("maddr"), 0);
	CHECK_EQ(cmd.type, MV_CMD_MADDR_SHOW);
	CHECK_EQ(PARSE_OK("maddr show dev mv0"), 0);
	CHECK_EQ(cmd.type, MV_CMD_MADDR_SHOW);
	CHECK(strcmp(cmd.name, "mv0") == 0);
	CHECK_EQ(PARSE_OK("maddr list mv2"), 0);
	CHECK_EQ(cmd.type, MV_CMD_MADDR_SHOW);
	CHECK(strcmp(cmd.name, "mv2") == 0);

	CHECK_ERR("maddr add", "missing MAC address for maddr add");
	CHECK_ERR("maddr add dev mv0", "missing MAC address");
	CHECK_ERR("maddr del 01:00:5e:00:00:01", "missing \"dev <vif>\" for maddr del");
	CHECK_ERR("maddr add 01:00:5e:00:00:01 dev", "missing value for dev");
	CHECK_ERR("maddr add 01:00:5e:00:00:01 dev mv0 dev mv1", "\"dev\" given twice");
	CHECK_ERR("maddr add 01:00:5e:00:00:01 address 01:00:5e:00:00:02 dev mv0",
		  "\"address\" given twice");
	CHECK_ERR("maddr add 01:00:5e:00:00:01 dev mv0 extra", "unknown option \"extra\"");
	CHECK_ERR("maddr add 01:00:5e:00:00:0x dev mv0",
		  "invalid MAC address \"01:00:5e:00:00:0x\"");
	CHECK_ERR("maddr add address dev mv0", "invalid MAC address \"dev\"");
	CHECK_ERR("maddr add 01:00:5e:00:00:01 dev abcdefghijklmnop", "too long");
	CHECK_ERR("maddr join 01:00:5e:00:00:01 dev mv0", "unknown maddr command \"join\"");
	CHECK_ERR("maddr show dev", "missing value for dev");
	CHECK_ERR("maddr show dev mv0 mv1", "unexpected \"mv1\" after maddr show");
}

static void
test_simple_verbs(void)
{
	CHECK_EQ(PARSE_OK("start"), 0);
	CHECK_EQ(cmd.type, MV_CMD_START);
	CHECK(cmd.name[0] == '\0');
	CHECK_EQ(PARSE_OK("stop"), 0);
	CHECK_EQ(cmd.type, MV_CMD_STOP);
	CHECK_EQ(PARSE_OK("quit"), 0);
	CHECK_EQ(cmd.type, MV_CMD_QUIT);
	CHECK_EQ(PARSE_OK("exit"), 0);
	CHECK_EQ(cmd.type, MV_CMD_QUIT);
	CHECK_EQ(PARSE_OK("  stop   # forwarding off"), 0);
	CHECK_EQ(cmd.type, MV_CMD_STOP);
	CHECK_ERR("start now", "unexpected \"now\" after start");
	CHECK_ERR("stop 1", "unexpected");
	CHECK_ERR("quit please", "unexpected \"please\" after quit");
	CHECK_ERR("frobnicate", "unknown command \"frobnicate\"");
	CHECK_ERR("Link show", "unknown command");
	CHECK_ERR("ip", "missing command");
	CHECK_ERR("ip route", "unknown command \"route\"");
	CHECK_ERR("link frob", "unknown link command \"frob\"");
	CHECK_ERR("link add-ish", "unknown link command");
}

static void
test_help_parse(void)
{
	static const struct {
		const char *line;
		const char *topic;
	} ok[] = {
		{ "help", "" },
		{ "?", "" },
		{ "help link", "link" },
		{ "help link add", "link add" },
		{ "help link set", "link set" },
		{ "help link delete", "link del" },
		{ "help link ls", "link show" },
		{ "help link stats", "link stats" },
		{ "help show", "link show" },
		{ "help stats", "link stats" },
		{ "help ip link set", "link set" },
		{ "help maddr", "maddr" },
		{ "help maddr add", "maddr add" },
		{ "help maddr del", "maddr del" },
		{ "help maddr list", "maddr show" },
		{ "help start", "start" },
		{ "help stop", "stop" },
		{ "help help", "help" },
		{ "help quit", "quit" },
		{ "help exit", "quit" },
		{ "link help", "link" },
		{ "link help add", "link add" },
		{ "maddr help", "maddr" },
		{ "maddr help show", "maddr show" },
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CHECK_EQ(PARSE_OK(ok[i].line), 0);
		CHECK_EQ(cmd.type, MV_CMD_HELP);
		if (strcmp(cmd.help.topic, ok[i].topic) != 0) {
			fprintf(stderr, "\"%s\": topic \"%s\", want \"%s\"\n", ok[i].line,
				cmd.help.topic, ok[i].topic);
			mv_test_checks_failed++;
		}
		CHECK(mv_cmd_help(cmd.help.topic) != NULL);
	}
	CHECK_ERR("help foo", "no help for \"foo\"");
	CHECK_ERR("help link foo", "no help for \"link foo\"");
	CHECK_ERR("help start now", "no help for \"start now\"");
	CHECK_ERR("help link add link p0", "no help");
	CHECK_ERR("link help foo", "no help for \"link foo\"");
	CHECK_ERR("link help add more", "unexpected \"more\"");
	CHECK_ERR("maddr help join", "no help for \"maddr join\"");
}

static void
test_help_text(void)
{
	static const char *const topics[] = {
		"link",       "link add", "link set",  "link del",  "link show",
		"link stats", "maddr",    "maddr add", "maddr del", "maddr show",
		"start",      "stop",     "help",      "quit",
	};
	const char *all = mv_cmd_help(NULL);

	CHECK(all != NULL);
	CHECK(mv_cmd_help("") == all);
	CHECK(mv_cmd_help("  ") == all);
	for (size_t i = 0; i < sizeof(topics) / sizeof(topics[0]); i++) {
		const char *t = mv_cmd_help(topics[i]);
		const char *line;

		CHECK(t != NULL);
		if (t == NULL)
			continue;
		/* the overview names every command, each text its own usage */
		CHECK(strstr(all,
			     strncmp(topics[i], "maddr ", 6) == 0 && strcmp(topics[i], "maddr show")
				     ? "maddr add|del"
				     : topics[i]) != NULL);
		CHECK(strstr(t, topics[i]) != NULL || strcmp(topics[i], "maddr add") == 0 ||
		      strcmp(topics[i], "maddr del") == 0);
		CHECK(t[strlen(t) - 1] == '\n');
		/* lines fit a terminal */
		for (line = t; *line != '\0';) {
			const char *nl = strchr(line, '\n');

			CHECK(nl != NULL);
			if (nl == NULL)
				break;
			CHECK(nl - line <= 80);
			line = nl + 1;
		}
	}
	CHECK(strstr(mv_cmd_help("maddr add"), "maddr add|del") != NULL);
	CHECK(strstr(mv_cmd_help("link add"), "backend vdev") != NULL);
	CHECK(strstr(mv_cmd_help("link add"), "backend vhost <socket path> [client]") != NULL);
	CHECK(strstr(mv_cmd_help("link add"), "bcqueuelen") != NULL);
	CHECK(strstr(mv_cmd_help("link set"), "macaddr") != NULL);
	CHECK(strstr(mv_cmd_help("link"), "link del") != NULL);
	CHECK(strstr(mv_cmd_help("link"), "link stats") != NULL);
	/* aliases */
	CHECK(mv_cmd_help("show") == mv_cmd_help("link show"));
	CHECK(mv_cmd_help("link delete") == mv_cmd_help("link del"));
	CHECK(mv_cmd_help("ip link") == mv_cmd_help("link"));
	CHECK(mv_cmd_help("exit") == mv_cmd_help("quit"));
	CHECK(mv_cmd_help("  link   add ") == mv_cmd_help("link add"));
	/* unknown */
	CHECK(mv_cmd_help("foo") == NULL);
	CHECK(mv_cmd_help("link foo") == NULL);
	CHECK(mv_cmd_help("link add x") == NULL);
	CHECK(mv_cmd_help("a b c d e f") == NULL);
	CHECK(mv_cmd_help("link add                                                            "
			  "                  x") == NULL);
}

/* Error lines: one line, "Error: " first, truncated safely, NULL err allowed. */
static void
test_error_buffer(void)
{
	char small[12];
	char line[600];
	char *v[4];
	int n;

	memset(small, 'x', sizeof(small));
	strcpy(line_buf, "frobnicate");
	n = mv_cmd_tokenize(line_buf, v, 4);
	CHECK_EQ(mv_cmd_parse(n, v, &cmd, small, sizeof(small)), -EINVAL);
	CHECK(strlen(small) == sizeof(small) - 1);
	CHECK(strncmp(small, "Error: ", 7) == 0);
	CHECK_EQ(mv_cmd_parse(n, v, &cmd, small, 3), -EINVAL);
	CHECK(strcmp(small, "Er") == 0);
	CHECK_EQ(mv_cmd_parse(n, v, &cmd, NULL, 0), -EINVAL);
	CHECK_EQ(cmd.type, MV_CMD_NONE);
	/* success clears a stale message */
	strcpy(line_buf, "start");
	n = mv_cmd_tokenize(line_buf, v, 4);
	strcpy(small, "Error: old");
	CHECK_EQ(mv_cmd_parse(n, v, &cmd, small, sizeof(small)), 0);
	CHECK(small[0] == '\0');
	/* a long token is cut in the message */
	snprintf(line, sizeof(line), "link set mv0 %0*d", 500, 7);
	CHECK_ERR(line, "...\" for link set");
	CHECK(strlen(err) < 120);
	/* bad arguments */
	CHECK_EQ(mv_cmd_parse(1, NULL, &cmd, err, sizeof(err)), -EINVAL);
	CHECK(strncmp(err, "Error: ", 7) == 0);
	CHECK_EQ(mv_cmd_parse(n, v, NULL, err, sizeof(err)), -EINVAL);
	CHECK_EQ(mv_cmd_parse(-1, v, &cmd, err, sizeof(err)), -EINVAL);
}

/* Pure: same tokens, same result; the tokens are not modified. */
static void
test_pure(void)
{
	static struct mv_cmd first;
	char *v[32];
	char copy[128];
	int n;

	strcpy(line_buf, "link add link p0 name mv0 type macvlan mode source macaddr set "
			 "02:00:00:00:00:01 backend tap ifname t0");
	n = mv_cmd_tokenize(line_buf, v, 32);
	CHECK(n > 0);
	memcpy(copy, line_buf, sizeof(copy));
	CHECK_EQ(mv_cmd_parse(n, v, &first, err, sizeof(err)), 0);
	CHECK_EQ(mv_cmd_parse(n, v, &cmd, err, sizeof(err)), 0);
	CHECK(memcmp(copy, line_buf, sizeof(copy)) == 0);
	/* equal but for the pointers into each struct */
	CHECK(first.link_add.cfg.name == first.name);
	CHECK(first.link_add.cfg.macaddr == first.macaddr);
	first.link_add.cfg.name = cmd.link_add.cfg.name;
	first.link_add.cfg.macaddr = cmd.link_add.cfg.macaddr;
	CHECK(memcmp(&first, &cmd, sizeof(cmd)) == 0);
	/* the struct holds no pointer into the tokens */
	memset(line_buf, 0, sizeof(copy));
	CHECK(strcmp(cmd.name, "mv0") == 0);
	CHECK(strcmp(cmd.link_add.link, "p0") == 0);
	CHECK(strcmp(ARG(&cmd.link_add, "ifname"), "t0") == 0);
	CHECK(strcmp(cmd.link_add.backend.kind, "tap") == 0);
}

static void
test_rebind(void)
{
	struct mv_cmd *copy = malloc(sizeof(*copy));

	CHECK(copy != NULL);
	if (copy == NULL)
		return;
	CHECK_EQ(PARSE_OK("link add link p0 name mv0 type macvlan mode source macaddr add "
			  "02:00:00:00:00:01"),
		 0);
	*copy = cmd;
	CHECK(copy->link_add.cfg.name == cmd.name);
	mv_cmd_rebind(copy);
	CHECK(copy->link_add.cfg.name == copy->name);
	CHECK(copy->link_add.cfg.macaddr == copy->macaddr);
	CHECK_EQ(copy->link_add.cfg.macaddr[0], MAC("02:00:00:00:00:01"));
	CHECK_EQ(PARSE_OK("link set mv0 type macvlan macaddr flush"), 0);
	*copy = cmd;
	mv_cmd_rebind(copy);
	CHECK(copy->link_set.chg.macaddr == copy->macaddr);
	CHECK_EQ(PARSE_OK("link set mv0 type macvlan mode vepa"), 0);
	*copy = cmd;
	mv_cmd_rebind(copy);
	CHECK(copy->link_set.chg.macaddr == NULL);
	CHECK_EQ(PARSE_OK("link show"), 0);
	*copy = cmd;
	mv_cmd_rebind(copy); /* nothing to do */
	CHECK(memcmp(copy, &cmd, sizeof(cmd)) == 0);
	free(copy);
}

static void
test_type_names(void)
{
	static const struct {
		const char *line;
		const char *name;
	} t[] = {
		{ "link add link p0 name mv0 type macvlan", "link add" },
		{ "link set mv0 up", "link set" },
		{ "link del mv0", "link del" },
		{ "link show", "link show" },
		{ "link stats", "link stats" },
		{ "maddr add 01:00:5e:00:00:01 dev mv0", "maddr add" },
		{ "maddr del 01:00:5e:00:00:01 dev mv0", "maddr del" },
		{ "maddr show", "maddr show" },
		{ "start", "start" },
		{ "stop", "stop" },
		{ "help", "help" },
		{ "quit", "quit" },
		{ "", "none" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		CHECK_EQ(PARSE_OK(t[i].line), 0);
		CHECK(strcmp(mv_cmd_type_name(cmd.type), t[i].name) == 0);
	}
	CHECK(strcmp(mv_cmd_type_name((enum mv_cmd_type)99), "none") == 0);
}

/* A command file like the one test/scn_pcap.c writes, line by line. */
static void
test_command_file(void)
{
	static const char *const lines[] = {
		"# mode-source-alone",
		"link set p0 address 02:00:00:00:00:10",
		"link set p0 mtu 1500",
		"link set p0 promisc on",
		("link add link p0 name v0 type macvlan mode source address 02:00:00:00:00:20 "
		 "backend vdev net_pcap1,rx_pcap=/tmp/x/v0_rx.pcap,tx_pcap=/tmp/x/v0_tx.pcap"),
		"link set v0 type macvlan macaddr set 02:00:00:00:00:30 02:00:00:00:00:31",
		"maddr add 01:00:5e:00:00:fb dev v0",
		"link set v0 allmulticast on",
		"link set v0 promisc on",
		"link set v0 up",
		"link set p0 down",
		"",
	};
	static const enum mv_cmd_type types[] = {
		MV_CMD_NONE,     MV_CMD_LINK_SET, MV_CMD_LINK_SET,  MV_CMD_LINK_SET,
		MV_CMD_LINK_ADD, MV_CMD_LINK_SET, MV_CMD_MADDR_ADD, MV_CMD_LINK_SET,
		MV_CMD_LINK_SET, MV_CMD_LINK_SET, MV_CMD_LINK_SET,  MV_CMD_NONE,
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		CHECK_EQ(PARSE_OK(lines[i]), 0);
		CHECK_EQ(cmd.type, types[i]);
	}
}

/* `events [show [<n>]]` and `monitor`: forms, counts, errors, help. */
static void
test_events_monitor(void)
{
	CHECK_EQ(PARSE_OK("events"), 0);
	CHECK_EQ(cmd.type, MV_CMD_EVENTS);
	CHECK_EQ(cmd.events.count, 0u);
	CHECK_EQ(PARSE_OK("events show"), 0);
	CHECK_EQ(cmd.type, MV_CMD_EVENTS);
	CHECK_EQ(cmd.events.count, 0u);
	CHECK_EQ(PARSE_OK("events show 10"), 0);
	CHECK_EQ(cmd.events.count, 10u);
	CHECK_EQ(PARSE_OK("ip events ls 4294967295"), 0);
	CHECK_EQ(cmd.events.count, 4294967295u);
	CHECK_EQ(PARSE_OK("events list 0"), 0);
	CHECK_EQ(cmd.events.count, 0u);
	CHECK_EQ(PARSE_OK("monitor"), 0);
	CHECK_EQ(cmd.type, MV_CMD_MONITOR);
	CHECK_EQ(PARSE_OK("ip monitor # all of them"), 0);
	CHECK_EQ(cmd.type, MV_CMD_MONITOR);
	CHECK(strcmp(mv_cmd_type_name(MV_CMD_EVENTS), "events show") == 0);
	CHECK(strcmp(mv_cmd_type_name(MV_CMD_MONITOR), "monitor") == 0);
	CHECK_ERR("events show -1", "must not be negative");
	CHECK_ERR("events show ten", "not a number");
	CHECK_ERR("events show 4294967296", "out of range");
	CHECK_ERR("events show 1 2", "unexpected \"2\"");
	CHECK_ERR("events flush", "unknown events command \"flush\"");
	CHECK_ERR("monitor all", "unexpected \"all\"");
	CHECK(mv_cmd_help("events") != NULL &&
	      strstr(mv_cmd_help("events"), "events [show") != NULL);
	CHECK(mv_cmd_help("monitor") != NULL && strstr(mv_cmd_help("monitor"), "monitor") != NULL);
	CHECK(strstr(mv_cmd_help(""), "events [show [<n>]]") != NULL);
	CHECK(strstr(mv_cmd_help(""), "monitor") != NULL);
	CHECK_EQ(PARSE_OK("help events"), 0);
	CHECK(strcmp(cmd.help.topic, "events") == 0);
	CHECK_EQ(PARSE_OK("help monitor"), 0);
	CHECK(strcmp(cmd.help.topic, "monitor") == 0);
}

int
main(void)
{
	RUN_TEST(test_tokenize);
	RUN_TEST(test_empty);
	RUN_TEST(test_link_add_minimal);
	RUN_TEST(test_link_add_full);
	RUN_TEST(test_link_add_modes);
	RUN_TEST(test_link_add_numbers);
	RUN_TEST(test_link_add_macaddr);
	RUN_TEST(test_link_add_backends);
	RUN_TEST(test_link_add_memif);
	RUN_TEST(test_link_add_vhost);
	RUN_TEST(test_link_add_errors);
	RUN_TEST(test_macaddr_set_many);
	RUN_TEST(test_link_set_device);
	RUN_TEST(test_link_set_macvlan);
	RUN_TEST(test_link_set_errors);
	RUN_TEST(test_link_del);
	RUN_TEST(test_show_stats);
	RUN_TEST(test_maddr);
	RUN_TEST(test_simple_verbs);
	RUN_TEST(test_help_parse);
	RUN_TEST(test_help_text);
	RUN_TEST(test_error_buffer);
	RUN_TEST(test_pure);
	RUN_TEST(test_rebind);
	RUN_TEST(test_type_names);
	RUN_TEST(test_command_file);
	RUN_TEST(test_events_monitor);
	return mv_test_summary("cmd_parse");
}
