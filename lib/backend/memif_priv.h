/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MEMIF_PRIV_H
#define MEMIF_PRIV_H

/*
 * The memif backend's parts (lib/backend/memif*.c):
 *   memif.c       the backend ops (create, destroy, state, counters)
 *   memif_sock.c  the sockets by path, the memif thread, connections' I/O
 *   memif_ctrl.c  one connection's messages: the protocol steps' effects
 *   memif_ring.c  the shared memory: regions, rings, rx/tx bursts
 *
 * Threads: the control thread creates and destroys backends; the memif
 * thread (one per process, "mv-memif") accepts, connects, reads and writes
 * the control sockets and maps and unmaps the peers' memory; the owner lcore
 * runs rx/tx_burst. memif_lock (a mutex of the control side: never taken on
 * an lcore) guards the sockets, the connections and each backend's control
 * fields. Workers only see `ready` (acquire) and, while it is 1, `rings`.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include "mv_backend.h"
#include "mv_memif_msg.h"

/** The frames of a burst we copy at most (mbufs allocated in bulk). */
#define MEMIF_BURST_MAX 64
/** Our rings (client role): 2^10 slots of 2048 bytes, as DPDK's default. */
#define MEMIF_CLIENT_LOG2_RING   10
#define MEMIF_CLIENT_BUFFER_SIZE 2048
/** Connections not yet bound to a vif, per socket (a peer cannot hoard fds). */
#define MEMIF_MAX_PENDING 32
/** How long an accepted connection may take to send its INIT. */
#define MEMIF_INIT_TIMEOUT_MS 5000
/** How often a client-role vif tries its peer's socket again. */
#define MEMIF_RECONNECT_MS 500

struct memif_region {
	uint8_t *addr;
	uint64_t size;
	int fd;
};

/** One connection's shared memory, as the workers use it. */
struct memif_rings {
	struct memif_region region[MV_MEMIF_MAX_REGIONS];
	uint16_t n_regions;
	bool we_allocate;              /**< client role: our region, our buffers */
	struct mv_memif_layout layout; /**< client role */
	uint8_t *ring[2];              /**< [enum mv_memif_ring_dir] */
	uint16_t size[2];              /**< slots */
	int intr_fd[2];                /**< the ring's interrupt eventfd */
	uint8_t rx_dir, tx_dir;        /**< server: C2S, S2C; client: S2C, C2S */
};

struct memif_socket;
struct memif_conn;

struct memif_backend {
	struct mv_backend base;
	/* ---- datapath: the owner lcore (ready and rings: acquire) ---- */
	uint32_t ready;
	struct memif_rings *rings;
	uint16_t rx_cur;    /**< next slot to read */
	uint16_t rx_head;   /**< client: the S2C head we refilled to */
	uint16_t tx_cur;    /**< next slot to write */
	uint32_t max_frame; /**< MTU + Ethernet header + a VLAN tag */
	uint32_t mbuf_room;
	struct rte_mempool *pool;
	uint64_t rx_frames, rx_bytes;
	uint64_t rx_bad_desc; /**< a descriptor outside its region or buffer, a cut chain */
	uint64_t rx_runt;     /**< shorter than an Ethernet header */
	uint64_t rx_too_long; /**< above the MTU or an mbuf */
	uint64_t rx_nombuf;   /**< polls the mempool could not serve */
	uint64_t tx_frames, tx_bytes;
	uint64_t tx_full;     /**< bursts cut short: the peer's ring was full */
	uint64_t tx_no_peer;  /**< bursts refused: no peer */
	uint64_t tx_bad_desc; /**< the peer offered a buffer outside its region */
	uint64_t tx_interrupts;
	uint64_t bad_ring; /**< the peer's head or tail made no sense */
	/* ---- control side, under memif_lock ---- */
	TAILQ_ENTRY(memif_backend) next; /**< in its socket */
	struct memif_socket *sock;
	struct memif_conn *conn; /**< the connection bound to this vif, or NULL */
	uint32_t id;
	bool client; /**< role client: we connect and allocate */
	char secret[MV_MEMIF_SECRET_SIZE + 1];
	char vif_name[MV_MEMIF_NAME_SIZE + 1];
	char peer_name[MV_MEMIF_NAME_SIZE + 1];
	char peer_if_name[MV_MEMIF_NAME_SIZE + 1];
	char last_error[160];
	uint64_t connects, disconnects, refused;
	uint64_t next_try_ms; /**< client: when to connect again */
	struct rte_rcu_qsbr *qsbr;
	void (*notify)(void *ctx);
	void *notify_ctx;
};

TAILQ_HEAD(memif_backend_list, memif_backend);

/** A socket path and the vifs that name it. */
struct memif_socket {
	TAILQ_ENTRY(memif_socket) next;
	char path[MV_MEMIF_SOCKET_PATH_MAX + 1];
	char group[64];
	bool server;   /**< role server: we listen */
	int listen_fd; /**< server: -1 otherwise */
	uint32_t handle;
	struct memif_backend_list vifs;
	unsigned int n_vifs;
	unsigned int n_pending;
};

/** One control connection (accepted, or ours to the peer's socket). */
struct memif_conn {
	int fd;
	uint32_t handle;
	struct memif_socket *sock; /**< server: the listening socket it came from */
	struct memif_backend *vif; /**< the vif it is bound to (client: from the start) */
	struct mv_memif_conn proto;
	int region_fd[MV_MEMIF_MAX_REGIONS];
	int ring_fd[2];
	struct memif_rings *rings; /**< while connected */
	uint64_t accepted_ms;      /**< server: when it was accepted */
};

extern pthread_mutex_t memif_lock;

/* memif_sock.c */
int memif_socket_attach(struct memif_backend *mb, const char *path, const char *group, char *err,
			size_t errlen);
void memif_socket_detach(struct memif_backend *mb);
/** Wake the memif thread (a client vif to connect). */
void memif_thread_kick(void);
/** Close @p c (DISCONNECT with @p reason first, if not NULL). Under memif_lock. */
void memif_conn_close(struct memif_conn *c, const char *reason);
int memif_conn_send(struct memif_conn *c, const struct mv_memif_msg *m, int fd);
uint64_t memif_now_ms(void);

/* memif_ctrl.c */
struct memif_conn *memif_conn_new(int fd, struct memif_socket *sock, struct memif_backend *vif);
/** Server: send the HELLO of an accepted connection (closes it on failure). */
void memif_conn_hello(struct memif_conn *c);
void memif_conn_free_fds(struct memif_conn *c);
/** One message read from @p c: -1 when the connection must close. */
int memif_conn_handle(struct memif_conn *c, const struct mv_memif_msg *m, int fd);
/** The vif's peer went: workers stop, then the memory goes. Under memif_lock. */
void memif_vif_disconnect(struct memif_backend *mb, const char *why);

/* memif_ring.c */
/**
 * A region the peer sends: its file holds @p size bytes and cannot shrink
 * under a mapping (F_SEAL_SHRINK, added if the peer did not). 0 or -EINVAL.
 */
int memif_region_check(int fd, uint64_t size, unsigned int i, char *err, size_t errlen);
/** Map the peer's regions and check the rings (server); -errno with @p err. */
int memif_rings_map(struct memif_conn *c, char *err, size_t errlen);
/** Allocate our region and eventfds (client); -errno with @p err. */
int memif_rings_alloc(struct memif_conn *c, char *err, size_t errlen);
/** Make the rings live (cursors, interrupt mask, the client's first refill). */
void memif_rings_start(struct memif_backend *mb, struct memif_rings *r);
void memif_rings_free(struct memif_rings *r);
uint16_t memif_rx_burst(struct mv_backend *be, struct rte_mbuf **pkts, uint16_t n);
uint16_t memif_tx_burst(struct mv_backend *be, struct rte_mbuf **pkts, uint16_t n);

static inline struct memif_backend *
memif_of(struct mv_backend *be)
{
	return (struct memif_backend *)be;
}

#endif /* MEMIF_PRIV_H */
