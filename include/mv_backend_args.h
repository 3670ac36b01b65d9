/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_BACKEND_ARGS_H
#define MV_BACKEND_ARGS_H

/**
 * @file
 * A backend's options, as `link add ... backend KIND ...` gives them.
 *
 * Each backend kind describes its own options in a file of its own
 * (lib/ctl/backend_args_<kind>.c, pure: no DPDK), as iproute2 has one file
 * per link type: at most one positional word right after the kind (vdev's
 * devargs), and keyword options that take one value each (tap's ifname and
 * netns), each with its own check. The grammar (mv_cmd.h) parses them into a
 * struct mv_backend_args of key/value pairs without knowing any kind; the
 * backend (lib/backend) reads the pairs back by key when it is created. A new
 * kind adds its description here and its implementation there; neither the
 * parser nor the program change.
 */
#include <stdbool.h>
#include <stddef.h>

/** Options of one request (positional included). */
#define MV_BACKEND_MAX_ARGS 8
/** Room for a kind's name and its NUL. */
#define MV_BACKEND_KIND_SIZE 16
/** Room for an option's value and its NUL (vdev devargs are the longest). */
#define MV_BACKEND_VALUE_SIZE 256

/** One option of a backend kind. */
struct mv_backend_opt {
	const char *key;  /**< the keyword (the positional's name: "devargs") */
	size_t max_len;   /**< longest value, < MV_BACKEND_VALUE_SIZE */
	const char *what; /**< the value in messages: "netns name", "devargs" */
	/**
	 * A keyword that takes no value (vhost's `client`): stored with the
	 * value "1", so that mv_backend_arg() finds it; max_len and check unused.
	 */
	bool flag;
	/**
	 * Check a value (its length is already checked): 0, or -EINVAL with
	 * a message (no "Error: " prefix) in @p err. NULL: any value.
	 */
	int (*check)(const char *value, char *err, size_t errlen);
};

/** The options of one backend kind. */
struct mv_backend_syntax {
	const char *kind;                        /**< "tap", "vdev", "null" */
	const struct mv_backend_opt *positional; /**< the word after the kind, or NULL */
	const struct mv_backend_opt *opts;       /**< keyword options, ended by key NULL */
};

/** A parsed backend request: the kind ("" for the default) and its options. */
struct mv_backend_args {
	char kind[MV_BACKEND_KIND_SIZE];
	unsigned int n;
	struct {
		const char *key; /**< points into the kind's static description */
		char value[MV_BACKEND_VALUE_SIZE];
	} v[MV_BACKEND_MAX_ARGS];
};

extern const struct mv_backend_syntax mv_backend_syntax_tap;
extern const struct mv_backend_syntax mv_backend_syntax_vdev;
extern const struct mv_backend_syntax mv_backend_syntax_null;

/** The description of @p kind; NULL if no such kind. */
const struct mv_backend_syntax *mv_backend_syntax_find(const char *kind);

/** Every kind's description, NULL-terminated (for messages and help). */
extern const struct mv_backend_syntax *const mv_backend_syntaxes[];

/**
 * The keyword option @p key: of kind @p prefer when it has one (NULL: no
 * preference), else of the first kind that has it, and that kind in
 * @p kind_out. Several kinds may share a key (vhost's and memif's
 * socket-group). NULL if no kind has it.
 */
const struct mv_backend_opt *mv_backend_opt_find(const char *key,
						 const struct mv_backend_syntax *prefer,
						 const struct mv_backend_syntax **kind_out);

/** The keyword option @p key of kind @p syn; NULL if it has none. */
const struct mv_backend_opt *mv_backend_syntax_opt(const struct mv_backend_syntax *syn,
						   const char *key);

/** The value of option @p key in @p args; NULL when not given. */
const char *mv_backend_arg(const struct mv_backend_args *args, const char *key);

#endif /* MV_BACKEND_ARGS_H */
