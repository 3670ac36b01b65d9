/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target of the command layer (lib/ctl): the shell's tokenizer and
 * parser, and the text renderers. The input is either a raw line (first byte
 * even) or a sequence of picks from the grammar's words, names, MACs and
 * numbers with random bytes mixed in (first byte odd), so that deep paths of
 * the grammar are reached. Every input is also fed, as JSON, to every
 * renderer. Invariants (abort on violation):
 *   - mv_cmd_parse() returns 0 with an empty error, or -EINVAL with exactly one
 *     line starting "Error: " and the command cleared (type MV_CMD_NONE);
 *   - a parsed command has a known type and a name where one is required;
 *   - parsing the same words twice gives the same result (no hidden state);
 *   - help topics give text or NULL; renderers return text for any JSON.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mv_cmd.h"
#include "mv_render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK_OR_ABORT(c)                                                                          \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "fuzz_cmd_parse: %s failed at %s:%d\n", #c, __FILE__,      \
				__LINE__);                                                         \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static const char *const words[] = {
	"link",
	"add",
	"set",
	"del",
	"show",
	"stats",
	"maddr",
	"dev",
	"name",
	"type",
	"macvlan",
	"mode",
	"private",
	"vepa",
	"bridge",
	"passthru",
	"source",
	"flag",
	"null",
	"nopromisc",
	"nodst",
	"macaddr",
	"flush",
	"address",
	"addr",
	"mtu",
	"up",
	"down",
	"promisc",
	"allmulticast",
	"on",
	"off",
	"backend",
	"tap",
	"vdev",
	"ifname",
	"netns",
	"bcqueuelen",
	"bclim",
	"help",
	"start",
	"stop",
	"quit",
	"events",
	"monitor",
	"p0",
	"p1",
	"net_null0",
	"mv0",
	"mv1",
	"0123456789abcdef",
	"0123456789abcdefX",
	"02:00:00:00:00:01",
	"01:00:5e:00:00:01",
	"33:33:00:00:00:01",
	"ff:ff:ff:ff:ff:ff",
	"00:00:00:00:00:00",
	"02:00:00:00:00",
	"1500",
	"68",
	"67",
	"0",
	"-1",
	"4294967295",
	"4294967296",
	"2147483648",
	"-2147483649",
	"net_null1,size=64",
	"ns1",
	"..",
	"a/b",
	"#",
	"#x",
	"\t",
	"",
};

static const char *const kinds[] = { "link show",  "link add",    "link set",  "link del",
				     "link stats", "maddr show",  "maddr add", "maddr del",
				     "start",      "stop",        "help",      "mempool",
				     "quit",       "events show", "nope" };

/* the input as a line: raw, or word picks with random bytes between */
static char *
make_line(const uint8_t *data, size_t size)
{
	size_t cap = size * 24 + 2, n = 0;
	char *line = malloc(cap);

	if (line == NULL)
		return NULL;
	if (size == 0 || (data[0] & 1) == 0) {
		if (size > 0)
			memcpy(line, data + 1, size - 1);
		line[size > 0 ? size - 1 : 0] = '\0';
		return line;
	}
	for (size_t i = 1; i < size; i++) {
		uint8_t b = data[i];
		const char *w;
		size_t len;

		if (b >= 0xf0 && i + 1 < size) { /* a raw byte */
			line[n++] = (char)data[++i];
			continue;
		}
		w = words[b % (sizeof(words) / sizeof(words[0]))];
		len = strlen(w);
		memcpy(line + n, w, len);
		n += len;
		line[n++] = ' ';
	}
	line[n] = '\0';
	return line;
}

static int
parse_line(const char *text, struct mv_cmd *cmd, char *err, size_t errlen)
{
	static char *argv[MV_CMD_MAX_ARGS + 1];
	char *copy = strdup(text);
	int argc, ret;

	CHECK_OR_ABORT(copy != NULL);
	argc = mv_cmd_tokenize(copy, argv, MV_CMD_MAX_ARGS);
	if (argc < 0) {
		CHECK_OR_ABORT(argc == -E2BIG);
		free(copy);
		return argc;
	}
	ret = mv_cmd_parse(argc, argv, cmd, err, errlen);
	if (ret == 0) {
		CHECK_OR_ABORT(err[0] == '\0');
		CHECK_OR_ABORT(cmd->type <= MV_CMD_TYPE_MAX);
		CHECK_OR_ABORT(argc > 0 || cmd->type == MV_CMD_NONE);
		if (cmd->type == MV_CMD_LINK_ADD || cmd->type == MV_CMD_LINK_SET ||
		    cmd->type == MV_CMD_LINK_DEL)
			CHECK_OR_ABORT(cmd->name[0] != '\0');
		CHECK_OR_ABORT(mv_cmd_type_name(cmd->type) != NULL);
		if (cmd->type == MV_CMD_HELP)
			(void)mv_cmd_help(cmd->help.topic);
	} else {
		CHECK_OR_ABORT(ret == -EINVAL);
		CHECK_OR_ABORT(strncmp(err, "Error: ", 7) == 0);
		CHECK_OR_ABORT(strchr(err, '\n') == NULL);
		CHECK_OR_ABORT(cmd->type == MV_CMD_NONE);
	}
	free(copy);
	return ret;
}

static void
render_all(const uint8_t *data, size_t size)
{
	json_t *j = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);

	if (j == NULL)
		return;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		char *t = mv_render_text(kinds[k], j);

		CHECK_OR_ABORT(t != NULL);
		free(t);
	}
	json_decref(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mv_cmd a, b;
	char ea[512], eb[512];
	char *line = make_line(data, size);
	int ra, rb;

	if (line == NULL)
		return 0;
	ra = parse_line(line, &a, ea, sizeof(ea));
	rb = parse_line(line, &b, eb, sizeof(eb));
	CHECK_OR_ABORT(ra == rb && strcmp(ea, eb) == 0);
	if (ra == 0)
		CHECK_OR_ABORT(a.type == b.type && strcmp(a.name, b.name) == 0);
	/* a tiny error buffer truncates, never overflows */
	(void)parse_line(line, &a, ea, 8);
	free(line);
	render_all(data, size);
	return 0;
}
