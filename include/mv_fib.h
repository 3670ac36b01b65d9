/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_FIB_H
#define MV_FIB_H

/**
 * @file
 * The forwarding snapshot of one port: everything the classifier needs,
 * derived from the control tables, in one contiguous pointer-stable block.
 *
 * A snapshot is immutable once built. The control thread builds a new one on
 * every change and publishes it to the workers (RCU); nothing in it points
 * back into the control tables.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mv_mac.h"
#include "mv_mac_map.h"
#include "mv_port.h"

/** Per-slot facts about a vif. */
struct mv_fib_vif {
	mv_mac_t mac;
	uint32_t mtu;
	uint8_t mode;  /**< 0 when the slot is unused */
	uint8_t flags; /**< MV_FLAG_* */
	bool up;       /**< administratively up (in the kernel's vlan_hash) */
	bool carrier;
	bool spoofchk;   /**< what it sends must carry its own MAC as source */
	uint32_t bcrate; /**< broadcast/multicast frames/s it may send (0: no limit) */
};

/** A multicast group some UP vif joined. */
struct mv_fib_group {
	uint32_t first; /**< index in members[] of the subscribers without allmulti */
	uint16_t n;     /**< number of those subscribers */
	bool queued;    /**< goes through the broadcast queue (bc_filter) */
	uint8_t pad;
};

/** The source entries for one remote MAC. */
struct mv_fib_source {
	uint32_t first; /**< index in members[] of the UP source vifs listing it */
	uint16_t n;     /**< number of those vifs */
	bool nodst;     /**< some listing vif, up or down, has NODST */
	uint8_t pad;
};

struct mv_fib {
	size_t size;         /**< bytes of the whole block */
	uint64_t generation; /**< the port's generation it was built from */
	mv_mac_t lower_mac;
	uint32_t lower_mtu;
	bool lower_up; /**< admin up */
	bool lower_carrier;
	bool passthru;
	bool all_groups;     /**< lower promisc/allmulti: port filters are all ones */
	bool bcast_queued;   /**< broadcast goes through the queue (bc_cutoff >= 0) */
	bool unknown_queued; /**< unjoined groups go through the queue */
	/**
	 * Unicast from the wire is decided by dst_map alone: the lower is up
	 * with carrier, not passthru, and no source entry exists.
	 */
	bool uc_direct;
	uint16_t passthru_slot; /**< first vif of a passthru port */
	uint32_t bc_queue_len;  /**< bc_queue_len_used */
	uint16_t n_slots;       /**< highest used slot + 1 */
	uint16_t n_up;          /**< entries in up_list */
	uint16_t n_allmulti;    /**< entries in allmulti_list */
	uint32_t n_groups;
	uint32_t n_sources;
	struct mv_fib_vif *vifs;       /**< [n_slots] */
	uint16_t *up_list;             /**< UP vifs, creation order */
	uint16_t *allmulti_list;       /**< UP vifs with allmulti or promisc */
	struct mv_fib_group *groups;   /**< [n_groups] */
	struct mv_fib_source *sources; /**< [n_sources] */
	uint16_t *members;             /**< subscriber and source-vif slot lists */
	struct mv_mac_map up_map;      /**< MAC -> slot of UP vifs */
	struct mv_mac_map dst_map;     /**< MAC -> slot of UP vifs that take unicast (not source) */
	struct mv_mac_map group_map;   /**< group -> index in groups[] */
	struct mv_mac_map source_map;  /**< remote MAC -> index in sources[] */
};

/** Bytes needed for the snapshot of @p port. */
size_t mv_fib_size(const struct mv_port *port);

/**
 * Build the snapshot of @p port into @p mem (@p size bytes, at least
 * mv_fib_size(port), 8-byte aligned). Returns the snapshot (at @p mem) or NULL
 * when @p size is too small.
 */
struct mv_fib *mv_fib_build(const struct mv_port *port, void *mem, size_t size);

/** Allocate with malloc() and build; free with free(). NULL on -ENOMEM. */
struct mv_fib *mv_fib_new(const struct mv_port *port);

#endif /* MV_FIB_H */
