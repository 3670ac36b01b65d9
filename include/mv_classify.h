/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_CLASSIFY_H
#define MV_CLASSIFY_H

/**
 * @file
 * The classifier: who receives this frame? A pure function of a forwarding
 * snapshot (mv_fib.h) and a frame's Ethernet header, reproducing the
 * decisions of the kernel's macvlan_handle_frame (frames from the wire) and
 * macvlan_queue_xmit (frames sent by a vif).
 *
 * The verdict is a 16-byte value computed without allocation. It names at
 * most one single receiver, a set of source-mode receivers and a flood; the
 * datapath expands the sets with mv_verdict_expand() (or walks the snapshot
 * lists itself) and shares the mbuf among receivers by reference count.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "mv_fib.h"
#include "mv_mac.h"

#define MV_ETHER_TYPE_VLAN  0x8100
#define MV_ETHER_TYPE_QINQ  0x88A8
#define MV_ETHER_TYPE_PAUSE 0x8808
#define MV_ETHER_HDR_LEN    14
#define MV_VLAN_HDR_LEN     4

/** What the classifier needs of a frame. */
struct mv_frame_info {
	mv_mac_t dst;
	mv_mac_t src;
	uint16_t ether_type; /**< after an 802.1Q / 802.1ad tag, if any */
	uint16_t vlan_tci;   /**< valid when vlan is true */
	bool vlan;
	uint32_t len; /**< L2 length without FCS */
};

/* Bytes 0..7 of @p p as a big-endian number (unaligned). */
static inline uint64_t
mv_load_be64(const uint8_t *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

/**
 * Parse an Ethernet header. Returns 0, or -EINVAL for a runt (shorter than an
 * Ethernet header, or than the tag it announces); @p out is untouched then.
 * Inline: the datapath parses every frame.
 */
static inline int
mv_frame_parse(const void *data, uint32_t len, struct mv_frame_info *out)
{
	const uint8_t *p = data;
	struct mv_frame_info f;

	if (data == NULL || len < MV_ETHER_HDR_LEN)
		return -EINVAL;
	/* two 8-byte loads within the 14-byte header: dst|src[0..1], src|type */
	f.dst = mv_load_be64(p) >> 16;
	f.src = mv_load_be64(p + 6) >> 16;
	f.ether_type = (uint16_t)(p[12] << 8 | p[13]);
	f.vlan = false;
	f.vlan_tci = 0;
	f.len = len;
	if (f.ether_type == MV_ETHER_TYPE_VLAN || f.ether_type == MV_ETHER_TYPE_QINQ) {
		if (len < MV_ETHER_HDR_LEN + MV_VLAN_HDR_LEN)
			return -EINVAL;
		f.vlan = true;
		f.vlan_tci = (uint16_t)(p[14] << 8 | p[15]);
		f.ether_type = (uint16_t)(p[16] << 8 | p[17]);
	}
	*out = f;
	return 0;
}

/** Actions of a verdict (bits). */
#define MV_ACT_WIRE    0x01 /**< transmit on the physical port */
#define MV_ACT_LOWER   0x02 /**< the lower's own stack gets it (RX_HANDLER_PASS) */
#define MV_ACT_VIF     0x04 /**< deliver to vif @c vif */
#define MV_ACT_SOURCES 0x08 /**< deliver to the source vifs of @c source */
#define MV_ACT_FLOOD   0x10 /**< flood group @c group to modes @c flood_modes, not @c exclude */
#define MV_ACT_QUEUE   0x20 /**< the flood goes through the broadcast queue (bounded) */
#define MV_ACT_MTU     0x40 /**< flood targets must fit the frame in their MTU (local tx) */
#define MV_ACT_REFLECT 0x80 /**< the MV_ACT_VIF delivery is a reflection to the originator */

/** Why (part of) a frame reached nobody: named drop counters. */
enum mv_drop {
	MV_DROP_NONE = 0,
	MV_DROP_RUNT,          /**< shorter than its Ethernet header */
	MV_DROP_LOWER_DOWN,    /**< from the wire while the lower is down or has no carrier */
	MV_DROP_NODST,         /**< consumed by a NODST source vif */
	MV_DROP_PASSTHRU_DOWN, /**< unicast while the passthru vif is down */
	MV_DROP_BC_QUEUE,      /**< broadcast queue length 0 (or full) */
	MV_DROP_TX_VIF_DOWN,   /**< sent by a vif that is down */
	MV_DROP_TX_NO_CARRIER, /**< sent while the lower has no carrier */
	MV_DROP_TX_MTU,        /**< sent larger than the sender's MTU allows */
	MV_DROP_TX_BAD_VIF,    /**< sender slot unknown in this snapshot */
	MV_DROP_LOCAL_LOWER,   /**< bridge-local unicast refused by the lower (down, MTU) */
	MV_DROP_NO_RECEIVER,   /**< nobody wanted it (e.g. PAUSE from a bridge vif) */
	MV_DROP_TX_SPOOFED,    /**< sent with a source MAC not the sender's (spoofchk on) */
	MV_DROP__COUNT
};

/** Name of a drop reason, for counters ("nodst", "lower-down", ...). */
const char *mv_drop_name(enum mv_drop d);

#define MV_GROUP_BCAST   UINT32_MAX       /**< flood: the broadcast address */
#define MV_GROUP_UNKNOWN (UINT32_MAX - 1) /**< flood: a group no UP vif joined */

struct mv_verdict {
	uint8_t act;         /**< MV_ACT_* */
	uint8_t flood_modes; /**< mode mask of the flood */
	uint8_t drop;        /**< enum mv_drop: why a part was dropped (or all of it) */
	uint8_t pad;
	uint16_t vif;     /**< single receiver (MV_ACT_VIF) */
	uint16_t exclude; /**< excluded from the flood, or MV_SLOT_NONE */
	uint32_t group;   /**< flood group index, MV_GROUP_BCAST or MV_GROUP_UNKNOWN */
	uint32_t source;  /**< index in fib->sources (MV_ACT_SOURCES) */
};

/** A frame from the wire (macvlan_handle_frame). */
struct mv_verdict mv_classify_rx(const struct mv_fib *fib, const struct mv_frame_info *f);

/** A frame sent by the vif in slot @p sender (macvlan_queue_xmit). */
struct mv_verdict mv_classify_tx(const struct mv_fib *fib, uint16_t sender,
				 const struct mv_frame_info *f);

/** A frame sent by the lower's own stack (host interface): the wire only. */
struct mv_verdict mv_classify_lower_tx(const struct mv_fib *fib, const struct mv_frame_info *f);

/** Classify a burst of frames from the wire, prefetching the tables ahead. */
void mv_classify_rx_burst(const struct mv_fib *restrict fib, const struct mv_frame_info *restrict f,
			  struct mv_verdict *restrict v, unsigned int n);

/** How a receiver got its copy (the kernel counts them differently). */
enum mv_rcpt_kind {
	MV_RCPT_UNICAST, /**< steered by destination (rx_packets) */
	MV_RCPT_SOURCE,  /**< source-mode copy (not multicast) */
	MV_RCPT_FLOOD,   /**< flood copy (counted as multicast) */
	MV_RCPT_REFLECT, /**< group frame returned to its private/passthru/source sender */
	MV_RCPT_TOO_BIG, /**< flood target refused: over its MTU (rx_errors, not delivered) */
};

struct mv_rcpt {
	uint16_t slot;
	uint8_t kind; /**< enum mv_rcpt_kind */
};

/**
 * Upper bound of mv_verdict_expand()'s output for @p fib: every UP vif at
 * most twice (a source copy and one other), plus one.
 */
static inline unsigned int
mv_verdict_max_rcpts(const struct mv_fib *fib)
{
	return 2u * fib->n_up + 1u;
}

/**
 * Expand a verdict into its vif receivers (the wire and the lower are in
 * v->act). Source copies come first. @p out must hold mv_verdict_max_rcpts()
 * entries; returns how many were written.
 */
unsigned int mv_verdict_expand(const struct mv_fib *fib, const struct mv_verdict *v,
			       uint32_t frame_len, struct mv_rcpt *out, unsigned int max);

#endif /* MV_CLASSIFY_H */
