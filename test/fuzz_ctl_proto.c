/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the control socket's protocol (lib/client): the frame
 * reader fed in pieces of fuzzed sizes, and the request decoder on every
 * frame it yields.
 *
 * The first byte picks the input's shape: a raw byte stream (lengths and all
 * fuzzed), or frames whose payloads are built from JSON fragments (so that
 * near-valid requests are common) with correct lengths.
 *
 * Checked: the reader never yields more than its maximum and, once a frame
 * is too big, only says so; a decoded request's line is non-empty words
 * separated by single spaces with no control character or '#', and it comes
 * back identical through mv_ctl_request_new + mv_ctl_encode + the reader +
 * the decoder; a refused request has "Error: " and no line. Any violation
 * aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mv_ctl_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PAYLOAD 4096u

static void __attribute__((noreturn)) die(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_ctl_proto: %s: %s\n", what, detail != NULL ? detail : "");
	abort();
}

static const char *const fragments[] = {
	"{",
	"}",
	"[",
	"]",
	",",
	":",
	"\"version\"",
	"1",
	"2",
	"\"argv\"",
	"\"id\"",
	"\"format\"",
	"\"json\"",
	"\"text\"",
	"\"link\"",
	"\"show\"",
	"\"mv0\"",
	"null",
	"true",
	"\"\"",
	"\"a b\"",
	"\"#x\"",
	"\"\\u0000\"",
	"\"\\t\"",
	"\"\\u00e9\"",
	"\"\xc3\xa9\"",
	"\"\xff\"",
	"1e999",
	"-1",
	"{\"version\":1,",
	"\"argv\":[\"link\",\"show\"]}",
	"\"extra\"",
	"0.5",
	"\"help\"",
	"\"\\ud800\"",
	" ",
};
#define N_FRAGMENTS (sizeof(fragments) / sizeof(fragments[0]))

static void
check_line(const char *line)
{
	size_t n = strlen(line);

	if (n == 0 || line[0] == ' ' || line[n - 1] == ' ' || strstr(line, "  ") != NULL)
		die("badly joined line", line);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f || line[i] == '#')
			die("control character or '#' in line", line);
}

/* The line back through the client's side of the protocol. */
static void
round_trip(const char *line)
{
	char *copy = strdup(line), *argv[MV_CTL_MAX_ARGV], *save = NULL;
	struct mv_ctl_reader r;
	struct mv_ctl_request req;
	const char *msg;
	char err[256], *frame;
	size_t len, mlen;
	int argc = 0;
	json_t *obj;

	if (copy == NULL)
		return;
	for (char *t = strtok_r(copy, " ", &save); t != NULL && argc < MV_CTL_MAX_ARGV;
	     t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	obj = mv_ctl_request_new(argc, argv, MV_CTL_FORMAT_JSON, NULL);
	if (obj == NULL || mv_ctl_encode(obj, &frame, &len) < 0)
		die("cannot encode", line);
	mv_ctl_reader_init(&r, MV_CTL_MAX_REQUEST);
	if (mv_ctl_reader_feed(&r, frame, len) < 0 || mv_ctl_reader_next(&r, &msg, &mlen) != 1)
		die("own frame not read back", line);
	if (mv_ctl_request_decode(msg, mlen, &req, err, sizeof(err)) < 0)
		die("own request refused", err);
	if (strcmp(req.line, line) != 0 || req.format != MV_CTL_FORMAT_JSON)
		die("round trip changed the line", req.line);
	mv_ctl_request_fini(&req);
	mv_ctl_reader_fini(&r);
	free(frame);
	json_decref(obj);
	free(copy);
}

static void
decode(const char *msg, size_t len)
{
	struct mv_ctl_request req;
	char err[256];
	int ret = mv_ctl_request_decode(msg, len, &req, err, sizeof(err));

	if (ret == 0) {
		if (req.line == NULL)
			die("accepted without a line", NULL);
		check_line(req.line);
		round_trip(req.line);
	} else if (req.line != NULL || strncmp(err, "Error: ", 7) != 0) {
		die("refused without \"Error: \" or with a line", err);
	}
	mv_ctl_request_fini(&req);
}

/* Frames of fragments: [n][n fragment indexes] ..., each framed with its length. */
static size_t
build_frames(const uint8_t *data, size_t size, uint8_t *out, size_t cap)
{
	size_t i = 0, o = 0;

	while (i < size && o + 4 < cap) {
		size_t n = data[i++], start = o + 4;

		o = start;
		for (size_t k = 0; k < n && i < size; k++, i++) {
			const char *f = fragments[data[i] % N_FRAGMENTS];
			size_t fl = strlen(f);

			if (o + fl > cap)
				break;
			memcpy(out + o, f, fl);
			o += fl;
		}
		out[start - 4] = (uint8_t)((o - start) >> 24);
		out[start - 3] = (uint8_t)((o - start) >> 16);
		out[start - 2] = (uint8_t)((o - start) >> 8);
		out[start - 1] = (uint8_t)(o - start);
	}
	return o;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t built[1 << 16];
	struct mv_ctl_reader r;
	const uint8_t *stream;
	size_t len, off = 0, chunk;
	bool oversized = false;

	if (size < 2)
		return 0;
	chunk = 1 + (data[0] >> 1);
	if (data[0] & 1) {
		stream = data + 1;
		len = size - 1;
	} else {
		len = build_frames(data + 1, size - 1, built, sizeof(built));
		stream = built;
	}
	mv_ctl_reader_init(&r, MAX_PAYLOAD);
	while (off < len) {
		size_t n = len - off < chunk ? len - off : chunk;
		const char *msg;
		size_t mlen;
		int k;

		if (mv_ctl_reader_feed(&r, stream + off, n) < 0)
			die("feed failed", NULL);
		off += n;
		while ((k = mv_ctl_reader_next(&r, &msg, &mlen)) == 1) {
			if (oversized || mlen > MAX_PAYLOAD)
				die("frame after an oversized one, or over the maximum", NULL);
			decode(msg, mlen);
		}
		if (k < 0)
			oversized = true;
		else if (oversized)
			die("reader recovered from an oversized frame", NULL);
	}
	mv_ctl_reader_fini(&r);
	return 0;
}
