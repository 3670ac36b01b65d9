/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_DATAPATH_H
#define MV_DATAPATH_H

/**
 * @file
 * The datapath: worker lcores poll the physical ports and the vif backends,
 * classify with the core (mv_classify.h) and execute the verdicts.
 *
 * Workers read configuration only through an immutable snapshot published by
 * the control thread (mv_dp_publish) and protected by rte_rcu_qsbr: a worker
 * loads the snapshot pointer once per loop and reports quiescence at the end
 * of the loop, after it has flushed every frame it staged. The control
 * thread frees a replaced snapshot, and anything only it referenced, after a
 * grace period. Workers take no lock and make no syscall except a backend's
 * own I/O.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "mv_backend.h"
#include "mv_classify.h"
#include "mv_fib.h"
#include "mv_port.h"

#define MV_DP_MAX_BURST           256
#define MV_DP_MAX_WORKERS         64
#define MV_DP_MAX_VIFS            16384 /**< vifs over all ports (global ids) */
#define MV_DP_MAX_RXQ             64    /**< rx queues one worker polls */
#define MV_DP_DEFAULT_FLOOD_SHARE 50    /**< see mv_dp.flood_share */

/** Datapath drop reasons beyond the classifier's (enum mv_drop). */
enum mv_dp_drop {
	MV_DP_DROP_LOWER_NO_HOST = MV_DROP__COUNT, /**< for the lower's stack: no host interface */
	MV_DP_DROP_BC_QUEUE_FULL, /**< broadcast queue full (the lower's rx_dropped) */
	MV_DP_DROP_VIF_RING_FULL, /**< the vif's ring is full (vif rx_dropped) */
	MV_DP_DROP_BACKEND_FULL,  /**< the backend refused it (vif rx_dropped) */
	MV_DP_DROP_WIRE_FULL,     /**< the port's tx queue is full */
	MV_DP_DROP_STOPPED,       /**< left in a ring when the program stopped */
	MV_DP_DROP_VIF_GONE,      /**< queued for a vif that was deleted */
	/** from the wire: longer than the port accepts, or pkt_len/nb_segs not the chain's */
	MV_DP_DROP_RX_BAD_LENGTH,
	MV_DP_DROP_BACKEND_DOWN,  /**< the backend's side is down (TAP netdev down: EIO) */
	MV_DP_DROP_BACKEND_GONE,  /**< the backend's side no longer exists (TAP netdev deleted) */
	MV_DP_DROP_BACKEND_ERROR, /**< the backend refused that one frame */
	MV_DP_DROP__COUNT
};

/**
 * The L2 overhead a port accepts beyond its MTU: an Ethernet header and two
 * VLAN tags (QinQ), without FCS (PMDs strip it), as a NIC at that MTU does.
 */
#define MV_DP_RX_L2_OVERHEAD (14 + 2 * 4)

/** What a slot of mv_dp_port.sink says. */
enum mv_dp_slot_kind {
	MV_DP_SLOT_STAGED = 0, /**< frames are staged and handed to the backend */
	MV_DP_SLOT_SINK,       /**< a sink: counted and freed in place */
	MV_DP_SLOT_GONE,       /**< the backend's side is gone: dropped in place (backend-gone) */
};

/** Name of any drop reason (classifier or datapath). */
const char *mv_dp_drop_name(unsigned int reason);

/** Per-worker counters of one vif (one cache line; summed by the control thread). */
struct mv_dp_vif_stats {
	struct mv_vif_stats s;
} __rte_cache_aligned;

/** A vif as the datapath sees it. Owned by the control thread. */
struct mv_dp_vif {
	/**
	 * Deliveries from other workers: MP enqueue, drained by the owner;
	 * NULL for a sink. An entry is the mbuf's address, its bit 0 set when
	 * the delivery counts as multicast (mv_dp_ring_mbuf).
	 */
	struct rte_ring *ring;
	/** replaced only by the control thread (atomic store, then a grace period) */
	struct mv_backend *be;
	bool sink;          /**< be->ops->sink: deliveries are counted and freed */
	uint16_t port;      /**< index of the physical port */
	uint16_t slot;      /**< slot in the port's fib */
	uint16_t owner;     /**< worker index that drains and polls it */
	uint32_t id;        /**< global id, < MV_DP_MAX_VIFS */
	uint32_t scheduled; /**< on its owner's pending ring (atomic flag) */
	/** [n_workers + 1], allocated with the vif: one line per worker after the vif's */
	struct mv_dp_vif_stats stats[] __rte_cache_aligned;
};

/** Per-worker counters of one physical port. */
struct mv_dp_port_stats {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t lower_packets; /**< frames for the lower's stack */
	uint64_t drops[MV_DP_DROP__COUNT];
} __rte_cache_aligned;

/** Per-worker load counters (cycles per frame = busy_cycles / frames). */
struct mv_dp_worker_stats {
	uint64_t loops;       /**< poll loops */
	uint64_t busy_loops;  /**< loops that handled at least one frame */
	uint64_t busy_cycles; /**< TSC cycles spent in busy loops */
	uint64_t frames;      /**< frames received (wire, backends, broadcast queue) */
} __rte_cache_aligned;

struct mv_dp_rxq {
	uint16_t port;
	uint16_t queue;
};

/** What one worker does, as of one snapshot. */
struct mv_dp_worker_conf {
	uint16_t n_rxq;
	struct mv_dp_rxq rxq[MV_DP_MAX_RXQ];
	uint32_t n_vifs;
	struct mv_dp_vif **vifs; /**< the vifs it owns to poll (rx_burst without rx_fd) */
	uint32_t n_fd_vifs;      /**< vifs it owns that are polled through its epoll set */
};

struct mv_dp_port {
	bool active;
	uint16_t port_id;
	uint16_t bc_owner; /**< worker that drains the broadcast queue */
	const struct mv_fib *fib;
	struct mv_dp_vif **vifs;  /**< [fib->n_slots], by slot */
	uint8_t *sink;            /**< [fib->n_slots]: enum mv_dp_slot_kind, without the vif's line */
	uint32_t rx_max_len;      /**< longest frame accepted from the wire (MTU + L2 overhead) */
	struct rte_ring *bc_ring; /**< broadcast queue (mbufs from the wire) */
};

/** An immutable configuration snapshot. */
struct mv_dp_snapshot {
	uint64_t seq; /**< set by mv_dp_publish: tells snapshots apart, unlike their address */
	bool forwarding;
	uint16_t n_workers;
	struct mv_dp_port ports[MV_MAX_PORTS];
	struct mv_dp_worker_conf workers[MV_DP_MAX_WORKERS];
};

/** The datapath's long-lived state. */
struct mv_dp {
	struct mv_dp_snapshot *snap; /**< current snapshot (atomic pointer) */
	uint64_t seq;                /**< snapshots published so far (control thread) */
	struct rte_rcu_qsbr *qsbr;
	uint16_t n_workers;
	uint16_t burst;
	/**
	 * Percent of a busy worker's time the broadcast queue may take (1..100;
	 * 100: no limit). A worker is busy in a loop that received frames; an
	 * idle one floods without limit. Set before the workers start.
	 */
	uint32_t flood_share;
	volatile bool quit;
	volatile bool draining; /**< stop receiving, keep delivering what is queued */
	/**
	 * Per worker: (port, slot) of the vifs it owns whose ring got frames,
	 * so a worker drains only rings with work instead of scanning every vif.
	 */
	struct rte_ring *pending[MV_DP_MAX_WORKERS];
	/** Per worker: epoll set of its vifs' rx_fd (data: port << 16 | slot). */
	int epfd[MV_DP_MAX_WORKERS];
	/** [MV_MAX_PORTS] each; index n_workers belongs to the control thread */
	struct mv_dp_port_stats *port_stats[MV_DP_MAX_WORKERS + 1];
	struct mv_dp_worker_stats worker_stats[MV_DP_MAX_WORKERS];
};

/** Initialise the datapath for @p n_workers workers. Returns 0 or -errno. */
int mv_dp_init(struct mv_dp *dp, uint16_t n_workers, uint16_t burst, int socket_id);

/** Free what mv_dp_init allocated (after the workers stopped). */
void mv_dp_fini(struct mv_dp *dp);

/** Arguments of a worker lcore. */
struct mv_dp_worker_arg {
	struct mv_dp *dp;
	uint16_t index;
};

/** The worker loop (rte_eal_remote_launch entry point); returns when dp->quit is set. */
int mv_dp_worker_main(void *arg);

/**
 * Publish @p snap and wait for a grace period. Returns the previous snapshot,
 * which no worker can see any more: the caller frees it.
 */
struct mv_dp_snapshot *mv_dp_publish(struct mv_dp *dp, struct mv_dp_snapshot *snap);

/** Current snapshot (control thread). */
static inline struct mv_dp_snapshot *
mv_dp_current(const struct mv_dp *dp)
{
	return __atomic_load_n(&dp->snap, __ATOMIC_ACQUIRE);
}

/**
 * Add (@p add true) or remove @p vif's rx_fd to or from its owner's epoll set
 * (control thread). Returns 0, or -errno.
 */
int mv_dp_vif_watch(struct mv_dp *dp, struct mv_dp_vif *vif, bool add);

/** Sum a vif's counters over the workers. */
void mv_dp_vif_stats_sum(const struct mv_dp *dp, const struct mv_dp_vif *vif,
			 struct mv_vif_stats *out);

/** Sum a port's counters over the workers. */
void mv_dp_port_stats_sum(const struct mv_dp *dp, uint16_t port, struct mv_dp_port_stats *out);

/** The mbuf of a vif ring's entry (see mv_dp_vif.ring). */
static inline struct rte_mbuf *
mv_dp_ring_mbuf(void *entry)
{
	return (struct rte_mbuf *)((uintptr_t)entry & ~(uintptr_t)1);
}

/**
 * Free every mbuf left in @p ring, counting them as @p reason on @p port
 * (control thread, after the workers stopped using the ring).
 */
void mv_dp_drain_ring(struct mv_dp *dp, struct rte_ring *ring, uint16_t port, unsigned int reason);

#endif /* MV_DATAPATH_H */
