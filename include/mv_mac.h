/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_MAC_H
#define MV_MAC_H

/**
 * @file
 * MAC addresses as 48-bit keys in one 64-bit word.
 *
 * The first octet on the wire is the most significant of the 48 bits, so
 * 02:00:00:00:00:01 is 0x020000000001. The I/G (group) bit is bit 40 and the
 * U/L (locally administered) bit is bit 41.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t mv_mac_t;

#define MV_MAC_BITS      48
#define MV_MAC_MASK      ((UINT64_C(1) << MV_MAC_BITS) - 1)
#define MV_MAC_BROADCAST MV_MAC_MASK
#define MV_MAC_GROUP_BIT (UINT64_C(1) << 40)
#define MV_MAC_LOCAL_BIT (UINT64_C(1) << 41)
/** Room for "xx:xx:xx:xx:xx:xx" and its terminating NUL. */
#define MV_MAC_STRLEN 18

/** The IPv4 and IPv6 all-hosts groups a Linux host stack joins on every interface. */
#define MV_MAC_ALL_HOSTS_V4 UINT64_C(0x01005e000001)
#define MV_MAC_ALL_NODES_V6 UINT64_C(0x333300000001)

static inline mv_mac_t
mv_mac_from_bytes(const uint8_t b[6])
{
	return ((mv_mac_t)b[0] << 40) | ((mv_mac_t)b[1] << 32) | ((mv_mac_t)b[2] << 24) |
	       ((mv_mac_t)b[3] << 16) | ((mv_mac_t)b[4] << 8) | (mv_mac_t)b[5];
}

static inline void
mv_mac_to_bytes(mv_mac_t mac, uint8_t b[6])
{
	for (int i = 0; i < 6; i++)
		b[i] = (uint8_t)(mac >> (40 - 8 * i));
}

/** True for group (multicast or broadcast) addresses. */
static inline bool
mv_mac_is_group(mv_mac_t mac)
{
	return (mac & MV_MAC_GROUP_BIT) != 0;
}

static inline bool
mv_mac_is_broadcast(mv_mac_t mac)
{
	return mac == MV_MAC_BROADCAST;
}

/** The kernel's is_valid_ether_addr(): not zero and not a group address. */
static inline bool
mv_mac_is_valid_unicast(mv_mac_t mac)
{
	return mac != 0 && !mv_mac_is_group(mac) && (mac & ~MV_MAC_MASK) == 0;
}

/**
 * A random MAC as the kernel's eth_random_addr() makes it: unicast and locally
 * administered. @p random supplies the bits.
 */
static inline mv_mac_t
mv_mac_random(uint64_t random)
{
	mv_mac_t mac = (random & MV_MAC_MASK) & ~MV_MAC_GROUP_BIT;

	mac |= MV_MAC_LOCAL_BIT;
	return mac;
}

/**
 * Parse "xx:xx:xx:xx:xx:xx" (also '-' as separator, one or two hex digits per
 * octet). Returns 0, or -EINVAL when @p s is not a MAC address; @p out is
 * untouched on error.
 */
int mv_mac_parse(const char *s, mv_mac_t *out);

/** Format as "xx:xx:xx:xx:xx:xx" into @p buf (at least MV_MAC_STRLEN bytes). */
char *mv_mac_format(mv_mac_t mac, char *buf, size_t size);

#endif /* MV_MAC_H */
