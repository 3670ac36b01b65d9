/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The shell's parser: tokens in, one struct mv_cmd or one "Error: " line out.
 * No DPDK, no I/O, no global state (the tables below are constant).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mv_backend_args.h"
#include "mv_cmd.h"

/* Longest part of a token quoted in an error message. */
#define QUOTE_MAX 48
#define QFMT      "\"%.*s%s\""
#define QARG(s)   quote_len(s), (s), (strnlen((s), QUOTE_MAX + 1) > QUOTE_MAX ? "..." : "")

/* Options, for "given twice" and context checks. */
enum opt {
	O_LINK,
	O_NAME,
	O_TYPE,
	O_MODE,
	O_FLAG,
	O_ADDRESS,
	O_MTU,
	O_BCQUEUELEN,
	O_BCLIM,
	O_MACADDR,
	O_BACKEND,
	O_UPDOWN,
	O_ALLMULTI,
	O_PROMISC,
	O_DEV,
};

/* The macvlan options of one command (link add or link set type macvlan). */
struct mv_opts {
	uint8_t mode;
	bool has_flags;
	uint16_t flags;
	const char *flag_word; /* the flag word given, for messages */
	bool has_bc_queue_len;
	uint32_t bc_queue_len;
	bool has_bc_cutoff;
	int32_t bc_cutoff;
	int macaddr_op;
	uint32_t n_macaddr;
};

struct parser {
	int argc;
	char **argv;
	int i; /* next token */
	struct mv_cmd *out;
	char *err;
	size_t errlen;
	const char *what;            /* "link add", for messages */
	const char *const *keywords; /* options of the command (end a macaddr set list) */
	uint32_t seen;               /* 1 << enum opt */
};

/* and every backend kind's keyword options (mv_backend_opt_find) */
static const char *const link_add_keywords[] = {
	"link", "name",      "dev",   "type",       "address", "addr",    "mtu", "backend",
	"mode", "flag",      "nopromisc", "nodst", "bcqueuelen", "bclim", "macaddr", NULL,
};

static const char *const link_set_keywords[] = {
	"up",       "down",       "address", "addr",    "mtu",  "allmulticast",
	"allmulti", "promisc",    "type",    "mode",    "flag", "nopromisc",
	"nodst",    "bcqueuelen", "bclim",   "macaddr", NULL,
};

static int
quote_len(const char *s)
{
	size_t n = strnlen(s, QUOTE_MAX + 1);

	return n > QUOTE_MAX ? QUOTE_MAX : (int)n;
}

static int __attribute__((format(printf, 2, 3))) perr(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->err == NULL || p->errlen == 0)
		return -EINVAL;
	n = snprintf(p->err, p->errlen, "Error: ");
	if (n >= 0 && (size_t)n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static bool
streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static bool
in_list(const char *const *list, const char *s)
{
	for (; list != NULL && *list != NULL; list++)
		if (streq(*list, s))
			return true;
	return false;
}

/* A keyword of the command being parsed (link add: backend options too). */
static bool
is_keyword(const struct parser *p, const char *t)
{
	return in_list(p->keywords, t) ||
	       (p->keywords == link_add_keywords && mv_backend_opt_find(t, NULL) != NULL);
}

static const char *
peek(const struct parser *p)
{
	return p->i < p->argc ? p->argv[p->i] : NULL;
}

static const char *
next(struct parser *p)
{
	return p->i < p->argc ? p->argv[p->i++] : NULL;
}

/* The value of option @p opt, or NULL after "missing value for <opt>". */
static const char *
value(struct parser *p, const char *opt)
{
	const char *v = next(p);

	if (v == NULL)
		perr(p, "missing value for %s", opt);
	return v;
}

/* Mark @p o as given; "given twice" if it already was. */
static int
once(struct parser *p, enum opt o, const char *name)
{
	if (p->seen & (1u << o))
		return perr(p, "\"%s\" given twice", name);
	p->seen |= 1u << o;
	return 0;
}

static bool
given(const struct parser *p, enum opt o)
{
	return (p->seen & (1u << o)) != 0;
}

/* No token may follow. */
static int
end(struct parser *p)
{
	const char *t = peek(p);

	if (t != NULL)
		return perr(p, "unexpected " QFMT " after %s", QARG(t), p->what);
	return 0;
}

enum num_status { NUM_OK, NUM_NAN, NUM_NEG, NUM_RANGE };

/* A decimal in [min, max]: optional '-', digits, nothing else. */
static enum num_status
parse_num(const char *s, int64_t min, int64_t max, int64_t *out)
{
	bool neg = *s == '-';
	const char *d = neg ? s + 1 : s;
	uint64_t v = 0, lim;

	if (*d == '\0')
		return NUM_NAN;
	for (const char *c = d; *c != '\0'; c++)
		if (*c < '0' || *c > '9')
			return NUM_NAN;
	if (neg && min >= 0)
		return NUM_NEG;
	lim = neg ? (uint64_t)(-(min + 1)) + 1 : (uint64_t)max;
	for (const char *c = d; *c != '\0'; c++) {
		uint64_t digit = (uint64_t)(*c - '0');

		if (v > (lim - digit) / 10)
			return NUM_RANGE;
		v = v * 10 + digit;
	}
	if (neg)
		*out = v == 0 ? 0 : -(int64_t)(v - 1) - 1;
	else
		*out = (int64_t)v;
	return NUM_OK;
}

static int
number(struct parser *p, const char *opt, const char *s, int64_t min, int64_t max,
       const char *range, int64_t *out)
{
	switch (parse_num(s, min, max, out)) {
	case NUM_OK:
		return 0;
	case NUM_NAN:
		return perr(p, "invalid %s " QFMT ": not a number", opt, QARG(s));
	case NUM_NEG:
		return perr(p, "invalid %s " QFMT ": must not be negative", opt, QARG(s));
	case NUM_RANGE:
	default:
		return perr(p, "invalid %s " QFMT ": out of range%s%s%s", opt, QARG(s),
			    range ? " (" : "", range ? range : "", range ? ")" : "");
	}
}

static int
u32_value(struct parser *p, const char *opt, const char *range, uint32_t *out)
{
	const char *v = value(p, opt);
	int64_t n;

	if (v == NULL || number(p, opt, v, 0, UINT32_MAX, range, &n) < 0)
		return -EINVAL;
	*out = (uint32_t)n;
	return 0;
}

static int
s32_value(struct parser *p, const char *opt, const char *range, int32_t *out)
{
	const char *v = value(p, opt);
	int64_t n;

	if (v == NULL || number(p, opt, v, INT32_MIN, INT32_MAX, range, &n) < 0)
		return -EINVAL;
	*out = (int32_t)n;
	return 0;
}

static int
mac(struct parser *p, const char *s, mv_mac_t *out)
{
	if (mv_mac_parse(s, out) < 0)
		return perr(p, "invalid MAC address " QFMT, QARG(s));
	return 0;
}

static int
mac_value(struct parser *p, const char *opt, mv_mac_t *out)
{
	const char *v = value(p, opt);

	if (v == NULL)
		return -EINVAL;
	return mac(p, v, out);
}

static int
onoff_value(struct parser *p, const char *opt, bool *out)
{
	const char *v = value(p, opt);

	if (v == NULL)
		return -EINVAL;
	if (streq(v, "on"))
		*out = true;
	else if (streq(v, "off"))
		*out = false;
	else
		return perr(p, "invalid value " QFMT " for %s (on or off)", QARG(v), opt);
	return 0;
}

/*
 * Copy a name of at most MV_IFNAMSIZ - 1 characters. @p ifname: it must also
 * be a valid interface name (a name this program gives to something new).
 */
static int
name_copy(struct parser *p, const char *s, char *dst, bool ifname)
{
	size_t len = strnlen(s, MV_IFNAMSIZ);

	if (len == 0)
		return perr(p, "empty name for %s", p->what);
	if (len >= MV_IFNAMSIZ)
		return perr(p, "name " QFMT " too long (at most %d characters)", QARG(s),
			    MV_IFNAMSIZ - 1);
	if (ifname && !mv_ifname_valid(s))
		return perr(p, "invalid interface name " QFMT " (no '/', ':' or white space)",
			    QARG(s));
	memcpy(dst, s, len + 1);
	return 0;
}

static int
name_value(struct parser *p, const char *opt, char *dst, bool ifname)
{
	const char *v = value(p, opt);

	if (v == NULL)
		return -EINVAL;
	return name_copy(p, v, dst, ifname);
}

/* `type macvlan` */
static int
type_value(struct parser *p)
{
	const char *v;

	if (once(p, O_TYPE, "type") < 0 || (v = value(p, "type")) == NULL)
		return -EINVAL;
	if (!streq(v, "macvlan"))
		return perr(p, "unsupported link type " QFMT " (only macvlan)", QARG(v));
	return 0;
}

static bool
is_macvlan_option(const char *t)
{
	static const char *const opts[] = {
		"mode", "flag", "nopromisc", "nodst", "bcqueuelen", "bclim", "macaddr", NULL,
	};

	return in_list(opts, t);
}

static int
flag_word(struct parser *p, struct mv_opts *o, const char *word, uint16_t flags)
{
	if (o->flag_word != NULL) {
		if (streq(o->flag_word, word))
			return perr(p, "\"%s\" given twice", word);
		return perr(p, "\"%s\" conflicts with \"%s\"", word, o->flag_word);
	}
	o->flag_word = word;
	o->has_flags = true;
	o->flags = flags;
	return 0;
}

/* `macaddr add|del <mac> | flush | set [<mac> ...]` into p->out->macaddr. */
static int
macaddr_value(struct parser *p, struct mv_opts *o)
{
	mv_mac_t *v = p->out->macaddr;
	const char *op = value(p, "macaddr");
	const char *t;

	if (op == NULL)
		return -EINVAL;
	if (streq(op, "add") || streq(op, "del")) {
		o->macaddr_op = streq(op, "add") ? MV_MACADDR_ADD : MV_MACADDR_DEL;
		if (mac_value(p, o->macaddr_op == MV_MACADDR_ADD ? "macaddr add" : "macaddr del",
			      &v[0]) < 0)
			return -EINVAL;
		o->n_macaddr = 1;
	} else if (streq(op, "flush")) {
		o->macaddr_op = MV_MACADDR_FLUSH;
	} else if (streq(op, "set")) {
		o->macaddr_op = MV_MACADDR_SET;
		while ((t = peek(p)) != NULL && !is_keyword(p, t)) {
			mv_mac_t m;

			if (mac(p, t, &m) < 0)
				return -EINVAL;
			if (o->n_macaddr >= MV_CMD_MAX_MACADDR)
				return perr(p, "too many addresses for macaddr set (at most %d)",
					    MV_CMD_MAX_MACADDR);
			v[o->n_macaddr++] = m;
			p->i++;
		}
	} else {
		return perr(p, "invalid macaddr operation " QFMT " (add, del, flush or set)",
			    QARG(op));
	}
	return 0;
}

/*
 * One macvlan option @p t (already consumed). Returns 1 when handled, 0 when
 * @p t is not a macvlan option, -EINVAL on error.
 */
static int
macvlan_option(struct parser *p, const char *t, struct mv_opts *o)
{
	if (!is_macvlan_option(t))
		return 0;
	if (!given(p, O_TYPE))
		return perr(p, "\"%s\" must come after \"type macvlan\"", t);
	if (streq(t, "mode")) {
		const char *v;
		int mode;

		if (once(p, O_MODE, "mode") < 0 || (v = value(p, "mode")) == NULL)
			return -EINVAL;
		mode = mv_mode_parse(v);
		if (mode < 0)
			return perr(p,
				    "invalid mode " QFMT
				    " (private, vepa, bridge, passthru or source)",
				    QARG(v));
		o->mode = (uint8_t)mode;
	} else if (streq(t, "flag")) {
		const char *v = value(p, "flag");

		if (v == NULL)
			return -EINVAL;
		if (streq(v, "nopromisc"))
			return flag_word(p, o, "nopromisc", MV_FLAG_NOPROMISC) < 0 ? -EINVAL : 1;
		if (streq(v, "nodst"))
			return flag_word(p, o, "nodst", MV_FLAG_NODST) < 0 ? -EINVAL : 1;
		if (streq(v, "null"))
			return flag_word(p, o, "flag null", 0) < 0 ? -EINVAL : 1;
		return perr(p, "invalid flag " QFMT " (nopromisc, nodst or null)", QARG(v));
	} else if (streq(t, "nopromisc")) {
		if (flag_word(p, o, "nopromisc", MV_FLAG_NOPROMISC) < 0)
			return -EINVAL;
	} else if (streq(t, "nodst")) {
		if (flag_word(p, o, "nodst", MV_FLAG_NODST) < 0)
			return -EINVAL;
	} else if (streq(t, "bcqueuelen")) {
		if (once(p, O_BCQUEUELEN, "bcqueuelen") < 0 ||
		    u32_value(p, "bcqueuelen", "0..4294967295", &o->bc_queue_len) < 0)
			return -EINVAL;
		o->has_bc_queue_len = true;
	} else if (streq(t, "bclim")) {
		if (once(p, O_BCLIM, "bclim") < 0 ||
		    s32_value(p, "bclim", "-2147483648..2147483647", &o->bc_cutoff) < 0)
			return -EINVAL;
		o->has_bc_cutoff = true;
	} else { /* macaddr */
		if (once(p, O_MACADDR, "macaddr") < 0 || macaddr_value(p, o) < 0)
			return -EINVAL;
	}
	return 1;
}

/* Checks of the macvlan options once the whole command is read. */
static int
macvlan_check(struct parser *p, const struct mv_opts *o)
{
	if (o->has_flags && (o->flags & MV_FLAG_NOPROMISC) && o->mode != MV_MODE_PASSTHRU)
		return perr(p,
			    "nopromisc flag only valid in passthru mode (give \"mode passthru\")");
	if (o->has_flags && (o->flags & MV_FLAG_NODST) && o->mode != MV_MODE_SOURCE)
		return perr(p, "nodst flag only valid in source mode (give \"mode source\")");
	return 0;
}

static void
opts_init(struct mv_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->macaddr_op = MV_MACADDR_NONE;
}

/* append option @p o = @p v to the request; its length and its check first */
static int
backend_arg_add(struct parser *p, struct mv_backend_args *b, const struct mv_backend_opt *o,
		const char *v)
{
	char why[256];
	size_t len = strnlen(v, MV_BACKEND_VALUE_SIZE);

	if (len > o->max_len) {
		if (o->check == NULL) /* a value taken as it is: not quoted back */
			return perr(p, "%s too long (at most %zu characters)", o->what, o->max_len);
		return perr(p, "%s " QFMT " too long (at most %zu characters)", o->what, QARG(v),
			    o->max_len);
	}
	if (o->check != NULL && o->check(v, why, sizeof(why)) < 0)
		return perr(p, "%s", why);
	if (b->n == MV_BACKEND_MAX_ARGS)
		return perr(p, "too many backend options (at most %d)", MV_BACKEND_MAX_ARGS);
	b->v[b->n].key = o->key;
	memcpy(b->v[b->n].value, v, len + 1);
	b->n++;
	return 0;
}

/* `backend KIND [<positional>]`: the kind's own options come anywhere (below) */
static int
backend_value(struct parser *p, struct mv_backend_args *b)
{
	const struct mv_backend_syntax *syn;
	char kinds[128] = "";
	const char *v, *d;
	size_t n = 0;

	if (once(p, O_BACKEND, "backend") < 0 || (v = value(p, "backend")) == NULL)
		return -EINVAL;
	syn = mv_backend_syntax_find(v);
	if (syn == NULL) {
		for (unsigned int i = 0; mv_backend_syntaxes[i] != NULL; i++)
			n += (size_t)snprintf(kinds + n, n < sizeof(kinds) ? sizeof(kinds) - n : 0,
					      "%s%s", i == 0 ? "" : mv_backend_syntaxes[i + 1] ? ", " : " or ",
					      mv_backend_syntaxes[i]->kind);
		return perr(p, "unknown backend " QFMT " (%s)", QARG(v), kinds);
	}
	memcpy(b->kind, syn->kind, strlen(syn->kind) + 1);
	if (syn->positional == NULL)
		return 0;
	d = next(p);
	if (d == NULL)
		return perr(p, "missing %s for backend %s", syn->positional->what, syn->kind);
	return backend_arg_add(p, b, syn->positional, d);
}

/* A keyword option of some backend kind (ifname, netns, ...): 1 if @p t is one. */
static int
backend_option(struct parser *p, const char *t, struct mv_backend_args *b)
{
	const struct mv_backend_opt *o = mv_backend_opt_find(t, NULL);
	const char *v;

	if (o == NULL)
		return 0;
	if (mv_backend_arg(b, o->key) != NULL)
		return perr(p, "\"%s\" given twice", t);
	v = value(p, t);
	if (v == NULL || backend_arg_add(p, b, o, v) < 0)
		return -EINVAL;
	return 1;
}

/* Every keyword option given belongs to the kind given. */
static int
backend_check(struct parser *p, const struct mv_backend_args *b)
{
	const struct mv_backend_syntax *syn = mv_backend_syntax_find(b->kind), *owner = NULL;

	for (unsigned int i = 0; i < b->n; i++) {
		const struct mv_backend_opt *o = b->v[i].key != NULL
							 ? mv_backend_opt_find(b->v[i].key, &owner)
							 : NULL;
		bool mine = false;

		if (o == NULL)
			continue; /* the positional */
		for (const struct mv_backend_opt *k = syn != NULL ? syn->opts : NULL;
		     k != NULL && k->key != NULL; k++)
			mine = mine || k == o;
		if (!mine)
			return perr(p, "\"%s\" only valid with \"backend %s\"", o->key,
				    owner->kind);
	}
	return 0;
}

static int
parse_link_add(struct parser *p)
{
	struct mv_cmd *out = p->out;
	struct mv_cmd_link_add *a = &out->link_add;
	const char *t, *bare = NULL;
	struct mv_opts o;
	int ret;

	out->type = MV_CMD_LINK_ADD;
	p->what = "link add";
	p->keywords = link_add_keywords;
	mv_vif_config_init(&a->cfg);
	opts_init(&o);
	/* `link add <vif> link <port> ...`: a bare name right after add */
	t = peek(p);
	if (t != NULL && !is_keyword(p, t)) {
		p->i++;
		if (name_copy(p, t, out->name, true) < 0)
			return -EINVAL;
		p->seen |= 1u << O_NAME;
		bare = t;
	}
	while ((t = next(p)) != NULL) {
		if (streq(t, "link")) {
			if (once(p, O_LINK, "link") < 0 ||
			    name_value(p, "link", a->link, false) < 0)
				return -EINVAL;
		} else if (streq(t, "name") || streq(t, "dev")) {
			if (bare != NULL)
				return perr(p, "\"%s\" given twice (the name is already " QFMT ")",
					    t, QARG(bare));
			if (once(p, O_NAME, "name") < 0 || name_value(p, t, out->name, true) < 0)
				return -EINVAL;
		} else if (streq(t, "type")) {
			if (type_value(p) < 0)
				return -EINVAL;
		} else if (streq(t, "address") || streq(t, "addr")) {
			if (once(p, O_ADDRESS, "address") < 0 ||
			    mac_value(p, "address", &a->cfg.mac) < 0)
				return -EINVAL;
			a->cfg.has_mac = true;
		} else if (streq(t, "mtu")) {
			if (once(p, O_MTU, "mtu") < 0 || u32_value(p, "mtu", NULL, &a->cfg.mtu) < 0)
				return -EINVAL;
			a->cfg.has_mtu = true;
		} else if (streq(t, "backend")) {
			if (backend_value(p, &a->backend) < 0)
				return -EINVAL;
		} else if ((ret = backend_option(p, t, &a->backend)) != 0) {
			if (ret < 0)
				return ret;
		} else {
			ret = macvlan_option(p, t, &o);
			if (ret < 0)
				return ret;
			if (ret == 0)
				return perr(p, "unknown option " QFMT " for link add", QARG(t));
		}
	}
	if (!given(p, O_LINK))
		return perr(p, "missing \"link <port>\" for link add");
	if (!given(p, O_NAME))
		return perr(p, "missing \"name <vif>\" for link add");
	if (!given(p, O_TYPE))
		return perr(p, "missing \"type macvlan\" for link add");
	if (macvlan_check(p, &o) < 0)
		return -EINVAL;
	if (o.macaddr_op != MV_MACADDR_NONE && o.mode != MV_MODE_SOURCE)
		return perr(p, "macaddr only valid in source mode (give \"mode source\")");
	if (backend_check(p, &a->backend) < 0)
		return -EINVAL;
	a->cfg.mode = o.mode;
	a->cfg.has_flags = o.has_flags;
	a->cfg.flags = o.flags;
	a->cfg.has_bc_queue_len = o.has_bc_queue_len;
	a->cfg.bc_queue_len = o.bc_queue_len;
	a->cfg.has_bc_cutoff = o.has_bc_cutoff;
	a->cfg.bc_cutoff = o.bc_cutoff;
	a->cfg.macaddr_op = o.macaddr_op;
	a->cfg.n_macaddr = o.n_macaddr;
	mv_cmd_rebind(out);
	return 0;
}

static int
parse_link_set(struct parser *p)
{
	struct mv_cmd *out = p->out;
	struct mv_cmd_link_set *s = &out->link_set;
	struct mv_opts o;
	const char *t;
	int ret;

	out->type = MV_CMD_LINK_SET;
	p->what = "link set";
	p->keywords = link_set_keywords;
	mv_vif_change_init(&s->chg);
	opts_init(&o);
	t = next(p);
	if (t != NULL && streq(t, "dev"))
		t = next(p);
	if (t == NULL)
		return perr(p, "missing device name for link set");
	if (name_copy(p, t, out->name, false) < 0)
		return -EINVAL;
	while ((t = next(p)) != NULL) {
		bool device_attr = streq(t, "up") || streq(t, "down") || streq(t, "address") ||
				   streq(t, "addr") || streq(t, "mtu") ||
				   streq(t, "allmulticast") || streq(t, "allmulti") ||
				   streq(t, "promisc");

		if (device_attr && given(p, O_TYPE))
			return perr(p, "\"%s\" must come before \"type macvlan\"", t);
		if (streq(t, "up") || streq(t, "down")) {
			bool up = streq(t, "up");

			if (s->has_up && s->up != up)
				return perr(p, "\"%s\" conflicts with \"%s\"", t,
					    up ? "down" : "up");
			if (once(p, O_UPDOWN, t) < 0)
				return -EINVAL;
			s->has_up = true;
			s->up = up;
		} else if (streq(t, "address") || streq(t, "addr")) {
			if (once(p, O_ADDRESS, "address") < 0 ||
			    mac_value(p, "address", &s->mac) < 0)
				return -EINVAL;
			s->has_mac = true;
		} else if (streq(t, "mtu")) {
			if (once(p, O_MTU, "mtu") < 0 || u32_value(p, "mtu", NULL, &s->mtu) < 0)
				return -EINVAL;
			s->has_mtu = true;
		} else if (streq(t, "allmulticast") || streq(t, "allmulti")) {
			if (once(p, O_ALLMULTI, "allmulticast") < 0 ||
			    onoff_value(p, "allmulticast", &s->allmulti) < 0)
				return -EINVAL;
			s->has_allmulti = true;
		} else if (streq(t, "promisc")) {
			if (once(p, O_PROMISC, "promisc") < 0 ||
			    onoff_value(p, "promisc", &s->promisc) < 0)
				return -EINVAL;
			s->has_promisc = true;
		} else if (streq(t, "type")) {
			if (type_value(p) < 0)
				return -EINVAL;
		} else {
			ret = macvlan_option(p, t, &o);
			if (ret < 0)
				return ret;
			if (ret == 0)
				return perr(p, "unknown option " QFMT " for link set", QARG(t));
			s->has_change = true;
		}
	}
	if (given(p, O_TYPE) && !s->has_change)
		return perr(p, "missing macvlan option after \"type macvlan\" (mode, flag, "
			       "bcqueuelen, bclim or macaddr)");
	if (!s->has_up && !s->has_mac && !s->has_mtu && !s->has_allmulti && !s->has_promisc &&
	    !s->has_change)
		return perr(p,
			    "missing attribute for link set %s (up, down, address, mtu, "
			    "allmulticast, promisc or type macvlan)",
			    out->name);
	if (macvlan_check(p, &o) < 0)
		return -EINVAL;
	s->chg.mode = o.mode;
	s->chg.has_flags = o.has_flags;
	s->chg.flags = o.flags;
	s->chg.has_bc_queue_len = o.has_bc_queue_len;
	s->chg.bc_queue_len = o.bc_queue_len;
	s->chg.has_bc_cutoff = o.has_bc_cutoff;
	s->chg.bc_cutoff = o.bc_cutoff;
	s->chg.macaddr_op = o.macaddr_op;
	s->chg.n_macaddr = o.n_macaddr;
	mv_cmd_rebind(out);
	return 0;
}

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

/* `[dev] [<name>]`: an optional filter, "" for all. */
static int
parse_show(struct parser *p, enum mv_cmd_type type, const char *what)
{
	const char *t;

	p->out->type = type;
	p->what = what;
	t = next(p);
	if (t == NULL)
		return 0;
	if (streq(t, "dev"))
		t = value(p, "dev");
	if (t == NULL || name_copy(p, t, p->out->name, false) < 0)
		return -EINVAL;
	return end(p);
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

/* Help topics, aliases resolved. */
static const char *
link_sub(const char *s)
{
	if (streq(s, "add"))
		return "add";
	if (streq(s, "set"))
		return "set";
	if (streq(s, "del") || streq(s, "delete"))
		return "del";
	if (streq(s, "show") || streq(s, "list") || streq(s, "ls") || streq(s, "lst"))
		return "show";
	if (streq(s, "stats"))
		return "stats";
	return NULL;
}

static const char *
maddr_sub(const char *s)
{
	if (streq(s, "add"))
		return "add";
	if (streq(s, "del") || streq(s, "delete"))
		return "del";
	if (streq(s, "show") || streq(s, "list") || streq(s, "ls"))
		return "show";
	return NULL;
}

/* A single-word verb's canonical name, or NULL. */
static const char *
plain_verb(const char *s)
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
static int
help_canon(int n, const char *const *w, char *out, size_t size)
{
	const char *sub = NULL;

	if (n > 0 && streq(w[0], "ip"))
		n--, w++;
	if (n == 0) {
		snprintf(out, size, "%s", "");
		return 0;
	}
	if (streq(w[0], "link") || streq(w[0], "maddr")) {
		bool link = streq(w[0], "link");

		if (n == 1) {
			snprintf(out, size, "%s", w[0]);
			return 0;
		}
		sub = link ? link_sub(w[1]) : maddr_sub(w[1]);
		if (n != 2 || sub == NULL)
			return -1;
		snprintf(out, size, "%s %s", link ? "link" : "maddr", sub);
		return 0;
	}
	if (n != 1)
		return -1;
	if (streq(w[0], "show") || streq(w[0], "stats")) {
		snprintf(out, size, "link %s", w[0]);
		return 0;
	}
	sub = plain_verb(w[0]);
	if (sub == NULL)
		return -1;
	snprintf(out, size, "%s", sub);
	return 0;
}

static int
parse_help(struct parser *p)
{
	int n = p->argc - p->i;
	char words[128];
	size_t len = 0;

	p->out->type = MV_CMD_HELP;
	if (help_canon(n, (const char *const *)(p->argv + p->i), p->out->help.topic,
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
	if (help_canon(n, w, p->out->help.topic, sizeof(p->out->help.topic)) < 0)
		return perr(p, "no help for \"%s %.*s%s\" (try \"help %s\")", verb, QARG(w[1]),
			    verb);
	return end(p);
}

static int
parse_top(struct parser *p)
{
	const char *verb = next(p), *sub;

	if (verb == NULL)
		return 0; /* MV_CMD_NONE */
	if (streq(verb, "ip")) {
		verb = next(p);
		if (verb == NULL)
			return perr(p, "missing command after \"ip\" (try \"help\")");
	}
	if (streq(verb, "link")) {
		const char *t = next(p);

		if (t == NULL) {
			p->out->type = MV_CMD_LINK_SHOW;
			return 0;
		}
		if (streq(t, "help"))
			return parse_sub_help(p, "link");
		sub = link_sub(t);
		if (sub == NULL)
			return perr(p,
				    "unknown link command " QFMT " (add, set, del, show or stats)",
				    QARG(t));
		if (streq(sub, "add"))
			return parse_link_add(p);
		if (streq(sub, "set"))
			return parse_link_set(p);
		if (streq(sub, "del"))
			return parse_link_del(p);
		if (streq(sub, "show"))
			return parse_show(p, MV_CMD_LINK_SHOW, "link show");
		return parse_show(p, MV_CMD_LINK_STATS, "link stats");
	}
	if (streq(verb, "show"))
		return parse_show(p, MV_CMD_LINK_SHOW, "show");
	if (streq(verb, "stats"))
		return parse_show(p, MV_CMD_LINK_STATS, "stats");
	if (streq(verb, "maddr")) {
		const char *t = next(p);

		if (t == NULL) {
			p->out->type = MV_CMD_MADDR_SHOW;
			return 0;
		}
		if (streq(t, "help"))
			return parse_sub_help(p, "maddr");
		sub = maddr_sub(t);
		if (sub == NULL)
			return perr(p, "unknown maddr command " QFMT " (add, del or show)",
				    QARG(t));
		if (streq(sub, "add"))
			return parse_maddr_change(p, true);
		if (streq(sub, "del"))
			return parse_maddr_change(p, false);
		return parse_show(p, MV_CMD_MADDR_SHOW, "maddr show");
	}
	sub = plain_verb(verb);
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
	case MV_CMD_NONE:
	default:
		return "none";
	}
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
	"    backend null      a sink that counts and drops\n"
#define HELP_LINK_SET                                                                              \
	"link set <name> [up|down] [address <mac>] [mtu <n>]\n"                                    \
	"         [allmulticast on|off] [promisc on|off]\n"                                        \
	"    Change a vif or a port (p0, p1, ... or its DPDK device name).\n"                      \
	"link set <vif> type macvlan [mode <mode> [nopromisc|nodst]]\n"                            \
	"         [flag nopromisc|nodst|null] [bcqueuelen <n>] [bclim <n>]\n"                      \
	"         [macaddr add|del <mac> | macaddr flush | macaddr set [<mac> ...]]\n"             \
	"    Change a vif's macvlan options (device attributes come before \"type\");\n"           \
	"    a mode change applies before the macaddr operation.\n"
#define HELP_LINK_DEL                                                                              \
	"link del <vif>\n"                                                                         \
	"    Delete a vif.\n"
#define HELP_LINK_SHOW                                                                             \
	"link show [<name>]\n"                                                                     \
	"    List the ports and vifs, or one of them.\n"
#define HELP_LINK_STATS                                                                            \
	"link stats [<name>]\n"                                                                    \
	"    Counters of the ports and vifs, or of one of them.\n"
#define HELP_MADDR_CHANGE                                                                          \
	"maddr add|del <mac> dev <vif>\n"                                                          \
	"    Join or leave a multicast group on a vif.\n"
#define HELP_MADDR_SHOW                                                                            \
	"maddr show [dev <vif>]\n"                                                                 \
	"    List the multicast groups of the vifs, or of one.\n"
#define HELP_START                                                                                 \
	"start\n"                                                                                  \
	"    Start forwarding.\n"
#define HELP_STOP                                                                                  \
	"stop\n"                                                                                   \
	"    Stop forwarding (frames are no longer received or sent).\n"
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
#define HELP_QUIT                                                                                  \
	"quit\n"                                                                                   \
	"    Leave the program.\n"

static const struct {
	const char *topic;
	const char *text;
} help_texts[] = {
	{ "", "Commands (as ip link; \"help <command>\" for details):\n"
	      "  link add link <port> name <vif> type macvlan [OPTIONS]   create a vif\n"
	      "  link set <name> up|down|address|mtu|allmulticast|promisc ...\n"
	      "                                         change a vif or a port\n"
	      "  link set <vif> type macvlan mode|flag|bcqueuelen|bclim|macaddr ...\n"
	      "                                         change a vif's macvlan options\n"
	      "  link del <vif>                         delete a vif\n"
	      "  link show [<name>]                     list ports and vifs\n"
	      "  link stats [<name>]                    counters\n"
	      "  maddr add|del <mac> dev <vif>          join or leave a multicast group\n"
	      "  maddr show [dev <vif>]                 list multicast groups\n"
	      "  events [show [<n>]]                    the last configuration and link events\n"
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
	if (n < 0 || help_canon(n, (const char *const *)w, canon, sizeof(canon)) < 0)
		return NULL;
	for (size_t k = 0; k < sizeof(help_texts) / sizeof(help_texts[0]); k++)
		if (streq(help_texts[k].topic, canon))
			return help_texts[k].text;
	return NULL;
}
