/* SPDX-License-Identifier: BSD-3-Clause */
/* Ingress checks of a received frame (mv_ingress.h). */
#include "mv_ingress.h"

enum mv_ingress_result
mv_ingress_check(const struct mv_ingress_frame *in, uint32_t max_len, struct mv_frame_info *f)
{
	/*
	 * A chain must hold what it claims: net_pcap in DPDK 22.11 builds
	 * chains shorter than the pkt_len it sets for captures above 64 KiB,
	 * and a PMD's tx reads pkt_len bytes of it.
	 */
	if (in->pkt_len > max_len || in->segs_seen != in->nb_segs || in->seg_sum != in->pkt_len ||
	    in->data_len > in->pkt_len)
		return MV_INGRESS_BAD_LENGTH;
	if (mv_frame_parse(in->data, in->data_len, f) < 0)
		return MV_INGRESS_RUNT;
	f->len = in->pkt_len;
	return MV_INGRESS_OK;
}
