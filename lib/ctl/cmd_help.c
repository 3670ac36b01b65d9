/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Help of the shell's grammar (mv_cmd.h): the help texts, one per command,
 * and the topics `help` takes, aliases resolved (`help link ls` is `help
 * link show`).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cmd_help.h"
#include "mv_cmd.h"

static bool
streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

/*
 * Subcommands and objects as iproute2 resolves them: each table in ip's own
 * order, the first entry the word abbreviates (matches()) wins, and an
 * entry of ip's that has no counterpart here (NULL) ends the search.
 */
struct abbrev {
	const char *ip;   /* ip's word */
	const char *ours; /* its canonical name here; NULL: not here */
};

static const char *
resolve(const struct abbrev *t, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (mv_cmd_matches(s, t[i].ip))
			return t[i].ours;
	return NULL;
}

#define RESOLVE(table, s) resolve((table), sizeof(table) / sizeof((table)[0]), (s))

/* ip/iplink.c do_iplink(); `stats` is this program's own (exact) */
const char *
mv_cmd_link_sub(const char *s)
{
	static const struct abbrev subs[] = {
		{ "add", "add" },    { "set", "set" },    { "change", "set" },  { "replace", NULL },
		{ "delete", "del" }, { "show", "show" },  { "lst", "show" },    { "list", "show" },
		{ "xstats", NULL },  { "afstats", NULL }, { "property", NULL }, { "help", "help" },
	};

	if (streq(s, "stats"))
		return "stats";
	return RESOLVE(subs, s);
}

/* ip/ipmaddr.c do_multiaddr() */
const char *
mv_cmd_maddr_sub(const char *s)
{
	static const struct abbrev subs[] = {
		{ "add", "add" },   { "delete", "del" }, { "list", "show" },
		{ "show", "show" }, { "lst", "show" },   { "help", "help" },
	};

	return RESOLVE(subs, s);
}

/* ip/ip.c cmds[]: the objects ip knows, in its order */
const char *
mv_cmd_object(const char *s)
{
	static const struct abbrev objs[] = {
		{ "address", NULL },      { "addrlabel", NULL },  { "maddress", "maddr" },
		{ "route", NULL },        { "rule", NULL },       { "neighbor", NULL },
		{ "neighbour", NULL },    { "ntable", NULL },     { "ntbl", NULL },
		{ "link", "link" },       { "l2tp", NULL },       { "fou", NULL },
		{ "ila", NULL },          { "macsec", NULL },     { "tunnel", NULL },
		{ "tunl", NULL },         { "tuntap", NULL },     { "tap", NULL },
		{ "token", NULL },        { "tcpmetrics", NULL }, { "tcp_metrics", NULL },
		{ "monitor", "monitor" }, { "xfrm", NULL },       { "mroute", NULL },
		{ "mrule", NULL },        { "netns", NULL },      { "netconf", NULL },
		{ "vrf", NULL },          { "sr", NULL },         { "nexthop", NULL },
		{ "mptcp", NULL },        { "ioam", NULL },       { "help", "help" },
		{ "stats", NULL },
	};

	return RESOLVE(objs, s);
}

/* A single-word verb's canonical name, or NULL. */
const char *
mv_cmd_plain_verb(const char *s)
{
	if (streq(s, "start"))
		return "start";
	if (streq(s, "stop"))
		return "stop";
	if (streq(s, "help") || streq(s, "?"))
		return "help";
	if (streq(s, "quit") || streq(s, "exit"))
		return "quit";
	if (streq(s, "events"))
		return "events";
	if (streq(s, "monitor"))
		return "monitor";
	return NULL;
}

/* Canonical help topic of words @p w (n of them) into @p out; -1 if none. */
int
mv_cmd_help_canon(int n, const char *const *w, char *out, size_t size)
{
	const char *sub = NULL;

	const char *obj;

	if (n > 0 && streq(w[0], "ip"))
		n--, w++;
	if (n == 0) {
		snprintf(out, size, "%s", "");
		return 0;
	}
	obj = mv_cmd_plain_verb(w[0]) == NULL && !streq(w[0], "show") && !streq(w[0], "stats") &&
			      !streq(w[0], "clear")
		      ? mv_cmd_object(w[0])
		      : NULL;
	if (obj != NULL && (streq(obj, "link") || streq(obj, "maddr"))) {
		bool link = streq(obj, "link");

		if (n == 1) {
			snprintf(out, size, "%s", obj);
			return 0;
		}
		sub = link ? mv_cmd_link_sub(w[1]) : mv_cmd_maddr_sub(w[1]);
		if (n != 2 || sub == NULL)
			return -1;
		if (streq(sub, "help"))
			snprintf(out, size, "%s", obj);
		else
			snprintf(out, size, "%s %s", obj, sub);
		return 0;
	}
	if (n == 2 && streq(w[0], "show") && streq(w[1], "port")) {
		snprintf(out, size, "%s", "show port");
		return 0;
	}
	if (n == 1 && streq(w[0], "clear")) {
		snprintf(out, size, "%s", "clear");
		return 0;
	}
	if (n == 2 && streq(w[0], "show") && streq(w[1], "config")) {
		snprintf(out, size, "%s", "show config");
		return 0;
	}
	if (n != 1)
		return -1;
	if (streq(w[0], "show") || streq(w[0], "stats")) {
		snprintf(out, size, "link %s", w[0]);
		return 0;
	}
	sub = mv_cmd_plain_verb(w[0]);
	if (sub == NULL)
		sub = obj; /* monitor, help by abbreviation */
	if (sub == NULL)
		return -1;
	snprintf(out, size, "%s", sub);
	return 0;
}

/* Help texts: usage lines, then what the command does. */
#define HELP_LINK_ADD                                                                              \
	"link add link <port> name <vif> type macvlan [OPTIONS]\n"                                 \
	"    Create a vif on a port; it starts down. OPTIONS, in any order:\n"                     \
	"    mode private|vepa|bridge|passthru [nopromisc]|source [nodst]\n"                       \
	"                      the mode (default vepa); also flag nopromisc|nodst|null\n"          \
	"    address <mac>     the vif's MAC (default: random)\n"                                  \
	"    mtu <n>           68 up to the port's MTU (default: the port's)\n"                    \
	"    bcqueuelen <n>    broadcast queue length requested (0..4294967295)\n"                 \
	"    bclim <n>         the port's broadcast cutoff (-1: no queueing)\n"                    \
	"    macaddr add <mac> | macaddr set [<mac> ...]   source list (mode source)\n"            \
	"    backend tap [ifname <ifname>] [netns <name>]   a TAP netdev (the default)\n"          \
	"    backend vdev <devargs>   a DPDK vdev, e.g. net_pcap1,iface=eth1\n"                    \
	"    backend null      a sink that counts and drops\n"                                     \
	"    backend memif <socket> id <n> [role server|client] [secret <s>]\n"                    \
	"                 [socket-group <g>]   a memif interface (shared memory)\n"                \
	"    backend vhost <socket path> [client] [queues <n>] [socket-group <name>]\n"            \
	"                      a vhost-user port for a VM or container (docs/vhost.md)\n"
#define HELP_LINK_SET                                                                              \
	"link set <name> [up|down] [address <mac>] [mtu <n>]\n"                                    \
	"         [allmulticast on|off] [promisc on|off]\n"                                        \
	"    Change a vif or a port (p0, p1, ... or its DPDK device name).\n"                      \
	"link set <vif> spoofchk on|off\n"                                                         \
	"    Drop what the vif sends with a source MAC not its own (off by default).\n"            \
	"link set <vif> bcrate <pps>\n"                                                            \
	"    Police what the vif sends to broadcast/multicast addresses at <pps>\n"                \
	"    frames/s (tx-bcrate drops; 0: no limit, the default; not kernel macvlan).\n"          \
	"link set <vif> type macvlan [mode <mode> [nopromisc|nodst]]\n"                            \
	"         [flag nopromisc|nodst|null] [bcqueuelen <n>] [bclim <n>]\n"                      \
	"         [macaddr add|del <mac> | macaddr flush | macaddr set [<mac> ...]]\n"             \
	"    Change a vif's macvlan options (device attributes come before \"type\");\n"           \
	"    a mode change applies before the macaddr operation.\n"
#define HELP_LINK_DEL                                                                              \
	"link del <vif>\n"                                                                         \
	"    Delete a vif.\n"
#define HELP_LINK_SHOW                                                                             \
	"link show [-d] [-s] [<name>]\n"                                                           \
	"    List the ports and vifs, or one of them (always in detail, as ip -d);\n"              \
	"    -s adds their counters (as ip -s). Also -s link show, ip -d link.\n"
#define HELP_LINK_STATS                                                                            \
	"link stats [<name>]\n"                                                                    \
	"    Counters of the ports and vifs, or of one of them, since the start or\n"              \
	"    the last clear link stats.\n"
#define HELP_MADDR_CHANGE                                                                          \
	"maddr add|del <mac> dev <vif>\n"                                                          \
	"    Join or leave a multicast group on a vif.\n"
#define HELP_MADDR_SHOW                                                                            \
	"maddr show [dev <vif>]\n"                                                                 \
	"    List the multicast groups of the vifs, or of one.\n"
#define HELP_SHOW_PORT                                                                             \
	"show port stats all|<port>\n"                                                             \
	"    testpmd's: the ports' counters (link stats of the ports).\n"                          \
	"show port info all|<port>\n"                                                              \
	"    testpmd's: the ports (link show of the ports). <port>: p0, 0 or its DPDK name.\n"
#define HELP_CLEAR                                                                                 \
	"clear port stats all|<port>\n"                                                            \
	"clear link stats [<name>]\n"                                                              \
	"    Start the counters of the ports (and vifs) from zero again, as testpmd's\n"           \
	"    clear port stats: a baseline is kept, the datapath's counters run on;\n"              \
	"    the workers' load counters and a backend's own counters are not reset.\n"
#define HELP_START                                                                                 \
	"start\n"                                                                                  \
	"    Start forwarding.\n"
#define HELP_STOP                                                                                  \
	"stop\n"                                                                                   \
	"    Stop forwarding (frames are no longer received or sent); says how many\n"             \
	"    frames the vifs' and broadcast queues hold (they go on at start).\n"
#define HELP_HELP                                                                                  \
	"help [<command>]\n"                                                                       \
	"    List the commands, or describe one (help link add).\n"
#define HELP_EVENTS                                                                                \
	"events [show [<n>]]\n"                                                                    \
	"    The last n events (default: all held, at most 4096): configuration\n"                 \
	"    changes and link changes, oldest first, with their time.\n"
#define HELP_MONITOR                                                                               \
	"monitor\n"                                                                                \
	"    Stream each new event as it happens (control socket: dpdk-macvlan-ctl\n"              \
	"    monitor); until the client disconnects.\n"
#define HELP_SHOW_CONFIG                                                                           \
	"show config\n"                                                                            \
	"    The running configuration as a command file: the ports' settings, then\n"             \
	"    every vif (MAC, mode, flags, source list, groups joined by command,\n"                \
	"    state, backend and its options); --cmdline-file of it recreates them.\n"
#define HELP_QUIT                                                                                  \
	"quit\n"                                                                                   \
	"    Leave the program.\n"

static const struct {
	const char *topic;
	const char *text;
} help_texts[] = {
	{ "",
	  "Commands (as ip link; \"help <command>\" for details):\n"
	  "  link add link <port> name <vif> type macvlan [OPTIONS]   create a vif\n"
	  "  link set <name> up|down|address|mtu|allmulticast|promisc ...\n"
	  "                                         change a vif or a port\n"
	  "  link set <vif> type macvlan mode|flag|bcqueuelen|bclim|macaddr ...\n"
	  "                                         change a vif's macvlan options\n"
	  "  link del <vif>                         delete a vif\n"
	  "  link show [-d] [-s] [<name>]           list ports and vifs (-s: with counters)\n"
	  "  link stats [<name>]                    counters\n"
	  "  show port stats|info all|<port>        the ports (testpmd's words)\n"
	  "  clear port stats all|<port>            counters from zero (also clear link stats)\n"
	  "  maddr add|del <mac> dev <vif>          join or leave a multicast group\n"
	  "  maddr show [dev <vif>]                 list multicast groups\n"
	  "  events [show [<n>]]                    the last configuration and link events\n"
	  "  show config                            the running configuration as commands\n"
	  "  monitor                                stream new events (control socket)\n"
	  "  start | stop                           start or stop forwarding\n"
	  "  help [<command>]                       this text, or a command's\n"
	  "  quit                                   leave the program\n" },
	{ "link", HELP_LINK_ADD HELP_LINK_SET HELP_LINK_DEL HELP_LINK_SHOW HELP_LINK_STATS },
	{ "link add", HELP_LINK_ADD },
	{ "link set", HELP_LINK_SET },
	{ "link del", HELP_LINK_DEL },
	{ "link show", HELP_LINK_SHOW },
	{ "link stats", HELP_LINK_STATS },
	{ "maddr", HELP_MADDR_CHANGE HELP_MADDR_SHOW },
	{ "maddr add", HELP_MADDR_CHANGE },
	{ "maddr del", HELP_MADDR_CHANGE },
	{ "maddr show", HELP_MADDR_SHOW },
	{ "start", HELP_START },
	{ "stop", HELP_STOP },
	{ "events", HELP_EVENTS },
	{ "monitor", HELP_MONITOR },
	{ "help", HELP_HELP },
	{ "show config", HELP_SHOW_CONFIG },
	{ "show port", HELP_SHOW_PORT },
	{ "clear", HELP_CLEAR },
	{ "quit", HELP_QUIT },
};

const char *
mv_cmd_help(const char *topic)
{
	char buf[64], canon[MV_CMD_TOPIC_SIZE];
	char *w[4];
	int n;

	if (topic == NULL)
		topic = "";
	if (strnlen(topic, sizeof(buf)) >= sizeof(buf))
		return NULL;
	memcpy(buf, topic, strlen(topic) + 1);
	n = mv_cmd_tokenize(buf, w, 4);
	if (n < 0 || mv_cmd_help_canon(n, (const char *const *)w, canon, sizeof(canon)) < 0)
		return NULL;
	for (size_t k = 0; k < sizeof(help_texts) / sizeof(help_texts[0]); k++)
		if (streq(help_texts[k].topic, canon))
			return help_texts[k].text;
	return NULL;
}
