/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mv_control.h"
#include "mv_link_events.h"
#include "mv_mac.h"
#include "mv_port.h"
#include "scenario.h"

/* Where a message comes from: the scenario's name once known, else its file. */
struct scn_ctx {
	const char *who;
	char *err;
	size_t errlen;
};

static int scn_fail(struct scn_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
scn_fail(struct scn_ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->err == NULL || c->errlen == 0)
		return -EINVAL;
	n = snprintf(c->err, c->errlen, "scenario %s: ", c->who);
	if (n < 0 || (size_t)n >= c->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static char *
scn_strdup(const char *s)
{
	return s == NULL ? NULL : strdup(s);
}

/* Refuse keys a scenario does not define: a misspelt key must not be ignored. */
static int
check_keys(struct scn_ctx *c, json_t *obj, const char *where, const char *const *allowed)
{
	const char *const *a;
	const char *key;

	if (!json_is_object(obj))
		return scn_fail(c, "%s: not an object", where);
	for (void *it = json_object_iter(obj); it != NULL; it = json_object_iter_next(obj, it)) {
		key = json_object_iter_key(it);
		for (a = allowed; *a != NULL; a++)
			if (strcmp(key, *a) == 0)
				break;
		if (*a == NULL)
			return scn_fail(c, "%s: unknown key \"%s\"", where, key);
	}
	return 0;
}

static int
get_bool(struct scn_ctx *c, json_t *obj, const char *where, const char *key, bool def, bool *out)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL) {
		*out = def;
		return 0;
	}
	if (!json_is_boolean(v))
		return scn_fail(c, "%s: \"%s\" is not a boolean", where, key);
	*out = json_is_true(v);
	return 0;
}

static int
get_uint(struct scn_ctx *c, json_t *obj, const char *where, const char *key, uint32_t def,
	 uint32_t min, uint32_t max, uint32_t *out, bool *given)
{
	json_t *v = json_object_get(obj, key);
	json_int_t i;

	if (given != NULL)
		*given = v != NULL;
	if (v == NULL) {
		*out = def;
		return 0;
	}
	if (!json_is_integer(v))
		return scn_fail(c, "%s: \"%s\" is not an integer", where, key);
	i = json_integer_value(v);
	if (i < (json_int_t)min || i > (json_int_t)max)
		return scn_fail(c, "%s: \"%s\" = %lld is out of range [%u, %u]", where, key,
				(long long)i, min, max);
	*out = (uint32_t)i;
	return 0;
}

static int
parse_mac(struct scn_ctx *c, json_t *v, const char *where, const char *key, mv_mac_t *out)
{
	if (!json_is_string(v) || mv_mac_parse(json_string_value(v), out) < 0)
		return scn_fail(c, "%s: \"%s\" is not a MAC address", where, key);
	return 0;
}

static int
get_mac(struct scn_ctx *c, json_t *obj, const char *where, const char *key, mv_mac_t def,
	mv_mac_t *out)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL) {
		*out = def;
		return 0;
	}
	return parse_mac(c, v, where, key, out);
}

static int
get_mac_list(struct scn_ctx *c, json_t *obj, const char *where, const char *key,
	     struct scn_macs *out)
{
	json_t *v = json_object_get(obj, key), *e;
	size_t i;
	int ret;

	out->n = 0;
	out->v = NULL;
	if (v == NULL)
		return 0;
	if (!json_is_array(v))
		return scn_fail(c, "%s: \"%s\" is not a list", where, key);
	if (json_array_size(v) == 0)
		return 0;
	out->v = calloc(json_array_size(v), sizeof(*out->v));
	if (out->v == NULL)
		return scn_fail(c, "out of memory");
	for (i = 0; i < json_array_size(v); i++) {
		e = json_array_get(v, i);
		ret = parse_mac(c, e, where, key, &out->v[i]);
		if (ret < 0)
			return ret;
		out->n++;
	}
	return 0;
}

static int
get_string(struct scn_ctx *c, json_t *obj, const char *where, const char *key, bool required,
	   const char **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL) {
		if (required)
			return scn_fail(c, "%s: \"%s\" is missing", where, key);
		return 0;
	}
	if (!json_is_string(v))
		return scn_fail(c, "%s: \"%s\" is not a string", where, key);
	*out = json_string_value(v);
	return 0;
}

static int
copy_name(struct scn_ctx *c, char *dst, const char *src, const char *where)
{
	if (src == NULL || src[0] == '\0' || strlen(src) >= MV_IFNAMSIZ)
		return scn_fail(c, "%s: bad name \"%s\"", where, src != NULL ? src : "");
	strcpy(dst, src);
	return 0;
}

static int
parse_lower(struct scn_ctx *c, struct scenario *s, json_t *root)
{
	static const char *const keys[] = { "mac",     "mtu",      "up", "carrier",
					    "promisc", "allmulti", "mc", NULL };
	json_t *o = json_object_get(root, "lower");
	json_t *empty = NULL;
	int ret;

	if (o == NULL)
		o = empty = json_object();
	if (o == NULL)
		return scn_fail(c, "out of memory");
	ret = check_keys(c, o, "lower", keys);
	if (ret == 0)
		ret = get_mac(c, o, "lower", "mac", SCN_DEFAULT_LOWER_MAC, &s->lower.mac);
	if (ret == 0)
		ret = get_uint(c, o, "lower", "mtu", SCN_DEFAULT_MTU, MV_MIN_MTU,
			       MV_DEFAULT_MAX_MTU, &s->lower.mtu, NULL);
	if (ret == 0)
		ret = get_bool(c, o, "lower", "up", true, &s->lower.up);
	if (ret == 0)
		ret = get_bool(c, o, "lower", "carrier", true, &s->lower.carrier);
	if (ret == 0)
		ret = get_bool(c, o, "lower", "promisc", false, &s->lower.promisc);
	if (ret == 0)
		ret = get_bool(c, o, "lower", "allmulti", false, &s->lower.allmulti);
	if (ret == 0)
		ret = get_mac_list(c, o, "lower", "mc", &s->lower.mc);
	if (ret == 0 && !mv_mac_is_valid_unicast(s->lower.mac))
		ret = scn_fail(c, "lower: mac is not a unicast address");
	json_decref(empty);
	return ret;
}

static int
parse_wire(struct scn_ctx *c, struct scenario *s, json_t *root)
{
	static const char *const keys[] = { "mac", "mtu", NULL };
	json_t *o = json_object_get(root, "wire");
	int ret;

	if (o == NULL) {
		s->wire.mac = SCN_DEFAULT_WIRE_MAC;
		s->wire.mtu = s->lower.mtu;
		return 0;
	}
	ret = check_keys(c, o, "wire", keys);
	if (ret == 0)
		ret = get_mac(c, o, "wire", "mac", SCN_DEFAULT_WIRE_MAC, &s->wire.mac);
	if (ret == 0)
		ret = get_uint(c, o, "wire", "mtu", s->lower.mtu, MV_MIN_MTU, MV_DEFAULT_MAX_MTU,
			       &s->wire.mtu, NULL);
	return ret;
}

static bool
reserved_name(const char *name)
{
	return strcmp(name, SCN_RCPT_WIRE) == 0 || strcmp(name, SCN_RCPT_LOWER) == 0;
}

static int
parse_vif(struct scn_ctx *c, struct scenario *s, uint32_t i, json_t *o)
{
	static const char *const keys[] = { "name",    "mode",      "mac", "macaddr",
					    "nodst",   "nopromisc", "mc",  "allmulti",
					    "promisc", "up",        "mtu", NULL };
	struct scn_vif *vif = &s->vifs[i];
	const char *name, *mode;
	char where[64];
	int ret;

	snprintf(where, sizeof(where), "vifs[%u]", i);
	ret = check_keys(c, o, where, keys);
	if (ret == 0)
		ret = get_string(c, o, where, "name", true, &name);
	if (ret == 0)
		ret = copy_name(c, vif->name, name, where);
	if (ret < 0)
		return ret;
	snprintf(where, sizeof(where), "vif %s", vif->name);
	if (reserved_name(vif->name))
		return scn_fail(c, "%s: the name is reserved for a receiver", where);
	if (scn_vif_index(s, vif->name) != (int)i)
		return scn_fail(c, "%s: name used twice", where);

	ret = get_string(c, o, where, "mode", false, &mode);
	if (ret < 0)
		return ret;
	vif->mode_given = mode != NULL;
	if (mode == NULL) {
		vif->mode = MV_MODE_DEFAULT;
	} else {
		ret = mv_mode_parse(mode);
		if (ret < 0)
			return scn_fail(c, "%s: unknown mode \"%s\"", where, mode);
		vif->mode = (uint8_t)ret;
	}
	ret = get_mac(c, o, where, "mac", SCN_DEFAULT_VIF_MAC_BASE + i + 1, &vif->mac);
	if (ret == 0)
		ret = get_mac_list(c, o, where, "macaddr", &vif->macaddr);
	if (ret == 0)
		ret = get_bool(c, o, where, "nodst", false, &vif->nodst);
	if (ret == 0)
		ret = get_bool(c, o, where, "nopromisc", false, &vif->nopromisc);
	if (ret == 0)
		ret = get_mac_list(c, o, where, "mc", &vif->mc);
	if (ret == 0)
		ret = get_bool(c, o, where, "allmulti", false, &vif->allmulti);
	if (ret == 0)
		ret = get_bool(c, o, where, "promisc", false, &vif->promisc);
	if (ret == 0)
		ret = get_bool(c, o, where, "up", true, &vif->up);
	if (ret == 0)
		ret = get_uint(c, o, where, "mtu", s->lower.mtu, 0, MV_DEFAULT_MAX_MTU, &vif->mtu,
			       &vif->mtu_given);
	if (ret < 0)
		return ret;
	/* passthru takes the lower's MAC, whatever was asked for */
	vif->actual_mac = vif->mode == MV_MODE_PASSTHRU ? s->lower.mac : vif->mac;
	return 0;
}

static int
parse_vifs(struct scn_ctx *c, struct scenario *s, json_t *root)
{
	json_t *v = json_object_get(root, "vifs"), *e;
	size_t i;
	int ret;

	if (v == NULL)
		return 0;
	if (!json_is_array(v))
		return scn_fail(c, "\"vifs\" is not a list");
	if (json_array_size(v) > MV_PORT_MAX_VIFS)
		return scn_fail(c, "too many vifs");
	if (json_array_size(v) == 0)
		return 0;
	s->vifs = calloc(json_array_size(v), sizeof(*s->vifs));
	if (s->vifs == NULL)
		return scn_fail(c, "out of memory");
	for (i = 0; i < json_array_size(v); i++) {
		e = json_array_get(v, i);
		s->n_vifs++;
		ret = parse_vif(c, s, (uint32_t)i, e);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int
frame_index(const struct scenario *s, uint32_t id)
{
	for (uint32_t i = 0; i < s->n_frames; i++)
		if (s->frames[i].id == id)
			return (int)i;
	return -1;
}

/* The bytes a frame needs before its padding. */
static uint32_t
frame_min_size(const struct scn_frame *f)
{
	return 2 * 6 + (f->vlan ? 4 : 0) + 2 + SCN_MARKER_LEN + 4;
}

static int
parse_frame(struct scn_ctx *c, struct scenario *s, uint32_t i, json_t *o)
{
	static const char *const keys[] = { "id",  "from", "dst",  "src", "vlan",
					    "pcp", "size", "note", NULL };
	struct scn_frame *f = &s->frames[i];
	const char *from, *note;
	char where[64];
	uint32_t vid = 0, pcp = 0;
	mv_mac_t def_src;
	json_t *id;
	int ret;

	snprintf(where, sizeof(where), "frames[%u]", i);
	ret = check_keys(c, o, where, keys);
	if (ret < 0)
		return ret;
	id = json_object_get(o, "id");
	if (id == NULL)
		return scn_fail(c, "%s: \"id\" is missing", where);
	ret = get_uint(c, o, where, "id", 0, 0, UINT32_MAX, &f->id, NULL);
	if (ret < 0)
		return ret;
	snprintf(where, sizeof(where), "frame %u", f->id);
	if (frame_index(s, f->id) != (int)i)
		return scn_fail(c, "%s: id used twice", where);

	ret = get_string(c, o, where, "from", true, &from);
	if (ret < 0)
		return ret;
	f->vif = -1;
	if (strcmp(from, SCN_RCPT_WIRE) == 0) {
		f->from = SCN_FROM_WIRE;
		def_src = s->wire.mac;
	} else if (strcmp(from, SCN_RCPT_LOWER) == 0) {
		f->from = SCN_FROM_LOWER;
		def_src = s->lower.mac;
	} else {
		f->from = SCN_FROM_VIF;
		f->vif = scn_vif_index(s, from);
		if (f->vif < 0)
			return scn_fail(c, "%s: unknown sender \"%s\"", where, from);
		def_src = s->vifs[f->vif].actual_mac;
	}
	if (json_object_get(o, "dst") == NULL)
		return scn_fail(c, "%s: \"dst\" is missing", where);
	ret = get_mac(c, o, where, "dst", 0, &f->dst);
	if (ret == 0)
		ret = get_mac(c, o, where, "src", def_src, &f->src);
	if (ret == 0)
		ret = get_uint(c, o, where, "vlan", 0, 0, 4095, &vid, &f->vlan);
	if (ret == 0)
		ret = get_uint(c, o, where, "pcp", 0, 0, 7, &pcp, NULL);
	if (ret == 0)
		ret = get_string(c, o, where, "note", false, &note);
	if (ret < 0)
		return ret;
	f->vid = (uint16_t)vid;
	f->pcp = (uint8_t)pcp;
	ret = get_uint(c, o, where, "size", SCN_DEFAULT_FRAME_SIZE, frame_min_size(f),
		       SCN_MAX_FRAME_SIZE, &f->size, NULL);
	if (ret < 0)
		return ret;
	if (note != NULL && (f->note = strdup(note)) == NULL)
		return scn_fail(c, "out of memory");
	return 0;
}

static int
parse_frames(struct scn_ctx *c, struct scenario *s, json_t *root)
{
	json_t *v = json_object_get(root, "frames"), *e;
	size_t i;
	int ret;

	if (!json_is_array(v) || json_array_size(v) == 0)
		return scn_fail(c, "\"frames\" is missing or empty");
	s->frames = calloc(json_array_size(v), sizeof(*s->frames));
	if (s->frames == NULL)
		return scn_fail(c, "out of memory");
	for (i = 0; i < json_array_size(v); i++) {
		e = json_array_get(v, i);
		s->n_frames++;
		ret = parse_frame(c, s, (uint32_t)i, e);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* A receiver name of an expectation must be one this scenario has. */
static bool
known_receiver(const struct scenario *s, const char *name)
{
	return reserved_name(name) || scn_vif_index(s, name) >= 0;
}

/* Frame index of an expectation key ("3"), or a negative errno. */
static int
result_frame(struct scn_ctx *c, const struct scenario *s, const char *key, const char *where)
{
	char *end;
	unsigned long id;
	int i;

	errno = 0;
	id = strtoul(key, &end, 10);
	if (key[0] < '0' || key[0] > '9' || *end != '\0' || errno != 0 || id > UINT32_MAX)
		return scn_fail(c, "%s: \"%s\" is not a frame id", where, key);
	i = frame_index(s, (uint32_t)id);
	if (i < 0)
		return scn_fail(c, "%s: frame %s is not in the scenario", where, key);
	return i;
}

static int
parse_result(struct scn_ctx *c, struct scenario *s, const char *key, json_t *o)
{
	struct scn_result *r;
	const char *name;
	char where[64];
	json_t *cnt;
	int i;

	i = result_frame(c, s, key, "results");
	if (i < 0)
		return i;
	snprintf(where, sizeof(where), "results of frame %s", key);
	r = &s->expected[i];
	if (r->rcpt != NULL)
		return scn_fail(c, "%s: given twice", where);
	if (!json_is_object(o))
		return scn_fail(c, "%s: not an object", where);
	r->rcpt = calloc(json_object_size(o) + 1, sizeof(*r->rcpt));
	if (r->rcpt == NULL)
		return scn_fail(c, "out of memory");
	for (void *it = json_object_iter(o); it != NULL; it = json_object_iter_next(o, it)) {
		name = json_object_iter_key(it);
		cnt = json_object_iter_value(it);
		if (!known_receiver(s, name))
			return scn_fail(c, "%s: unknown receiver \"%s\"", where, name);
		if (!json_is_integer(cnt) || json_integer_value(cnt) < 0 ||
		    json_integer_value(cnt) > UINT16_MAX)
			return scn_fail(c, "%s: bad count for \"%s\"", where, name);
		if (json_integer_value(cnt) == 0)
			continue;
		strcpy(r->rcpt[r->n].name, name);
		r->rcpt[r->n].count = (uint32_t)json_integer_value(cnt);
		r->n++;
	}
	return 0;
}

/* The expectations record the MAC each interface had; they must be ours. */
static int
check_macs(struct scn_ctx *c, const struct scenario *s, json_t *macs)
{
	const char *name = NULL;
	json_t *v;
	mv_mac_t mac, want;
	char a[MV_MAC_STRLEN], b[MV_MAC_STRLEN];
	int ret, i;

	if (macs == NULL)
		return 0;
	if (!json_is_object(macs))
		return scn_fail(c, "expected: \"macs\" is not an object");
	for (void *it = json_object_iter(macs); it != NULL; it = json_object_iter_next(macs, it)) {
		name = json_object_iter_key(it);
		v = json_object_iter_value(it);
		ret = parse_mac(c, v, "expected: macs", name, &mac);
		if (ret < 0)
			return ret;
		if (strcmp(name, SCN_RCPT_WIRE) == 0) {
			want = s->wire.mac;
		} else if (strcmp(name, SCN_RCPT_LOWER) == 0) {
			want = s->lower.mac;
		} else {
			i = scn_vif_index(s, name);
			if (i < 0)
				return scn_fail(c, "expected: macs: unknown interface \"%s\"",
						name);
			want = s->vifs[i].actual_mac;
		}
		if (mac != want)
			return scn_fail(c,
					"expected: %s had MAC %s on the kernel, the scenario "
					"gives it %s",
					name, mv_mac_format(mac, a, sizeof(a)),
					mv_mac_format(want, b, sizeof(b)));
	}
	return 0;
}

static int
parse_expected(struct scn_ctx *c, struct scenario *s, json_t *root)
{
	static const char *const keys[] = { "scenario", "kernel",    "trials",      "macs",
					    "results",  "pkt_types", "send_errors", NULL };
	json_t *results, *errs, *v;
	const char *key, *name = NULL, *kernel = NULL;
	int ret, i;

	ret = check_keys(c, root, "expected", keys);
	if (ret == 0)
		ret = get_string(c, root, "expected", "scenario", true, &name);
	if (ret == 0)
		ret = get_string(c, root, "expected", "kernel", false, &kernel);
	if (ret < 0)
		return ret;
	if (strcmp(name, s->name) != 0)
		return scn_fail(c, "expected: recorded for scenario \"%s\"", name);
	if (kernel != NULL && (s->kernel = strdup(kernel)) == NULL)
		return scn_fail(c, "out of memory");
	ret = check_macs(c, s, json_object_get(root, "macs"));
	if (ret < 0)
		return ret;

	s->expected = calloc(s->n_frames, sizeof(*s->expected));
	if (s->expected == NULL)
		return scn_fail(c, "out of memory");
	results = json_object_get(root, "results");
	if (!json_is_object(results))
		return scn_fail(c, "expected: \"results\" is missing");
	for (void *it = json_object_iter(results); it != NULL;
	     it = json_object_iter_next(results, it)) {
		key = json_object_iter_key(it);
		v = json_object_iter_value(it);
		ret = parse_result(c, s, key, v);
		if (ret < 0)
			return ret;
	}
	for (uint32_t f = 0; f < s->n_frames; f++)
		if (s->expected[f].rcpt == NULL)
			return scn_fail(c, "expected: no result for frame %u", s->frames[f].id);

	errs = json_object_get(root, "send_errors");
	if (errs != NULL && !json_is_object(errs))
		return scn_fail(c, "expected: \"send_errors\" is not an object");
	for (void *it = json_object_iter(errs); it != NULL; it = json_object_iter_next(errs, it)) {
		key = json_object_iter_key(it);
		v = json_object_iter_value(it);
		i = result_frame(c, s, key, "send_errors");
		if (i < 0)
			return i;
		if (!json_is_string(v))
			return scn_fail(c, "send_errors: frame %s: not a string", key);
		s->expected[i].send_error = strdup(json_string_value(v));
		if (s->expected[i].send_error == NULL)
			return scn_fail(c, "out of memory");
	}
	s->has_expected = true;
	return 0;
}

static json_t *
load_json(struct scn_ctx *c, const char *path)
{
	json_error_t jerr;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);

	if (root == NULL) {
		scn_fail(c, "%s:%d: %s", path, jerr.line, jerr.text);
	} else if (!json_is_object(root)) {
		scn_fail(c, "%s: not a JSON object", path);
		json_decref(root);
		root = NULL;
	}
	return root;
}

struct scenario *
scn_load(const char *path, const char *expected_path, char *err, size_t errlen)
{
	static const char *const keys[] = { "name", "description", "lower", "wire",
					    "vifs", "frames",      NULL };
	struct scn_ctx c = { .who = path, .err = err, .errlen = errlen };
	struct scenario *s;
	json_t *root, *exp = NULL;
	const char *name = NULL, *desc = NULL;
	int ret;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		scn_fail(&c, "out of memory");
		return NULL;
	}
	root = load_json(&c, path);
	if (root == NULL)
		goto fail;
	ret = get_string(&c, root, "scenario", "name", true, &name);
	if (ret == 0)
		ret = get_string(&c, root, "scenario", "description", false, &desc);
	if (ret < 0)
		goto fail;
	s->name = strdup(name);
	s->description = scn_strdup(desc);
	s->path = strdup(path);
	if (s->name == NULL || s->path == NULL || (desc != NULL && s->description == NULL)) {
		scn_fail(&c, "out of memory");
		goto fail;
	}
	c.who = s->name;
	if (check_keys(&c, root, "scenario", keys) < 0 || parse_lower(&c, s, root) < 0 ||
	    parse_wire(&c, s, root) < 0 || parse_vifs(&c, s, root) < 0 ||
	    parse_frames(&c, s, root) < 0)
		goto fail;
	if (expected_path != NULL) {
		exp = load_json(&c, expected_path);
		if (exp == NULL || parse_expected(&c, s, exp) < 0)
			goto fail;
	}
	json_decref(exp);
	json_decref(root);
	return s;

fail:
	json_decref(exp);
	json_decref(root);
	scn_free(s);
	return NULL;
}

static void
free_macs(struct scn_macs *m)
{
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

void
scn_free(struct scenario *s)
{
	if (s == NULL)
		return;
	free_macs(&s->lower.mc);
	for (uint32_t i = 0; i < s->n_vifs; i++) {
		free_macs(&s->vifs[i].macaddr);
		free_macs(&s->vifs[i].mc);
	}
	free(s->vifs);
	for (uint32_t i = 0; i < s->n_frames; i++) {
		free(s->frames[i].note);
		if (s->expected != NULL) {
			free(s->expected[i].rcpt);
			free(s->expected[i].send_error);
		}
	}
	free(s->frames);
	free(s->expected);
	free(s->kernel);
	free(s->name);
	free(s->description);
	free(s->path);
	free(s);
}

/* Report a failed core call as "scenario X: <what>: <strerror>". */
static int scn_fail_core(struct scn_ctx *c, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
scn_fail_core(struct scn_ctx *c, int ret, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	scn_fail(c, "%s: %s", what, strerror(-ret));
	return ret;
}

static int
create_vif(struct scn_ctx *c, const struct scn_vif *sv, struct mv_ctl *ctl, struct mv_port *port,
	   struct mv_vif **out)
{
	char mac[MV_MAC_STRLEN], want[MV_MAC_STRLEN];
	struct mv_vif_config cfg;
	int ret;

	mv_vif_config_init(&cfg);
	cfg.name = sv->name;
	cfg.mode = sv->mode_given ? sv->mode : 0;
	if (sv->nodst || sv->nopromisc) {
		cfg.has_flags = true;
		cfg.flags = (uint16_t)((sv->nodst ? MV_FLAG_NODST : 0) |
				       (sv->nopromisc ? MV_FLAG_NOPROMISC : 0));
	}
	if (sv->macaddr.n > 0) {
		cfg.macaddr_op = MV_MACADDR_SET;
		cfg.macaddr = sv->macaddr.v;
		cfg.n_macaddr = sv->macaddr.n;
	}
	if (sv->mtu_given) {
		cfg.has_mtu = true;
		cfg.mtu = sv->mtu;
	}
	cfg.has_mac = true;
	cfg.mac = sv->mac;
	cfg.no_default_groups = false; /* the kernel joins the all-hosts groups itself */
	ret = mv_vif_create(ctl, port, &cfg, out);
	if (ret < 0)
		return scn_fail_core(c, ret, "vif %s: create (mode %s, mac %s)", sv->name,
				     mv_mode_name(sv->mode),
				     mv_mac_format(sv->mac, mac, sizeof(mac)));
	if ((*out)->mac != sv->actual_mac)
		return scn_fail(c, "vif %s: created with MAC %s, expected %s", sv->name,
				mv_mac_format((*out)->mac, mac, sizeof(mac)),
				mv_mac_format(sv->actual_mac, want, sizeof(want)));
	return 0;
}

static int
configure_vif(struct scn_ctx *c, const struct scn_vif *sv, struct mv_vif *vif)
{
	char mac[MV_MAC_STRLEN];
	int ret;

	for (uint32_t g = 0; g < sv->mc.n; g++) {
		ret = mv_vif_mc_add(vif, sv->mc.v[g]);
		if (ret < 0)
			return scn_fail_core(c, ret, "vif %s: join %s", sv->name,
					     mv_mac_format(sv->mc.v[g], mac, sizeof(mac)));
	}
	if (sv->allmulti) {
		ret = mv_vif_set_allmulti(vif, true);
		if (ret < 0)
			return scn_fail_core(c, ret, "vif %s: allmulti on", sv->name);
	}
	if (sv->promisc) {
		ret = mv_vif_set_promisc(vif, true);
		if (ret < 0)
			return scn_fail_core(c, ret, "vif %s: promisc on", sv->name);
	}
	return 0;
}

int
scn_apply_to_port(const struct scenario *s, struct mv_ctl *ctl, struct mv_port *port, char *err,
		  size_t errlen)
{
	struct scn_ctx c = { .who = s->name, .err = err, .errlen = errlen };
	struct mv_vif **vifs;
	char mac[MV_MAC_STRLEN];
	int ret = 0;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	/* the lower: its own flags and groups */
	if (s->lower.promisc)
		mv_port_set_promisc(port, true);
	if (s->lower.allmulti)
		mv_port_set_allmulti(port, true);
	/* The API has no call for the lower's own groups: record them in its table. */
	for (uint32_t g = 0; g < s->lower.mc.n; g++) {
		if (!mv_mac_is_group(s->lower.mc.v[g]))
			return scn_fail(&c, "lower: %s is not a group address",
					mv_mac_format(s->lower.mc.v[g], mac, sizeof(mac)));
		ret = mv_mac_map_set(&port->mc, s->lower.mc.v[g], 0);
		if (ret < 0)
			return scn_fail_core(&c, ret, "lower: join %s",
					     mv_mac_format(s->lower.mc.v[g], mac, sizeof(mac)));
		port->generation++;
	}

	vifs = calloc(s->n_vifs + 1, sizeof(*vifs));
	if (vifs == NULL)
		return scn_fail_core(&c, -ENOMEM, "vifs");
	/* each vif in list order, fully configured before the next one */
	for (uint32_t i = 0; i < s->n_vifs && ret == 0; i++) {
		ret = create_vif(&c, &s->vifs[i], ctl, port, &vifs[i]);
		if (ret == 0)
			ret = configure_vif(&c, &s->vifs[i], vifs[i]);
	}
	/* then the vifs that are up are brought up, in list order */
	for (uint32_t i = 0; i < s->n_vifs && ret == 0; i++) {
		if (!s->vifs[i].up)
			continue;
		ret = mv_vif_set_up(vifs[i], true);
		if (ret < 0)
			scn_fail_core(&c, ret, "vif %s: up", s->vifs[i].name);
	}
	free(vifs);
	if (ret < 0)
		return ret;

	/* last, the lower's admin state and carrier */
	if (!s->lower.up || !s->lower.carrier) {
		struct mv_deltas deltas = { 0 };

		ret = mv_lower_set_link(port, s->lower.up, s->lower.carrier, &deltas);
		mv_deltas_free(&deltas);
		if (ret < 0)
			return scn_fail_core(&c, ret, "lower: up %d carrier %d", s->lower.up,
					     s->lower.carrier);
	}
	return 0;
}

int
scn_apply(const struct scenario *s, struct mv_ctl *ctl, struct mv_port **port, char *err,
	  size_t errlen)
{
	struct scn_ctx c = { .who = s->name, .err = err, .errlen = errlen };
	struct mv_port_params params = {
		.name = SCN_PORT_NAME,
		.id = SCN_PORT_ID,
		.mac = s->lower.mac,
		.mtu = s->lower.mtu,
		.max_mtu = 0,
		/* the lower starts up; its final state is applied after the vifs */
		.admin_up = true,
		.carrier = true,
		.uc_filter_max = 0, /* a veth: no unicast filtering */
	};
	int ret;

	mv_ctl_init(ctl);
	*port = NULL;
	ret = mv_port_add(ctl, &params, port);
	if (ret < 0) {
		scn_fail_core(&c, ret, "lower: add port");
		mv_ctl_fini(ctl);
		return ret;
	}
	ret = scn_apply_to_port(s, ctl, *port, err, errlen);
	if (ret < 0) {
		mv_ctl_fini(ctl);
		*port = NULL;
	}
	return ret;
}

static uint8_t *
put_mac(uint8_t *p, mv_mac_t mac)
{
	mv_mac_to_bytes(mac, p);
	return p + 6;
}

static uint8_t *
put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

int
scn_frame_build(const struct scn_frame *f, uint8_t *buf, size_t size)
{
	uint8_t *p = buf;

	if (size < f->size || f->size < frame_min_size(f))
		return -ENOSPC;
	memset(buf, 0, f->size);
	p = put_mac(p, f->dst);
	p = put_mac(p, f->src);
	if (f->vlan) {
		p = put_be16(p, 0x8100);
		p = put_be16(p, (uint16_t)((f->pcp << 13) | f->vid));
	}
	p = put_be16(p, SCN_ETHER_TYPE);
	memcpy(p, SCN_MARKER, SCN_MARKER_LEN);
	p += SCN_MARKER_LEN;
	p = put_be16(p, (uint16_t)(f->id >> 16));
	put_be16(p, (uint16_t)f->id);
	return (int)f->size;
}

const char *
scn_frame_sender(const struct scenario *s, const struct scn_frame *f)
{
	switch (f->from) {
	case SCN_FROM_WIRE:
		return SCN_RCPT_WIRE;
	case SCN_FROM_LOWER:
		return SCN_RCPT_LOWER;
	case SCN_FROM_VIF:
		if (f->vif >= 0 && (uint32_t)f->vif < s->n_vifs)
			return s->vifs[f->vif].name;
		break;
	}
	return "?";
}

int
scn_vif_index(const struct scenario *s, const char *name)
{
	for (uint32_t i = 0; i < s->n_vifs; i++)
		if (strcmp(s->vifs[i].name, name) == 0)
			return (int)i;
	return -1;
}

uint32_t
scn_result_count(const struct scn_result *r, const char *name)
{
	for (uint32_t i = 0; i < r->n; i++)
		if (strcmp(r->rcpt[i].name, name) == 0)
			return r->rcpt[i].count;
	return 0;
}
