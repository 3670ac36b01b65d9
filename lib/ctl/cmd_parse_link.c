/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `link add` and `link set` of the shell's grammar (mv_cmd.h): the device
 * attributes, the macvlan options after `type macvlan`, and the backend's
 * options as its kind describes them (mv_backend_args.h).
 */
#include "cmd_parse_priv.h"

/* and every backend kind's keyword options (mv_backend_opt_find) */
const char *const mv_cmd_link_add_keywords[] = {
	"link", "name", "dev",       "type",  "address",    "addr",  "mtu",     "backend",
	"mode", "flag", "nopromisc", "nodst", "bcqueuelen", "bclim", "macaddr", NULL,
};

const char *const mv_cmd_link_set_keywords[] = {
	"up",      "down",    "address",  "addr",   "mtu",       "allmulticast", "allmulti",
	"promisc", "type",    "mode",     "flag",   "nopromisc", "nodst",        "bcqueuelen",
	"bclim",   "macaddr", "spoofchk", "bcrate", NULL,
};

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

	if (!o->flag && len > o->max_len) {
		if (o->check == NULL) /* a value taken as it is: not quoted back */
			return perr(p, "%s too long (at most %zu characters)", o->what, o->max_len);
		return perr(p, "%s " QFMT " too long (at most %zu characters)", o->what, QARG(v),
			    o->max_len);
	}
	if (!o->flag && o->check != NULL && o->check(v, why, sizeof(why)) < 0)
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
					      "%s%s",
					      i == 0                       ? ""
					      : mv_backend_syntaxes[i + 1] ? ", "
									   : " or ",
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

/*
 * A keyword option of some backend kind (ifname, netns, client, ...): 1 if
 * @p t is one. Looked up in the kind given so far, else in the first kind
 * that has it (backend_check settles it once the kind is known).
 */
static int
backend_option(struct parser *p, const char *t, struct mv_backend_args *b)
{
	const struct mv_backend_opt *o =
		mv_backend_opt_find(t, mv_backend_syntax_find(b->kind), NULL);
	const char *v;

	if (o == NULL)
		return 0;
	if (mv_backend_arg(b, o->key) != NULL)
		return perr(p, "\"%s\" given twice", t);
	if (o->flag)
		return backend_arg_add(p, b, o, "1") < 0 ? -EINVAL : 1;
	v = value(p, t);
	if (v == NULL || backend_arg_add(p, b, o, v) < 0)
		return -EINVAL;
	return 1;
}

/*
 * Every keyword option given belongs to the kind given, and is checked by
 * that kind's own description (a key several kinds share may have been
 * taken by another's before the kind was named).
 */
static int
backend_check(struct parser *p, struct mv_backend_args *b)
{
	const struct mv_backend_syntax *syn = mv_backend_syntax_find(b->kind), *owner = NULL;

	for (unsigned int i = 0; i < b->n; i++) {
		const struct mv_backend_opt *o, *mine;
		char why[256];

		if (b->v[i].key == NULL ||
		    (syn != NULL && syn->positional != NULL && b->v[i].key == syn->positional->key))
			continue; /* the positional */
		mine = mv_backend_syntax_opt(syn, b->v[i].key);
		if (mine == NULL) {
			o = mv_backend_opt_find(b->v[i].key, NULL, &owner);
			return perr(p, "\"%s\" only valid with \"backend %s\"", b->v[i].key,
				    o != NULL ? owner->kind : "?");
		}
		b->v[i].key = mine->key;
		if (mine->flag)
			continue;
		if (strnlen(b->v[i].value, MV_BACKEND_VALUE_SIZE) > mine->max_len)
			return perr(p, "%s too long (at most %zu characters)", mine->what,
				    mine->max_len);
		if (mine->check != NULL && mine->check(b->v[i].value, why, sizeof(why)) < 0)
			return perr(p, "%s", why);
	}
	for (const struct mv_backend_opt *o = syn != NULL ? syn->opts : NULL; o != NULL && o->key;
	     o++)
		if (o->required && mv_backend_arg(b, o->key) == NULL)
			return perr(p, "missing %s for backend %s (%s <%s>)", o->what, syn->kind,
				    o->key, o->what);
	return 0;
}

int
mv_cmd_parse_link_add(struct parser *p)
{
	struct mv_cmd *out = p->out;
	struct mv_cmd_link_add *a = &out->link_add;
	const char *t, *bare = NULL;
	struct mv_opts o;
	int ret;

	out->type = MV_CMD_LINK_ADD;
	p->what = "link add";
	p->keywords = mv_cmd_link_add_keywords;
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

int
mv_cmd_parse_link_set(struct parser *p)
{
	struct mv_cmd *out = p->out;
	struct mv_cmd_link_set *s = &out->link_set;
	struct mv_opts o;
	const char *t;
	int ret;

	out->type = MV_CMD_LINK_SET;
	p->what = "link set";
	p->keywords = mv_cmd_link_set_keywords;
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
				   streq(t, "promisc") || streq(t, "spoofchk") ||
				   streq(t, "bcrate");

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
		} else if (streq(t, "spoofchk")) {
			if (once(p, O_SPOOFCHK, "spoofchk") < 0 ||
			    onoff_value(p, "spoofchk", &s->spoofchk) < 0)
				return -EINVAL;
			s->has_spoofchk = true;
		} else if (streq(t, "bcrate")) {
			if (once(p, O_BCRATE, "bcrate") < 0 ||
			    u32_value(p, "bcrate", "0..4294967295", &s->bcrate) < 0)
				return -EINVAL;
			s->has_bcrate = true;
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
	    !s->has_spoofchk && !s->has_bcrate && !s->has_change)
		return perr(p,
			    "missing attribute for link set %s (up, down, address, mtu, "
			    "allmulticast, promisc, spoofchk, bcrate or type macvlan)",
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
