/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of the shell's completion (mv_cmd_complete.h): no EAL. */
#include <stdbool.h>
#include <string.h>

#include "mv_cmd_complete.h"
#include "mv_test.h"

/* the program's names: two ports, three vifs */
static unsigned int
names(void *arg, unsigned int kinds, const char *prefix, const char **out, unsigned int max)
{
	static const char *const ports[] = { "p0", "p1" };
	static const char *const vifs[] = { "mv0", "mv1", "web" };
	size_t plen = strlen(prefix);
	unsigned int n = 0;

	(*(int *)arg)++;
	for (unsigned int i = 0; (kinds & MV_NAMES_PORTS) && i < 2 && n < max; i++)
		if (strncmp(ports[i], prefix, plen) == 0)
			out[n++] = ports[i];
	for (unsigned int i = 0; (kinds & MV_NAMES_VIFS) && i < 3 && n < max; i++)
		if (strncmp(vifs[i], prefix, plen) == 0)
			out[n++] = vifs[i];
	return n;
}

static int calls;
static struct mv_cmd_completion cmp;

static unsigned int
complete(const char *line)
{
	return mv_cmd_complete(line, strlen(line), names, &calls, &cmp);
}

static bool
has(const char *word)
{
	for (unsigned int i = 0; i < cmp.n; i++)
		if (strcmp(cmp.cand[i], word) == 0)
			return true;
	return false;
}

static void
test_first_word(void)
{
	CHECK(complete("") >= 10);
	CHECK(has("link") && has("maddr") && has("quit") && has("show"));
	CHECK_EQ(complete("li"), 1);
	CHECK(strcmp(cmp.insert, "nk ") == 0);
	CHECK_EQ(cmp.word_start, 0);
	/* two fit: the common part, no space */
	complete("st");
	CHECK(has("stats") && has("start") && has("stop"));
	CHECK(strcmp(cmp.insert, "") == 0);
	complete("sta");
	CHECK(has("stats") && has("start") && !has("stop"));
	CHECK(strcmp(cmp.insert, "") == 0); /* "stat" vs "start": common "sta" */
	CHECK_EQ(complete("zz"), 0);
	CHECK(cmp.insert[0] == '\0');
}

static void
test_link_subs(void)
{
	complete("link ");
	CHECK(has("add") && has("set") && has("delete") && has("show") && has("stats"));
	CHECK_EQ(cmp.word_start, 5);
	complete("link s");
	CHECK(has("set") && has("show") && has("stats") && !has("add"));
	complete("link sh");
	CHECK(strcmp(cmp.insert, "ow ") == 0);
	/* abbreviations resolve as the parser's: `l sh` is link show */
	complete("l sh ");
	CHECK(has("mv0") && has("p0") && has("-d") && has("dev"));
	complete("ip link d");
	CHECK(strcmp(cmp.insert, "elete ") == 0);
}

static void
test_names(void)
{
	calls = 0;
	complete("link set ");
	CHECK(calls == 1 && has("p0") && has("mv1") && has("dev"));
	complete("link set m");
	CHECK_EQ(cmp.n, 2);
	CHECK(strcmp(cmp.insert, "v") == 0);
	complete("link set w");
	CHECK(strcmp(cmp.insert, "eb ") == 0);
	/* del takes a vif, never a port */
	complete("link del ");
	CHECK(has("mv0") && !has("p0"));
	complete("link del mv0 ");
	CHECK_EQ(cmp.n, 0);
	complete("maddr add 01:00:5e:00:00:01 dev ");
	CHECK(has("web") && !has("p1"));
	complete("show port stats ");
	CHECK(has("all") && has("p1") && !has("mv0"));
	complete("clear link stats ");
	CHECK(has("mv0") && has("p0"));
	/* without a names callback: no names, still the grammar */
	CHECK_EQ(mv_cmd_complete("link set ", 9, NULL, NULL, &cmp), 1);
	CHECK(has("dev"));
}

static void
test_link_add(void)
{
	complete("link add ");
	CHECK(has("<vif name>") && has("link") && has("name") && has("type") && has("backend"));
	CHECK(!has("mode")); /* only after type macvlan */
	complete("link add link ");
	CHECK(has("p0") && has("mv0"));
	complete("link add link p0 name x type ");
	CHECK_EQ(cmp.n, 1);
	CHECK(strcmp(cmp.insert, "macvlan ") == 0);
	complete("link add link p0 name x type macvlan ");
	CHECK(has("mode") && has("flag") && has("backend") && !has("link") && !has("type"));
	complete("link add link p0 name x type macvlan mode b");
	CHECK(strcmp(cmp.insert, "ridge ") == 0);
	complete("link add link p0 name x type macvlan mode ");
	CHECK(has("private") && has("vepa") && has("passthru") && has("source"));
	complete("link add link p0 name x type macvlan backend ");
	CHECK(has("tap") && has("null") && has("vhost") && has("memif") && has("vdev"));
	complete("link add link p0 name x type macvlan backend tap ");
	CHECK(has("ifname") && has("netns") && has("mode"));
	complete("link add link p0 name x type macvlan backend tap netns ");
	CHECK(has("<backend option value>"));
	complete("link add link p0 name x type macvlan backend vdev ");
	CHECK(has("<devargs>") && cmp.n == 1);
	CHECK(cmp.insert[0] == '\0'); /* a placeholder is never typed in */
	complete("link add link p0 name x address ");
	CHECK(has("<mac>") && cmp.n == 1);
	complete("link add link p0 name x type macvlan mode source macaddr ");
	CHECK(has("add") && has("flush") && has("set"));
	complete("link add link p0 name x type macvlan mode source macaddr add ");
	CHECK(has("<mac>") && cmp.n == 1);
	complete("link add link p0 name x type macvlan mode source macaddr set 02:00:00:00:00:01 ");
	CHECK(has("<mac>") && has("bcqueuelen"));
}

static void
test_link_set(void)
{
	complete("link set mv0 ");
	CHECK(has("up") && has("down") && has("mtu") && has("promisc") && has("type"));
	CHECK(!has("mode"));
	complete("link set mv0 promisc ");
	CHECK(has("on") && has("off") && cmp.n == 2);
	complete("link set mv0 up ");
	CHECK(!has("up") && has("mtu")); /* once each */
	complete("link set dev mv0 type macvlan ");
	CHECK(has("mode") && !has("up")); /* device options come before type */
	complete("link set mv0 type macvlan flag ");
	CHECK(has("nopromisc") && has("nodst"));
	complete("link set mv0 mtu ");
	CHECK(cmp.n == 1 && cmp.cand[0][0] == '<');
}

static void
test_misc(void)
{
	complete("help ");
	CHECK(has("link") && has("maddr"));
	complete("help link ");
	CHECK(has("add") && has("show"));
	complete("show ");
	CHECK(has("config") && has("port") && has("mv0"));
	complete("show port ");
	CHECK(has("stats") && has("info"));
	complete("events ");
	CHECK(has("show"));
	complete("quit ");
	CHECK_EQ(cmp.n, 0);
	/* the cursor, not the end of the line, decides */
	CHECK(mv_cmd_complete("link sh mv0", 7, names, &calls, &cmp) > 0);
	CHECK(strcmp(cmp.insert, "ow ") == 0 && cmp.word_start == 5);
	/* tabs separate words too; a comment completes nothing */
	complete("link\tset\t");
	CHECK(has("mv0"));
	CHECK_EQ(complete("# link "), 0);
}

int
main(void)
{
	RUN_TEST(test_first_word);
	RUN_TEST(test_link_subs);
	RUN_TEST(test_names);
	RUN_TEST(test_link_add);
	RUN_TEST(test_link_set);
	RUN_TEST(test_misc);
	return mv_test_summary("cmd_complete");
}
