/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A backend request written back as the grammar's words (mv_config.h), from
 * the kind's own description: no kind is known here by name.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "mv_config.h"

struct out {
	char *buf;
	size_t size;
	size_t len;
	bool full;
};

static void __attribute__((format(printf, 2, 3))) put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len) {
		o->full = true;
		return;
	}
	o->len += (size_t)n;
}

static const struct mv_backend_opt *
keyword(const struct mv_backend_syntax *syn, const char *key)
{
	for (const struct mv_backend_opt *k = syn->opts; k != NULL && k->key != NULL; k++)
		if (strcmp(k->key, key) == 0)
			return k;
	return NULL;
}

int
mv_backend_args_format(const struct mv_backend_syntax *syn, const struct mv_backend_args *args,
		       char *buf, size_t size)
{
	const char *positional = NULL;
	struct out o = { .buf = buf, .size = size };

	if (args == NULL || buf == NULL || size == 0)
		return -EINVAL;
	buf[0] = '\0';
	if (syn == NULL)
		syn = mv_backend_syntax_find(args->kind);
	if (syn == NULL)
		return -EINVAL;
	for (unsigned int i = 0; syn->positional != NULL && i < args->n; i++)
		if (args->v[i].key != NULL && strcmp(args->v[i].key, syn->positional->key) == 0)
			positional = args->v[i].value;
	put(&o, "backend %s", syn->kind);
	if (positional != NULL)
		put(&o, " %s", positional);
	for (unsigned int i = 0; i < args->n; i++) {
		const struct mv_backend_opt *k;

		if (args->v[i].key == NULL)
			return -EINVAL;
		if (syn->positional != NULL && strcmp(args->v[i].key, syn->positional->key) == 0)
			continue;
		k = keyword(syn, args->v[i].key);
		if (k == NULL)
			return -EINVAL;
		if (k->flag && strcmp(args->v[i].value, "1") == 0)
			put(&o, " %s", k->key);
		else
			put(&o, " %s %s", k->key, args->v[i].value);
	}
	if (o.full)
		return -ENOSPC;
	return (int)o.len;
}
