/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control socket's protocol (lib/client): frames read back whole from
 * any split, oversized frames refused for good, every request shape the
 * daemon refuses with its "Error: " line, replies and events as documented
 * in docs/control-api.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mv_ctl_proto.h"
#include "mv_test.h"

static int
decode_str(const char *json, struct mv_ctl_request *req, char *err, size_t errlen)
{
	return mv_ctl_request_decode(json, strlen(json), req, err, errlen);
}

static void
test_reader_splits(void)
{
	char *argv[] = { "link", "show" };
	json_t *a = mv_ctl_request_new(2, argv, MV_CTL_FORMAT_TEXT, NULL);
	char *f1, *f2, stream[512];
	size_t l1, l2, mlen;
	const char *msg;

	CHECK_EQ(mv_ctl_encode(a, &f1, &l1), 0);
	CHECK_EQ(mv_ctl_encode(a, &f2, &l2), 0);
	CHECK(l1 + l2 < sizeof(stream));
	memcpy(stream, f1, l1);
	memcpy(stream + l1, f2, l2);
	for (size_t chunk = 1; chunk <= l1 + l2; chunk++) {
		struct mv_ctl_reader r;
		int frames = 0;

		mv_ctl_reader_init(&r, 1024);
		for (size_t off = 0; off < l1 + l2; off += chunk) {
			size_t n = l1 + l2 - off < chunk ? l1 + l2 - off : chunk;

			CHECK_EQ(mv_ctl_reader_feed(&r, stream + off, n), 0);
			while (mv_ctl_reader_next(&r, &msg, &mlen) == 1) {
				CHECK_EQ(mlen, l1 - 4);
				CHECK(memcmp(msg, f1 + 4, mlen) == 0);
				frames++;
			}
		}
		CHECK_EQ(frames, 2);
		mv_ctl_reader_fini(&r);
	}
	free(f1);
	free(f2);
	json_decref(a);
}

static void
test_reader_limits(void)
{
	struct mv_ctl_reader r;
	const char *msg;
	size_t mlen;
	static const char empty[] = "\0\0\0\0";
	static const char big[] = "\0\0\x04\x01xyz";
	static const char huge[] = "\xff\xff\xff\xff";

	mv_ctl_reader_init(&r, 1024);
	CHECK_EQ(mv_ctl_reader_next(&r, &msg, &mlen), 0);
	CHECK_EQ(mv_ctl_reader_feed(&r, empty, 3), 0);
	CHECK_EQ(mv_ctl_reader_next(&r, &msg, &mlen), 0);
	CHECK_EQ(mv_ctl_reader_feed(&r, empty + 3, 1), 0);
	CHECK_EQ(mv_ctl_reader_next(&r, &msg, &mlen), 1);
	CHECK_EQ(mlen, 0u);
	/* 1025 > 1024: refused, and from then on */
	CHECK_EQ(mv_ctl_reader_feed(&r, big, sizeof(big) - 1), 0);
	CHECK_EQ(mv_ctl_reader_next(&r, &msg, &mlen), -EMSGSIZE);
	CHECK_EQ(r.too_big, 1025u);
	CHECK_EQ(mv_ctl_reader_feed(&r, empty, 4), 0);
	CHECK_EQ(mv_ctl_reader_next(&r, &msg, &mlen), -EMSGSIZE);
	mv_ctl_reader_fini(&r);
	mv_ctl_reader_init(&r, MV_CTL_MAX_REQUEST);
	CHECK_EQ(mv_ctl_reader_feed(&r, huge, 4), 0);
	CHECK_EQ(mv_ctl_reader_next(&r, &msg, &mlen), -EMSGSIZE);
	CHECK_EQ(r.too_big, 0xffffffffu);
	mv_ctl_reader_fini(&r);
}

static void
test_request_ok(void)
{
	struct mv_ctl_request req;
	char err[256];

	CHECK_EQ(decode_str("{\"version\":1,\"id\":\"a\",\"argv\":[\"link\",\"show\",\"mv0\"],"
			    "\"format\":\"json\"}",
			    &req, err, sizeof(err)),
		 0);
	CHECK(strcmp(req.line, "link show mv0") == 0);
	CHECK_EQ(req.format, MV_CTL_FORMAT_JSON);
	CHECK(json_is_string(req.id) && strcmp(json_string_value(req.id), "a") == 0);
	CHECK(err[0] == '\0');
	mv_ctl_request_fini(&req);
	CHECK_EQ(decode_str("{\"argv\":[\"help\"],\"version\":1}", &req, err, sizeof(err)), 0);
	CHECK(strcmp(req.line, "help") == 0 && req.format == MV_CTL_FORMAT_TEXT && req.id == NULL);
	mv_ctl_request_fini(&req);
	/* UTF-8 words pass as they are */
	CHECK_EQ(decode_str("{\"version\":1,\"argv\":[\"link\",\"show\",\"\\u00e9t\\u00e9\"]}",
			    &req, err, sizeof(err)),
		 0);
	CHECK(strcmp(req.line, "link show \xc3\xa9t\xc3\xa9") == 0);
	mv_ctl_request_fini(&req);
}

static void
check_refused_at(const char *json, const char *word, int line)
{
	struct mv_ctl_request req;
	char err[256];
	int ret = decode_str(json, &req, err, sizeof(err));

	if (ret != -EINVAL || req.line != NULL || strncmp(err, "Error: ", 7) != 0 ||
	    strstr(err, word) == NULL) {
		fprintf(stderr, "%s:%d: %s: want EINVAL with \"%s\", got %d \"%s\"\n", __FILE__,
			line, json, word, ret, err);
		mv_test_checks_failed++;
	}
	mv_ctl_request_fini(&req);
}
#define REFUSED(json, word) check_refused_at((json), (word), __LINE__)

static void
test_request_refused(void)
{
	struct mv_ctl_request req;
	char err[256];

	REFUSED("", "invalid JSON");
	REFUSED("{\"version\":1,\"argv\":[\"help\"]", "invalid JSON");
	REFUSED("{\"version\":1,\"argv\":[\"help\"]} {}", "invalid JSON");
	REFUSED("[1]", "one JSON object");
	REFUSED("{\"argv\":[\"help\"]}", "\"version\" must be 1");
	REFUSED("{\"version\":2,\"argv\":[\"help\"]}", "\"version\" must be 1");
	REFUSED("{\"version\":\"1\",\"argv\":[\"help\"]}", "\"version\" must be 1");
	REFUSED("{\"version\":1}", "\"argv\" must be an array");
	REFUSED("{\"version\":1,\"argv\":\"link show\"}", "\"argv\" must be an array");
	REFUSED("{\"version\":1,\"argv\":[]}", "\"argv\" is empty");
	REFUSED("{\"version\":1,\"argv\":[\"link\",3]}", "\"argv\"[1] is not a string");
	REFUSED("{\"version\":1,\"argv\":[\"link show\"]}", "\"argv\"[0] is empty or holds");
	REFUSED("{\"version\":1,\"argv\":[\"link\",\"\"]}", "\"argv\"[1] is empty");
	REFUSED("{\"version\":1,\"argv\":[\"link\",\"#x\"]}", "'#'");
	REFUSED("{\"version\":1,\"argv\":[\"link\\u0000show\"]}", "control character");
	REFUSED("{\"version\":1,\"argv\":[\"link\\tshow\"]}", "white space");
	REFUSED("{\"version\":1,\"argv\":[\"link\\nquit\"]}", "control character");
	REFUSED("{\"version\":1,\"argv\":[\"help\"],\"format\":\"xml\"}", "\"format\" must be");
	REFUSED("{\"version\":1,\"argv\":[\"help\"],\"verbose\":true}",
		"unknown field \"verbose\"");
	REFUSED("{\"version\":1,\"version\":1,\"argv\":[\"help\"]}", "invalid JSON");
	REFUSED("{\"version\":1,\"argv\":[\"\xff\"]}", "invalid JSON");
	/* the id survives a refusal, for the reply */
	CHECK_EQ(
		decode_str("{\"version\":9,\"id\":42,\"argv\":[\"help\"]}", &req, err, sizeof(err)),
		-EINVAL);
	CHECK(json_integer_value(req.id) == 42);
	mv_ctl_request_fini(&req);
}

static void
test_reply_and_events(void)
{
	json_t *id = json_integer(5);
	json_t *r = mv_ctl_reply_new(id, 0, NULL, "link show", json_array(), "text\n");
	json_t *ev, *msg;
	char line[256];

	CHECK(json_integer_value(json_object_get(r, "version")) == 1);
	CHECK(json_integer_value(json_object_get(r, "id")) == 5);
	CHECK(json_integer_value(json_object_get(r, "status")) == 0);
	CHECK(json_object_get(r, "error") == NULL);
	CHECK(strcmp(json_string_value(json_object_get(r, "kind")), "link show") == 0);
	CHECK(json_is_array(json_object_get(r, "result")));
	CHECK(strcmp(json_string_value(json_object_get(r, "text")), "text\n") == 0);
	json_decref(r);
	r = mv_ctl_reply_new(NULL, 19, "Error: Cannot find device \"x\"", NULL, NULL, NULL);
	CHECK(json_is_null(json_object_get(r, "result")));
	CHECK(json_object_get(r, "id") == NULL && json_object_get(r, "text") == NULL);
	CHECK(strcmp(json_string_value(json_object_get(r, "error")),
		     "Error: Cannot find device \"x\"") == 0);
	json_decref(r);
	json_decref(id);

	ev = json_pack("{s:s, s:s, s:s, s:s, s:i}", "time", "2026-01-01T00:00:00.000001Z", "type",
		       "command", "origin", "socket", "command", "link set mv0 up", "status", 0);
	mv_ctl_event_format(ev, line, sizeof(line));
	CHECK(strcmp(line, "2026-01-01T00:00:00.000001Z command [socket] link set mv0 up: ok") ==
	      0);
	msg = mv_ctl_event_msg_new(ev);
	CHECK(json_integer_value(json_object_get(msg, "version")) == 1);
	CHECK(json_object_get(msg, "event") == ev);
	json_decref(msg);
	json_decref(ev);
	ev = json_pack("{s:s, s:s, s:s, s:s, s:b, s:s}", "time", "T", "type", "link", "object",
		       "vif", "name", "mv0", "carrier", 0, "source", "lower");
	mv_ctl_event_format(ev, line, sizeof(line));
	CHECK(strcmp(line, "T link vif mv0 carrier off (lower)") == 0);
	json_decref(ev);
	ev = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:s}", "time", "T", "type", "link", "object",
		       "port", "name", "p0", "admin_up", 1, "carrier", 1, "source", "driver");
	mv_ctl_event_format(ev, line, 12);
	CHECK(strcmp(line, "T link port") == 0);
	mv_ctl_event_format(ev, line, sizeof(line));
	CHECK(strcmp(line, "T link port p0 up carrier on (driver)") == 0);
	json_decref(ev);
	ev = json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:s}", "time", "T", "type", "link", "object",
		       "vif", "name", "mv1", "deleted", 1, "source", "backend", "reason",
		       "its netns n1 was deleted");
	mv_ctl_event_format(ev, line, sizeof(line));
	CHECK(strcmp(line, "T link vif mv1 deleted (backend: its netns n1 was deleted)") == 0);
	json_decref(ev);
}

int
main(void)
{
	RUN_TEST(test_reader_splits);
	RUN_TEST(test_reader_limits);
	RUN_TEST(test_request_ok);
	RUN_TEST(test_request_refused);
	RUN_TEST(test_reply_and_events);
	return mv_test_summary("ctl_proto");
}
