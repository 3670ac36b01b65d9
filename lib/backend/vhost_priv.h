/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_VHOST_PRIV_H
#define MV_VHOST_PRIV_H

/*
 * What the vhost-user backend's two files share: the backend (vhost.c:
 * create, destroy, the datapath, the control operations) and rte_vhost's
 * callbacks with the table of live backends they look their socket up in
 * (vhost_dev.c).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_rcu_qsbr.h>

#include "mv_backend.h"
#include "mv_backend_vhost.h"

/* enqueue calls after the first while the guest's ring takes frames (as OVS's tx-retries) */
#define VHOST_TX_RETRIES 8
/* destroy_device names a worker that has not reported after this long */
#define MV_VHOST_GRACE_WARN_MS 1000

struct vhost_backend {
	struct mv_backend base;

	/* owner lcore: read in every burst (vid and n_txq valid while ready) */
	uint32_t ready; /* atomic: a guest's driver is ready, vid usable */
	int vid;
	uint16_t n_txq; /* atomic: guest TX queues polled (odd vring ids 1, 3, ...) */
	uint16_t next_txq;
	struct rte_mempool *pool;

	/* owner lcore writes, the control thread reads (aligned 64-bit words) */
	uint64_t dequeued;
	uint64_t dequeue_calls_full; /* dequeue calls that filled the burst */
	uint64_t enqueue_no_guest;   /* frames with no guest ready */
	/*
	 * Multi-queue: the guest RX queue pairs workers may use, 0..tx_queues-1
	 * (atomic; consecutive enabled RX vrings from 0, at most queues and
	 * n_workers). Worker w uses pair (w - owner) mod n_workers: the
	 * owner pair 0, each other worker a pair of its own.
	 */
	uint16_t tx_queues;
	uint16_t owner;
	uint16_t n_workers;
	struct vhost_txq_stats {
		uint64_t enqueued;
		uint64_t retries; /* enqueue calls after the first of a burst */
		uint64_t full;    /* frames the guest's ring had no room for */
	} __rte_cache_aligned txq[MV_VHOST_MAX_QUEUES]; /* [k]: written by its worker only */

	/* set at create, then constant */
	char path[MV_VHOST_PATH_MAX + 1];
	char vif_name[32];
	bool client;
	uint16_t queues;  /* queue pairs the vif serves */
	uint64_t offered; /* the features offered to the guest */
	struct rte_rcu_qsbr *qsbr;
	void (*notify)(void *ctx);
	void *notify_ctx;

	/* under vhost_table.lock (callbacks on rte_vhost's threads, the control thread) */
	bool destroying;        /* no more notifications: destroy() runs */
	bool connected;         /* a guest's connection is open */
	int conn_vid;           /* its rte_vhost handle, -1 without */
	uint64_t features;      /* negotiated (when ready) */
	uint16_t guest_mtu;     /* 0: not negotiated */
	uint16_t n_vrings;      /* vrings the guest set up */
	uint64_t vring_enabled; /* bit q: vring q enabled (the first 64) */
	uint32_t mtu;           /* the vif's MTU */
	uint64_t connects;
	uint64_t disconnects;
	uint64_t refused; /* connections refused (a second guest) */
	/*
	 * Guest notifications (kicks) are turned off on every vring: at
	 * new_device on those that exist, and on the control thread for a
	 * vring enabled later (rte_vhost runs vring_state_changed with the
	 * queues' locks held, where its API cannot be called).
	 */
	uint64_t quieted;  /* vrings whose kicks are off (the first 64) */
	uint64_t to_quiet; /* enabled since, the control thread turns them off */

	/*
	 * Held by the control thread while it calls rte_vhost on the guest's
	 * vrings outside the table's lock, and by destroy_connection before the
	 * device is freed. Taken before vhost_table.lock, never in a callback
	 * rte_vhost runs with the queues' locks held.
	 */
	pthread_mutex_t quiet_lock;
	struct vhost_backend *next;
};

/* The table of live vhost backends, by socket path (vhost_dev.c). */
struct vhost_table {
	pthread_mutex_t lock;
	struct vhost_backend *head;
	unsigned int n_server;
	unsigned int n_client;
};

extern struct vhost_table vhost_table;
extern const struct rte_vhost_device_ops vhost_dev_ops;

/* vhost_dev.c: with vhost_table.lock held */
struct vhost_backend *vhost_table_find(const char *path);
/* The RX queue pairs workers may use now (vring_enabled, queues, workers). */
void vhost_update_tx_queues(struct vhost_backend *vb);
void vhost_quiet_new_vrings(struct vhost_backend *vb);
/* The negotiated features' names, comma-separated, into @p buf. */
void vhost_feature_names(uint64_t features, char *buf, size_t len);

#endif /* MV_VHOST_PRIV_H */
