/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The memif backend's shared memory (memif_priv.h): the regions (the peer's,
 * mapped, in role server; ours, a sealed memfd, in role client), the rings in
 * them, and the owner lcore's bursts, which copy between mbufs and the
 * shared buffers.
 *
 * Ring protocol (2.0): on a C2S ring the client fills slots from `head` and
 * the server consumes up to `head` and hands slots back by moving `tail`.
 * On an S2C ring the client offers empty buffers up to `head`, the server
 * fills them from `tail` and moves `tail`; the client reads up to `tail` and
 * offers them again. Each index is written by one side only; a store-release
 * of an index publishes the descriptors before it.
 *
 * Everything the peer wrote is read once and checked before use: a
 * descriptor's region, offset and length against the region (or our own
 * buffer), the ring's indexes against its size. What fails is a counted drop
 * (or, on our tx ring, a burst cut short), never an access outside a mapping.
 * The peer cannot shrink a region under us: its file must carry
 * F_SEAL_SHRINK (we add it when the peer did not).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>

#include "memif_priv.h"

#define ETH_HDR_LEN 14

/* a descriptor as it is in shared memory */
struct memif_desc {
	uint16_t flags;
	uint16_t region;
	uint32_t length;
	uint32_t offset;
	uint32_t metadata;
};

static inline volatile uint16_t *
ring_head(uint8_t *ring)
{
	return (volatile uint16_t *)(ring + MV_MEMIF_RING_HEAD_OFF);
}

static inline volatile uint16_t *
ring_tail(uint8_t *ring)
{
	return (volatile uint16_t *)(ring + MV_MEMIF_RING_TAIL_OFF);
}

static inline volatile uint16_t *
ring_flags(uint8_t *ring)
{
	return (volatile uint16_t *)(ring + MV_MEMIF_RING_FLAGS_OFF);
}

static inline struct memif_desc *
ring_desc(uint8_t *ring, uint16_t slot)
{
	return (struct memif_desc *)(ring + MV_MEMIF_RING_DESC_OFF) + slot;
}

/* ---- regions (memif thread) ---- */

int
memif_region_check(int fd, uint64_t size, unsigned int i, char *err, size_t errlen)
{
	struct stat sb;
	int seals;

	if (fstat(fd, &sb) < 0 || (uint64_t)sb.st_size < size) {
		snprintf(err, errlen, "Region %u is smaller than declared", i);
		return -EINVAL;
	}
	seals = fcntl(fd, F_GET_SEALS);
	if (seals >= 0 && (seals & F_SEAL_SHRINK))
		return 0;
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK) < 0) {
		snprintf(err, errlen, "Region %u is not a memfd sealable against shrinking", i);
		return -EINVAL;
	}
	return 0;
}

static struct memif_rings *
rings_new(void)
{
	struct memif_rings *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	for (unsigned int i = 0; i < MV_MEMIF_MAX_REGIONS; i++)
		r->region[i].fd = -1;
	r->intr_fd[0] = r->intr_fd[1] = -1;
	return r;
}

void
memif_rings_free(struct memif_rings *r)
{
	if (r == NULL)
		return;
	for (unsigned int i = 0; i < MV_MEMIF_MAX_REGIONS; i++) {
		if (r->region[i].addr != NULL)
			munmap(r->region[i].addr, r->region[i].size);
		if (r->region[i].fd >= 0)
			close(r->region[i].fd);
	}
	for (unsigned int d = 0; d < 2; d++)
		if (r->intr_fd[d] >= 0)
			close(r->intr_fd[d]);
	free(r);
}

int
memif_rings_map(struct memif_conn *c, char *err, size_t errlen)
{
	struct memif_rings *r = rings_new();
	const struct mv_memif_conn *p = &c->proto;

	if (r == NULL) {
		snprintf(err, errlen, "Out of memory");
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < p->n_regions; i++) {
		struct memif_region *g = &r->region[i];

		g->fd = c->region_fd[i];
		c->region_fd[i] = -1;
		g->size = p->region_size[i];
		if (memif_region_check(g->fd, g->size, i, err, errlen) < 0)
			goto fail;
		g->addr = mmap(NULL, g->size, PROT_READ | PROT_WRITE, MAP_SHARED, g->fd, 0);
		if (g->addr == MAP_FAILED) {
			g->addr = NULL;
			snprintf(err, errlen, "Cannot map region %u: %s", i, strerror(errno));
			goto fail;
		}
		r->n_regions++;
	}
	for (unsigned int d = 0; d < 2; d++) {
		const struct mv_memif_ring_desc *rd = &p->ring[d];
		uint32_t cookie;

		/* the state machine checked that the ring lies inside its region */
		r->ring[d] = r->region[rd->region].addr + rd->offset;
		r->size[d] = (uint16_t)(1u << rd->log2_ring_size);
		memcpy(&cookie, r->ring[d] + MV_MEMIF_RING_COOKIE_OFF, sizeof(cookie));
		if (cookie != MV_MEMIF_COOKIE) {
			snprintf(err, errlen, "Wrong ring (%s: no memif cookie)",
				 d == MV_MEMIF_C2S ? "c2s" : "s2c");
			goto fail;
		}
		r->intr_fd[d] = c->ring_fd[d];
		c->ring_fd[d] = -1;
	}
	r->rx_dir = MV_MEMIF_C2S;
	r->tx_dir = MV_MEMIF_S2C;
	c->rings = r;
	return 0;
fail:
	memif_rings_free(r);
	return -EINVAL;
}

int
memif_rings_alloc(struct memif_conn *c, char *err, size_t errlen)
{
	const struct mv_memif_layout *l = &c->proto.layout;
	struct memif_rings *r = rings_new();
	struct memif_region *g;

	if (r == NULL) {
		snprintf(err, errlen, "Out of memory");
		return -ENOMEM;
	}
	g = &r->region[0];
	g->size = l->region_size;
	g->fd = memfd_create("mv-memif", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	if (g->fd < 0 || ftruncate(g->fd, (off_t)g->size) < 0 ||
	    fcntl(g->fd, F_ADD_SEALS, F_SEAL_SHRINK) < 0)
		goto fail;
	g->addr = mmap(NULL, g->size, PROT_READ | PROT_WRITE, MAP_SHARED, g->fd, 0);
	if (g->addr == MAP_FAILED) {
		g->addr = NULL;
		goto fail;
	}
	r->n_regions = 1;
	r->we_allocate = true;
	r->layout = *l;
	for (unsigned int d = 0; d < 2; d++) {
		uint8_t *ring = g->addr + l->ring_offset[d];
		uint32_t cookie = MV_MEMIF_COOKIE;

		r->ring[d] = ring;
		r->size[d] = (uint16_t)(1u << l->log2_ring_size);
		memcpy(ring + MV_MEMIF_RING_COOKIE_OFF, &cookie, sizeof(cookie));
		for (uint32_t j = 0; j < r->size[d]; j++) {
			struct memif_desc *dd = ring_desc(ring, (uint16_t)j);

			dd->region = 0;
			dd->offset = mv_memif_layout_buffer(l, d, j);
			dd->length = l->buffer_size;
		}
		r->intr_fd[d] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (r->intr_fd[d] < 0)
			goto fail;
	}
	r->rx_dir = MV_MEMIF_S2C;
	r->tx_dir = MV_MEMIF_C2S;
	c->rings = r;
	return 0;
fail:
	snprintf(err, errlen, "Cannot allocate the shared memory: %s", strerror(errno));
	memif_rings_free(r);
	return -ENOMEM;
}

void
memif_rings_start(struct memif_backend *mb, struct memif_rings *r)
{
	for (unsigned int d = 0; d < 2; d++) {
		*ring_head(r->ring[d]) = 0;
		*ring_tail(r->ring[d]) = 0;
	}
	/* we poll the ring we read: its writer sends no interrupts */
	*ring_flags(r->ring[r->rx_dir]) = MV_MEMIF_RING_FLAG_MASK_INT;
	mb->rx_cur = 0;
	mb->tx_cur = 0;
	mb->rx_head = 0;
	if (r->we_allocate) {
		/* every S2C buffer is the server's to fill */
		mb->rx_head = r->size[MV_MEMIF_S2C];
		__atomic_store_n(ring_head(r->ring[MV_MEMIF_S2C]), mb->rx_head, __ATOMIC_RELEASE);
	}
	mb->rings = r;
	__atomic_store_n(&mb->ready, 1, __ATOMIC_RELEASE);
}

/* ---- datapath (owner lcore) ---- */

/*
 * The buffer of descriptor @p d in slot @p slot of ring @p dir, and its
 * length (rx: the data; tx: the room) in @p len; NULL if it is outside the
 * memory it must be in.
 */
static inline uint8_t *
desc_buffer(const struct memif_rings *r, unsigned int dir, uint16_t slot,
	    const struct memif_desc *d, uint32_t len)
{
	if (r->we_allocate) {
		if (len > r->layout.buffer_size)
			return NULL;
		return r->region[0].addr + mv_memif_layout_buffer(&r->layout, dir, slot);
	}
	if (d->region >= r->n_regions || (uint64_t)d->offset + len > r->region[d->region].size)
		return NULL;
	return r->region[d->region].addr + d->offset;
}

/* one frame from the descriptors at mb->rx_cur (up to @p last) into @p m: 0 or the counter */
static inline uint64_t *
rx_one(struct memif_backend *mb, const struct memif_rings *r, uint16_t last, struct rte_mbuf *m)
{
	const unsigned int dir = r->rx_dir;
	const uint16_t mask = (uint16_t)(r->size[dir] - 1);
	uint64_t *bad = NULL;
	uint32_t total = 0;

	for (;;) {
		uint16_t slot = mb->rx_cur & mask;
		struct memif_desc d = *(volatile struct memif_desc *)ring_desc(r->ring[dir], slot);
		const uint8_t *src;

		mb->rx_cur++;
		src = desc_buffer(r, dir, slot, &d, d.length);
		if (src == NULL)
			bad = bad != NULL ? bad : &mb->rx_bad_desc;
		else if ((uint64_t)total + d.length > RTE_MIN(mb->max_frame, mb->mbuf_room))
			bad = bad != NULL ? bad : &mb->rx_too_long;
		else if (bad == NULL)
			rte_memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, total), src, d.length);
		total += d.length <= mb->max_frame ? d.length : mb->max_frame + 1;
		if (!(d.flags & MV_MEMIF_DESC_FLAG_NEXT))
			break;
		if (mb->rx_cur == last) /* a chain cut at the last published slot */
			return &mb->rx_bad_desc;
	}
	if (bad == NULL && total < ETH_HDR_LEN)
		bad = &mb->rx_runt;
	if (bad == NULL) {
		m->data_len = (uint16_t)total;
		m->pkt_len = total;
	}
	return bad;
}

uint16_t
memif_rx_burst(struct mv_backend *be, struct rte_mbuf **pkts, uint16_t n)
{
	struct memif_backend *mb = memif_of(be);
	struct rte_mbuf *m[MEMIF_BURST_MAX];
	const struct memif_rings *r;
	uint16_t last, avail, got = 0, used = 0, size;
	uint8_t *ring;

	if (!__atomic_load_n(&mb->ready, __ATOMIC_ACQUIRE))
		return 0;
	r = mb->rings;
	ring = r->ring[r->rx_dir];
	size = r->size[r->rx_dir];
	last = __atomic_load_n(r->we_allocate ? ring_tail(ring) : ring_head(ring),
			       __ATOMIC_ACQUIRE);
	avail = (uint16_t)(last - mb->rx_cur);
	if (avail > size) {
		mb->bad_ring++;
		return 0;
	}
	if (n > MEMIF_BURST_MAX)
		n = MEMIF_BURST_MAX;
	if (avail < n)
		n = avail;
	if (n > 0 && rte_pktmbuf_alloc_bulk(mb->pool, m, n) < 0) {
		mb->rx_nombuf++;
		n = 0;
	}
	while (used < n && mb->rx_cur != last) {
		uint64_t *bad = rx_one(mb, r, last, m[used]);

		if (bad != NULL) {
			(*bad)++;
			rte_pktmbuf_reset(m[used]);
			continue;
		}
		mb->rx_bytes += m[used]->pkt_len;
		pkts[got++] = m[used++];
	}
	if (used < n)
		rte_pktmbuf_free_bulk(&m[used], n - used);
	mb->rx_frames += got;
	if (!r->we_allocate) {
		if (mb->rx_cur != (uint16_t)(last - avail)) /* hand the slots back */
			__atomic_store_n(ring_tail(ring), mb->rx_cur, __ATOMIC_RELEASE);
	} else if ((uint16_t)(mb->rx_head - mb->rx_cur) < size) {
		/* offer the read buffers again */
		const struct mv_memif_layout *l = &r->layout;

		while ((uint16_t)(mb->rx_head - mb->rx_cur) < size) {
			uint16_t slot = mb->rx_head & (uint16_t)(size - 1);
			struct memif_desc *d = ring_desc(ring, slot);

			d->region = 0;
			d->offset = mv_memif_layout_buffer(l, r->rx_dir, slot);
			d->length = l->buffer_size;
			d->flags = 0;
			mb->rx_head++;
		}
		__atomic_store_n(ring_head(ring), mb->rx_head, __ATOMIC_RELEASE);
	}
	return got;
}

/* copy @p m into the slots from @p *slot on (at most @p room): false when it does not fit */
static inline bool
tx_one(struct memif_backend *mb, const struct memif_rings *r, struct rte_mbuf *m, uint16_t *slot,
       uint16_t room)
{
	const unsigned int dir = r->tx_dir;
	const uint16_t mask = (uint16_t)(r->size[dir] - 1);
	uint16_t s = *slot, used = 0;
	struct memif_desc *d = NULL;
	uint32_t off = 0, cap = 0;
	uint8_t *dst = NULL;

	for (const struct rte_mbuf *seg = m; seg != NULL; seg = seg->next) {
		const uint8_t *src = rte_pktmbuf_mtod(seg, const uint8_t *);
		uint32_t left = seg->data_len;

		while (left > 0) {
			uint32_t k;

			if (off == cap) {
				struct memif_desc dv;

				if (used == room)
					return false;
				if (d != NULL)
					d->flags = MV_MEMIF_DESC_FLAG_NEXT;
				d = ring_desc(r->ring[dir], s & mask);
				dv = *(volatile struct memif_desc *)d;
				cap = r->we_allocate ? r->layout.buffer_size : dv.length;
				dst = desc_buffer(r, dir, s & mask, &dv, cap);
				if (dst == NULL || cap == 0) {
					mb->tx_bad_desc++;
					return false;
				}
				if (r->we_allocate) {
					d->region = 0;
					d->offset =
						mv_memif_layout_buffer(&r->layout, dir, s & mask);
				}
				d->flags = 0;
				d->length = 0;
				off = 0;
				s++;
				used++;
			}
			k = RTE_MIN(left, cap - off);
			rte_memcpy(dst + off, src, k);
			off += k;
			src += k;
			left -= k;
			d->length = off;
		}
	}
	if (d == NULL) { /* an empty frame still takes a slot */
		if (room == 0)
			return false;
		d = ring_desc(r->ring[dir], s & mask);
		d->flags = 0;
		d->length = 0;
		s++;
	}
	*slot = s;
	return true;
}

uint16_t
memif_tx_burst(struct mv_backend *be, struct rte_mbuf **pkts, uint16_t n)
{
	struct memif_backend *mb = memif_of(be);
	const struct memif_rings *r;
	uint16_t slot, room, size, sent = 0;
	uint8_t *ring;

	if (!__atomic_load_n(&mb->ready, __ATOMIC_ACQUIRE)) {
		mb->tx_no_peer++;
		be->tx_fail = MV_BACKEND_TX_NO_PEER;
		return 0;
	}
	r = mb->rings;
	ring = r->ring[r->tx_dir];
	size = r->size[r->tx_dir];
	slot = mb->tx_cur;
	if (r->we_allocate) /* C2S: the server hands slots back by moving tail */
		room = (uint16_t)(size - (uint16_t)(slot - __atomic_load_n(ring_tail(ring),
									   __ATOMIC_ACQUIRE)));
	else /* S2C: the client offers buffers up to head */
		room = (uint16_t)(__atomic_load_n(ring_head(ring), __ATOMIC_ACQUIRE) - slot);
	if (room > size) {
		mb->bad_ring++;
		room = 0;
	}
	while (sent < n) {
		uint16_t before = slot;

		if (!tx_one(mb, r, pkts[sent], &slot, room))
			break;
		room = (uint16_t)(room - (uint16_t)(slot - before));
		mb->tx_bytes += pkts[sent]->pkt_len;
		sent++;
	}
	if (sent > 0) {
		mb->tx_cur = slot;
		__atomic_store_n(r->we_allocate ? ring_head(ring) : ring_tail(ring), slot,
				 __ATOMIC_RELEASE);
		if (!(*ring_flags(ring) & MV_MEMIF_RING_FLAG_MASK_INT) &&
		    r->intr_fd[r->tx_dir] >= 0) {
			uint64_t one = 1;

			if (write(r->intr_fd[r->tx_dir], &one, sizeof(one)) == sizeof(one))
				mb->tx_interrupts++;
		}
		rte_pktmbuf_free_bulk(pkts, sent);
		mb->tx_frames += sent;
	}
	if (sent < n) {
		mb->tx_full++;
		be->tx_fail = MV_BACKEND_TX_FULL;
	}
	return sent;
}
