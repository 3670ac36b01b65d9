/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_DATAPATH_H
#define MV_DATAPATH_H

/**
 * @file
 * The datapath: worker lcores poll the physical ports and the vif backends,
 * classify with the core (mv_classify.h) and execute the verdicts.
 *
 * Workers read configuration only through an immutable snapshot published by
 * the control thread (mv_dp_commit) and protected by rte_rcu_qsbr: a worker
 * loads the snapshot pointer once per loop and reports quiescence at the end
 * of the loop, after it has flushed every frame it staged. The control
 * thread frees a replaced snapshot, and the endpoints only it referenced,
 * after a grace period. Workers take no lock and make no syscall except a backend's
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
#include "mv_policer.h"
#include "mv_port.h"

struct mv_dp;
struct dp_retired;

#define MV_DP_MAX_BURST           256
#define MV_DP_MAX_WORKERS         64
#define MV_DP_MAX_ENDPOINTS       16384 /**< endpoints over all ports (global ids) */
#define MV_DP_MAX_RXQ             64    /**< rx queues one worker polls */
#define MV_DP_DEFAULT_FLOOD_SHARE 50    /**< see mv_dp.flood_share */
/** The longest the control thread waits for a grace period (retire.c). */
#define MV_DP_GRACE_WAIT_MS 1000
/** How long mv_dp_stop waits for a worker to return from its loop. */
#define MV_DP_STOP_WAIT_MS 2000

/** Datapath drop reasons beyond the classifier's (enum mv_drop). */
enum mv_dp_drop {
	MV_DP_DROP_LOWER_NO_HOST = MV_DROP__COUNT, /**< for the lower's stack: no host interface */
	MV_DP_DROP_BC_QUEUE_FULL, /**< broadcast queue full (the lower's rx_dropped) */
	MV_DP_DROP_VIF_RING_FULL, /**< the endpoint's ring is full (vif rx_dropped) */
	MV_DP_DROP_BACKEND_FULL,  /**< the backend refused it (vif rx_dropped) */
	MV_DP_DROP_WIRE_FULL,     /**< the port's tx queue is full */
	MV_DP_DROP_STOPPED,       /**< left in a ring when the program stopped */
	MV_DP_DROP_VIF_GONE,      /**< queued for a vif that was deleted */
	/**
	 * from the wire: longer than the port accepts; from a backend: longer
	 * than the vif's MTU + MV_DP_RX_L2_OVERHEAD; either: pkt_len/nb_segs
	 * not the chain's
	 */
	MV_DP_DROP_RX_BAD_LENGTH,
	MV_DP_DROP_BACKEND_DOWN,  /**< the backend's side is down (TAP netdev down: EIO) */
	MV_DP_DROP_BACKEND_GONE,  /**< the backend's side no longer exists (TAP netdev deleted) */
	MV_DP_DROP_BACKEND_ERROR, /**< the backend refused that one frame */
	MV_DP_DROP_BACKEND_NO_PEER, /**< no peer attached to the backend (a vhost vif without guest) */
	MV_DP_DROP_TX_BCRATE,       /**< sent by a vif over its broadcast/multicast rate (bcrate) */
	MV_DP_DROP__COUNT
};

/**
 * The L2 overhead a port accepts from the wire beyond its MTU: an Ethernet
 * header and one VLAN tag, without FCS (PMDs strip it), as the kernel's
 * receive path of a lower device does (is_skb_forwardable(): MTU +
 * hard_header_len + VLAN_HLEN; a veth lower at MTU 1500 drops a 1519-byte
 * frame).
 */
#define MV_DP_WIRE_L2_OVERHEAD (14 + 4)

/**
 * The L2 overhead beyond a vif's MTU a frame its backend sends may have
 * before it is dropped as rx-bad-length: an Ethernet header and two VLAN
 * tags (the classifier then applies the packet socket's exact limit,
 * tx-mtu).
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

/** Per-worker counters of one endpoint (one cache line; summed by the control thread). */
struct mv_dp_endpoint_stats {
	struct mv_vif_stats s;
} __rte_cache_aligned;

/**
 * What an endpoint stands for. Only vifs exist today; the port's host
 * interface (the target of MV_ACT_LOWER) and vhost/memif queues will be
 * endpoints of their own kinds, placed and released the same way.
 */
enum mv_dp_endpoint_kind {
	MV_DP_EP_VIF = 0, /**< a macvlan vif: slot @c slot of port @c port */
};

/**
 * An endpoint: a backend, a ring unless the backend is a sink, the worker
 * that owns it (drains the ring, calls the backend) and per-worker
 * counters. Created, placed and released by the datapath
 * (mv_dp_endpoint_create / mv_dp_endpoint_release); the control thread owns
 * it, workers see it only through a snapshot.
 */
struct mv_dp_endpoint {
	/**
	 * Deliveries from other workers: MP enqueue, drained by the owner;
	 * NULL for a sink. An entry is the mbuf's address, its bit 0 set when
	 * the delivery counts as multicast (mv_dp_ring_mbuf).
	 */
	struct rte_ring *ring;
	/** replaced only by the control thread (mv_dp_endpoint_replace_backend) */
	struct mv_backend *be;
	bool sink; /**< be->ops->sink: deliveries are counted and freed */
	/** be->ops->tx_burst_from: other workers may transmit on queues of their own */
	bool tx_from_any;
	uint8_t kind;       /**< enum mv_dp_endpoint_kind */
	uint16_t port;      /**< index of the physical port */
	uint16_t slot;      /**< slot in the port's fib */
	uint16_t owner;     /**< worker index that drains and polls it */
	uint32_t id;        /**< global id, < MV_DP_MAX_ENDPOINTS */
	uint32_t scheduled; /**< on its owner's pending ring (atomic flag) */
	bool gone; /**< control thread: the backend's side is gone (mv_dp_endpoint_set_gone) */
	struct mv_dp_endpoint *next_released; /**< control thread: the release queue */
	/* its owner's only (the worker that reads its backend) */
	int64_t flood_credit;     /**< TSC cycles its floods may still take (pace.c) */
	uint64_t flood_mark;      /**< the owner's sender earnings when last topped up */
	struct mv_policer bcrate; /**< its broadcast/multicast policer's bucket */
	/** [n_workers + 1], allocated with the endpoint: one line per worker after its own */
	struct mv_dp_endpoint_stats stats[] __rte_cache_aligned;
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
	uint64_t loops;        /**< poll loops */
	uint64_t busy_loops;   /**< loops that handled at least one frame */
	uint64_t busy_cycles;  /**< TSC cycles spent in busy loops */
	uint64_t frames;       /**< frames received (wire, backends, broadcast queue) */
	uint64_t sender_waits; /**< reads of a vif put off: its floods were in debt (pace.c) */
} __rte_cache_aligned;

struct mv_dp_rxq {
	uint16_t port;
	uint16_t queue;
};

/** What one worker does, as of one snapshot. */
struct mv_dp_worker_conf {
	uint16_t n_rxq;
	struct mv_dp_rxq rxq[MV_DP_MAX_RXQ];
	uint32_t n_poll;
	struct mv_dp_endpoint **poll; /**< endpoints it owns to poll (rx_burst without rx_fd) */
	uint32_t n_fd;                /**< endpoints it owns polled through its epoll set */
};

struct mv_dp_port {
	bool active;
	uint16_t port_id;
	uint16_t bc_owner; /**< worker that drains the broadcast queue */
	const struct mv_fib *fib;
	struct mv_dp_endpoint **vifs; /**< [fib->n_slots]: the vifs' endpoints, by slot */
	uint8_t *sink; /**< [fib->n_slots]: enum mv_dp_slot_kind, without the endpoint's line */
	uint32_t rx_max_len;      /**< longest frame accepted from the wire (MTU + L2 overhead) */
	struct rte_ring *bc_ring; /**< broadcast queue (mbufs from the wire) */
};

/** An immutable configuration snapshot. */
struct mv_dp_snapshot {
	uint64_t seq; /**< set when published: tells snapshots apart, unlike their address */
	bool forwarding;
	uint16_t n_workers;
	struct mv_dp_port ports[MV_MAX_PORTS];
	struct mv_dp_worker_conf workers[MV_DP_MAX_WORKERS];
};

/** Arguments of a worker lcore. */
struct mv_dp_worker_arg {
	struct mv_dp *dp;
	uint16_t index;
};

/** A physical port as the datapath uses it (mv_dp_port_attach). */
struct mv_dp_port_conf {
	bool attached;
	uint16_t port_id;             /**< ethdev port */
	uint16_t n_rxq;               /**< rx queues, spread over the workers */
	uint32_t max_rx_pktlen;       /**< the device's own receive limit (0: none) */
	struct rte_ring *bc_ring;     /**< its broadcast queue (the caller's) */
	struct mv_dp_endpoint **vifs; /**< [MV_PORT_MAX_VIFS]: live vif endpoints by slot */
};

/** How the datapath is set up (mv_dp_init). */
struct mv_dp_config {
	const struct mv_ctl *ctl; /**< the core's tables, read by mv_dp_commit */
	uint16_t n_workers;
	const unsigned int *lcores; /**< [n_workers]: the worker lcores */
	uint16_t burst;
	uint32_t flood_share; /**< 0: MV_DP_DEFAULT_FLOOD_SHARE */
	int socket_id;        /**< for the datapath's own structures */
};

/** The datapath's long-lived state. Everything but the atomics is the control thread's. */
struct mv_dp {
	struct mv_dp_snapshot *snap; /**< current snapshot (atomic pointer) */
	uint64_t seq;                /**< snapshots published so far */
	struct rte_rcu_qsbr *qsbr;
	const struct mv_ctl *ctl;
	uint16_t n_workers;
	uint16_t burst;
	/**
	 * Percent of a busy worker's time the broadcast queue may take (1..100;
	 * 100: no limit). A worker is busy in a loop that received frames; an
	 * idle one floods without limit. Set before the workers start.
	 */
	uint32_t flood_share;
	bool quit;     /**< atomic: workers return */
	bool draining; /**< atomic: stop receiving, keep delivering what is queued */
	bool started;
	unsigned int lcore[MV_DP_MAX_WORKERS];
	struct mv_dp_worker_arg wargs[MV_DP_MAX_WORKERS];
	/**
	 * Per worker: (port, slot) of the endpoints it owns whose ring got
	 * frames, so a worker drains only rings with work instead of scanning.
	 */
	struct rte_ring *pending[MV_DP_MAX_WORKERS];
	/** Per worker: epoll set of its endpoints' rx_fd (data: port << 16 | slot). */
	int epfd[MV_DP_MAX_WORKERS];
	/** [MV_MAX_PORTS] each; index n_workers belongs to the control thread */
	struct mv_dp_port_stats *port_stats[MV_DP_MAX_WORKERS + 1];
	struct mv_dp_worker_stats worker_stats[MV_DP_MAX_WORKERS];

	/* endpoints (endpoint.c) */
	struct mv_dp_port_conf ports[MV_MAX_PORTS];
	struct mv_dp_endpoint **by_id; /**< [MV_DP_MAX_ENDPOINTS]: live and released */
	uint16_t *free_ids;            /**< [MV_DP_MAX_ENDPOINTS]: a stack */
	uint32_t n_free_ids;
	uint32_t load[MV_DP_MAX_WORKERS]; /**< live endpoints per owner */
	/** retired objects whose grace period had not passed in time (retire.c) */
	struct dp_retired *retired;
	struct dp_retired **retired_tail;
	uint32_t n_retired;
	/** released, freed after the grace period of the next publish */
	struct mv_dp_endpoint *released;
	struct mv_dp_endpoint **released_tail;
	uint32_t n_released;

	/* what the last publish was built from (snapshot.c) */
	bool forwarding;            /**< wanted (mv_dp_set_forwarding) */
	uint64_t changes;           /**< the datapath's own changes: endpoints, ports, forwarding */
	uint64_t published_changes; /**< changes as of the last publish */
	uint32_t published_ports;   /**< bit p: port p was in the last snapshot */
	uint64_t published_gen[MV_MAX_PORTS]; /**< each port's generation as published */
};

/** Initialise the datapath. Returns 0 or -errno. */
int mv_dp_init(struct mv_dp *dp, const struct mv_dp_config *cfg);

/**
 * Free everything (after mv_dp_stop): the last snapshot, every endpoint
 * (released or not; rings drained, backends destroyed).
 */
void mv_dp_fini(struct mv_dp *dp);

/**
 * Use ethdev port @p port_id as the core's port @p port: @p n_rxq rx queues,
 * frames up to the port's MTU + MV_DP_WIRE_L2_OVERHEAD and at most
 * @p max_rx_pktlen (0: no device limit),
 * broadcast queue @p bc_ring (the caller's; the datapath drains it, the
 * caller frees it). Returns 0 or -errno.
 */
int mv_dp_port_attach(struct mv_dp *dp, uint16_t port, uint16_t port_id, uint16_t n_rxq,
		      uint32_t max_rx_pktlen, struct rte_ring *bc_ring);

/** Launch the worker loops on their lcores. Returns 0 or -errno. */
int mv_dp_start(struct mv_dp *dp);

/**
 * Stop the workers: stop receiving, deliver what is queued (for at most a
 * second while forwarding), wait for a grace period, stop the loops and wait
 * for the lcores; what is left in an endpoint's ring is freed and counted as
 * MV_DP_DROP_STOPPED. Every wait is bounded: -EBUSY (logged) when a worker
 * does not return within MV_DP_STOP_WAIT_MS (stuck in a backend or driver
 * call); then nothing the workers use may be freed (the process should
 * exit as it is).
 */
int mv_dp_stop(struct mv_dp *dp);

/**
 * Free what was retired (a replaced snapshot, released endpoints, a
 * replaced backend) whose grace period has passed since; never waits.
 * mv_dp_commit calls it. Returns how many objects still wait (a worker does
 * not report).
 */
unsigned int mv_dp_reclaim(struct mv_dp *dp);

/** The worker loop (rte_eal_remote_launch entry point); returns when dp->quit is set. */
int mv_dp_worker_main(void *arg);

/** Forward (or not) as of the next commit. */
void mv_dp_set_forwarding(struct mv_dp *dp, bool on);

/**
 * Publish a snapshot if anything it is built from moved since the last
 * publish: a port's generation (the core bumps it on every table change), a
 * port attached or removed, an endpoint created or released, the forwarding
 * flag. Waits for the grace period, then frees the replaced snapshot and the
 * endpoints released before the publish. Returns 1 if it published, 0 if
 * nothing moved, -errno if it could not (nothing is lost: the next commit
 * tries again).
 */
int mv_dp_commit(struct mv_dp *dp);

/** Current snapshot (control thread). */
static inline struct mv_dp_snapshot *
mv_dp_current(const struct mv_dp *dp)
{
	return __atomic_load_n(&dp->snap, __ATOMIC_ACQUIRE);
}

/** How an endpoint is created (mv_dp_endpoint_create). */
struct mv_dp_endpoint_params {
	uint8_t kind;       /**< enum mv_dp_endpoint_kind */
	uint16_t port;      /**< the core's port */
	uint16_t slot;      /**< MV_DP_EP_VIF: the vif's slot */
	bool sink;          /**< the backend will be a sink: no ring */
	uint32_t ring_size; /**< ring entries (power of 2) */
	/**
	 * Create the backend on NUMA node @p socket_id (the owner's), for
	 * worker @p owner. Returns 0 or -errno with one line in @p err.
	 */
	int (*backend_create)(void *arg, int socket_id, uint16_t owner, struct mv_backend **be,
			      char *err, size_t errlen);
	void *arg;
};

/**
 * Create an endpoint: a global id, the least loaded worker as its owner, its
 * memory and ring on the owner's NUMA node, the backend (through
 * @p p->backend_create), the owner's epoll set. The next commit publishes
 * it. Returns 0, or -errno with one line in @p err and nothing left behind.
 */
int mv_dp_endpoint_create(struct mv_dp *dp, const struct mv_dp_endpoint_params *p,
			  struct mv_dp_endpoint **out, char *err, size_t errlen);

/**
 * Release @p ep: withdrawn from the next snapshot at once and freed (its ring
 * drained as MV_DP_DROP_VIF_GONE, its backend destroyed, its id returned)
 * after the grace period of the first publish that no longer references it.
 */
void mv_dp_endpoint_release(struct mv_dp *dp, struct mv_dp_endpoint *ep);

/**
 * The backend's side of @p ep is gone (@p gone true: out of its owner's
 * epoll set, deliveries dropped in place as backend-gone, as of the next
 * commit) or back (after mv_dp_endpoint_replace_backend). Returns 0 or
 * -errno (the epoll set refused it; the flag is set anyway).
 */
int mv_dp_endpoint_set_gone(struct mv_dp *dp, struct mv_dp_endpoint *ep, bool gone);

/**
 * Give @p ep the backend @p be: the old one is destroyed after a grace
 * period (workers load the pointer once per use).
 */
void mv_dp_endpoint_replace_backend(struct mv_dp *dp, struct mv_dp_endpoint *ep,
				    struct mv_backend *be);

/** The live vif endpoint in @p slot of @p port, or NULL. */
struct mv_dp_endpoint *mv_dp_endpoint_at(const struct mv_dp *dp, uint16_t port, uint16_t slot);

/** Sum an endpoint's counters over the workers. */
void mv_dp_endpoint_stats_sum(const struct mv_dp *dp, const struct mv_dp_endpoint *ep,
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
 * (control thread, when no worker uses the ring).
 */
void mv_dp_drain_ring(struct mv_dp *dp, struct rte_ring *ring, uint16_t port, unsigned int reason);

#endif /* MV_DATAPATH_H */
