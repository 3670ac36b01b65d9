/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Vif lifecycle: the core's tables decide, the backend follows, and the
 * datapath object (ring, counters) is created with the vif and freed only
 * after the snapshot that last referenced it was replaced.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_random.h>

#include "app.h"
#include "ctl_queue.h"
#include "events.h"
#include "mv_log.h"
#include "trace.h"
#include "watch.h"

/*
 * The one program whose vifs a backend's notify names (the process has one
 * struct app); a notify carries the vif's serial, never a pointer, so that
 * one queued after the vif was deleted finds nothing.
 */
static struct app *notify_app;
static uint64_t next_serial = 1;

static void on_peer_changed(struct app *app, void *arg);

/* Any thread (a vhost or memif thread): hand the change to the control thread. */
static void
backend_notify(void *ctx)
{
	struct app *app = __atomic_load_n(&notify_app, __ATOMIC_ACQUIRE);

	if (app != NULL && app_queue_push(app, on_peer_changed, ctx) < 0)
		MV_LOG(WARNING, backend, "a backend's peer change was not queued");
}

/* The program's half of an endpoint: its backend, on the owner's NUMA node. */
struct backend_req {
	const struct mv_backend_ops *ops;
	struct mv_backend_params *params;
};

static int
backend_create(void *arg, int socket_id, uint16_t owner, struct mv_backend **be, char *err,
	       size_t errlen)
{
	struct backend_req *r = arg;

	r->params->socket_id = socket_id;
	r->params->owner = owner;
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
	bp->qsbr = app->dp.qsbr;
	bp->notify = backend_notify;
	bp->notify_ctx = (void *)(uintptr_t)av->serial;
	bp->watch_fd = app_watch_fd;
	bp->watch_ctx = app;
	bp->socket_group = app->opt.socket_group;
	bp->n_workers = app->dp.n_workers;
	bp->owner = av->ep != NULL ? av->ep->owner : 0;
}

struct mv_vif *
app_vif_next(struct app *app, struct mv_vif *vif)
{
	unsigned int i = 0;

	if (vif != NULL) {
		if (TAILQ_NEXT(vif, next) != NULL)
			return TAILQ_NEXT(vif, next);
		i = vif->port->id + 1u;
	}
	for (; i < MV_MAX_PORTS; i++)
		if (app->ctl.ports[i] != NULL && !TAILQ_EMPTY(&app->ctl.ports[i]->vifs))
			return TAILQ_FIRST(&app->ctl.ports[i]->vifs);
	return NULL;
}

/* The vif of serial @p serial, or NULL (deleted since). */
static struct mv_vif *
vif_by_serial(struct app *app, uint64_t serial)
{
	for (struct mv_vif *vif = app_vif_next(app, NULL); vif != NULL;
	     vif = app_vif_next(app, vif))
		if (vif->priv != NULL && ((struct app_vif *)vif->priv)->serial == serial)
			return vif;
	return NULL;
}

/*
 * A vif's carrier is the lower's (the core sets it) as long as its backend
 * exists and has its peer; false otherwise. Returns the carrier.
 */
bool
app_vif_fix_carrier(struct mv_vif *vif)
{
	struct app_vif *av = vif->priv;

	if (av != NULL && (av->be_gone || !av->peer_up))
		vif->carrier = false;
	return vif->carrier;
}

static void sync_side(struct app *app, struct mv_vif *vif);

/*
 * Control thread: a backend said its side or its peer changed (a TAP netdev
 * changed from its netns, a guest came or went): the vif adopts what its
 * side did (sync_side), its carrier follows the peer.
 */
static void
on_peer_changed(struct app *app, void *arg)
{
	struct mv_vif *vif = vif_by_serial(app, (uint64_t)(uintptr_t)arg);
	struct app_vif *av;
	bool up, before;

	if (vif == NULL)
		return;
	av = vif->priv;
	if (av->be_gone)
		return;
	sync_side(app, vif);
	if (av->be_gone)
		return;
	up = mv_backend_peer_state(av->ep->be) > 0;
	if (up == av->peer_up)
		return;
	av->peer_up = up;
	before = vif->carrier;
	vif->carrier = vif->port->admin_up && vif->port->carrier;
	app_vif_fix_carrier(vif);
	MV_LOG(NOTICE, backend, "%s: %s peer %s%s", vif->name, av->ops->kind,
	       up ? "attached" : "gone",
	       vif->carrier != before ? (vif->carrier ? ", carrier on" : ", carrier off") : "");
	if (vif->carrier != before)
		app_events_vif_carrier(app, vif, vif->carrier, "backend");
	if (av->ops->set_carrier != NULL)
		av->ops->set_carrier(av->ep->be, vif->carrier);
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
	av->serial = next_serial++;
	__atomic_store_n(&notify_app, app, __ATOMIC_RELEASE);
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
	mv_trace_init(vif->name, kind, ret == 0 ? av->ep->owner : 0, ret);
	if (ret < 0)
		goto rollback;
	vif->priv = av;
	/* a backend with a peer starts without one: the peer's notify brings the carrier */
	av->peer_up = mv_backend_peer_state(av->ep->be) > 0;
	app_vif_fix_carrier(vif);
	mv_trace_fix_features(vif->name, port->name, vif->mtu, vif->max_mtu, vif->carrier);
	mv_trace_event(vif->name, port->name, "register", vif->carrier, "command");
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

	backend_params(app, vif, av, &bp);
	ret = av->ops->create(&bp, &nb, err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, "Error: %s: cannot create its backend again: %s\n", vif->name, err);
		return ret;
	}
	mv_dp_endpoint_replace_backend(&app->dp, av->ep, nb);
	av->be_gone = false;
	av->peer_up = mv_backend_peer_state(nb) > 0;
	vif->carrier = vif->port->admin_up && vif->port->carrier;
	app_vif_fix_carrier(vif);
	ret = mv_dp_endpoint_set_gone(&app->dp, av->ep, false);
	if (ret < 0)
		fprintf(stderr, "Error: %s: cannot watch the new backend: %s\n", vif->name,
			strerror(-ret));
	return 0;
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
 * The groups the backend's stack joined, in @p app's scratch buffer, grown
 * to hold them all (a namespace may join thousands). Returns the count or
 * -errno.
 */
static int
backend_groups(struct app *app, struct app_vif *av, mv_mac_t **out)
{
	int n = av->ops->get_mc(av->ep->be, app->mc_scratch, app->mc_scratch_cap);

	if (n > (int)app->mc_scratch_cap) {
		uint32_t cap = (uint32_t)n * 2;
		mv_mac_t *b = realloc(app->mc_scratch, cap * sizeof(*b));

		if (b == NULL)
			return -ENOMEM;
		app->mc_scratch = b;
		app->mc_scratch_cap = cap;
		n = av->ops->get_mc(av->ep->be, app->mc_scratch, app->mc_scratch_cap);
		if (n > (int)app->mc_scratch_cap)
			return -EAGAIN; /* it grew again meanwhile: the next poll */
	}
	*out = app->mc_scratch;
	return n;
}

static int
mac_cmp(const void *a, const void *b)
{
	mv_mac_t x = *(const mv_mac_t *)a, y = *(const mv_mac_t *)b;

	return x < y ? -1 : x > y;
}

/* Is @p g in the sorted @p groups? */
static bool
in_groups(const mv_mac_t *groups, int n, mv_mac_t g)
{
	return n > 0 && bsearch(&g, groups, (size_t)n, sizeof(*groups), mac_cmp) != NULL;
}

/* Mirror the backend's stack's groups into the vif: join the new, leave those it left. */
static void
mirror_groups(struct app *app, struct mv_vif *vif)
{
	struct app_vif *av = vif->priv;
	uint32_t pos = 0, n_gone = 0;
	mv_mac_t *groups, g;
	uint16_t val;
	int n = backend_groups(app, av, &groups);

	if (n < 0) {
		if (n == -ENOMEM)
			MV_LOG(WARNING, backend, "%s: no memory to mirror its groups", vif->name);
		return;
	}
	for (int i = 0; i < n; i++) {
		if (mv_vif_has_group(vif, groups[i]))
			continue;
		if (mv_vif_mc_add(vif, groups[i]) == 0)
			mv_mac_map_set(&av->mirrored, groups[i], 0);
	}
	/* groups the backend's stack left (only those that came from it) */
	if (n > 0)
		qsort(groups, (size_t)n, sizeof(*groups), mac_cmp);
	while (mv_mac_map_next(&av->mirrored, &pos, &g, &val) >= 0)
		n_gone += !in_groups(groups, n, g);
	if (n_gone == 0)
		return;
	/* delete after the walk: the map may not change under mv_mac_map_next */
	{
		mv_mac_t *gone = malloc(n_gone * sizeof(*gone));
		uint32_t k = 0;

		if (gone == NULL)
			return; /* the next poll tries again */
		pos = 0;
		while (mv_mac_map_next(&av->mirrored, &pos, &g, &val) >= 0 && k < n_gone)
			if (!in_groups(groups, n, g))
				gone[k++] = g;
		for (uint32_t i = 0; i < k; i++) {
			mv_mac_map_del(&av->mirrored, gone[i]);
			mv_vif_mc_del(vif, gone[i]);
		}
		free(gone);
	}
}

/* Who uses @p mac on @p vif's lower besides @p vif, for an error line. */
static void
mac_owner(struct mv_vif *vif, mv_mac_t mac, char *buf, size_t len)
{
	struct mv_vif *o;

	if (vif->port->mac == mac) {
		snprintf(buf, len, "it is the address of %s, its lower", vif->port->name);
		return;
	}
	TAILQ_FOREACH (o, &vif->port->vifs, next)
		if (o != vif && o->mac == mac) {
			snprintf(buf, len, "%s uses it on %s", o->name, vif->port->name);
			return;
		}
	snprintf(buf, len, "it is in use on %s", vif->port->name);
}

/* The netdev's address was changed from its side: adopted under `link set address` rules. */
static void
adopt_mac(struct app *app, struct mv_vif *vif, mv_mac_t mac)
{
	struct app_vif *av = vif->priv;
	char m[MV_MAC_STRLEN], was[MV_MAC_STRLEN];
	mv_mac_t before = vif->mac;
	int ret;

	mv_mac_format(mac, m, sizeof(m));
	mv_mac_format(before, was, sizeof(was));
	ret = app_vif_set_mac(vif, mac);
	if (ret == 0) {
		MV_LOG(NOTICE, backend, "%s: address %s set on its %s, adopted (was %s)", vif->name,
		       m, av->ops->kind, was);
		app_events_vif_side(app, vif, "address", m, true, NULL);
		return;
	}
	/* as `ip link set address` on a kernel vif: refused, the netdev keeps the vif's */
	if (av->ops->set_mac != NULL)
		av->ops->set_mac(av->ep->be, vif->mac);
	char why[96];

	if (ret == -EADDRINUSE)
		mac_owner(vif, mac, why, sizeof(why));
	else
		snprintf(why, sizeof(why), "not a unicast address");
	fprintf(stderr, "Error: %s: address %s set on its %s refused: %s; put back %s\n", vif->name,
		m, av->ops->kind, why, was);
	app_events_vif_side(app, vif, "address", m, false, why);
}

/* The netdev's MTU was changed from its side: adopted under `link set mtu` rules. */
static void
adopt_mtu(struct app *app, struct mv_vif *vif, uint32_t mtu)
{
	struct app_vif *av = vif->priv;
	uint32_t before = vif->mtu;
	char v[16], why[96];

	snprintf(v, sizeof(v), "%u", mtu);
	if (app_vif_set_mtu(vif, mtu) == 0) {
		MV_LOG(NOTICE, backend, "%s: mtu %u set on its %s, adopted (was %u)", vif->name,
		       mtu, av->ops->kind, before);
		app_events_vif_side(app, vif, "mtu", v, true, NULL);
		return;
	}
	if (av->ops->set_mtu != NULL)
		av->ops->set_mtu(av->ep->be, vif->mtu);
	snprintf(why, sizeof(why), "the mtu of a vif on %s is 68..%u", vif->port->name,
		 vif->port->mtu);
	fprintf(stderr, "Error: %s: mtu %u set on its %s refused: %s; put back %u\n", vif->name,
		mtu, av->ops->kind, why, before);
	app_events_vif_side(app, vif, "mtu", v, false, why);
}

/*
 * Adopt what the backend's own side did, as the kernel does for a macvlan
 * changed with `ip link set` (the same rules as the shell's command, or a
 * refusal that puts the netdev back): set up or down, a new address, a new
 * MTU; and notice that it was deleted. Called when the backend notifies
 * (a TAP: rtnetlink of its netns; no polling).
 */
static void
sync_side(struct app *app, struct mv_vif *vif)
{
	struct app_vif *av = vif->priv;
	mv_mac_t mac;
	uint32_t mtu;
	int ret;

	if (av->be_gone)
		return;
	ret = mv_backend_check(av->ep->be);
	if (ret == -ENODEV) {
		backend_lost(app, vif);
		return;
	}
	if (ret < 0)
		return; /* -EOWNERDEAD: the poll deletes the vif */
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
	if (av->ops->get_mac != NULL && av->ops->get_mac(av->ep->be, &mac) == 0 && mac != vif->mac)
		adopt_mac(app, vif, mac);
	if (av->ops->get_mtu != NULL && av->ops->get_mtu(av->ep->be, &mtu) == 0 && mtu != vif->mtu)
		adopt_mtu(app, vif, mtu);
}

/*
 * Once a second, what no notification tells: the groups the backend's
 * kernel stack joined or left (rtnetlink has no event for link-layer
 * groups) and its named netns still there (`ip netns del` only unmounts it).
 */
static int
poll_backend(struct app *app, struct mv_vif *vif)
{
	struct app_vif *av = vif->priv;
	int ret;

	if (av->be_gone)
		return 0;
	ret = mv_backend_check(av->ep->be);
	if (ret == -EOWNERDEAD)
		return ret; /* the caller deletes the vif */
	if (ret == -ENODEV) {
		backend_lost(app, vif);
		return 0;
	}
	if (av->ops->get_mc != NULL)
		mirror_groups(app, vif);
	return 0;
}

/*
 * The backend's namespace is gone (`ip netns del`): the kernel deletes a
 * macvlan that lived in a namespace that goes away, and so does the
 * program (only its own fds kept the namespace alive).
 */
static void
vif_delete_gone(struct app *app, struct mv_vif *vif)
{
	struct app_vif *av = vif->priv;
	const char *ns = mv_backend_arg(&av->args, "netns");
	char reason[160];

	snprintf(reason, sizeof(reason), "its netns %s was deleted", ns != NULL ? ns : "?");
	MV_LOG(NOTICE, backend, "%s: deleted: %s", vif->name, reason);
	app_events_vif_deleted(app, vif, reason);
	mv_trace_dellink(vif->name, vif->port->name, reason);
	app_vif_del(app, vif);
}

void
app_vifs_poll_backends(struct app *app)
{
	struct mv_vif *vif = app_vif_next(app, NULL), *next;

	for (; vif != NULL; vif = next) {
		next = app_vif_next(app, vif); /* vif may be deleted below */
		if (vif->priv != NULL && poll_backend(app, vif) == -EOWNERDEAD)
			vif_delete_gone(app, vif);
	}
}
