/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The classifier. mv_classify_rx() reads top to bottom in the order of the
 * kernel's macvlan_handle_frame(); mv_classify_tx() follows
 * macvlan_queue_xmit(). Neither allocates nor writes anything but its result.
 */
#include <errno.h>
#include <string.h>

#include "mv_classify.h"

static const char *const drop_names[MV_DROP__COUNT] = {
	[MV_DROP_NONE] = "none",
	[MV_DROP_RUNT] = "runt",
	[MV_DROP_LOWER_DOWN] = "lower-down",
	[MV_DROP_NODST] = "nodst",
	[MV_DROP_PASSTHRU_DOWN] = "passthru-down",
	[MV_DROP_BC_QUEUE] = "bc-queue",
	[MV_DROP_TX_VIF_DOWN] = "tx-vif-down",
	[MV_DROP_TX_NO_CARRIER] = "tx-no-carrier",
	[MV_DROP_TX_MTU] = "tx-mtu",
	[MV_DROP_TX_BAD_VIF] = "tx-bad-vif",
	[MV_DROP_LOCAL_LOWER] = "local-lower",
	[MV_DROP_NO_RECEIVER] = "no-receiver",
	[MV_DROP_TX_SPOOFED] = "tx-spoofed",
};

const char *
mv_drop_name(enum mv_drop d)
{
	if ((unsigned int)d >= MV_DROP__COUNT)
		return "unknown";
	return drop_names[d];
}

static inline struct mv_verdict
verdict_init(void)
{
	struct mv_verdict v;

	memset(&v, 0, sizeof(v));
	v.exclude = MV_SLOT_NONE;
	return v;
}

/* macvlan_forward_source(): returns true when a NODST entry consumes the frame. */
static inline bool
forward_source(const struct mv_fib *fib, mv_mac_t src, struct mv_verdict *v)
{
	const struct mv_fib_source *rec;
	int idx;

	if (fib->n_sources == 0)
		return false;
	idx = mv_mac_map_lookup(&fib->source_map, src);
	if (idx < 0)
		return false;
	rec = &fib->sources[idx];
	if (rec->n > 0) {
		v->act |= MV_ACT_SOURCES;
		v->source = (uint32_t)idx;
	}
	if (rec->nodst) {
		v->drop = MV_DROP_NODST;
		return true;
	}
	return false;
}

/*
 * Resolve the flood group of @p dst. @p port_filter applies the lower's
 * mc_filter (receive path); returns false when nothing is to be flooded.
 */
static inline bool
resolve_group(const struct mv_fib *fib, mv_mac_t dst, bool port_filter, struct mv_verdict *v,
	      bool *queued)
{
	int idx;

	if (mv_mac_is_broadcast(dst)) {
		v->group = MV_GROUP_BCAST;
		*queued = fib->bcast_queued;
		return true;
	}
	idx = mv_mac_map_lookup(&fib->group_map, dst);
	if (idx >= 0) {
		v->group = (uint32_t)idx;
		*queued = fib->groups[idx].queued;
		return true;
	}
	if (port_filter && !fib->all_groups)
		return false;
	if (fib->n_allmulti == 0)
		return false;
	v->group = MV_GROUP_UNKNOWN;
	*queued = fib->unknown_queued;
	return true;
}

/* The receive path without the link check (also used for bridge-local unicast). */
static inline struct mv_verdict
classify_rx(const struct mv_fib *fib, const struct mv_frame_info *f)
{
	struct mv_verdict v = verdict_init();

	if (mv_mac_is_group(f->dst)) {
		int src;
		bool queued = false;

		if (forward_source(fib, f->src, &v))
			return v;
		src = mv_mac_map_lookup(&fib->up_map, f->src);
		if (src >= 0) {
			uint8_t mode = fib->vifs[src].mode;

			if (mode & (MV_MODE_PRIVATE | MV_MODE_PASSTHRU | MV_MODE_SOURCE)) {
				/* forwarded back to the originating port only */
				v.act |= MV_ACT_VIF | MV_ACT_REFLECT;
				v.vif = (uint16_t)src;
				return v;
			}
			v.exclude = (uint16_t)src;
			v.flood_modes = mode == MV_MODE_VEPA ? (MV_MODE_VEPA | MV_MODE_BRIDGE)
							     : MV_MODE_VEPA;
		} else {
			v.flood_modes =
				MV_MODE_PRIVATE | MV_MODE_VEPA | MV_MODE_PASSTHRU | MV_MODE_BRIDGE;
		}
		v.act |= MV_ACT_LOWER;
		if (f->ether_type == MV_ETHER_TYPE_PAUSE ||
		    !resolve_group(fib, f->dst, true, &v, &queued))
			return v;
		if (queued) {
			if (fib->bc_queue_len == 0) {
				v.drop = MV_DROP_BC_QUEUE;
				return v;
			}
			v.act |= MV_ACT_QUEUE;
		}
		v.act |= MV_ACT_FLOOD;
		return v;
	}

	/* unicast */
	{
		int target;

		if (forward_source(fib, f->src, &v))
			return v;
		if (fib->passthru)
			target = fib->passthru_slot;
		else
			target = mv_mac_map_lookup(&fib->up_map, f->dst);
		if (target < 0 || target == MV_SLOT_NONE ||
		    fib->vifs[target].mode == MV_MODE_SOURCE) {
			v.act |= MV_ACT_LOWER;
			return v;
		}
		if (!fib->vifs[target].up) {
			v.drop = MV_DROP_PASSTHRU_DOWN;
			return v;
		}
		v.act |= MV_ACT_VIF;
		v.vif = (uint16_t)target;
		return v;
	}
}

struct mv_verdict
mv_classify_rx(const struct mv_fib *fib, const struct mv_frame_info *f)
{
	if (!fib->lower_up || !fib->lower_carrier) {
		struct mv_verdict v = verdict_init();

		v.drop = MV_DROP_LOWER_DOWN;
		return v;
	}
	return classify_rx(fib, f);
}

void
mv_classify_rx_burst(const struct mv_fib *restrict fib, const struct mv_frame_info *restrict f,
		     struct mv_verdict *restrict v, unsigned int n)
{
	enum { CHUNK = 64 };
	/* the dst_map in registers: the stores to v[] cannot change it */
	/* unicast decided by one lookup: classify_rx() makes no other here */
	const bool direct = fib->uc_direct && fib->dst_map.count > 0;
	/* otherwise classify_rx() looks the destination up in up_map */
	const struct mv_mac_map *dmap = direct ? &fib->dst_map : &fib->up_map;
	const uint64_t *slots = dmap->slots;
	const uint32_t mask = dmap->mask, shift = dmap->shift;
	const bool sources = fib->n_sources != 0;
	uint32_t home[CHUNK];

	for (unsigned int base = 0; base < n; base += CHUNK) {
		unsigned int end = n - base < CHUNK ? n : base + CHUNK;

		/* hash and prefetch every frame's map line first, then look up */
		for (unsigned int i = base; i < end; i++) {
			home[i - base] = mv_mac_map_hash(f[i].dst, shift) & mask;
			__builtin_prefetch(&slots[home[i - base]]);
			if (sources)
				mv_mac_map_prefetch(&fib->source_map, f[i].src);
		}
		for (unsigned int i = base; i < end; i++) {
			mv_mac_t dst = f[i].dst;

			if (direct && !mv_mac_is_group(dst)) {
				int t = mv_mac_map_probe_at(slots, mask, home[i - base], dst);

				if (t >= 0) {
					v[i] = (struct mv_verdict){
						.act = MV_ACT_VIF,
						.vif = (uint16_t)t,
						.exclude = MV_SLOT_NONE,
					};
					continue;
				}
			}
			v[i] = mv_classify_rx(fib, &f[i]);
		}
	}
}

struct mv_verdict
mv_classify_tx(const struct mv_fib *fib, uint16_t sender, const struct mv_frame_info *f)
{
	struct mv_verdict v = verdict_init();
	const struct mv_fib_vif *s;
	uint32_t max_len;

	if (sender >= fib->n_slots || fib->vifs[sender].mode == 0) {
		v.drop = MV_DROP_TX_BAD_VIF;
		return v;
	}
	s = &fib->vifs[sender];
	if (!s->up) {
		v.drop = MV_DROP_TX_VIF_DOWN;
		return v;
	}
	if (s->spoofchk && f->src != s->mac) {
		v.drop = MV_DROP_TX_SPOOFED;
		return v;
	}
	if (!fib->lower_up || !fib->lower_carrier) {
		v.drop = MV_DROP_TX_NO_CARRIER;
		return v;
	}
	/* what a packet socket on the vif accepts: MTU + Ethernet header (+ a tag) */
	max_len = s->mtu + MV_ETHER_HDR_LEN + (f->vlan ? MV_VLAN_HDR_LEN : 0);
	if (f->len > max_len) {
		v.drop = MV_DROP_TX_MTU;
		return v;
	}
	if (s->mode == MV_MODE_BRIDGE) {
		if (mv_mac_is_group(f->dst)) {
			bool queued;

			/* copied straight to the other bridge vifs, and to the wire */
			v.act = MV_ACT_WIRE;
			if (f->ether_type != MV_ETHER_TYPE_PAUSE &&
			    resolve_group(fib, f->dst, false, &v, &queued)) {
				v.act |= MV_ACT_FLOOD | MV_ACT_MTU;
				v.flood_modes = MV_MODE_BRIDGE;
				v.exclude = sender;
			}
			return v;
		} else {
			int t = mv_mac_map_lookup(&fib->up_map, f->dst);

			if (t >= 0 && fib->vifs[t].mode == MV_MODE_BRIDGE) {
				/* dev_forward_skb() on the lower: its receive path runs again */
				if (f->len > fib->lower_mtu + MV_ETHER_HDR_LEN + MV_VLAN_HDR_LEN) {
					v.drop = MV_DROP_LOCAL_LOWER;
					return v;
				}
				return classify_rx(fib, f);
			}
		}
	}
	v.act = MV_ACT_WIRE;
	return v;
}

struct mv_verdict
mv_classify_lower_tx(const struct mv_fib *fib, const struct mv_frame_info *f)
{
	struct mv_verdict v = verdict_init();

	(void)f;
	if (!fib->lower_up || !fib->lower_carrier)
		v.drop = MV_DROP_TX_NO_CARRIER;
	else
		v.act = MV_ACT_WIRE;
	return v;
}

static inline unsigned int
flood_one(const struct mv_fib *fib, const struct mv_verdict *v, uint32_t limit_extra,
	  uint32_t frame_len, uint16_t slot, struct mv_rcpt *out, unsigned int n, unsigned int max)
{
	const struct mv_fib_vif *t = &fib->vifs[slot];

	if (slot == v->exclude || (t->mode & v->flood_modes) == 0 || n >= max)
		return n;
	out[n].slot = slot;
	out[n].kind = MV_RCPT_FLOOD;
	if ((v->act & MV_ACT_MTU) && frame_len > t->mtu + limit_extra)
		out[n].kind = MV_RCPT_TOO_BIG;
	return n + 1;
}

unsigned int
mv_verdict_expand(const struct mv_fib *fib, const struct mv_verdict *v, uint32_t frame_len,
		  struct mv_rcpt *out, unsigned int max)
{
	/* is_skb_forwardable(): MTU + Ethernet header + one VLAN tag */
	const uint32_t extra = MV_ETHER_HDR_LEN + MV_VLAN_HDR_LEN;
	unsigned int n = 0;

	if (v->act & MV_ACT_SOURCES) {
		const struct mv_fib_source *rec = &fib->sources[v->source];

		for (uint32_t i = 0; i < rec->n && n < max; i++) {
			out[n].slot = fib->members[rec->first + i];
			out[n++].kind = MV_RCPT_SOURCE;
		}
	}
	if ((v->act & MV_ACT_VIF) && n < max) {
		out[n].slot = v->vif;
		out[n++].kind = (v->act & MV_ACT_REFLECT) ? MV_RCPT_REFLECT : MV_RCPT_UNICAST;
	}
	if (!(v->act & MV_ACT_FLOOD))
		return n;
	if (v->group == MV_GROUP_BCAST) {
		for (uint32_t i = 0; i < fib->n_up; i++)
			n = flood_one(fib, v, extra, frame_len, fib->up_list[i], out, n, max);
		return n;
	}
	if (v->group != MV_GROUP_UNKNOWN) {
		const struct mv_fib_group *grp = &fib->groups[v->group];

		for (uint32_t i = 0; i < grp->n; i++)
			n = flood_one(fib, v, extra, frame_len, fib->members[grp->first + i], out,
				      n, max);
	}
	for (uint32_t i = 0; i < fib->n_allmulti; i++)
		n = flood_one(fib, v, extra, frame_len, fib->allmulti_list[i], out, n, max);
	return n;
}
