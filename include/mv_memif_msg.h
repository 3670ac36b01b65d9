/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_MEMIF_MSG_H
#define MV_MEMIF_MSG_H

/**
 * @file
 * The memif protocol, version 2.0 (as DPDK 22.11's net_memif and VPP's
 * libmemif speak it), without any I/O: the fixed 128-byte control messages
 * (encode, decode, validate), the shared-memory layout the client allocates,
 * and one control connection's state machine as a pure function (state +
 * message -> new state + reply or verdict), so that whatever a peer sends
 * is either a valid step or a clean error. lib/backend/memif*.c does the
 * socket and memory I/O around it.
 *
 * Roles: the client (formerly "slave") allocates the shared memory (one
 * region: rings, then buffers) and the rings' interrupt eventfds, and sends
 * them to the server with SCM_RIGHTS. C2S rings carry frames from the client
 * to the server, S2C rings from the server to the client. Each side serves
 * one C2S and one S2C ring per interface here.
 *
 * Exchange: server HELLO -> client INIT -> ACK, ADD_REGION (fd) -> ACK,
 * ADD_RING C2S (fd) -> ACK, ADD_RING S2C (fd) -> ACK, CONNECT -> CONNECTED.
 * Either side may send DISCONNECT (code, reason) and close at any time.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MV_MEMIF_MSG_SIZE    128
#define MV_MEMIF_COOKIE      0x3E31F20u
#define MV_MEMIF_VERSION     0x0200u /* 2.0 */
#define MV_MEMIF_NAME_SIZE   32
#define MV_MEMIF_SECRET_SIZE 24
#define MV_MEMIF_REASON_SIZE 96
/** sun_path holds 108 bytes with the NUL */
#define MV_MEMIF_SOCKET_PATH_MAX 107

/** Regions a peer may add (DPDK's zero-copy client adds one per memseg list). */
#define MV_MEMIF_MAX_REGIONS 16
/** Largest ring (log2 of its slots), as DPDK allows. */
#define MV_MEMIF_MAX_LOG2_RING 14
/** Largest region a peer may declare (descriptor offsets are 32 bits). */
#define MV_MEMIF_MAX_REGION_SIZE (1ull << 32)

/* the ring in shared memory: a header of two cache lines, then the descriptors */
#define MV_MEMIF_RING_COOKIE_OFF 0
#define MV_MEMIF_RING_FLAGS_OFF  4
#define MV_MEMIF_RING_HEAD_OFF   6
#define MV_MEMIF_RING_TAIL_OFF   64
#define MV_MEMIF_RING_DESC_OFF   128
/** ring flag: the ring's reader polls, the writer sends no interrupt */
#define MV_MEMIF_RING_FLAG_MASK_INT 1u
#define MV_MEMIF_DESC_SIZE          16
/** descriptor flag: the frame continues in the next slot */
#define MV_MEMIF_DESC_FLAG_NEXT 1u
/** ADD_RING flag: a C2S ring ("S2M" in older names) */
#define MV_MEMIF_ADD_RING_FLAG_C2S 1u

enum mv_memif_msg_type {
	MV_MEMIF_MSG_NONE = 0,
	MV_MEMIF_MSG_ACK,
	MV_MEMIF_MSG_HELLO,
	MV_MEMIF_MSG_INIT,
	MV_MEMIF_MSG_ADD_REGION,
	MV_MEMIF_MSG_ADD_RING,
	MV_MEMIF_MSG_CONNECT,
	MV_MEMIF_MSG_CONNECTED,
	MV_MEMIF_MSG_DISCONNECT,
	MV_MEMIF_MSG_TYPE_COUNT,
};

enum mv_memif_ring_dir { MV_MEMIF_C2S = 0, MV_MEMIF_S2C = 1 };

/** A decoded message (host values; strings NUL-terminated). */
struct mv_memif_msg {
	uint16_t type; /**< enum mv_memif_msg_type */
	union {
		struct {
			char name[MV_MEMIF_NAME_SIZE + 1];
			uint16_t min_version, max_version;
			uint16_t max_region;   /**< highest region index */
			uint16_t max_s2c_ring; /**< highest ring index ("m2s") */
			uint16_t max_c2s_ring; /**< highest ring index ("s2m") */
			uint8_t max_log2_ring_size;
		} hello;
		struct {
			uint16_t version;
			uint32_t id;
			uint8_t mode; /**< 0: ethernet */
			char secret[MV_MEMIF_SECRET_SIZE + 1];
			char name[MV_MEMIF_NAME_SIZE + 1];
		} init;
		struct {
			uint16_t index;
			uint64_t size;
		} add_region;
		struct {
			uint16_t flags; /**< MV_MEMIF_ADD_RING_FLAG_C2S */
			uint16_t index;
			uint16_t region;
			uint32_t offset;
			uint8_t log2_ring_size;
			uint16_t private_hdr_size;
		} add_ring;
		struct {
			char if_name[MV_MEMIF_NAME_SIZE + 1];
		} connect; /**< CONNECT and CONNECTED */
		struct {
			uint32_t code;
			char reason[MV_MEMIF_REASON_SIZE + 1];
		} disconnect;
	};
};

/** The 128 bytes of @p m (zero-padded, little-endian as on the x86/arm peers). */
void mv_memif_msg_encode(const struct mv_memif_msg *m, uint8_t out[MV_MEMIF_MSG_SIZE]);
/**
 * Decode @p len bytes. -EINVAL (and why, in @p err) unless exactly one
 * message of a known type; strings are cut at their field's size.
 */
int mv_memif_msg_decode(const void *buf, size_t len, struct mv_memif_msg *m, char *err,
			size_t errlen);
/** "HELLO", "INIT", ...; "?" if unknown. */
const char *mv_memif_msg_type_name(unsigned int type);
/** A memif id in decimal: 0 to 2^32-1, nothing else. 0 or -EINVAL. */
int mv_memif_parse_id(const char *s, uint32_t *id);

/** Where things are in the one region a client allocates (1 C2S + 1 S2C ring). */
struct mv_memif_layout {
	uint8_t log2_ring_size;
	uint32_t buffer_size;
	uint32_t ring_bytes;     /**< header + descriptors of one ring */
	uint32_t ring_offset[2]; /**< [enum mv_memif_ring_dir] */
	uint32_t buffers_offset; /**< the first buffer */
	uint64_t region_size;
};
/** 0, or -EINVAL when @p log2_ring_size or @p buffer_size is out of range. */
int mv_memif_layout_init(struct mv_memif_layout *l, uint8_t log2_ring_size, uint32_t buffer_size);
/** The offset of the buffer of slot @p slot of ring @p dir. */
static inline uint32_t
mv_memif_layout_buffer(const struct mv_memif_layout *l, unsigned int dir, uint32_t slot)
{
	return l->buffers_offset +
	       ((uint32_t)dir * (1u << l->log2_ring_size) + slot) * l->buffer_size;
}

/** One control connection's state. */
enum mv_memif_state {
	/* server */
	MV_MEMIF_ST_WAIT_INIT = 0, /**< HELLO sent */
	MV_MEMIF_ST_SETUP,         /**< INIT accepted: regions, rings, CONNECT */
	/* client */
	MV_MEMIF_ST_WAIT_HELLO, /**< connected, nothing received */
	MV_MEMIF_ST_SENDING,    /**< sent INIT.. one by one, each on an ACK */
	MV_MEMIF_ST_WAIT_CONNECTED,
	/* both */
	MV_MEMIF_ST_CONNECTED,
	MV_MEMIF_ST_CLOSED,
};

/** A ring the peer added (server) or we add (client). */
struct mv_memif_ring_desc {
	bool added;
	uint16_t region;
	uint32_t offset;
	uint8_t log2_ring_size;
};

/** The server's answer about an INIT's id (mv_memif_conn.lookup). */
enum mv_memif_lookup {
	MV_MEMIF_LOOKUP_OK = 0,
	MV_MEMIF_LOOKUP_NOT_FOUND,
	MV_MEMIF_LOOKUP_BUSY, /**< the interface has a peer already */
};

struct mv_memif_conn {
	uint8_t role;  /**< 0 server, 1 client */
	uint8_t state; /**< enum mv_memif_state */
	/* server: find the interface of an INIT's id and its secret ("" none) */
	enum mv_memif_lookup (*lookup)(void *ctx, uint32_t id, const char **secret);
	void *lookup_ctx;
	/* client: what we ask for (before the HELLO), and our id and secret */
	uint32_t id;
	char secret[MV_MEMIF_SECRET_SIZE + 1];
	uint8_t want_log2_ring_size;
	uint32_t buffer_size;
	/* both: our name (HELLO / INIT) and our interface's (CONNECT / CONNECTED) */
	char name[MV_MEMIF_NAME_SIZE + 1];
	char if_name[MV_MEMIF_NAME_SIZE + 1];
	/* what the exchange settled */
	char peer_name[MV_MEMIF_NAME_SIZE + 1];
	char peer_if_name[MV_MEMIF_NAME_SIZE + 1];
	uint32_t bound_id; /**< server: the INIT's id */
	uint16_t n_regions;
	uint64_t region_size[MV_MEMIF_MAX_REGIONS];
	struct mv_memif_ring_desc ring[2]; /**< [enum mv_memif_ring_dir] */
	struct mv_memif_layout layout;     /**< client: the region it allocates */
	uint8_t next_send;                 /**< client: the next of REGION, C2S, S2C, CONNECT */
};

/** What the caller does after a step, besides sending the reply. */
enum mv_memif_event {
	MV_MEMIF_EV_NONE = 0,
	MV_MEMIF_EV_BOUND,     /**< server: the INIT bound the connection to bound_id */
	MV_MEMIF_EV_REGION,    /**< server: keep the message's fd as region `index` */
	MV_MEMIF_EV_RING,      /**< server: keep the message's fd as ring `index`'s interrupt */
	MV_MEMIF_EV_ALLOCATE,  /**< client: allocate the region (conn.layout) and eventfds */
	MV_MEMIF_EV_CONNECTED, /**< both: map, check the rings, go live */
	MV_MEMIF_EV_CLOSE,     /**< the peer disconnected (reason in err): close, no reply */
	MV_MEMIF_EV_ERROR,     /**< bad input: send the reply (a DISCONNECT), then close */
};

/** Which fd a reply carries (the caller owns the fds). */
enum mv_memif_fd {
	MV_MEMIF_FD_NONE = 0,
	MV_MEMIF_FD_REGION0,
	MV_MEMIF_FD_RING_C2S,
	MV_MEMIF_FD_RING_S2C,
};

struct mv_memif_step {
	uint8_t event;    /**< enum mv_memif_event */
	bool reply;       /**< send `out` */
	uint8_t reply_fd; /**< enum mv_memif_fd */
	uint16_t index;   /**< EV_REGION, EV_RING: the index; EV_RING: dir in `dir` */
	uint8_t dir;      /**< EV_RING: enum mv_memif_ring_dir */
	struct mv_memif_msg out;
	char err[MV_MEMIF_REASON_SIZE + 1]; /**< EV_ERROR, EV_CLOSE: why */
};

/** A server connection that just accepted: @p hello is what to send first. */
void mv_memif_conn_init_server(struct mv_memif_conn *c, const char *name,
			       struct mv_memif_msg *hello);
/** A client connection (id, secret, sizes, names set by the caller first). */
void mv_memif_conn_init_client(struct mv_memif_conn *c);
/**
 * One message from the peer (@p has_fd: it came with an fd). Returns the
 * step's event (also in @p st). Never fails otherwise: garbage is an
 * EV_ERROR with a DISCONNECT reply, and the state becomes CLOSED.
 */
int mv_memif_conn_step(struct mv_memif_conn *c, const struct mv_memif_msg *in, bool has_fd,
		       struct mv_memif_step *st);
/**
 * The caller could not carry out the step's event (a region's fd too small,
 * no memory): turn it into an error with @p reason, state CLOSED.
 */
void mv_memif_conn_fail(struct mv_memif_conn *c, struct mv_memif_step *st, const char *reason);
/** A DISCONNECT message with @p reason (the caller's own, e.g. the vif is deleted). */
void mv_memif_msg_disconnect(struct mv_memif_msg *m, uint32_t code, const char *reason);

#endif /* MV_MEMIF_MSG_H */
