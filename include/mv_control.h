/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_CONTROL_H
#define MV_CONTROL_H

/**
 * @file
 * Control rules: every configuration request the kernel's macvlan accepts or
 * refuses, with the kernel's errno values. Each function validates the whole
 * request before it changes anything, so a rejected request (a negative
 * -errno return) leaves every table exactly as it was.
 *
 * Deviations from the kernel are listed in docs/compat.md.
 */

#include <stdbool.h>
#include <stdint.h>

#include "mv_port.h"

/** A `link add ... type macvlan` request. Zero-initialise, then fill. */
struct mv_vif_config {
	const char *name;
	uint8_t mode; /**< 0: MV_MODE_DEFAULT (vepa) */
	bool has_flags;
	uint16_t flags;
	bool has_mac;
	mv_mac_t mac;
	bool has_mtu;
	uint32_t mtu;
	bool has_bc_queue_len;
	uint32_t bc_queue_len;
	bool has_bc_cutoff;
	int32_t bc_cutoff;
	int macaddr_op;          /**< enum mv_macaddr_op; MV_MACADDR_NONE when absent */
	const mv_mac_t *macaddr; /**< addresses for ADD/DEL (first one) or SET (all) */
	uint32_t n_macaddr;
	bool no_default_groups; /**< do not join the all-hosts groups */
	uint64_t random;        /**< random bits for a MAC when none is given */
};

/** A `link set <vif> type macvlan ...` request. Zero-initialise, then fill. */
struct mv_vif_change {
	uint8_t mode; /**< 0: unchanged */
	bool has_flags;
	uint16_t flags; /**< replaces the flags when has_flags */
	bool has_bc_queue_len;
	uint32_t bc_queue_len;
	bool has_bc_cutoff;
	int32_t bc_cutoff;
	int macaddr_op; /**< enum mv_macaddr_op; MV_MACADDR_NONE when absent */
	const mv_mac_t *macaddr;
	uint32_t n_macaddr;
};

/** Initialise a config / change with nothing set. */
void mv_vif_config_init(struct mv_vif_config *cfg);
void mv_vif_change_init(struct mv_vif_change *chg);

/**
 * Is @p name a valid interface name (the kernel's dev_valid_name: 1..15
 * characters, not "." or "..", no '/', ':' or white space)?
 */
bool mv_ifname_valid(const char *name);

/**
 * Create a vif on @p port. Errors, in the order the kernel checks them
 * (macvlan_validate, then __rtnl_newlink, then macvlan_common_newlink):
 * -EADDRNOTAVAIL (MAC not valid unicast), -EINVAL (flags, mode or macaddr op
 * unknown; ADD/DEL without an address), -EADDRNOTAVAIL (a source address not
 * valid unicast), -EEXIST (name taken by a vif or a port), -EINVAL (bad name;
 * mtu < 68 or above the lower's; passthru rules; macaddr op on a non-source
 * vif), -ENOSPC (port full: MV_PORT_MAX_VIFS, MV_PORT_MAX_SOURCE_ENTRIES or
 * MV_PORT_MAX_GROUPS), -ENOMEM. The vif starts administratively down.
 */
int mv_vif_create(struct mv_ctl *ctl, struct mv_port *port, const struct mv_vif_config *cfg,
		  struct mv_vif **out);

/** Delete @p vif (flushes its source list; restores a passthru lower's MAC). */
void mv_vif_delete(struct mv_ctl *ctl, struct mv_vif *vif);

/** Bring @p vif up or down. Up may fail with -EADDRINUSE. */
int mv_vif_set_up(struct mv_vif *vif, bool up);

/**
 * Change @p vif's MAC. -EADDRNOTAVAIL for an invalid address; -EADDRINUSE when
 * it equals the lower's MAC or an UP vif's. In passthru mode the lower's MAC
 * is changed and the vif follows it.
 */
int mv_vif_set_mac(struct mv_vif *vif, mv_mac_t mac);

/** Change @p vif's MTU: -EINVAL below 68, above max_mtu or above the lower's MTU. */
int mv_vif_set_mtu(struct mv_vif *vif, uint32_t mtu);

/** Set the vif's allmulti / promisc flags (propagated to the lower while up). */
int mv_vif_set_allmulti(struct mv_vif *vif, bool on);
/**
 * Source MAC check on what the vif sends (`spoofchk on`, as `ip link set
 * ... vf N spoofchk`): frames whose source is not the vif's MAC are dropped
 * (tx-spoofed). Off by default, as kernel macvlan has no such check.
 */
int mv_vif_set_spoofchk(struct mv_vif *vif, bool on);
/**
 * Police what the vif sends to broadcast and multicast addresses at @p pps
 * frames per second (a token bucket, mv_policer.h; the excess is dropped as
 * tx-bcrate); 0: no limit (the default). The program's own: kernel macvlan
 * has no such knob.
 */
int mv_vif_set_bcrate(struct mv_vif *vif, uint32_t pps);
int mv_vif_set_promisc(struct mv_vif *vif, bool on);

/**
 * Apply a `link set type macvlan` change. -EINVAL for a mode change to or
 * from passthru, unknown mode/flags/op, macaddr op when the resulting mode is
 * not source, ADD/DEL without an address; -EADDRNOTAVAIL for a non-unicast
 * source address; -ENOSPC when the source table would overflow.
 */
int mv_vif_change(struct mv_vif *vif, const struct mv_vif_change *chg);

/**
 * Join @p group: -EINVAL unless it is a multicast address (broadcast is
 * always received and cannot be joined). Joining a group already joined
 * succeeds without change. -ENOSPC when the port already has
 * MV_PORT_MAX_GROUPS distinct groups and this one is new to it.
 */
int mv_vif_mc_add(struct mv_vif *vif, mv_mac_t group);

/** Leave @p group: -EINVAL if not a group address, -ENOENT if not joined. */
int mv_vif_mc_del(struct mv_vif *vif, mv_mac_t group);

/** Set the lower's own promisc / allmulti flags (`link set p0 promisc on`). */
void mv_port_set_promisc(struct mv_port *port, bool on);
void mv_port_set_allmulti(struct mv_port *port, bool on);

/**
 * What the lower's receive filter must accept, as the kernel programs it with
 * dev_uc_add / dev_mc_sync: the MAC of each UP non-passthru vif, the groups
 * of each UP vif, and the promisc / allmulti state.
 */
struct mv_rx_filter {
	bool promisc;
	bool allmulti;
	uint32_t n_uc;
	uint32_t n_mc;
	mv_mac_t *uc; /**< sorted */
	mv_mac_t *mc; /**< sorted, duplicates removed */
};

/** Compute the lower's receive filter. Returns 0 or -ENOMEM. */
int mv_port_rx_filter(const struct mv_port *port, struct mv_rx_filter *out);
void mv_rx_filter_free(struct mv_rx_filter *f);

#endif /* MV_CONTROL_H */
