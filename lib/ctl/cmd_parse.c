/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The shell's parser: tokens in, one struct mv_cmd or one "Error: " line out.
 * No DPDK, no I/O, no global state (the tables below are constant).
 */
#include "cmd_help.h"
#include "cmd_parse_priv.h"

/* `link del [dev] <vif>` */
static int
parse_link_del(struct parser *p)
{
	const char *t;

	p->out->type = MV_CMD_LINK_DEL;
	p->what = "link del";
	t = next(p);
	if (t != NULL && streq(t, "dev"))
		t = value(p, "dev");
	else if (t == NULL)
		return perr(p, "missing vif name for link del");
	if (t == NULL || name_copy(p, t, p->out->name, false) < 0)
		return -EINVAL;
	return end(p);
}

/* ip's options that make sense here: -d[etails], -s[tats|tatistics]; `--x` is `-x` */
static int
ip_option(struct parser *p, const char *t)
{
	const char *o = t[1] == '-' ? t + 1 : t;

	if (mv_cmd_matches(o, "-stats") || mv_cmd_matches(o, "-statistics"))
		p->out->stats = true;
	else if (mv_cmd_matches(o, "-details"))
		p->out->details = true;
	else
		return perr(p, "unknown option " QFMT " (-d or -s)", QARG(t));
	return 0;
}

static bool
is_option(const char *t)
{
	return t[0] == '-' && t[1] != '\0';
}

/* `[dev] [<name>]`: an optional filter, "" for all; ip's -d and -s anywhere. */
static int
parse_show(struct parser *p, enum mv_cmd_type type, const char *what)
{
	bool named = false;
	const char *t;

	p->out->type = type;
	p->what = what;
	while ((t = next(p)) != NULL) {
		if (is_option(t)) {
			if (ip_option(p, t) < 0)
				return -EINVAL;
			continue;
		}
		if (named)
			return perr(p, "unexpected " QFMT " after %s", QARG(t), p->what);
		if (streq(t, "dev") && (t = value(p, "dev")) == NULL)
			return -EINVAL;
		if (name_copy(p, t, p->out->name, false) < 0)
			return -EINVAL;
		named = true;
	}
	return 0;
}

/* testpmd's `all | <port>`: a port by name, DPDK name or number (0 is p0) */
static int
port_target(struct parser *p)
{
	const char *t = next(p);
	size_t n;

	p->out->ports_only = true;
	if (t == NULL)
		return perr(p, "missing \"all\" or a port for %s (p0, 0 or its DPDK name)",
			    p->what);
	n = strspn(t, "0123456789");
	if (streq(t, "all"))
		p->out->name[0] = '\0';
	else if (n > 0 && t[n] == '\0' && n < MV_IFNAMSIZ - 1)
		snprintf(p->out->name, sizeof(p->out->name), "p%s", t);
	else if (name_copy(p, t, p->out->name, false) < 0)
		return -EINVAL;
	return end(p);
}

/* `show port stats|info all|<port>` */
static int
parse_show_port(struct parser *p)
{
	const char *t = next(p);

	if (t != NULL && streq(t, "stats")) {
		p->out->type = MV_CMD_LINK_STATS;
		p->what = "show port stats";
	} else if (t != NULL && streq(t, "info")) {
		p->out->type = MV_CMD_LINK_SHOW;
		p->what = "show port info";
	} else if (t == NULL) {
		return perr(p, "missing \"stats\" or \"info\" after show port");
	} else {
		return perr(p, "unknown show port command " QFMT " (stats or info)", QARG(t));
	}
	return port_target(p);
}

/* `clear port stats all|<port>`, `clear link stats [<name>]` */
static int
parse_clear(struct parser *p)
{
	const char *obj = next(p), *t = next(p);

	p->out->type = MV_CMD_CLEAR_STATS;
	if (obj != NULL && (streq(obj, "port") || streq(obj, "link")) && t != NULL &&
	    streq(t, "stats")) {
		p->what = streq(obj, "port") ? "clear port stats" : "clear link stats";
		if (streq(obj, "port"))
			return port_target(p);
		return parse_show(p, MV_CMD_CLEAR_STATS, "clear link stats");
	}
	return perr(p,
		    "unknown clear command " QFMT " (clear port stats all|<port>, clear link "
		    "stats [<name>])",
		    QARG(obj != NULL ? obj : ""));
}

/* `maddr add|del [address] <mac> dev <vif>`, in any order. */
static int
parse_maddr_change(struct parser *p, bool add)
{
	const char *t;

	p->out->type = add ? MV_CMD_MADDR_ADD : MV_CMD_MADDR_DEL;
	p->what = add ? "maddr add" : "maddr del";
	while ((t = next(p)) != NULL) {
		if (streq(t, "dev")) {
			if (once(p, O_DEV, "dev") < 0 ||
			    name_value(p, "dev", p->out->name, false) < 0)
				return -EINVAL;
		} else if (streq(t, "address") || streq(t, "addr")) {
			if (once(p, O_ADDRESS, "address") < 0 ||
			    mac_value(p, "address", &p->out->maddr.addr) < 0)
				return -EINVAL;
		} else if (!given(p, O_ADDRESS)) {
			p->seen |= 1u << O_ADDRESS;
			if (mac(p, t, &p->out->maddr.addr) < 0)
				return -EINVAL;
		} else {
			return perr(p, "unknown option " QFMT " for %s", QARG(t), p->what);
		}
	}
	if (!given(p, O_ADDRESS))
		return perr(p, "missing MAC address for %s", p->what);
	if (!given(p, O_DEV))
		return perr(p, "missing \"dev <vif>\" for %s", p->what);
	return 0;
}

/* `events [show [<n>]]`: the last n events (0 or none: all). */
static int
parse_events(struct parser *p)
{
	const char *t = next(p);
	int64_t n = 0;

	p->out->type = MV_CMD_EVENTS;
	p->what = "events show";
	if (t == NULL)
		return 0;
	if (!streq(t, "show") && !streq(t, "list") && !streq(t, "ls"))
		return perr(p, "unknown events command " QFMT " (show)", QARG(t));
	t = next(p);
	if (t == NULL)
		return 0;
	if (number(p, "events show", t, 0, UINT32_MAX, "0..4294967295", &n) < 0)
		return -EINVAL;
	p->out->events.count = (uint32_t)n;
	return end(p);
}

static int
parse_help(struct parser *p)
{
	int n = p->argc - p->i;
	char words[128];
	size_t len = 0;

	p->out->type = MV_CMD_HELP;
	if (mv_cmd_help_canon(n, (const char *const *)(p->argv + p->i), p->out->help.topic,
			      sizeof(p->out->help.topic)) == 0)
		return 0;
	words[0] = '\0';
	for (int k = p->i; k < p->argc && len < sizeof(words) - 1; k++) {
		int w = snprintf(words + len, sizeof(words) - len, "%s%s", k > p->i ? " " : "",
				 p->argv[k]);

		if (w < 0)
			break;
		len += (size_t)w;
	}
	return perr(p, "no help for " QFMT " (try \"help\")", QARG(words));
}

/* `link help [<sub>]`, `maddr help [<sub>]`: help on @p verb. */
static int
parse_sub_help(struct parser *p, const char *verb)
{
	const char *w[2] = { verb, peek(p) };
	int n = w[1] != NULL ? 2 : 1;

	p->out->type = MV_CMD_HELP;
	p->what = "help";
	if (n == 2)
		p->i++;
	if (mv_cmd_help_canon(n, w, p->out->help.topic, sizeof(p->out->help.topic)) < 0)
		return perr(p, "no help for \"%s %.*s%s\" (try \"help %s\")", verb, QARG(w[1]),
			    verb);
	return end(p);
}

static int
parse_top(struct parser *p)
{
	const char *verb = next(p), *sub, *obj;

	if (verb == NULL)
		return 0; /* MV_CMD_NONE */
	if (streq(verb, "ip") || is_option(verb)) {
		const char *before = verb;

		if (streq(verb, "ip"))
			verb = next(p);
		/* ip's options before the object: `ip -d link`, `-s link show` */
		while (verb != NULL && is_option(verb)) {
			if (ip_option(p, verb) < 0)
				return -EINVAL;
			before = verb;
			verb = next(p);
		}
		if (verb == NULL)
			return perr(p, "missing command after " QFMT " (try \"help\")",
				    QARG(before));
	}
	/* this program's own verbs by their exact name, then ip's objects abbreviated */
	obj = mv_cmd_plain_verb(verb) != NULL || streq(verb, "show") || streq(verb, "stats") ||
			      streq(verb, "clear")
		      ? NULL
		      : mv_cmd_object(verb);
	if (obj != NULL && !streq(obj, "link") && !streq(obj, "maddr"))
		verb = obj; /* monitor, help */
	if (obj != NULL && streq(obj, "link")) {
		const char *t = next(p);

		if (t == NULL) {
			p->out->type = MV_CMD_LINK_SHOW;
			return 0;
		}
		sub = mv_cmd_link_sub(t);
		if (sub != NULL && streq(sub, "help"))
			return parse_sub_help(p, "link");
		if (sub == NULL)
			return perr(p,
				    "unknown link command " QFMT " (add, set, del, show or stats)",
				    QARG(t));
		if (streq(sub, "add"))
			return mv_cmd_parse_link_add(p);
		if (streq(sub, "set"))
			return mv_cmd_parse_link_set(p);
		if (streq(sub, "del"))
			return parse_link_del(p);
		if (streq(sub, "show"))
			return parse_show(p, MV_CMD_LINK_SHOW, "link show");
		return parse_show(p, MV_CMD_LINK_STATS, "link stats");
	}
	if (streq(verb, "show")) {
		const char *t = peek(p);

		if (t != NULL && streq(t, "config")) {
			p->i++;
			p->out->type = MV_CMD_SHOW_CONFIG;
			p->what = "show config";
			return end(p);
		}
		if (t != NULL && streq(t, "port")) {
			p->i++;
			return parse_show_port(p);
		}
		return parse_show(p, MV_CMD_LINK_SHOW, "show");
	}
	if (streq(verb, "clear"))
		return parse_clear(p);
	if (streq(verb, "stats"))
		return parse_show(p, MV_CMD_LINK_STATS, "stats");
	if (obj != NULL && streq(obj, "maddr")) {
		const char *t = next(p);

		if (t == NULL) {
			p->out->type = MV_CMD_MADDR_SHOW;
			return 0;
		}
		sub = mv_cmd_maddr_sub(t);
		if (sub != NULL && streq(sub, "help"))
			return parse_sub_help(p, "maddr");
		if (sub == NULL)
			return perr(p, "unknown maddr command " QFMT " (add, del or show)",
				    QARG(t));
		if (streq(sub, "add"))
			return parse_maddr_change(p, true);
		if (streq(sub, "del"))
			return parse_maddr_change(p, false);
		return parse_show(p, MV_CMD_MADDR_SHOW, "maddr show");
	}
	sub = mv_cmd_plain_verb(verb);
	if (sub == NULL)
		return perr(p, "unknown command " QFMT " (try \"help\")", QARG(verb));
	p->what = sub;
	if (streq(sub, "help"))
		return parse_help(p);
	if (streq(sub, "events"))
		return parse_events(p);
	p->out->type = streq(sub, "start")     ? MV_CMD_START
		       : streq(sub, "stop")    ? MV_CMD_STOP
		       : streq(sub, "monitor") ? MV_CMD_MONITOR
					       : MV_CMD_QUIT;
	return end(p);
}

int
mv_cmd_parse(int argc, char **argv, struct mv_cmd *out, char *err, size_t errlen)
{
	struct parser p = {
		.argc = argc,
		.argv = argv,
		.out = out,
		.err = err,
		.errlen = errlen,
		.what = "",
	};
	int ret;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (out == NULL || argc < 0 || (argc > 0 && argv == NULL))
		return perr(&p, "invalid arguments to the parser");
	for (int k = 0; k < argc; k++)
		if (argv[k] == NULL)
			return perr(&p, "invalid arguments to the parser");
	memset(out, 0, sizeof(*out));
	ret = parse_top(&p);
	if (ret < 0) {
		memset(out, 0, sizeof(*out));
		return -EINVAL;
	}
	return 0;
}

int
mv_cmd_tokenize(char *line, char **argv, int max)
{
	int n = 0;
	char *c = line;

	if (line == NULL || max < 0 || (argv == NULL && max > 0))
		return -EINVAL;
	for (;;) {
		while (*c != '\0' && isspace((unsigned char)*c))
			c++;
		if (*c == '\0' || *c == '#')
			break;
		if (n == max)
			return -E2BIG;
		argv[n++] = c;
		while (*c != '\0' && !isspace((unsigned char)*c))
			c++;
		if (*c != '\0')
			*c++ = '\0';
	}
	if (n < max)
		argv[n] = NULL;
	return n;
}

void
mv_cmd_rebind(struct mv_cmd *cmd)
{
	if (cmd->type == MV_CMD_LINK_ADD) {
		cmd->link_add.cfg.name = cmd->name;
		cmd->link_add.cfg.macaddr =
			cmd->link_add.cfg.macaddr_op == MV_MACADDR_NONE ? NULL : cmd->macaddr;
	} else if (cmd->type == MV_CMD_LINK_SET) {
		cmd->link_set.chg.macaddr =
			cmd->link_set.chg.macaddr_op == MV_MACADDR_NONE ? NULL : cmd->macaddr;
	}
}

const char *
mv_cmd_type_name(enum mv_cmd_type type)
{
	switch (type) {
	case MV_CMD_LINK_ADD:
		return "link add";
	case MV_CMD_LINK_SET:
		return "link set";
	case MV_CMD_LINK_DEL:
		return "link del";
	case MV_CMD_LINK_SHOW:
		return "link show";
	case MV_CMD_LINK_STATS:
		return "link stats";
	case MV_CMD_MADDR_ADD:
		return "maddr add";
	case MV_CMD_MADDR_DEL:
		return "maddr del";
	case MV_CMD_MADDR_SHOW:
		return "maddr show";
	case MV_CMD_START:
		return "start";
	case MV_CMD_STOP:
		return "stop";
	case MV_CMD_HELP:
		return "help";
	case MV_CMD_QUIT:
		return "quit";
	case MV_CMD_EVENTS:
		return "events show";
	case MV_CMD_MONITOR:
		return "monitor";
	case MV_CMD_SHOW_CONFIG:
		return "show config";
	case MV_CMD_CLEAR_STATS:
		return "clear stats";
	case MV_CMD_NONE:
	default:
		return "none";
	}
}
