/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_CMD_PARSE_PRIV_H
#define MV_CMD_PARSE_PRIV_H

/*
 * Inside the grammar (cmd_parse.c: the verbs; cmd_parse_link.c: link add and
 * link set): the parser's state and the helpers both use, each a small inline
 * over the token list.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
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
	O_SPOOFCHK,
	O_BCRATE,
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

/* the options of link add (with every backend kind's) and of link set */
extern const char *const mv_cmd_link_add_keywords[];
extern const char *const mv_cmd_link_set_keywords[];

static inline int
quote_len(const char *s)
{
	size_t n = strnlen(s, QUOTE_MAX + 1);

	return n > QUOTE_MAX ? QUOTE_MAX : (int)n;
}

static inline int __attribute__((format(printf, 2, 3))) perr(struct parser *p, const char *fmt, ...)
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

static inline bool
streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static inline bool
in_list(const char *const *list, const char *s)
{
	for (; list != NULL && *list != NULL; list++)
		if (streq(*list, s))
			return true;
	return false;
}

/* A keyword of the command being parsed (link add: backend options too). */
static inline bool
is_keyword(const struct parser *p, const char *t)
{
	return in_list(p->keywords, t) || (p->keywords == mv_cmd_link_add_keywords &&
					   mv_backend_opt_find(t, NULL, NULL) != NULL);
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
static inline int
once(struct parser *p, enum opt o, const char *name)
{
	if (p->seen & (1u << o))
		return perr(p, "\"%s\" given twice", name);
	p->seen |= 1u << o;
	return 0;
}

static inline bool
given(const struct parser *p, enum opt o)
{
	return (p->seen & (1u << o)) != 0;
}

/* No token may follow. */
static inline int
end(struct parser *p)
{
	const char *t = peek(p);

	if (t != NULL)
		return perr(p, "unexpected " QFMT " after %s", QARG(t), p->what);
	return 0;
}

enum num_status { NUM_OK, NUM_NAN, NUM_NEG, NUM_RANGE };

/* A decimal in [min, max]: optional '-', digits, nothing else. */
static inline enum num_status
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

static inline int
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

static inline int
u32_value(struct parser *p, const char *opt, const char *range, uint32_t *out)
{
	const char *v = value(p, opt);
	int64_t n = 0;

	if (v == NULL || number(p, opt, v, 0, UINT32_MAX, range, &n) < 0)
		return -EINVAL;
	*out = (uint32_t)n;
	return 0;
}

static inline int
s32_value(struct parser *p, const char *opt, const char *range, int32_t *out)
{
	const char *v = value(p, opt);
	int64_t n = 0;

	if (v == NULL || number(p, opt, v, INT32_MIN, INT32_MAX, range, &n) < 0)
		return -EINVAL;
	*out = (int32_t)n;
	return 0;
}

static inline int
mac(struct parser *p, const char *s, mv_mac_t *out)
{
	if (mv_mac_parse(s, out) < 0)
		return perr(p, "invalid MAC address " QFMT, QARG(s));
	return 0;
}

static inline int
mac_value(struct parser *p, const char *opt, mv_mac_t *out)
{
	const char *v = value(p, opt);

	if (v == NULL)
		return -EINVAL;
	return mac(p, v, out);
}

static inline int
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
static inline int
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

static inline int
name_value(struct parser *p, const char *opt, char *dst, bool ifname)
{
	const char *v = value(p, opt);

	if (v == NULL)
		return -EINVAL;
	return name_copy(p, v, dst, ifname);
}

/* cmd_parse_link.c */
int mv_cmd_parse_link_add(struct parser *p);
int mv_cmd_parse_link_set(struct parser *p);

#endif /* MV_CMD_PARSE_PRIV_H */
