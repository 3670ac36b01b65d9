/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_POLICER_H
#define MV_POLICER_H

/**
 * @file
 * A token bucket in frames per second: the per-vif broadcast/multicast
 * policer (`link set <vif> bcrate <pps>`, the program's own; kernel macvlan
 * has no such knob). The decision is a pure function of the bucket, the
 * time and the rate; the datapath keeps one bucket per vif (its owner's) and
 * drops what does not conform as tx-bcrate.
 */

#include <stdbool.h>
#include <stdint.h>

/** Bucket state (zero-initialised: full at the first frame). */
struct mv_policer {
	uint64_t last;   /**< clock of the last update (the caller's ticks) */
	uint64_t tokens; /**< credit in frames x hz (a frame costs hz) */
};

/** Largest bucket depth in frames (keeps depth x hz within 64 bits for hz < 2^36). */
#define MV_POLICER_MAX_DEPTH (UINT32_C(1) << 27)

/**
 * The bucket depth for @p rate frames/s: 20 ms of the rate, and at least
 * @p min_depth frames (a burst the caller reads at once), capped at
 * MV_POLICER_MAX_DEPTH.
 */
uint32_t mv_policer_depth(uint32_t rate, uint32_t min_depth);

/**
 * One frame at time @p now (a clock of @p hz ticks per second): true if it
 * conforms to @p rate frames per second with bursts of @p depth frames (it
 * takes a token), false if it is to be dropped. @p rate 0: no policing
 * (always true, the bucket untouched). A clock that goes back adds nothing.
 */
bool mv_policer_conform(struct mv_policer *p, uint64_t now, uint64_t hz, uint32_t rate,
			uint32_t depth);

#endif /* MV_POLICER_H */
