/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_CMD_PARSE_H
#define MV_CMD_PARSE_H

/**
 * @file
 * The shell's grammar: a pure parser (no DPDK, no I/O, no global state).
 * A line is split into tokens (mv_cmd_tokenize), the tokens become one
 * struct mv_cmd (mv_cmd_parse) or one error line, and the executor applies
 * the struct to the core's tables. The verbs follow `ip link`:
 *
 *     link add link <port> name <vif> type macvlan [mode MODE [FLAG]]
 *              [address <mac>] [mtu <n>] [bcqueuelen <n>] [bclim <n>]
 *              [macaddr add|del <mac> | macaddr set [<mac> ...]]
 *              [backend tap [ifname <ifname>] [netns <name>] | backend vdev <devargs>
 *               | backend null]
 *     link set <name> [up|down] [address <mac>] [mtu <n>] [allmulticast on|off]
 *              [promisc on|off] [type macvlan [mode MODE] [FLAG] [bcqueuelen <n>]
 *              [bclim <n>] [macaddr add <mac> | del <mac> | flush | set [<mac> ...]]]
 *     link del <vif>
 *     link show [<name>]
 *     link stats [<name>]
 *     maddr add|del <mac> dev <vif>
 *     maddr show [dev <vif>]
 *     events [show [<n>]]
 *     monitor
 *     show config
 *     show port stats|info all|<port>      (testpmd's: the ports only)
 *     clear port stats all|<port> | clear link stats [<name>]
 *     start | stop | help [<command>] | quit
 *
 *     ip's options -d[etails] and -s[tats] may lead the line (`-s link show`)
 *     or come among a show's words (`link show -d -s mv0`); `--x` is `-x`.
 *
 *     MODE: private | vepa | bridge | passthru | source
 *     FLAG: nopromisc (mode passthru only) | nodst (mode source only)
 *           | flag nopromisc | flag nodst | flag null (clears the flags)
 *
 * Rules, as ip applies them:
 * - Options may come in any order, each at most once ("Error: "x" given
 *   twice"). The macvlan options (mode, flag, nopromisc, nodst, bcqueuelen,
 *   bclim, macaddr) must come after `type macvlan`; in `link set` the
 *   device attributes (up, down, address, mtu, allmulticast, promisc) must
 *   come before it. In `link add` link, name, address, mtu, backend,
 *   ifname and netns may come anywhere.
 * - A flag word is checked against the mode given in the same command,
 *   wherever it stands: nopromisc needs `mode passthru`, nodst `mode source`
 *   (so `link set mv0 type macvlan nopromisc` alone is refused, as by ip).
 *   At most one flag word per command.
 * - `macaddr set` takes every following token up to the next keyword of the
 *   command (zero or more; at most MV_CMD_MAX_MACADDR); a token in the list
 *   that is not a MAC address is reported as an invalid MAC address.
 * - In `link add`, macaddr needs `mode source` in the same command.
 * - Each backend kind describes its own options (mv_backend_args.h):
 *   `backend tap` alone takes ifname and netns (anywhere in the command);
 *   `backend vdev` takes exactly one token of devargs, which is not
 *   interpreted.
 *
 * Abbreviations as iproute2's matches() takes them: the first word may be
 * any prefix of an ip object in ip's order (`l` link, `m`/`ma` maddress,
 * `mo` monitor, `h` help; `a` is ip's address: not here), and a link or
 * maddr subcommand any prefix of ip's in its order (`link s` is set, `sh`
 * show, `l`/`ls` list, `d` delete, `a` add, `c` change = set).
 *
 * Aliases: a leading `ip` is ignored; `dev <name>` wherever a name stands
 * (`link set dev mv0 up`, `link del dev mv0`, `link show dev mv0`, and as
 * `name` in link add); `link add <vif> link <port> ...` (a bare name right
 * after `add`); `addr` for address; `allmulti` for allmulticast; `delete`
 * for del; `list`/`ls` for show; `show` and `stats` alone for `link show`
 * and `link stats`; `link` and `maddr` alone for their `show`; `exit` for
 * quit; `?` for help; `link help [<sub>]` and `maddr help [<sub>]` for
 * `help link [<sub>]`; `maddr add address <mac> dev <vif>` and `dev` before
 * the address.
 *
 * Names are at most 15 characters (MV_IFNAMSIZ - 1). A new vif's name (link
 * add) and a tap ifname must also be valid interface names
 * (mv_ifname_valid). Other names (ports may be named by their DPDK device
 * name, e.g. "0000:01:00.0") are only checked for length: the parser does
 * not know whether a name is a port or a vif.
 *
 * Numbers are decimal: an optional '-' (bclim only) then digits, nothing
 * else. mtu is any u32 (the core checks 68..max), bcqueuelen any u32, bclim
 * any s32. Semantic checks that need the tables (mode changes, passthru
 * rules, group vs. unicast addresses, whether a name exists) are the core's
 * and the executor's.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mv_backend_args.h"
#include "mv_control.h"
#include "mv_mac.h"
#include "mv_port.h"

/** Addresses one `macaddr set` may carry (the kernel has no limit per request). */
#define MV_CMD_MAX_MACADDR 4096
/** An argv large enough for any line the parser can accept. */
#define MV_CMD_MAX_ARGS (MV_CMD_MAX_MACADDR + 64)
/** Room for a netns name and its NUL (backend tap's netns option). */
#define MV_CMD_NETNS_SIZE 64
/** Room for backend vdev devargs and its NUL (MV_BACKEND_VALUE_SIZE). */
#define MV_CMD_DEVARGS_SIZE MV_BACKEND_VALUE_SIZE
/** Room for a help topic ("link stats") and its NUL. */
#define MV_CMD_TOPIC_SIZE 16

/** What the line asks for. */
enum mv_cmd_type {
	MV_CMD_NONE = 0,    /**< empty line or comment: nothing to do */
	MV_CMD_LINK_ADD,    /**< name: the new vif; link_add */
	MV_CMD_LINK_SET,    /**< name: a vif or a port; link_set */
	MV_CMD_LINK_DEL,    /**< name: the vif */
	MV_CMD_LINK_SHOW,   /**< name: one port or vif, "" for all */
	MV_CMD_LINK_STATS,  /**< name: one port or vif, "" for all */
	MV_CMD_MADDR_ADD,   /**< name: the vif; maddr.addr: the group to join */
	MV_CMD_MADDR_DEL,   /**< name: the vif; maddr.addr: the group to leave */
	MV_CMD_MADDR_SHOW,  /**< name: one vif, "" for all */
	MV_CMD_START,       /**< start forwarding */
	MV_CMD_STOP,        /**< stop forwarding */
	MV_CMD_HELP,        /**< help.topic: print mv_cmd_help(help.topic) */
	MV_CMD_QUIT,        /**< leave the program */
	MV_CMD_EVENTS,      /**< events.count: the last events of the event log */
	MV_CMD_MONITOR,     /**< stream new events (the control socket's clients) */
	MV_CMD_SHOW_CONFIG, /**< the running configuration as a command file */
	MV_CMD_CLEAR_STATS, /**< name: one port or vif, "" for all (ports_only: ports) */
};
/** The last command type (arrays indexed by type have MV_CMD_TYPE_MAX + 1 entries). */
#define MV_CMD_TYPE_MAX MV_CMD_CLEAR_STATS

struct mv_cmd_link_add {
	/** `link <port>`: the lower, a port name (p0) or DPDK device name. */
	char link[MV_IFNAMSIZ];
	/**
	 * The request for mv_vif_create(), initialised by mv_vif_config_init:
	 * name points to mv_cmd.name; mode is 0 (the default, vepa) unless
	 * `mode` was given; has_flags/flags only when a flag word was given
	 * (`flag null`: has_flags with flags 0); has_mac/mac (`address`);
	 * has_mtu/mtu; has_bc_queue_len/bc_queue_len (`bcqueuelen`);
	 * has_bc_cutoff/bc_cutoff (`bclim`); macaddr_op/macaddr/n_macaddr
	 * (`macaddr`, mode source only; macaddr points to mv_cmd.macaddr, NULL
	 * when macaddr_op is MV_MACADDR_NONE). random and no_default_groups
	 * are left 0/false: the executor fills random.
	 */
	struct mv_vif_config cfg;
	/**
	 * `backend KIND ...` and the kind's own options (mv_backend_args.h):
	 * backend.kind is "" when no backend was given (the program's default);
	 * each option given (tap's ifname and netns, anywhere in the command;
	 * vdev's devargs, the word after the kind) is one key/value pair.
	 */
	struct mv_backend_args backend;
};

/**
 * MV_CMD_LINK_SET. At least one has_* is true. The kernel applies one
 * `ip link set` in this order, without rolling back when a later step fails:
 * the macvlan change (chg) first, then address, mtu, up/down, promisc,
 * allmulticast. A port target accepts every attribute but type macvlan.
 */
struct mv_cmd_link_set {
	bool has_up;       /**< `up` or `down` given */
	bool up;           /**< true: up, false: down */
	bool has_mac;      /**< `address` given */
	mv_mac_t mac;      /**< the new MAC (syntax only: may be a group address) */
	bool has_mtu;      /**< `mtu` given */
	uint32_t mtu;      /**< any u32; the core checks the range */
	bool has_allmulti; /**< `allmulticast on|off` given */
	bool allmulti;
	bool has_promisc; /**< `promisc on|off` given */
	bool promisc;
	bool has_spoofchk; /**< `spoofchk on|off` given (vifs only) */
	bool spoofchk;
	bool has_bcrate; /**< `bcrate <pps>` given (vifs only; 0: no limit) */
	uint32_t bcrate;
	/** `type macvlan` with at least one option: apply chg (vifs only). */
	bool has_change;
	/**
	 * The request for mv_vif_change(), initialised by mv_vif_change_init:
	 * mode 0 = unchanged; has_flags/flags (replaces the whole flag word);
	 * has_bc_queue_len/bc_queue_len; has_bc_cutoff/bc_cutoff;
	 * macaddr_op/macaddr/n_macaddr (ADD and DEL: one address; FLUSH: none;
	 * SET: zero or more; macaddr points to mv_cmd.macaddr, NULL when
	 * macaddr_op is MV_MACADDR_NONE). The core applies the mode change
	 * before the macaddr operation, as the kernel does.
	 */
	struct mv_vif_change chg;
};

/** MV_CMD_MADDR_ADD / MV_CMD_MADDR_DEL. */
struct mv_cmd_maddr {
	mv_mac_t addr; /**< syntax only: the core refuses non-group addresses */
};

/** MV_CMD_HELP. */
struct mv_cmd_help_topic {
	/**
	 * The canonical topic, aliases resolved: "" (overview), "link",
	 * "link add", "link set", "link del", "link show", "link stats",
	 * "maddr", "maddr add", "maddr del", "maddr show", "events",
	 * "monitor", "start", "stop", "help", "quit". mv_cmd_help(topic) is never NULL for it.
	 */
	char topic[MV_CMD_TOPIC_SIZE];
};

/** MV_CMD_EVENTS. */
struct mv_cmd_events {
	uint32_t count; /**< the last count events; 0: every event held */
};

/**
 * One parsed command. It holds no pointer into the tokens: every string is
 * copied. It is self-referential (cfg.name, cfg.macaddr and chg.macaddr
 * point into it): after copying one by value, call mv_cmd_rebind() on the
 * copy. It is large (MV_CMD_MAX_MACADDR addresses, about 33 KiB).
 */
struct mv_cmd {
	enum mv_cmd_type type;
	/**
	 * The object of the command (see enum mv_cmd_type): the new vif, the
	 * vif or port to change, the vif to delete or whose groups change, or
	 * the filter of a show ("" = all). "" for start, stop, help, quit.
	 */
	char name[MV_IFNAMSIZ];
	/** `-d` / `-details` (ip's): accepted; link show is always detailed */
	bool details;
	/** `-s` / `-stats` / `-statistics` (ip's): link show adds each link's stats64 */
	bool stats;
	/** testpmd's `show port ...` / `clear port stats ...`: ports only, name a port or "" */
	bool ports_only;
	union {
		struct mv_cmd_link_add link_add; /**< MV_CMD_LINK_ADD */
		struct mv_cmd_link_set link_set; /**< MV_CMD_LINK_SET */
		struct mv_cmd_maddr maddr;       /**< MV_CMD_MADDR_ADD / _DEL */
		struct mv_cmd_help_topic help;   /**< MV_CMD_HELP */
		struct mv_cmd_events events;     /**< MV_CMD_EVENTS */
	};
	/** Storage of the macaddr addresses (link_add.cfg / link_set.chg point here). */
	mv_mac_t macaddr[MV_CMD_MAX_MACADDR];
};

/**
 * Split @p line in place on white space (NULs are written into it). A '#'
 * at the start of a token starts a comment that runs to the end of the
 * line; empty lines and comments give 0 tokens. There is no quoting.
 * @p argv receives up to @p max pointers into @p line, then a NULL if there
 * is room for it. Returns the number of tokens, -E2BIG when there are more
 * than @p max (argv then holds the first @p max), -EINVAL when @p line is
 * NULL, @p max negative, or @p argv NULL with @p max > 0.
 */
int mv_cmd_tokenize(char *line, char **argv, int max);

/**
 * Parse @p argc tokens (no argv[argc] NULL needed) into @p out. Returns 0,
 * or -EINVAL with one line in @p err that starts with "Error: " (no
 * newline; truncated to @p errlen; @p err may be NULL when @p errlen is 0).
 * On success @p err is set to "". On error @p out is cleared (all zero:
 * type MV_CMD_NONE), so an executor that ignores the return value does
 * nothing. argc 0 gives MV_CMD_NONE and 0. Pure: no I/O, no global state.
 */
int mv_cmd_parse(int argc, char **argv, struct mv_cmd *out, char *err, size_t errlen);

/**
 * Help text for @p topic, several lines each ending with '\n': NULL or ""
 * for the overview of every command, a verb ("link", "maddr", "start",
 * ...) or a verb and its subcommand ("link add", "maddr show"). Aliases
 * are accepted ("show", "link delete", "ip link", "exit"). NULL when there
 * is no such command.
 */
const char *mv_cmd_help(const char *topic);

/** Point @p cmd's internal pointers back into @p cmd after a copy by value. */
void mv_cmd_rebind(struct mv_cmd *cmd);

/** Name of a command type ("link add", ...), for messages; "none" for MV_CMD_NONE. */
const char *mv_cmd_type_name(enum mv_cmd_type type);

#endif /* MV_CMD_PARSE_H */
