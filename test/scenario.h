/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SCENARIO_H
#define SCENARIO_H

/**
 * @file
 * Conformance scenarios (test/conformance/README.md): a lower, some vifs and
 * a list of frames, with the receivers the Linux kernel gave each frame.
 *
 * scn_load() parses a scenario file and, optionally, its expected file into
 * plain structures with every default of the README resolved. scn_apply()
 * builds the same configuration in the core's control tables, and
 * scn_frame_build() produces the bytes of a frame, so the same scenario can
 * drive the classifier directly or be written out as packets.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mv_mac.h"
#include "mv_port.h"

#define SCN_ETHER_TYPE           0x88B5     /**< EtherType of every scenario frame */
#define SCN_MARKER               "MVORACLE" /**< payload marker, followed by the id (BE u32) */
#define SCN_MARKER_LEN           8
#define SCN_DEFAULT_FRAME_SIZE   60 /**< frame length without FCS */
#define SCN_MAX_FRAME_SIZE       65536
#define SCN_DEFAULT_LOWER_MAC    UINT64_C(0x02aa00000001)
#define SCN_DEFAULT_WIRE_MAC     UINT64_C(0x02ee00000001)
#define SCN_DEFAULT_VIF_MAC_BASE UINT64_C(0x020000000100) /**< + i + 1 for vif i */
#define SCN_DEFAULT_MTU          1500
#define SCN_PORT_NAME            "lower" /**< the lower's name in the core (also a receiver) */
#define SCN_PORT_ID              0
#define SCN_RCPT_WIRE            "wire"
#define SCN_RCPT_LOWER           "lower"

/** A list of MAC addresses. */
struct scn_macs {
	uint32_t n;
	mv_mac_t *v;
};

/** The lower device. */
struct scn_lower {
	mv_mac_t mac;
	uint32_t mtu;
	bool up;
	bool carrier;
	bool promisc;
	bool allmulti;
	struct scn_macs mc; /**< groups the lower joined for itself */
};

/** The far end of the link. */
struct scn_wire {
	mv_mac_t mac;
	uint32_t mtu;
};

/** A vif, defaults resolved. */
struct scn_vif {
	char name[MV_IFNAMSIZ];
	uint8_t mode;            /**< enum mv_mode; vepa when the scenario gives none */
	bool mode_given;         /**< false: created without a mode (the kernel default) */
	mv_mac_t mac;            /**< MAC given at creation */
	mv_mac_t actual_mac;     /**< MAC the vif has (passthru: the lower's) */
	struct scn_macs macaddr; /**< source list (macaddr set) */
	bool nodst;
	bool nopromisc;
	struct scn_macs mc; /**< groups joined (besides the all-hosts groups) */
	bool allmulti;
	bool promisc;
	bool up;
	uint32_t mtu; /**< the lower's MTU when not given */
	bool mtu_given;
};

/** Who sends a frame. */
enum scn_from {
	SCN_FROM_WIRE,  /**< arrives on the physical port */
	SCN_FROM_LOWER, /**< sent by the lower's own stack */
	SCN_FROM_VIF,   /**< sent by vif @c vif */
};

/** One receiver of a frame and its number of copies. */
struct scn_count {
	char name[MV_IFNAMSIZ]; /**< "wire", "lower" or a vif name */
	uint32_t count;         /**< >= 1 */
};

/** Who received a frame on the kernel. */
struct scn_result {
	uint32_t n;
	struct scn_count *rcpt;
	char *send_error; /**< errno name the sender got ("ENETDOWN"), or NULL */
};

/** A frame, defaults resolved. */
struct scn_frame {
	uint32_t id;
	enum scn_from from;
	int vif; /**< index in vifs[] for SCN_FROM_VIF, else -1 */
	mv_mac_t dst;
	mv_mac_t src;
	bool vlan; /**< carries an 802.1Q tag */
	uint16_t vid;
	uint8_t pcp;
	uint32_t size;
	char *note; /**< or NULL */
};

struct scenario {
	char *name;
	char *description; /**< or NULL */
	char *path;        /**< the scenario file */
	struct scn_lower lower;
	struct scn_wire wire;
	uint32_t n_vifs;
	struct scn_vif *vifs;
	uint32_t n_frames;
	struct scn_frame *frames;
	bool has_expected;
	char *kernel;                /**< kernel the expectations come from, or NULL */
	struct scn_result *expected; /**< [n_frames], in the order of frames[] */
};

/**
 * Load the scenario at @p path and, if @p expected_path is not NULL, its
 * expectations. Returns NULL on error with a message naming the scenario in
 * @p err (@p errlen bytes).
 */
struct scenario *scn_load(const char *path, const char *expected_path, char *err, size_t errlen);

/** Free a scenario (NULL is accepted). */
void scn_free(struct scenario *s);

/**
 * Build the scenario in the core: mv_ctl_init(@p ctl), a port for the lower
 * (SCN_PORT_NAME, id SCN_PORT_ID, no unicast filtering), then
 * scn_apply_to_port(). Returns 0 with the port in @p *port, or a negative
 * errno with a message in @p err; @p ctl is then finalised.
 */
int scn_apply(const struct scenario *s, struct mv_ctl *ctl, struct mv_port **port, char *err,
	      size_t errlen);

/**
 * Build the scenario on an existing @p port, in the README's order: the
 * lower's flags and groups, each vif in list order (create with mode, flags,
 * source list, MTU and MAC; join its groups; allmulti; promisc), the vifs
 * that are up brought up, then the lower's admin state and carrier when
 * either is off. Returns 0 or a negative errno with a message in @p err.
 */
int scn_apply_to_port(const struct scenario *s, struct mv_ctl *ctl, struct mv_port *port, char *err,
		      size_t errlen);

/**
 * Write frame @p f into @p buf: dst, src, [802.1Q tag], SCN_ETHER_TYPE,
 * SCN_MARKER, the id (big-endian u32), zeros up to f->size. Returns the
 * length, or -ENOSPC when @p size is too small.
 */
int scn_frame_build(const struct scn_frame *f, uint8_t *buf, size_t size);

/** Name of @p f's sender: "wire", "lower" or the vif's name. */
const char *scn_frame_sender(const struct scenario *s, const struct scn_frame *f);

/** Index of the vif named @p name, or -1. */
int scn_vif_index(const struct scenario *s, const char *name);

/** Copies @p r gives @p name (0 when absent). */
uint32_t scn_result_count(const struct scn_result *r, const char *name);

#endif /* SCENARIO_H */
