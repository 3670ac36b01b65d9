/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>

#include "mv_mac.h"

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
mv_mac_parse(const char *s, mv_mac_t *out)
{
	mv_mac_t mac = 0;
	char sep = 0;

	if (s == NULL)
		return -EINVAL;
	for (int octet = 0; octet < 6; octet++) {
		int hi = hex_value(*s), lo;

		if (hi < 0)
			return -EINVAL;
		s++;
		lo = hex_value(*s);
		if (lo >= 0) {
			hi = hi * 16 + lo;
			s++;
		}
		mac = (mac << 8) | (mv_mac_t)hi;
		if (octet == 5)
			break;
		if (*s != ':' && *s != '-')
			return -EINVAL;
		if (sep != 0 && *s != sep)
			return -EINVAL;
		sep = *s++;
	}
	if (*s != '\0')
		return -EINVAL;
	*out = mac;
	return 0;
}

char *
mv_mac_format(mv_mac_t mac, char *buf, size_t size)
{
	uint8_t b[6];

	mv_mac_to_bytes(mac, b);
	snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
	return buf;
}
