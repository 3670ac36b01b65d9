/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Vif lifecycle: the core's tables decide, the backend follows, and the
 * datapath object (ring, counters) is created with the vif and freed only
 * after the snapshot that last referenced it was replaced.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_random.h>

#include "app.h"
#include "mv_log.h"
#include "events.h"

/* The program's half of an endpoint: its backend, on the owner's NUMA node. */
struct backend_req {
	const struct mv_backend_ops *ops;
	struct mv_backend_params *params;
};

static int
backend_create(void *arg, int socket_id, struct mv_backend **be, char *err, size_t errlen)
{
	struct backend_req *r = arg;

	r->params->socket_id = socket_id;
	return r->ops->create(r->params, be, err, errlen);
}

/* What the vif's backend is created with (at `link add`, and again after it was gone). */
static void
backend_params(struct app *app, const struct mv_vif *vif, const struct app_vif *av,
	       struct mv_backend_params *bp)
{
	memset(bp, 0, sizeof(*bp));
	bp->vif_name = vif->name;
	bp->mac = vif->mac;
	bp->mtu = vif->mtu;
	bp->carrier = vif->carrier;
	if (av->ep != NULL)
		bp->socket_id = (int)rte_lcore_to_socket_id(app->worker_lcore[av->ep->owner]);
	bp->pool = app->pool;
	bp->args = &av->args;
}

int
app_vif_add(struct app *app, struct mv_port *port, const struct mv_vif_config *cfg,
	    const struct mv_backend_args *args, char *err, size_t errlen)
{
	const char *kind = args->kind[0] != '\0' ? args->kind : "tap";
	const struct mv_backend_ops *ops = mv_backend_find(kind);
	int32_t cutoff_before = port->bc_cutoff;
	struct mv_dp_endpoint_params ep;
	struct mv_backend_params bp;
	struct backend_req breq;
	struct mv_vif_config c = *cfg;
	struct app_vif *av;
	struct mv_vif *vif;
	int ret;

	if (ops == NULL) {
		snprintf(err, errlen, "unknown backend \"%s\"", kind);
		return -EINVAL;
	}
	av = calloc(1, sizeof(*av));
	if (av == NULL || mv_mac_map_init(&av->mirrored, 8) < 0) {
		free(av);
		return -ENOMEM;
	}
	c.random = rte_rand();
	ret = mv_vif_create(&app->ctl, port, &c, &vif);
	if (ret < 0) {
		mv_mac_map_free(&av->mirrored);
		free(av);
		return ret;
	}
	av->ops = ops;
	av->args = *args; /* kept: a backend that went away is created again from them */
	backend_params(app, vif, av, &bp);
	breq.ops = ops;
	breq.params = &bp;
	memset(&ep, 0, sizeof(ep));
	ep.kind = MV_DP_EP_VIF;
	ep.port = port->id;
	ep.slot = vif->slot;
	ep.sink = ops->sink;
	ep.ring_size = app->opt.ring_size;
	ep.backend_create = backend_create;
	ep.arg = &breq;
	ret = mv_dp_endpoint_create(&app->dp, &ep, &av->ep, err, errlen);
	if (ret < 0)
		goto rollback;
	vif->priv = av;
	return 0;
rollback:
	/* leave the tables as they were (the kernel would keep a bclim given here) */
	mv_vif_delete(&app->ctl, vif);
	port->bc_cutoff = cutoff_before;
	mv_mac_map_free(&av->mirrored);
	free(av);
	return ret;
}

void
app_vif_del(struct app *app, struct mv_vif *vif)
{
	struct mv_port *port = vif->port;
	struct app_vif *av = vif->priv;
	mv_mac_t lower_before = port->mac;

	/* withdrawn from the next snapshot, freed after its grace period */
	mv_dp_endpoint_release(&app->dp, av->ep);
	mv_vif_delete(&app->ctl, vif);
	if (port->mac != lower_before)
		app_port_set_mac(app, port, port->mac); /* passthru restored the lower's MAC */
	mv_mac_map_free(&av->mirrored);
	free(av);
}

/*
 * The backend's side was deleted (a TAP's netdev, from its namespace): the
 * closest kernel outcome is a vif that is gone, so the vif keeps its
 * configuration but loses its carrier, leaves its owner's epoll set, and
 * the datapath drops what it would receive (backend-gone) without a
 * syscall. `link set up` creates the backend again (backend_recreate).
 */
static void
backend_lost(struct app *app, struct mv_vif *vif)
{
	struct app_vif *av = vif->priv;
	char be[160] = "";

	av->be_gone = true;
	vif->carrier = false;
	/* the core's carrier is set here, not by a core call: the endpoint's change publishes */
	mv_dp_endpoint_set_gone(&app->dp, av->ep, true);
	if (av->ops->describe != NULL)
		av->ops->describe(av->ep->be, be, sizeof(be));
	fprintf(stderr,
		"%s: carrier off, backend %s; link set %s down, then up, creates it again\n",
		vif->name, be, vif->name);
}

/*
 * A new backend for a vif whose backend is gone. Workers load the vif's
 * backend pointer once per use: after the swap and a grace period, none
 * holds the old one, which is then destroyed.
 */
static int
backend_recreate(struct app *app, struct mv_vif *vif)
{
	struct app_vif *av = vif->priv;
	struct mv_backend_params bp;
	struct mv_backend *nb;
	char err[256] = "";
	int ret;

	vif->carrier = vif->port->admin_up && vif->port->carrier;
	backend_params(app, vif, av, &bp);
	ret = av->ops->create(&bp, &nb, err, sizeof(err));
	if (ret < 0) {
		vif->carrier = false;
		fprintf(stderr, "%s: cannot create its backend again: %s\n", vif->name, err);
		return ret;
	}
	mv_dp_endpoint_replace_backend(&app->dp, av->ep, nb);
	av->be_gone = false;
	ret = mv_dp_endpoint_set_gone(&app->dp, av->ep, false);
	if (ret < 0)
		fprintf(stderr, "%s: cannot watch the new backend: %s\n", vif->name,
			strerror(-ret));
	return 0;
}

/* A carrier the lower gives back does not reach a vif whose backend is gone. */
void
app_vif_keep_gone(struct mv_vif *vif)
{
	struct app_vif *av = vif->priv;

	if (av != NULL && av->be_gone)
		vif->carrier = false;
}

int
app_vif_set_up(struct app *app, struct mv_vif *vif, bool up)
{
	struct app_vif *av = vif->priv;
	int ret;

	if (up && av->be_gone) {
		ret = backend_recreate(app, vif);
		if (ret < 0)
			return ret;
	}
	ret = mv_vif_set_up(vif, up);
	if (ret < 0)
		return ret;
	if (av->ops->set_admin != NULL && (ret = av->ops->set_admin(av->ep->be, up)) < 0)
		MV_LOG(WARNING, backend, "%s: the %s backend cannot be set %s: %s", vif->name,
		       av->ops->kind, up ? "up" : "down", strerror(-ret));
	MV_LOG(INFO, ctl, "%s: %s", vif->name, up ? "up" : "down");
	av->tap_admin = up;
	return 0;
}

int
app_vif_set_mac(struct mv_vif *vif, mv_mac_t mac)
{
	struct app_vif *av = vif->priv;
	mv_mac_t lower_before = vif->port->mac;
	int ret = mv_vif_set_mac(vif, mac);

	if (ret < 0)
		return ret;
	if (vif->port->mac != lower_before) {
		/* passthru: the lower's MAC changed and the vif followed */
		struct rte_ether_addr a;

		mv_mac_to_bytes(vif->port->mac, a.addr_bytes);
		ret = rte_eth_dev_default_mac_addr_set(
			((struct app_port *)vif->port->priv)->port_id, &a);
		if (ret < 0)
			MV_LOG(WARNING, port, "%s: the NIC refused the passthru address: %s",
			       vif->port->name, strerror(-ret));
	}
	if (av->ops->set_mac != NULL && (ret = av->ops->set_mac(av->ep->be, vif->mac)) < 0)
		MV_LOG(WARNING, backend, "%s: the %s backend did not take the address: %s",
		       vif->name, av->ops->kind, strerror(-ret));
	return 0;
}

int
app_vif_set_mtu(struct mv_vif *vif, uint32_t mtu)
{
	struct app_vif *av = vif->priv;
	int ret = mv_vif_set_mtu(vif, mtu);

	if (ret < 0)
		return ret;
	if (av->ops->set_mtu != NULL && (ret = av->ops->set_mtu(av->ep->be, mtu)) < 0)
		MV_LOG(WARNING, backend, "%s: the %s backend did not take mtu %u: %s", vif->name,
		       av->ops->kind, mtu, strerror(-ret));
	return 0;
}

/*
 * Mirror what the backend's own side did: a TAP netdev set up or down from
 * its namespace, and the groups its kernel stack joined or left.
 */
static void
poll_backend(struct app *app, struct mv_vif *vif)
{
	struct app_vif *av = vif->priv;
	mv_mac_t groups[256];
	int n;

	if (av->be_gone)
		return;
	if (mv_backend_check(av->ep->be) == -ENODEV) {
		backend_lost(app, vif);
		return;
	}
	if (av->ops->get_admin != NULL) {
		int up = av->ops->get_admin(av->ep->be);

		if (up >= 0 && (bool)up != av->tap_admin) {
			av->tap_admin = up;
			if (mv_vif_set_up(vif, up) == 0) {
				app_events_vif_admin(app, vif, up);
			} else if (av->ops->set_admin != NULL) {
				/* as `ip link set up` on a kernel vif: refused, it stays down */
				av->ops->set_admin(av->ep->be, false);
				av->tap_admin = false;
			}
		}
	}
	if (av->ops->get_mc == NULL)
		return;
	n = av->ops->get_mc(av->ep->be, groups, RTE_DIM(groups));
	if (n < 0 || n > (int)RTE_DIM(groups))
		return;
	for (int i = 0; i < n; i++) {
		if (mv_vif_has_group(vif, groups[i]))
			continue;
		if (mv_vif_mc_add(vif, groups[i]) == 0)
			mv_mac_map_set(&av->mirrored, groups[i], 0);
	}
	/* groups the backend's stack left (only those that came from it) */
	{
		uint32_t pos = 0, n_gone = 0;
		mv_mac_t g, gone[256];
		uint16_t val;

		while (mv_mac_map_next(&av->mirrored, &pos, &g, &val) >= 0 &&
		       n_gone < RTE_DIM(gone)) {
			bool found = false;

			for (int i = 0; i < n && !found; i++)
				found = groups[i] == g;
			if (!found)
				gone[n_gone++] = g;
		}
		for (uint32_t i = 0; i < n_gone; i++) {
			mv_mac_map_del(&av->mirrored, gone[i]);
			mv_vif_mc_del(vif, gone[i]);
		}
	}
}

void
app_vifs_poll_backends(struct app *app)
{
	for (unsigned int i = 0; i < MV_MAX_PORTS; i++) {
		struct mv_port *port = app->ctl.ports[i];
		struct mv_vif *vif;

		if (port == NULL)
			continue;
		TAILQ_FOREACH (vif, &port->vifs, next)
			if (vif->priv != NULL)
				poll_backend(app, vif);
	}
}
