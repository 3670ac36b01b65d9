/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_PORT_H
#define MV_PORT_H

/**
 * @file
 * The control-plane objects: the lower port, its vifs and their source
 * entries; the user-space counterparts of the kernel's macvlan_port,
 * macvlan_dev and macvlan_source_entry.
 *
 * These tables belong to the control thread alone. The datapath never reads
 * them: it reads an immutable forwarding snapshot (mv_fib.h) built from them.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include "mv_mac.h"
#include "mv_mac_map.h"

/** Vif modes; the values are the kernel's MACVLAN_MODE_* bits. */
enum mv_mode {
	MV_MODE_PRIVATE = 1,
	MV_MODE_VEPA = 2,
	MV_MODE_BRIDGE = 4,
	MV_MODE_PASSTHRU = 8,
	MV_MODE_SOURCE = 16,
};
#define MV_MODE_ALL                                                                                \
	(MV_MODE_PRIVATE | MV_MODE_VEPA | MV_MODE_BRIDGE | MV_MODE_PASSTHRU | MV_MODE_SOURCE)
#define MV_MODE_DEFAULT MV_MODE_VEPA

/** Vif flags; the values are the kernel's MACVLAN_FLAG_* bits. */
#define MV_FLAG_NOPROMISC 1u
#define MV_FLAG_NODST     2u
#define MV_FLAGS_ALL      (MV_FLAG_NOPROMISC | MV_FLAG_NODST)

/** Source-list operations; the values are the kernel's MACVLAN_MACADDR_*. */
enum mv_macaddr_op {
	MV_MACADDR_NONE = -1,
	MV_MACADDR_ADD = 0,
	MV_MACADDR_DEL = 1,
	MV_MACADDR_FLUSH = 2,
	MV_MACADDR_SET = 3,
};

#define MV_IFNAMSIZ                16 /**< as IFNAMSIZ: 15 characters and a NUL */
#define MV_MAX_PORTS               32
#define MV_PORT_MAX_VIFS           4096
#define MV_PORT_MAX_SOURCE_ENTRIES 65536
#define MV_PORT_MAX_GROUPS         65536 /**< distinct multicast groups over a port's vifs */
#define MV_MIN_MTU                 68
#define MV_DEFAULT_MAX_MTU         65535
#define MV_DEFAULT_BC_QUEUE_LEN    1000
#define MV_DEFAULT_BC_CUTOFF       1
#define MV_SLOT_NONE               UINT16_MAX

/** Per-vif counters, the kernel's set (ip -s link). */
struct mv_vif_stats {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t rx_multicast;
	uint64_t rx_errors;
	uint64_t rx_dropped;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t tx_dropped;
};

struct mv_port;

/** A macvlan virtual interface. */
struct mv_vif {
	TAILQ_ENTRY(mv_vif) next; /**< in the port's vifs, creation order */
	char name[MV_IFNAMSIZ];
	struct mv_port *port;
	uint16_t slot;  /**< index in port->slots and in forwarding snapshots */
	uint8_t mode;   /**< enum mv_mode */
	uint16_t flags; /**< MV_FLAG_* */
	mv_mac_t mac;
	bool mac_random; /**< the MAC was chosen at random (addr_assign_type) */
	uint32_t mtu;
	uint32_t max_mtu; /**< the lower's max_mtu at creation */
	bool admin_up;
	bool carrier; /**< copied from the lower */
	bool allmulti;
	bool promisc;
	/** drop what it sends with a source MAC not its own (as a VF's spoofchk) */
	bool spoofchk;
	/** broadcast/multicast frames/s it may send, 0: no limit (the program's own) */
	uint32_t bcrate;
	uint32_t bc_queue_len_req;
	struct mv_mac_map mc;      /**< multicast memberships (exact; value unused) */
	struct mv_mac_map sources; /**< source-mode list (value unused) */
	void *priv;                /**< owner's data (the application's backend) */
};

TAILQ_HEAD(mv_vif_list, mv_vif);

/** The lower device shared by the vifs: one physical port. */
struct mv_port {
	char name[MV_IFNAMSIZ];
	uint16_t id;        /**< the owner's port number */
	mv_mac_t mac;       /**< current MAC */
	mv_mac_t perm_addr; /**< MAC when the first vif was added (passthru restores it) */
	uint32_t mtu;
	uint32_t max_mtu;
	bool admin_up;
	bool carrier;
	bool promisc;            /**< set on the port itself by the user */
	bool allmulti;           /**< set on the port itself by the user */
	uint32_t uc_filter_max;  /**< secondary unicast addresses the NIC filters; 0: none */
	uint32_t promisc_count;  /**< promiscuity the vifs hold on the lower */
	uint32_t allmulti_count; /**< allmulti the vifs hold on the lower */
	bool passthru;
	int32_t bc_cutoff;
	uint32_t bc_queue_len_used;
	uint32_t n_vifs;
	uint32_t n_up_vifs;
	uint32_t n_source_entries;
	struct mv_vif_list vifs; /**< every vif, in creation order */
	struct mv_vif *slots[MV_PORT_MAX_VIFS];
	struct mv_mac_map up_macs;    /**< MAC -> slot of the UP vifs */
	struct mv_mac_map mc;         /**< the lower's own groups (value unused) */
	struct mv_mac_map group_refs; /**< group -> number of vifs that joined it */
	uint64_t generation;          /**< bumped on every change of the tables */
	void *priv;                   /**< owner's data */
};

struct mv_ctl_hooks;

/** All ports and vifs of one program. */
struct mv_ctl {
	struct mv_port *ports[MV_MAX_PORTS];
	uint32_t n_vifs;
	/** told each step of mv_vif_create (mv_ctl_hooks.h); NULL: none */
	const struct mv_ctl_hooks *hooks;
};

/** Parameters of a lower port as its driver reports them. */
struct mv_port_params {
	const char *name;
	uint16_t id;
	mv_mac_t mac;
	uint32_t mtu;
	uint32_t max_mtu; /**< 0: MV_DEFAULT_MAX_MTU */
	bool admin_up;
	bool carrier;
	uint32_t uc_filter_max; /**< 0: the NIC cannot filter unicast (goes promiscuous) */
};

/** Initialise @p ctl with no ports. */
void mv_ctl_init(struct mv_ctl *ctl);

/** Delete every vif and port of @p ctl and free them. */
void mv_ctl_fini(struct mv_ctl *ctl);

/**
 * Register a lower port at index @p params->id. Returns 0, -EINVAL for a bad
 * name, id or MTU, -EADDRNOTAVAIL for a MAC that is not valid unicast, -EEXIST
 * when the id or name is taken, -ENOMEM.
 */
int mv_port_add(struct mv_ctl *ctl, const struct mv_port_params *params, struct mv_port **out);

/** Find a port by name; NULL if none. */
struct mv_port *mv_port_find(const struct mv_ctl *ctl, const char *name);

/** Find a vif by name on any port; NULL if none. */
struct mv_vif *mv_vif_find(const struct mv_ctl *ctl, const char *name);

/** Is the lower promiscuous (user flag, vif holds, or unicast table overflow)? */
bool mv_port_is_promisc(const struct mv_port *port);

/** Is the lower all-multicast (user flag or vif holds)? */
bool mv_port_is_allmulti(const struct mv_port *port);

/** Number of source entries of @p vif. */
static inline uint32_t
mv_vif_macaddr_count(const struct mv_vif *vif)
{
	return vif->sources.count;
}

/** Is @p group in @p vif's multicast list? */
static inline bool
mv_vif_has_group(const struct mv_vif *vif, mv_mac_t group)
{
	return mv_mac_map_lookup(&vif->mc, group) >= 0;
}

/** Name of a mode ("private", ...) or NULL. */
const char *mv_mode_name(uint8_t mode);

/** Parse a mode name. Returns the mode or -EINVAL. */
int mv_mode_parse(const char *s);

#endif /* MV_PORT_H */
