/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Build the datapath's snapshot from the control tables and publish it.
 * The replaced snapshot, and the vifs deleted since, are freed after the
 * grace period mv_dp_publish() waits for.
 */
#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "app.h"

static void
snapshot_free(struct mv_dp_snapshot *snap)
{
	if (snap == NULL)
		return;
	for (unsigned int p = 0; p < MV_MAX_PORTS; p++) {
		rte_free((void *)(uintptr_t)snap->ports[p].fib);
		rte_free(snap->ports[p].vifs);
	}
	for (unsigned int w = 0; w < snap->n_workers; w++)
		rte_free(snap->workers[w].vifs);
	rte_free(snap);
}

static int
build_port(struct app *app, struct mv_dp_snapshot *snap, struct mv_port *port)
{
	struct mv_dp_port *dport = &snap->ports[port->id];
	struct app_port *ap = port->priv;
	size_t size = mv_fib_size(port);
	void *mem = rte_malloc("mv_fib", size, RTE_CACHE_LINE_SIZE);
	const struct mv_fib *fib;
	struct mv_vif *vif;

	if (mem == NULL)
		return -ENOMEM;
	fib = mv_fib_build(port, mem, size);
	dport->fib = fib;
	dport->active = true;
	dport->port_id = ap->port_id;
	dport->bc_ring = ap->bc_ring;
	dport->bc_owner = (uint16_t)(port->id % app->n_workers);
	/* what a NIC at this MTU accepts, and never more than the device itself */
	dport->rx_max_len = port->mtu + MV_DP_RX_L2_OVERHEAD;
	if (ap->max_rx_pktlen != 0 && ap->max_rx_pktlen < dport->rx_max_len)
		dport->rx_max_len = ap->max_rx_pktlen;
	/* vifs[] and sink[] in one block */
	dport->vifs = rte_zmalloc(
		"mv_dp_vifs", (fib->n_slots + 1u) * (sizeof(*dport->vifs) + sizeof(*dport->sink)),
		RTE_CACHE_LINE_SIZE);
	if (dport->vifs == NULL)
		return -ENOMEM;
	dport->sink = (uint8_t *)(dport->vifs + fib->n_slots + 1u);
	TAILQ_FOREACH(vif, &port->vifs, next)
	{
		struct app_vif *av = vif->priv;
		struct mv_dp_worker_conf *wc;

		if (av == NULL)
			continue;
		dport->vifs[vif->slot] = av->dp;
		dport->sink[vif->slot] = av->be_gone  ? MV_DP_SLOT_GONE
					 : av->dp->sink ? MV_DP_SLOT_SINK
							: MV_DP_SLOT_STAGED;
		/* only backends that can send need polling; those with an fd through epoll */
		wc = &snap->workers[av->dp->owner];
		if (av->be_gone)
			continue; /* out of its owner's epoll set */
		if (av->ops->rx_burst != NULL && av->ops->rx_fd != NULL)
			wc->n_fd_vifs++;
		else if (av->ops->rx_burst != NULL)
			wc->vifs[wc->n_vifs++] = av->dp;
	}
	/* rx queue q of port p goes to worker (p + q) % workers */
	for (uint16_t q = 0; q < ap->n_rxq; q++) {
		struct mv_dp_worker_conf *wc = &snap->workers[(port->id + q) % app->n_workers];

		if (wc->n_rxq < MV_DP_MAX_RXQ) {
			wc->rxq[wc->n_rxq].port = port->id;
			wc->rxq[wc->n_rxq].queue = q;
			wc->n_rxq++;
		}
	}
	return 0;
}

void
app_snapshot_release(struct app *app)
{
	snapshot_free(mv_dp_publish(&app->dp, NULL));
}

int
app_publish(struct app *app)
{
	struct mv_dp_snapshot *snap, *old;

	snap = rte_zmalloc("mv_snapshot", sizeof(*snap), RTE_CACHE_LINE_SIZE);
	if (snap == NULL)
		return -ENOMEM;
	snap->forwarding = app->forwarding && !app->hold;
	snap->n_workers = app->n_workers;
	for (uint16_t w = 0; w < app->n_workers; w++) {
		snap->workers[w].vifs = rte_zmalloc(
			"mv_worker_vifs", (app->vif_count_per_worker[w] + 1u) * sizeof(void *), 0);
		if (snap->workers[w].vifs == NULL)
			goto nomem;
	}
	for (unsigned int p = 0; p < MV_MAX_PORTS; p++)
		if (app->ctl.ports[p] != NULL && build_port(app, snap, app->ctl.ports[p]) < 0)
			goto nomem;
	old = mv_dp_publish(&app->dp, snap);
	snapshot_free(old);
	/* vifs deleted before this publish are out of every worker's sight now */
	for (uint32_t i = 0; i < app->n_graveyard; i++) {
		struct mv_dp_vif *dv = app->graveyard[i];

		mv_dp_drain_ring(&app->dp, dv->ring, dv->port, MV_DP_DROP_VIF_GONE);
		dv->be->ops->destroy(dv->be);
		rte_free(dv->ring); /* vif_ring_new() */
		app->vif_ids[dv->id] = 0;
		rte_free(dv);
	}
	app->n_graveyard = 0;
	/* what a NIC refuses is logged by the sync; the next publish tries again */
	for (unsigned int p = 0; p < MV_MAX_PORTS; p++)
		if (app->ctl.ports[p] != NULL)
			(void)app_port_sync_filter(app, app->ctl.ports[p]);
	app->dirty = false;
	return 0;
nomem:
	snapshot_free(snap);
	return -ENOMEM;
}
