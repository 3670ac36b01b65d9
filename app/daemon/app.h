/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_APP_H
#define MV_APP_H

/*
 * The dpdk-macvlan program's control-thread state. Everything here belongs to
 * the control thread (the main lcore); workers see only the datapath
 * snapshot built from it (mv_datapath.h).
 */

#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_ethdev.h>
#include <rte_mempool.h>

#include "mv_backend.h"
#include "mv_backend_args.h"
#include "mv_control.h"
#include "mv_datapath.h"
#include "mv_link_events.h"
#include "mv_port.h"

#define APP_DEFAULT_BURST     32
#define APP_DEFAULT_RING_SIZE 1024
#define APP_MEMPOOL_CACHE     256
/** mbufs the default pool keeps for frames in vif rings and backends */
#define APP_VIF_MBUFS    8192
#define APP_BC_RING_SIZE 4096
#define APP_RX_DESC      1024
#define APP_TX_DESC      1024

struct app_options {
	bool interactive;
	const char *cmdline_file;
	unsigned int stats_period; /**< seconds, 0: off */
	uint16_t burst;
	uint32_t ring_size;
	uint32_t mbufs;           /**< 0: sized from the ports and workers (app_default_mbufs) */
	uint32_t flood_share;     /**< percent, see mv_dp.flood_share */
	const char *ctl_socket;   /**< --ctl-socket: NULL for the default, "none": off */
	const char *ctl_group;    /**< --ctl-group: the socket's group (NULL: root's) */
	const char *socket_group; /**< --socket-group: vhost/memif sockets' group (NULL: root's) */
};

/** The application's part of a vif (mv_vif.priv). */
struct app_vif {
	struct mv_dp_endpoint *ep; /**< the datapath's side: ring, owner, counters */
	const struct mv_backend_ops *ops;
	struct mv_backend_args args; /**< the backend's options, as `link add` gave them */
	bool tap_admin;              /**< last IFF_UP seen on the backend's side */
	bool be_gone;                /**< the backend's side was deleted: carrier off, not polled */
	bool peer_up;                /**< the backend's peer is attached (mv_backend_peer_state) */
	uint64_t serial;             /**< tells vifs apart in a backend's notify (never reused) */
	struct mv_mac_map mirrored;  /**< groups joined because the backend's stack joined them */
	struct mv_vif_stats base;    /**< the counters at the last `clear link stats` */
};

/** A port's counters at the last `clear port stats` (show.c shows what came since). */
struct app_port_base {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t lower_packets;
	uint64_t drops[MV_DP_DROP__COUNT];
	struct rte_eth_stats nic;
};

/** The application's part of a physical port (mv_port.priv). */
struct app_port {
	uint16_t port_id;
	uint16_t n_rxq;
	uint16_t n_txq;
	bool lsc;               /**< the driver raises link-state interrupts */
	uint32_t max_rx_pktlen; /**< the device's own receive limit (dev_info) */
	/** net_af_packet: the kernel netdev it binds, whose carrier the driver does not report */
	char kernel_iface[MV_IFNAMSIZ];
	struct rte_ring *bc_ring; /**< the port's broadcast queue */
	/* what the NIC's receive filter holds now */
	struct mv_rx_filter programmed;
	uint32_t boot_mtu; /**< the MTU the port had at start (show config writes a change) */
	struct app_port_base base;
	bool promisc_lost;  /**< promiscuous mode wanted and refused (logged once) */
	bool allmulti_lost; /**< allmulticast wanted, refused, and not covered by promisc */
};

struct app_watch;

struct app {
	struct app_options opt;
	struct app_watch *watches; /**< fds watched for backends (watch.c) */
	/* the groups a backend's stack joined, read once per poll (vifs.c) */
	mv_mac_t *mc_scratch;
	uint32_t mc_scratch_cap;
	struct mv_ctl ctl;
	struct mv_dp dp;
	struct rte_mempool *pool;
	uint16_t n_workers;
	unsigned int worker_lcore[MV_DP_MAX_WORKERS];
	bool forwarding;
	bool quit;                     /**< `quit` was entered */
	bool hold;                     /**< no forwarding yet (the command file is running) */
	struct app_loop *loop;         /**< the control loop (loop.c), while it runs */
	struct app_queue *queue;       /**< work other threads hand over (ctl_queue.c) */
	struct app_ctl_server *server; /**< the control socket (ctl_server.c); NULL: none */
	struct app_events *events;     /**< the event log (events.c) */
};

extern volatile sig_atomic_t app_signal;
/** Set by the control loop while a shell runs at a terminal: SIGINT clears its line. */
extern volatile sig_atomic_t app_sigint_clears;
/** A SIGINT for the shell (app_sigint_clears) waits for the control loop. */
extern volatile sig_atomic_t app_sigint_pending;

/* ports.c: physical ports */
int app_ports_init(struct app *app);
void app_ports_fini(struct app *app);
struct mv_port *app_port_resolve(struct app *app, const char *name);
int app_port_sync_filter(struct app *app, struct mv_port *port);
void app_ports_poll_link(struct app *app);
int app_port_set_admin(struct app *app, struct mv_port *port, bool up);
int app_port_set_mtu(struct app *app, struct mv_port *port, uint32_t mtu);
int app_port_set_mac(struct app *app, struct mv_port *port, mv_mac_t mac);
void app_apply_deltas(struct app *app, struct mv_port *port, const struct mv_deltas *d);

/* vifs.c: vif lifecycle with backends */
/** A vif on @p port with the backend @p be asks for (kind "": the default, tap). */
int app_vif_add(struct app *app, struct mv_port *port, const struct mv_vif_config *cfg,
		const struct mv_backend_args *be, char *err, size_t errlen);
void app_vif_del(struct app *app, struct mv_vif *vif);
void app_vifs_poll_backends(struct app *app);
/**
 * Every vif of every port, in port order: the first with @p vif NULL, then
 * the one after @p vif; NULL after the last. Nothing may be deleted between.
 */
struct mv_vif *app_vif_next(struct app *app, struct mv_vif *vif);
int app_vif_set_up(struct app *app, struct mv_vif *vif, bool up);
/**
 * The vif's carrier, the lower's as the core set it, taken away when its
 * backend is gone or has no peer (a vhost vif without guest). Returns it.
 */
bool app_vif_fix_carrier(struct mv_vif *vif);
int app_vif_set_mac(struct mv_vif *vif, mv_mac_t mac);
int app_vif_set_mtu(struct mv_vif *vif, uint32_t mtu);

/**
 * ports.c: let the datapath publish what changed (mv_dp_commit), then bring
 * the NICs' filters in line. Returns mv_dp_commit()'s result.
 */
int app_commit(struct app *app);

/* shell.c: the shell on stdin (DPDK cmdline) and --cmdline-file */
struct app_shell;
int app_run_cmdline_file(struct app *app, const char *path);
struct app_shell *app_shell_new(struct app *app);
/**
 * Feed @p len bytes of the shell's input (@p tty: stdin is a terminal).
 * Returns 1 when the input ended (^D on an empty line at a terminal), else 0.
 */
int app_shell_input(struct app_shell *sh, const char *buf, int len, bool tty);
/** SIGINT at an interactive terminal: the line being typed is cleared (as ^C). */
void app_shell_sigint(struct app_shell *sh);
/** Each turn of the control loop: redraw the line if another thread printed over it. */
void app_shell_poll(struct app_shell *sh);
void app_shell_free(struct app_shell *sh);

/* loop.c: the control thread's event loop, until quit or a signal */
int app_control_loop(struct app *app);

#endif /* MV_APP_H */
