/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_CTL_PROTO_H
#define MV_CTL_PROTO_H

/**
 * @file
 * The control socket's protocol (docs/control-api.md), shared by the daemon
 * and dpdk-macvlan-ctl: frames of a 4-byte big-endian length then that many
 * bytes of one JSON object; the request's shape; the reply's and the event's
 * construction; the text of an event. Pure: libc and jansson, no DPDK, no I/O.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define MV_CTL_PROTO_VERSION 1
/** Largest request the daemon reads (a larger frame: EMSGSIZE, connection closed). */
#define MV_CTL_MAX_REQUEST (1u << 20)
/** Largest reply or event the client reads. */
#define MV_CTL_MAX_REPLY (256u << 20)
/** Words of one request's argv. */
#define MV_CTL_MAX_ARGV 4160
/** Room for the joined command line (argv with single spaces) and its NUL. */
#define MV_CTL_MAX_LINE (MV_CTL_MAX_REQUEST + 1)

/** Bytes appended at the end and consumed from the front (data[start, len)). */
struct mv_ctl_buf {
	uint8_t *data;
	size_t start; /**< first byte not consumed */
	size_t len;   /**< end of the bytes held */
	size_t cap;   /**< bytes allocated */
};

/** Append @p n bytes (the consumed front is reclaimed first). -ENOMEM, or 0. */
int mv_ctl_buf_append(struct mv_ctl_buf *b, const void *data, size_t n);
/** Bytes held and not consumed. */
static inline size_t
mv_ctl_buf_pending(const struct mv_ctl_buf *b)
{
	return b->len - b->start;
}
/** Consume @p n bytes from the front. */
void mv_ctl_buf_consume(struct mv_ctl_buf *b, size_t n);
void mv_ctl_buf_fini(struct mv_ctl_buf *b);

/** Accumulates partial input; yields one frame's payload at a time. */
struct mv_ctl_reader {
	struct mv_ctl_buf in;
	uint32_t max;     /**< largest payload accepted */
	bool oversized;   /**< a frame announced more than max: the stream is unusable */
	uint32_t too_big; /**< the announced length when oversized */
};

void mv_ctl_reader_init(struct mv_ctl_reader *r, uint32_t max);
void mv_ctl_reader_fini(struct mv_ctl_reader *r);
/** Append @p n bytes. -ENOMEM, or 0. */
int mv_ctl_reader_feed(struct mv_ctl_reader *r, const void *data, size_t n);
/**
 * The next complete payload: 1 with @p msg / @p len pointing into the
 * reader (valid until the next feed or next call), 0 when more input is
 * needed, -EMSGSIZE when the next frame announces more than max (then
 * always -EMSGSIZE).
 */
int mv_ctl_reader_next(struct mv_ctl_reader *r, const char **msg, size_t *len);

/**
 * @p obj as one frame: a malloc'd buffer of its length prefix and compact
 * JSON in @p out, its size in @p len. -ENOMEM, -EMSGSIZE (over 4 GiB), or 0.
 */
int mv_ctl_encode(const json_t *obj, char **out, size_t *len);

enum mv_ctl_format { MV_CTL_FORMAT_TEXT, MV_CTL_FORMAT_JSON };

/** One decoded request. */
struct mv_ctl_request {
	json_t *id;                /**< echoed in the reply (a reference); NULL: none */
	enum mv_ctl_format format; /**< "text" (default) or "json" */
	char *line;                /**< argv joined with single spaces (malloc'd) */
};

/**
 * Decode one payload into @p req. 0, or -EINVAL with "Error: ..." in @p err
 * (then req->id may still hold the id, for the reply). Free with
 * mv_ctl_request_fini().
 */
int mv_ctl_request_decode(const char *msg, size_t len, struct mv_ctl_request *req, char *err,
			  size_t errlen);
void mv_ctl_request_fini(struct mv_ctl_request *req);

/** A request object for @p argv (@p argc words). NULL on ENOMEM. */
json_t *mv_ctl_request_new(int argc, char *const *argv, enum mv_ctl_format format, json_t *id);

/**
 * A reply object. @p result is stolen (may be NULL: null); @p error and
 * @p text may be NULL (absent); @p kind NULL: "".
 */
json_t *mv_ctl_reply_new(json_t *id, int status, const char *error, const char *kind,
			 json_t *result, const char *text);

/** {"version":1,"event":@p event} (a new reference to event). */
json_t *mv_ctl_event_msg_new(json_t *event);

/**
 * One line (no newline) for an event object as `events show` and
 * `dpdk-macvlan-ctl monitor` print it: "TIME what ...". Truncated to @p size.
 */
void mv_ctl_event_format(const json_t *event, char *buf, size_t size);

#endif /* MV_CTL_PROTO_H */
