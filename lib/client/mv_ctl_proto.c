/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control socket's protocol: framing, the request's shape, replies and
 * events (mv_ctl_proto.h). Pure: libc and jansson.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mv_ctl_proto.h"

#define FRAME_HDR 4u

int
mv_ctl_buf_append(struct mv_ctl_buf *b, const void *data, size_t n)
{
	if (n == 0)
		return 0;
	if (b->start > 0 && b->start == b->len)
		b->start = b->len = 0;
	if (b->start > 0 && b->len + n > b->cap) {
		memmove(b->data, b->data + b->start, b->len - b->start);
		b->len -= b->start;
		b->start = 0;
	}
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		uint8_t *nb;

		while (cap < b->len + n)
			cap *= 2;
		nb = realloc(b->data, cap);
		if (nb == NULL)
			return -ENOMEM;
		b->data = nb;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, n);
	b->len += n;
	return 0;
}

void
mv_ctl_buf_consume(struct mv_ctl_buf *b, size_t n)
{
	b->start += n;
	if (b->start >= b->len)
		b->start = b->len = 0;
}

void
mv_ctl_buf_fini(struct mv_ctl_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void
mv_ctl_reader_init(struct mv_ctl_reader *r, uint32_t max)
{
	memset(r, 0, sizeof(*r));
	r->max = max;
}

void
mv_ctl_reader_fini(struct mv_ctl_reader *r)
{
	mv_ctl_buf_fini(&r->in);
	memset(r, 0, sizeof(*r));
}

int
mv_ctl_reader_feed(struct mv_ctl_reader *r, const void *data, size_t n)
{
	return mv_ctl_buf_append(&r->in, data, n);
}

int
mv_ctl_reader_next(struct mv_ctl_reader *r, const char **msg, size_t *len)
{
	const uint8_t *p;
	uint32_t n;

	if (r->oversized)
		return -EMSGSIZE;
	if (mv_ctl_buf_pending(&r->in) < FRAME_HDR)
		return 0;
	p = r->in.data + r->in.start;
	n = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	if (n > r->max) {
		r->oversized = true;
		r->too_big = n;
		return -EMSGSIZE;
	}
	if (mv_ctl_buf_pending(&r->in) - FRAME_HDR < n)
		return 0;
	*msg = (const char *)p + FRAME_HDR;
	*len = n;
	/* the payload stays valid until the next feed: only then is the front reclaimed */
	r->in.start += FRAME_HDR + n;
	return 1;
}

static int
dump_into(const char *data, size_t n, void *arg)
{
	return mv_ctl_buf_append(arg, data, n);
}

int
mv_ctl_encode(const json_t *obj, char **out, size_t *len)
{
	static const uint8_t placeholder[FRAME_HDR];
	struct mv_ctl_buf b = { 0 };
	size_t n;

	*out = NULL;
	*len = 0;
	/* one pass: the length prefix is filled in once the JSON is written */
	if (mv_ctl_buf_append(&b, placeholder, FRAME_HDR) < 0 ||
	    json_dump_callback(obj, dump_into, &b, JSON_COMPACT) < 0) {
		mv_ctl_buf_fini(&b);
		return -ENOMEM;
	}
	n = b.len - FRAME_HDR;
	if (n > UINT32_MAX) {
		mv_ctl_buf_fini(&b);
		return -EMSGSIZE;
	}
	b.data[0] = (uint8_t)(n >> 24);
	b.data[1] = (uint8_t)(n >> 16);
	b.data[2] = (uint8_t)(n >> 8);
	b.data[3] = (uint8_t)n;
	*out = (char *)b.data;
	*len = b.len;
	return 0;
}

static int __attribute__((format(printf, 3, 4))) bad(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (err == NULL || errlen == 0)
		return -EINVAL;
	n = snprintf(err, errlen, "Error: ");
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* A word of argv: not empty, no white space, '#', or control character. */
static bool
word_ok(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == ' ' || c == '#')
			return false;
	}
	return true;
}

static int
join_argv(json_t *argv, struct mv_ctl_request *req, char *err, size_t errlen)
{
	size_t total = 0, n = json_array_size(argv), pos = 0;
	json_t *w;
	size_t i;

	if (n == 0)
		return bad(err, errlen, "\"argv\" is empty: give a command");
	if (n > MV_CTL_MAX_ARGV)
		return bad(err, errlen, "\"argv\" has %zu words (at most %d)", n, MV_CTL_MAX_ARGV);
	json_array_foreach (argv, i, w) {
		if (!json_is_string(w))
			return bad(err, errlen, "\"argv\"[%zu] is not a string", i);
		if (!word_ok(json_string_value(w), json_string_length(w)))
			return bad(err, errlen,
				   "\"argv\"[%zu] is empty or holds white space, '#' or a control "
				   "character (one word per element)",
				   i);
		total += json_string_length(w) + 1;
	}
	req->line = malloc(total);
	if (req->line == NULL)
		return bad(err, errlen, "%s", strerror(ENOMEM));
	json_array_foreach (argv, i, w) {
		size_t l = json_string_length(w);

		memcpy(req->line + pos, json_string_value(w), l);
		pos += l;
		req->line[pos++] = i + 1 < n ? ' ' : '\0';
	}
	return 0;
}

int
mv_ctl_request_decode(const char *msg, size_t len, struct mv_ctl_request *req, char *err,
		      size_t errlen)
{
	json_error_t jerr;
	json_t *root, *v;
	const char *key;
	int ret = 0;

	memset(req, 0, sizeof(*req));
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	root = json_loadb(msg, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	if (root == NULL)
		return bad(err, errlen, "invalid JSON: %s (at byte %d)", jerr.text, jerr.position);
	if (!json_is_object(root)) {
		json_decref(root);
		return bad(err, errlen, "a request is one JSON object");
	}
	v = json_object_get(root, "id");
	if (v != NULL)
		req->id = json_incref(v);
	json_object_foreach (root, key, v) {
		if (strcmp(key, "version") != 0 && strcmp(key, "id") != 0 &&
		    strcmp(key, "argv") != 0 && strcmp(key, "format") != 0) {
			ret = bad(err, errlen, "unknown field \"%.32s\" in the request", key);
			goto out;
		}
	}
	v = json_object_get(root, "version");
	if (!json_is_integer(v) || json_integer_value(v) != MV_CTL_PROTO_VERSION) {
		ret = bad(err, errlen, "\"version\" must be %d", MV_CTL_PROTO_VERSION);
		goto out;
	}
	v = json_object_get(root, "format");
	if (v != NULL) {
		const char *f = json_string_value(v);

		if (f != NULL && strcmp(f, "json") == 0) {
			req->format = MV_CTL_FORMAT_JSON;
		} else if (f == NULL || strcmp(f, "text") != 0) {
			ret = bad(err, errlen, "\"format\" must be \"json\" or \"text\"");
			goto out;
		}
	}
	v = json_object_get(root, "argv");
	if (!json_is_array(v)) {
		ret = bad(err, errlen, "\"argv\" must be an array of words");
		goto out;
	}
	ret = join_argv(v, req, err, errlen);
out:
	json_decref(root);
	if (ret < 0) {
		free(req->line);
		req->line = NULL;
	}
	return ret;
}

void
mv_ctl_request_fini(struct mv_ctl_request *req)
{
	json_decref(req->id);
	free(req->line);
	memset(req, 0, sizeof(*req));
}

json_t *
mv_ctl_request_new(int argc, char *const *argv, enum mv_ctl_format format, json_t *id)
{
	json_t *words = json_array();
	json_t *req;

	if (words == NULL)
		return NULL;
	for (int i = 0; i < argc; i++)
		if (json_array_append_new(words, json_string(argv[i])) < 0) {
			json_decref(words);
			return NULL;
		}
	req = json_pack("{s:i, s:o, s:s}", "version", MV_CTL_PROTO_VERSION, "argv", words, "format",
			format == MV_CTL_FORMAT_JSON ? "json" : "text");
	if (req != NULL && id != NULL)
		json_object_set(req, "id", id);
	return req;
}

json_t *
mv_ctl_reply_new(json_t *id, int status, const char *error, const char *kind, json_t *result,
		 const char *text)
{
	json_t *r = json_pack("{s:i, s:i, s:s, s:o}", "version", MV_CTL_PROTO_VERSION, "status",
			      status, "kind", kind != NULL ? kind : "", "result",
			      result != NULL ? result : json_null());

	if (r == NULL)
		return NULL;
	if (id != NULL)
		json_object_set(r, "id", id);
	if (error != NULL && error[0] != '\0')
		json_object_set_new(r, "error", json_string(error));
	if (text != NULL)
		json_object_set_new(r, "text", json_string(text));
	return r;
}

json_t *
mv_ctl_event_msg_new(json_t *event)
{
	return json_pack("{s:i, s:O}", "version", MV_CTL_PROTO_VERSION, "event", event);
}

static const char *
onoff(const json_t *v, const char *on, const char *off)
{
	return json_is_true(v) ? on : off;
}

void
mv_ctl_event_format(const json_t *event, char *buf, size_t size)
{
	const char *time = json_string_value(json_object_get(event, "time"));
	const char *type = json_string_value(json_object_get(event, "type"));
	const char *name = json_string_value(json_object_get(event, "name"));
	int n;

	if (size == 0)
		return;
	n = snprintf(buf, size, "%s %s", time != NULL ? time : "-", type != NULL ? type : "?");
	if (n < 0 || (size_t)n >= size || type == NULL)
		return;
	buf += n;
	size -= (size_t)n;
	if (strcmp(type, "command") == 0) {
		const char *origin = json_string_value(json_object_get(event, "origin"));
		const char *line = json_string_value(json_object_get(event, "command"));
		const char *error = json_string_value(json_object_get(event, "error"));

		snprintf(buf, size, " [%s] %s: %s", origin != NULL ? origin : "?",
			 line != NULL ? line : "", error != NULL && error[0] ? error : "ok");
	} else if (strcmp(type, "link") == 0) {
		const char *object = json_string_value(json_object_get(event, "object"));
		const char *source = json_string_value(json_object_get(event, "source"));
		const json_t *admin = json_object_get(event, "admin_up");
		const json_t *carrier = json_object_get(event, "carrier");
		const char *reason = json_string_value(json_object_get(event, "reason"));
		bool deleted = json_is_true(json_object_get(event, "deleted"));

		snprintf(buf, size, " %s %s%s%s%s%s%s (%s%s%s)", object != NULL ? object : "?",
			 name != NULL ? name : "?", admin != NULL ? " " : "",
			 admin != NULL ? onoff(admin, "up", "down") : "",
			 carrier != NULL ? " carrier " : "",
			 carrier != NULL ? onoff(carrier, "on", "off") : "",
			 deleted ? " deleted" : "", source != NULL ? source : "?",
			 reason != NULL ? ": " : "", reason != NULL ? reason : "");
	}
}
