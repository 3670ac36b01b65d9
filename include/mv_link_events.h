/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_LINK_EVENTS_H
#define MV_LINK_EVENTS_H

/**
 * @file
 * Lower-device events, the counterpart of the kernel's netdevice notifier.
 *
 * Each function updates the port's tables and reports, through @p out, every
 * change it made to a vif, so the owner can apply it to the vif's backend
 * (TAP carrier, MTU, MAC) and to the NIC.
 */

#include <stdbool.h>
#include <stdint.h>

#include "mv_port.h"

enum mv_delta_kind {
	MV_DELTA_CARRIER,   /**< vif carrier changed; value: 0 or 1 */
	MV_DELTA_MTU,       /**< vif MTU clamped; value: new MTU */
	MV_DELTA_MAC,       /**< vif MAC changed (passthru follows the lower); value: MAC */
	MV_DELTA_DELETED,   /**< vif deleted (lower removed); the vif pointer is gone */
	MV_DELTA_LOWER_MAC, /**< the lower's MAC must be programmed; value: MAC */
};

struct mv_delta {
	enum mv_delta_kind kind;
	uint16_t slot;          /**< the vif's slot (MV_SLOT_NONE for the lower) */
	char name[MV_IFNAMSIZ]; /**< the vif's name (for DELETED) */
	uint64_t value;
};

/** A growable list of deltas. Zero-initialise; free with mv_deltas_free(). */
struct mv_deltas {
	uint32_t n;
	uint32_t cap;
	struct mv_delta *v;
};

void mv_deltas_free(struct mv_deltas *d);

/**
 * The lower's admin state and/or carrier changed (NETDEV_UP / DOWN / CHANGE).
 * Every vif's carrier becomes (admin_up && carrier); vifs stay administratively
 * as they are. Returns 0 or -ENOMEM (when @p out cannot grow; tables are still
 * updated).
 */
int mv_lower_set_link(struct mv_port *port, bool admin_up, bool carrier, struct mv_deltas *out);

/**
 * The lower's MTU changed (NETDEV_CHANGEMTU): vifs above it are clamped, the
 * others keep theirs. -EINVAL below 68 or above the lower's max_mtu.
 */
int mv_lower_set_mtu(struct mv_port *port, uint32_t mtu, struct mv_deltas *out);

/**
 * The lower's MAC changed (NETDEV_CHANGEADDR): a passthru vif follows it and
 * the port's perm_addr is updated. -EADDRNOTAVAIL for an invalid address.
 */
int mv_lower_set_mac(struct mv_port *port, mv_mac_t mac, struct mv_deltas *out);

/** The lower goes away (NETDEV_UNREGISTER): every vif is deleted, then the port. */
int mv_lower_remove(struct mv_ctl *ctl, struct mv_port *port, struct mv_deltas *out);

#endif /* MV_LINK_EVENTS_H */
