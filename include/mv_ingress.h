/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_INGRESS_H
#define MV_INGRESS_H

/**
 * @file
 * The checks every received frame passes before it is classified (from the
 * wire, or from a vif's backend): its length within the limit, a chain that
 * holds what it claims, and an Ethernet header (with its tag, if tagged) in
 * the first segment. A pure function of the lengths and the first bytes;
 * the datapath walks the mbuf chain and executes the result.
 */

#include <stdint.h>

#include "mv_classify.h"

/** What the datapath read of one received frame. */
struct mv_ingress_frame {
	uint32_t pkt_len;   /**< the length the frame claims */
	uint32_t nb_segs;   /**< the segments it claims */
	uint32_t segs_seen; /**< segments walked (the walk stops after nb_segs + 1) */
	uint64_t seg_sum;   /**< sum of the walked segments' lengths */
	const void *data;   /**< the first segment's bytes */
	uint32_t data_len;  /**< their length */
};

/** The outcome: accept it, or drop it under a named reason. */
enum mv_ingress_result {
	MV_INGRESS_OK = 0,
	MV_INGRESS_BAD_LENGTH, /**< longer than the limit, or a chain not as claimed (rx-bad-length) */
	MV_INGRESS_RUNT, /**< no complete Ethernet header (or tag) in the first segment (runt) */
};

/**
 * Check @p in against @p max_len (the longest frame accepted); on
 * MV_INGRESS_OK, @p f holds the parsed header and f->len = pkt_len.
 */
enum mv_ingress_result mv_ingress_check(const struct mv_ingress_frame *in, uint32_t max_len,
					struct mv_frame_info *f);

#endif /* MV_INGRESS_H */
