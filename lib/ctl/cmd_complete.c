/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Completion of the shell's grammar (mv_cmd_complete.h). The words before
 * the cursor are walked as the parser (cmd_parse.c, cmd_parse_link.c) reads
 * them, abbreviations resolved the same way, and the candidates for the next
 * word are what the parser would take there: keywords, their fixed values
 * (modes, flags, backend kinds and options), the live names of ports and vifs
 * from the caller, and placeholders for free values.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmd_help.h"
#include "mv_backend_args.h"
#include "mv_cmd.h"
#include "mv_cmd_complete.h"

#define MAX_WORDS 64

struct cands {
	struct mv_cmd_completion *out;
	const char *prefix; /* the word being typed */
	size_t plen;
	mv_cmd_names_fn names;
	void *arg;
};

static bool
streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static void
add(struct cands *c, const char *word)
{
	struct mv_cmd_completion *o = c->out;
	bool placeholder = word[0] == '<';

	if (!placeholder && strncmp(word, c->prefix, c->plen) != 0)
		return;
	for (unsigned int i = 0; i < o->n; i++)
		if (streq(o->cand[i], word))
			return;
	if (o->n < MV_COMPLETE_MAX)
		o->cand[o->n++] = word;
	else
		o->n_more++;
}

static void
add_list(struct cands *c, const char *const *words)
{
	for (; *words != NULL; words++)
		add(c, *words);
}

static void
add_names(struct cands *c, unsigned int kinds)
{
	const char *buf[MV_COMPLETE_MAX];
	unsigned int n;

	if (c->names == NULL)
		return;
	n = c->names(c->arg, kinds, c->prefix, buf, MV_COMPLETE_MAX);
	for (unsigned int i = 0; i < n && i < MV_COMPLETE_MAX; i++)
		add(c, buf[i]);
}

static const char *const top_words[] = {
	"link",  "maddr", "show", "stats", "clear", "events", "monitor",
	"start", "stop",  "help", "quit",  "exit",  "ip",     NULL,
};
static const char *const link_subs[] = { "add", "set", "delete", "show", "stats", "help", NULL };
static const char *const maddr_subs[] = { "add", "delete", "show", "help", NULL };
static const char *const ip_options[] = { "-d", "-s", NULL };
static const char *const modes[] = { "private", "vepa", "bridge", "passthru", "source", NULL };
static const char *const flags[] = { "nopromisc", "nodst", "null", NULL };
static const char *const onoff[] = { "on", "off", NULL };
static const char *const macaddr_ops[] = { "add", "del", "flush", "set", NULL };

/* `link add`'s and `link set`'s keywords: the value each takes */
enum value {
	V_NONE,    /* a flag word */
	V_LINK,    /* a port or a vif (a vif means its lower) */
	V_NEWNAME, /* a name not taken yet */
	V_MAC,
	V_NUM,
	V_ONOFF,
	V_TYPE,
	V_MODE,
	V_FLAG,
	V_BACKEND,
	V_MACADDR,
};

struct keyword {
	const char *word;
	enum value value;
	const char *hint; /* the placeholder of a free value */
	bool macvlan;     /* only after `type macvlan` */
};

static const struct keyword add_keywords[] = {
	{ "link", V_LINK, NULL, false },
	{ "name", V_NEWNAME, "<vif name>", false },
	{ "type", V_TYPE, NULL, false },
	{ "address", V_MAC, "<mac>", false },
	{ "mtu", V_NUM, "<mtu 68..lower's>", false },
	{ "backend", V_BACKEND, NULL, false },
	{ "mode", V_MODE, NULL, true },
	{ "flag", V_FLAG, NULL, true },
	{ "nopromisc", V_NONE, NULL, true },
	{ "nodst", V_NONE, NULL, true },
	{ "bcqueuelen", V_NUM, "<bcqueuelen 0..4294967295>", true },
	{ "bclim", V_NUM, "<bclim -2147483648..2147483647>", true },
	{ "macaddr", V_MACADDR, NULL, true },
	{ NULL, V_NONE, NULL, false },
};

static const struct keyword set_keywords[] = {
	{ "up", V_NONE, NULL, false },
	{ "down", V_NONE, NULL, false },
	{ "address", V_MAC, "<mac>", false },
	{ "mtu", V_NUM, "<mtu 68..lower's>", false },
	{ "allmulticast", V_ONOFF, NULL, false },
	{ "promisc", V_ONOFF, NULL, false },
	{ "spoofchk", V_ONOFF, NULL, false },
	{ "type", V_TYPE, NULL, false },
	{ "mode", V_MODE, NULL, true },
	{ "flag", V_FLAG, NULL, true },
	{ "nopromisc", V_NONE, NULL, true },
	{ "nodst", V_NONE, NULL, true },
	{ "bcqueuelen", V_NUM, "<bcqueuelen 0..4294967295>", true },
	{ "bclim", V_NUM, "<bclim -2147483648..2147483647>", true },
	{ "macaddr", V_MACADDR, NULL, true },
	{ NULL, V_NONE, NULL, false },
};

static const struct keyword *
keyword_find(const struct keyword *kw, const char *w)
{
	if (streq(w, "addr"))
		w = "address";
	else if (streq(w, "allmulti"))
		w = "allmulticast";
	else if (streq(w, "dev"))
		w = "name";
	for (; kw->word != NULL; kw++)
		if (streq(kw->word, w))
			return kw;
	return NULL;
}

/* The candidates for the value of @p kw. */
static void
value_cands(struct cands *c, const struct keyword *kw)
{
	switch (kw->value) {
	case V_LINK:
		add_names(c, MV_NAMES_PORTS | MV_NAMES_VIFS);
		break;
	case V_ONOFF:
		add_list(c, onoff);
		break;
	case V_TYPE:
		add(c, "macvlan");
		break;
	case V_MODE:
		add_list(c, modes);
		break;
	case V_FLAG:
		add_list(c, flags);
		break;
	case V_BACKEND:
		for (unsigned int i = 0; mv_backend_syntaxes[i] != NULL; i++)
			add(c, mv_backend_syntaxes[i]->kind);
		break;
	case V_MACADDR:
		add_list(c, macaddr_ops);
		break;
	default:
		add(c, kw->hint != NULL ? kw->hint : "<value>");
		break;
	}
}

/*
 * The keyword options of `link add` (from w[0]) or `link set` (after the
 * name): walk the pairs, then offer the value the last keyword waits for,
 * or the keywords that may still come (each once; the macvlan options only
 * after `type macvlan`, and `link set`'s device options only before it).
 */
static void
keyword_cands(struct cands *c, const struct keyword *table, const char *const *w, int n)
{
	const struct mv_backend_syntax *syn = NULL;
	bool typed = false, positional_due = false, seen[32] = { false };
	int mac_due = 0; /* 1: a source address must come; 2: more may come (macaddr set) */

	for (int i = 0; i < n; i++) {
		const struct keyword *kw = keyword_find(table, w[i]);
		const struct mv_backend_opt *o = mv_backend_syntax_opt(syn, w[i]);

		if (positional_due) { /* vdev's devargs */
			positional_due = false;
			continue;
		}
		if (o != NULL) {
			if (!o->flag && ++i == n) {
				add(c, "<backend option value>");
				return;
			}
			continue;
		}
		if (kw == NULL) { /* a source address, or a word the parser refuses */
			if (mac_due == 1)
				mac_due = 0;
			continue;
		}
		mac_due = 0;
		seen[kw - table] = true;
		if (kw->value == V_NONE)
			continue;
		if (i + 1 == n) {
			value_cands(c, kw);
			return;
		}
		i++;
		if (kw->value == V_TYPE) {
			typed = true;
		} else if (kw->value == V_BACKEND) {
			syn = mv_backend_syntax_find(w[i]);
			positional_due = syn != NULL && syn->positional != NULL;
		} else if (kw->value == V_MACADDR) {
			mac_due = streq(w[i], "set") ? 2 : streq(w[i], "flush") ? 0 : 1;
		}
	}
	if (positional_due) {
		add(c, "<devargs>");
		return;
	}
	if (mac_due > 0)
		add(c, "<mac>");
	if (mac_due == 1)
		return;
	for (const struct keyword *kw = table; kw->word != NULL; kw++) {
		if (seen[kw - table] || (kw->macvlan && !typed))
			continue;
		if (table == set_keywords && typed && !kw->macvlan)
			continue;
		add(c, kw->word);
	}
	for (const struct mv_backend_opt *o = syn != NULL ? syn->opts : NULL; o != NULL && o->key;
	     o++)
		add(c, o->key);
}

/* `[dev] <name>` and ip's -d/-s, then nothing (link show, link del, maddr show) */
static void
name_cands(struct cands *c, const char *const *w, int n, unsigned int kinds, bool options)
{
	bool named = false;

	for (int i = 0; i < n; i++) {
		if (w[i][0] == '-')
			continue;
		if (streq(w[i], "dev") && i + 1 == n) {
			add_names(c, kinds);
			return;
		}
		if (streq(w[i], "dev"))
			i++;
		named = true;
	}
	if (options)
		add_list(c, ip_options);
	if (!named) {
		add(c, "dev");
		add_names(c, kinds);
	}
}

/*
 * The subcommand w[0] of an object, NULL when there is nothing to go on with
 * (none yet: the subcommands are offered; unknown; help).
 */
static const char *
object_sub(struct cands *c, const char *const *w, int n, const char *const *subs,
	   const char *(*resolve)(const char *))
{
	const char *sub;

	if (n == 0) {
		add_list(c, subs);
		return NULL;
	}
	sub = resolve(w[0]);
	return sub != NULL && !streq(sub, "help") ? sub : NULL;
}

static void
link_cands(struct cands *c, const char *const *w, int n)
{
	const char *sub = object_sub(c, w, n, link_subs, mv_cmd_link_sub);

	if (sub == NULL)
		return;
	if (streq(sub, "add")) {
		if (n == 1)
			add(c, "<vif name>");
		keyword_cands(c, add_keywords, w + 1, n - 1);
	} else if (streq(sub, "set")) {
		int first = n > 1 && streq(w[1], "dev") ? 2 : 1;

		if (n <= first) {
			if (first == 1)
				add(c, "dev");
			add_names(c, MV_NAMES_PORTS | MV_NAMES_VIFS);
			return;
		}
		keyword_cands(c, set_keywords, w + first + 1, n - first - 1);
	} else if (streq(sub, "del")) {
		name_cands(c, w + 1, n - 1, MV_NAMES_VIFS, false);
	} else {
		name_cands(c, w + 1, n - 1, MV_NAMES_PORTS | MV_NAMES_VIFS, true);
	}
}

static void
maddr_cands(struct cands *c, const char *const *w, int n)
{
	const char *sub = object_sub(c, w, n, maddr_subs, mv_cmd_maddr_sub);

	if (sub == NULL)
		return;
	if (streq(sub, "show")) {
		name_cands(c, w + 1, n - 1, MV_NAMES_VIFS, false);
		return;
	}
	/* `maddr add|del [address] <group> dev <vif>` */
	for (int i = 1; i < n; i++) {
		if (streq(w[i], "dev") && i + 1 == n) {
			add_names(c, MV_NAMES_VIFS);
			return;
		}
		if ((streq(w[i], "address") || streq(w[i], "addr")) && i + 1 == n) {
			add(c, "<group mac>");
			return;
		}
	}
	if (n == 1) {
		add(c, "address");
		add(c, "<group mac>");
	}
	add(c, "dev");
}

/* `show [config | port stats|info all|<port> | [dev] <name>]` */
static void
show_cands(struct cands *c, const char *const *w, int n)
{
	static const char *const port_what[] = { "stats", "info", NULL };

	if (n == 0) {
		add(c, "config");
		add(c, "port");
	}
	if (n > 0 && streq(w[0], "config"))
		return;
	if (n > 0 && streq(w[0], "port")) {
		if (n == 1)
			add_list(c, port_what);
		else if (n == 2) {
			add(c, "all");
			add_names(c, MV_NAMES_PORTS);
		}
		return;
	}
	name_cands(c, w, n, MV_NAMES_PORTS | MV_NAMES_VIFS, true);
}

/* `clear port stats [all|<port>]`, `clear link stats [<name>]` */
static void
clear_cands(struct cands *c, const char *const *w, int n)
{
	if (n == 0) {
		add(c, "port");
		add(c, "link");
	} else if (n == 1) {
		add(c, "stats");
	} else if (n == 2 && streq(w[0], "port")) {
		add(c, "all");
		add_names(c, MV_NAMES_PORTS);
	} else if (n == 2) {
		add_names(c, MV_NAMES_PORTS | MV_NAMES_VIFS);
	}
}

/* `help [<topic words>]`: the words of the commands themselves */
static void
help_cands(struct cands *c, const char *const *w, int n)
{
	const char *obj = n > 0 ? mv_cmd_object(w[0]) : NULL;

	if (n == 0)
		add_list(c, top_words);
	else if (n == 1 && obj != NULL && streq(obj, "link"))
		add_list(c, link_subs);
	else if (n == 1 && obj != NULL && streq(obj, "maddr"))
		add_list(c, maddr_subs);
}

static void
grammar_cands(struct cands *c, const char *const *w, int n)
{
	const char *obj;

	if (n > 0 && streq(w[0], "ip"))
		w++, n--;
	if (n == 0) {
		add_list(c, top_words);
		return;
	}
	if (streq(w[0], "show"))
		return show_cands(c, w + 1, n - 1);
	if (streq(w[0], "stats"))
		return name_cands(c, w + 1, n - 1, MV_NAMES_PORTS | MV_NAMES_VIFS, false);
	if (streq(w[0], "clear"))
		return clear_cands(c, w + 1, n - 1);
	if (streq(w[0], "events")) {
		if (n == 1)
			add(c, "show");
		else if (n == 2)
			add(c, "<count>");
		return;
	}
	if (mv_cmd_plain_verb(w[0]) != NULL) {
		if (streq(mv_cmd_plain_verb(w[0]), "help"))
			help_cands(c, w + 1, n - 1);
		return;
	}
	obj = mv_cmd_object(w[0]);
	if (obj != NULL && streq(obj, "link"))
		link_cands(c, w + 1, n - 1);
	else if (obj != NULL && streq(obj, "maddr"))
		maddr_cands(c, w + 1, n - 1);
}

/* TAB's insertion: the common continuation of the words that fit (placeholders aside) */
static void
make_insert(struct mv_cmd_completion *o, size_t plen)
{
	const char *first = NULL;
	size_t common = 0;
	unsigned int words = 0;

	o->insert[0] = '\0';
	for (unsigned int i = 0; i < o->n; i++) {
		const char *w = o->cand[i];
		size_t k = 0;

		if (w[0] == '<')
			continue;
		words++;
		if (first == NULL) {
			first = w;
			common = strlen(w);
			continue;
		}
		while (k < common && first[k] == w[k])
			k++;
		common = k;
	}
	if (first == NULL || common < plen)
		return;
	snprintf(o->insert, sizeof(o->insert), "%.*s%s", (int)(common - plen), first + plen,
		 words == 1 && o->n_more == 0 ? " " : "");
}

unsigned int
mv_cmd_complete(const char *line, size_t cursor, mv_cmd_names_fn names, void *arg,
		struct mv_cmd_completion *out)
{
	static char buf[1024]; /* the words, NUL-separated (one shell: one caller) */
	const char *w[MAX_WORDS];
	struct cands c = { .out = out, .names = names, .arg = arg };
	size_t len = strnlen(line, cursor), i = 0;
	int n = 0;

	memset(out, 0, sizeof(*out));
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, line, len);
	buf[len] = '\0';
	/* the complete words; the last one is the prefix unless a blank follows it */
	while (i < len) {
		size_t start;

		while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
			i++;
		if (i == len)
			break;
		start = i;
		while (i < len && buf[i] != ' ' && buf[i] != '\t')
			i++;
		if (i == len) { /* the word being typed */
			c.prefix = buf + start;
			out->word_start = start;
			break;
		}
		buf[i++] = '\0';
		if (n < MAX_WORDS)
			w[n++] = buf + start;
	}
	if (c.prefix == NULL) {
		c.prefix = "";
		out->word_start = len;
	}
	if (buf[0] == '#')
		return 0;
	c.plen = strlen(c.prefix);
	grammar_cands(&c, w, n);
	make_insert(out, c.plen);
	return out->n;
}
