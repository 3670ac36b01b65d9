/* SPDX-License-Identifier: BSD-3-Clause */
/* The backend kinds' option descriptions, found by kind or by keyword (mv_backend_args.h). */
#include <string.h>

#include "mv_backend_args.h"

const struct mv_backend_syntax *const mv_backend_syntaxes[] = {
	&mv_backend_syntax_tap,   &mv_backend_syntax_vdev,  &mv_backend_syntax_null,
	&mv_backend_syntax_memif, &mv_backend_syntax_vhost, NULL,
};

const struct mv_backend_syntax *
mv_backend_syntax_find(const char *kind)
{
	for (unsigned int i = 0; kind != NULL && mv_backend_syntaxes[i] != NULL; i++)
		if (strcmp(mv_backend_syntaxes[i]->kind, kind) == 0)
			return mv_backend_syntaxes[i];
	return NULL;
}

const struct mv_backend_opt *
mv_backend_syntax_opt(const struct mv_backend_syntax *syn, const char *key)
{
	for (const struct mv_backend_opt *o = syn != NULL ? syn->opts : NULL;
	     key != NULL && o != NULL && o->key != NULL; o++)
		if (strcmp(o->key, key) == 0)
			return o;
	return NULL;
}

const struct mv_backend_opt *
mv_backend_opt_find(const char *key, const struct mv_backend_syntax *prefer,
		    const struct mv_backend_syntax **kind_out)
{
	const struct mv_backend_opt *o = mv_backend_syntax_opt(prefer, key);

	if (o != NULL) {
		if (kind_out != NULL)
			*kind_out = prefer;
		return o;
	}
	for (unsigned int i = 0; key != NULL && mv_backend_syntaxes[i] != NULL; i++) {
		o = mv_backend_syntax_opt(mv_backend_syntaxes[i], key);
		if (o != NULL) {
			if (kind_out != NULL)
				*kind_out = mv_backend_syntaxes[i];
			return o;
		}
	}
	return NULL;
}

const char *
mv_backend_arg(const struct mv_backend_args *args, const char *key)
{
	for (unsigned int i = 0; args != NULL && key != NULL && i < args->n; i++)
		if (args->v[i].key != NULL && strcmp(args->v[i].key, key) == 0)
			return args->v[i].value;
	return NULL;
}
