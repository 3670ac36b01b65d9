/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_BACKEND_H
#define MV_BACKEND_H

/**
 * @file
 * A vif backend: where a vif's frames go to and come from (a TAP netdev, a
 * DPDK vdev, a null sink, later vhost-user). Most vifs cannot be ethdev ports
 * (Debian's DPDK allows 32), so this is the project's own small interface.
 *
 * Threading: create/destroy and every control operation run on the control
 * thread only. rx_burst and tx_burst run on the vif's owner lcore only, never
 * on two lcores at once, and never take a lock. destroy() is called only
 * after an RCU grace period, when no lcore can still be in rx/tx_burst.
 */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>

#include "mv_backend_args.h"
#include "mv_mac.h"

struct mv_backend;
struct mv_backend_xstat;
struct mv_backend_info;

/** What a backend is created with. */
struct mv_backend_params {
	const char *vif_name;     /**< the vif's name */
	mv_mac_t mac;             /**< the vif's MAC */
	uint32_t mtu;             /**< the vif's MTU */
	bool carrier;             /**< the vif's carrier (the lower's) */
	int socket_id;            /**< NUMA socket of the owner lcore */
	struct rte_mempool *pool; /**< mbufs for received frames */
	/**
	 * The backend's own options as the grammar parsed them against the
	 * kind's description (mv_backend_args.h, lib/ctl/backend_args_<kind>.c):
	 * read them with mv_backend_arg(args, "ifname"). Never NULL.
	 */
	const struct mv_backend_args *args;
	/**
	 * The datapath's QSBR variable. A backend whose peer leaves on a thread
	 * of its own (a vhost guest's destroy_device, a memif disconnect) first
	 * clears its own ready flag (atomic; rx/tx_burst check it), then calls
	 * rte_rcu_qsbr_synchronize(qsbr, RTE_QSBR_THRID_INVALID), and only then
	 * lets go of the peer's memory: no worker is inside a burst by then.
	 */
	struct rte_rcu_qsbr *qsbr;
	/**
	 * The backend's peer changed state (attached, ready, gone): callable
	 * from any thread, never blocks, may be called after destroy() was
	 * decided but not after it returned. The control thread then asks
	 * peer_state() and sets the vif's carrier, logs it and emits an event.
	 */
	void (*notify)(void *ctx);
	void *notify_ctx;
	/**
	 * Control thread: have the control loop call @p cb(@p arg), on the
	 * control thread, whenever @p fd is readable (@p cb NULL: stop watching
	 * @p fd). 0 or -errno. A backend whose side changes by itself (a TAP
	 * netdev changed from its namespace) watches a notification socket
	 * with it and calls notify for the vifs concerned. NULL: not available.
	 */
	int (*watch_fd)(void *ctx, int fd, void (*cb)(void *arg), void *arg);
	void *watch_ctx;
	/** The group of the sockets backends create (--socket-group); NULL: none. */
	const char *socket_group;
	uint16_t n_workers; /**< worker lcores of the datapath */
	uint16_t owner;     /**< the worker that owns the vif (calls rx/tx_burst) */
};

struct mv_backend_ops {
	const char *kind; /**< "tap", "vdev", "null" */
	/**
	 * A counting sink: whatever the vif receives is consumed. Workers count
	 * such deliveries on the vif and release the mbuf themselves, in bulk
	 * with their other frees, instead of calling tx_burst for each vif
	 * (a flood to sinks takes no reference per receiver).
	 */
	bool sink;
	/**
	 * Create the backend. On error return -errno and write one clear line
	 * into @p err (no trailing newline); nothing is left behind.
	 */
	int (*create)(const struct mv_backend_params *p, struct mv_backend **out, char *err,
		      size_t errlen);
	/** Release everything (after a grace period). Frees @p be. */
	void (*destroy)(struct mv_backend *be);

	/* datapath, owner lcore only */
	/** Receive up to @p n frames the vif's side sent; NULL: it never sends (not polled). */
	uint16_t (*rx_burst)(struct mv_backend *be, struct rte_mbuf **pkts, uint16_t n);
	/**
	 * Transmit up to @p n frames to the vif's side, in order. The first
	 * `return value` mbufs were delivered (the backend owns them): only
	 * they count as the vif's received frames. A backend stops at the
	 * first frame it cannot deliver and says why in be->tx_fail; the
	 * caller frees and counts that frame under the reason, and with it
	 * the rest of the burst unless the reason is MV_BACKEND_TX_REFUSED
	 * (that frame alone: the caller hands over the rest again).
	 */
	uint16_t (*tx_burst)(struct mv_backend *be, struct rte_mbuf **pkts, uint16_t n);
	/**
	 * Multi-queue: transmit from worker @p worker, not the owner, on a
	 * queue of that worker's own (a vhost guest's RX queue pair), as
	 * tx_burst does, the reason of a short return in @p fail (be->tx_fail
	 * is the owner's). Returns 0 with MV_BACKEND_TX_NO_QUEUE when the
	 * worker has no queue of its own now: the caller then hands the
	 * frames to the owner through the endpoint's ring, as without this op.
	 * Any worker but the owner, each on its own queue. NULL: only the
	 * owner transmits.
	 */
	uint16_t (*tx_burst_from)(struct mv_backend *be, uint16_t worker, struct rte_mbuf **pkts,
				  uint16_t n, uint8_t *fail);

	/**
	 * A file descriptor that is readable whenever rx_burst has frames, or
	 * NULL. Workers then wait for readiness on all such vifs with one
	 * epoll_wait instead of one rx_burst per vif and loop.
	 */
	int (*rx_fd)(struct mv_backend *be);

	/* control thread; any of these may be NULL when not applicable */
	int (*set_mac)(struct mv_backend *be, mv_mac_t mac);
	int (*set_mtu)(struct mv_backend *be, uint32_t mtu);
	int (*set_carrier)(struct mv_backend *be, bool on);
	int (*set_admin)(struct mv_backend *be, bool up);
	/** Is the backend's own side administratively up (TAP: IFF_UP)? -errno if unknown. */
	int (*get_admin)(struct mv_backend *be);
	/** The backend's own side's MAC (TAP: the netdev's), as it may be changed there. */
	int (*get_mac)(struct mv_backend *be, mv_mac_t *mac);
	/** The backend's own side's MTU (TAP: the netdev's), as it may be changed there. */
	int (*get_mtu)(struct mv_backend *be, uint32_t *mtu);
	/**
	 * The multicast groups the backend's side joined (TAP: its kernel
	 * stack's memberships). Writes at most @p max into @p out; returns the
	 * total count (may exceed @p max) or -errno.
	 */
	int (*get_mc)(struct mv_backend *be, mv_mac_t *out, uint32_t max);
	/** One line for `link show`, e.g. "tap ifname mv0 netns ns1". */
	void (*describe)(struct mv_backend *be, char *buf, size_t len);
	/**
	 * The backend's own counters as name/value pairs (xstats style):
	 * writes at most @p n into @p xs; returns the total count (may exceed
	 * @p n) or -errno. Optional: see mv_backend_stats_get().
	 */
	int (*stats_get)(struct mv_backend *be, struct mv_backend_xstat *xs, unsigned int n);
	/**
	 * Does the backend's own side still exist? 0; -ENODEV when it is gone
	 * (TAP: the netdev was deleted from its namespace; the backend can then
	 * only be destroyed, or replaced by a new one); -EOWNERDEAD when the
	 * place it lives in is gone (TAP: its named netns was deleted with `ip
	 * netns del`: as the kernel deletes a macvlan in a namespace that goes
	 * away, the vif is deleted). Optional: see mv_backend_check().
	 */
	int (*check)(struct mv_backend *be);
	/**
	 * Is a peer attached and ready (a vhost guest's driver, a memif peer)?
	 * 1 or 0; the vif has carrier only with one. Control thread, after a
	 * notify or at any time. Optional: see mv_backend_peer_state().
	 */
	int (*peer_state)(struct mv_backend *be);
	/**
	 * The backend's state as key/value strings for `link show -d` (JSON:
	 * "backend_info"): negotiated features, the peer, queues. Writes at
	 * most @p n into @p kv; returns the total count (may exceed @p n) or
	 * -errno. Optional: see mv_backend_info_get().
	 */
	int (*info_get)(struct mv_backend *be, struct mv_backend_info *kv, unsigned int n);
};

/** Why a tx_burst stopped short of @p n (struct mv_backend.tx_fail). */
enum mv_backend_tx_fail {
	MV_BACKEND_TX_FULL = 0, /**< no room now (EAGAIN, a full ring): the rest waits no more */
	MV_BACKEND_TX_DOWN,     /**< the backend's side is down (TAP: EIO): the rest too */
	MV_BACKEND_TX_GONE,     /**< the backend's side no longer exists: the rest too */
	MV_BACKEND_TX_REFUSED,  /**< this frame alone was refused (bad length, ...) */
	MV_BACKEND_TX_NO_PEER,  /**< no peer is attached (no guest): the rest too */
	MV_BACKEND_TX_NO_QUEUE, /**< tx_burst_from: no queue of the worker's own; nothing taken */
};

/**
 * The backend counter of frames the vif's side sent that were lost before
 * the program could read them (a TAP: its tun queue was full; the kernel
 * counts them as the netdev's TX drops). The vif's own TX dropped includes
 * it.
 */
#define MV_BACKEND_PEER_TX_DROPPED "peer_tx_dropped"

/** One counter of a backend (stats_get). */
struct mv_backend_xstat {
	char name[32];
	uint64_t value;
};

/** One key/value of a backend's state (info_get). */
struct mv_backend_info {
	char key[32];
	char value[160];
};

/** Every backend embeds this first. */
struct mv_backend {
	const struct mv_backend_ops *ops;
	/** enum mv_backend_tx_fail of the last short tx_burst (owner lcore only) */
	uint8_t tx_fail;
};

/** The backend's counters (see mv_backend_ops.stats_get); -ENOTSUP without any. */
static inline int
mv_backend_stats_get(struct mv_backend *be, struct mv_backend_xstat *xs, unsigned int n)
{
	if (be->ops->stats_get == NULL)
		return -ENOTSUP;
	return be->ops->stats_get(be, xs, n);
}

/** Whether the backend's side exists (see mv_backend_ops.check); -ENOTSUP if unknown. */
static inline int
mv_backend_check(struct mv_backend *be)
{
	if (be->ops->check == NULL)
		return -ENOTSUP;
	return be->ops->check(be);
}

/** Whether a peer is attached (see mv_backend_ops.peer_state); 1 without the op. */
static inline int
mv_backend_peer_state(struct mv_backend *be)
{
	if (be->ops->peer_state == NULL)
		return 1;
	return be->ops->peer_state(be);
}

/** The backend's state (see mv_backend_ops.info_get); -ENOTSUP without the op. */
static inline int
mv_backend_info_get(struct mv_backend *be, struct mv_backend_info *kv, unsigned int n)
{
	if (be->ops->info_get == NULL)
		return -ENOTSUP;
	return be->ops->info_get(be, kv, n);
}

extern const struct mv_backend_ops mv_backend_tap_ops;
extern const struct mv_backend_ops mv_backend_vdev_ops;
extern const struct mv_backend_ops mv_backend_null_ops;
extern const struct mv_backend_ops mv_backend_memif_ops;
extern const struct mv_backend_ops mv_backend_vhost_ops;

/**
 * A batch of backend destroys (the program's teardown): until
 * mv_backend_batch_end(), mv_backend_close_fd() only collects the fds, and
 * batch_end closes them from several threads at once and waits for them (a
 * TAP's close waits for a kernel grace period; serial, 1000 take 17 s).
 * Only where no name must be free at once. Control thread only.
 */
void mv_backend_batch_begin(void);
void mv_backend_batch_end(void);
/** Close @p fd: at once, or at mv_backend_batch_end() inside a batch. */
void mv_backend_close_fd(int fd);

/** Find a backend kind by name; NULL if unknown. */
const struct mv_backend_ops *mv_backend_find(const char *kind);

#endif /* MV_BACKEND_H */
