/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Grace periods the control thread never waits out for long. What workers
 * may still see (a replaced snapshot, released endpoints, a replaced
 * backend) is freed after its grace period. The control thread waits for it
 * at most MV_DP_GRACE_WAIT_MS; a worker that does not report by then is stuck
 * (in a backend's write, a driver's call): it is named in the log, the
 * objects are kept on a queue with their RCU token, and mv_dp_reclaim()
 * frees them once the worker reports again. While anything is queued, no
 * wait happens at all, so a stuck worker costs the control thread nothing.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include <rte_cycles.h>
#include <rte_pause.h>

#include "dp_internal.h"
#include "mv_log.h"

struct dp_retired {
	struct dp_retired *next;
	uint64_t token;
	uint8_t kind; /* enum dp_retired_kind */
	void *obj;
};

/* Name the workers that have not reported since @p token (for the log). */
static void
name_stuck(const struct mv_dp *dp, uint64_t token, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (uint16_t w = 0; w < dp->n_workers && n < len; w++) {
		uint64_t c = __atomic_load_n(&dp->qsbr->qsbr_cnt[w].cnt, __ATOMIC_ACQUIRE);

		if (c != 0 && c < token) /* 0: offline */
			n += (size_t)snprintf(buf + n, len - n, "%s%u (lcore %u)", n ? ", " : "", w,
					      dp->lcore[w]);
	}
}

bool
dp_grace_wait(struct mv_dp *dp, uint64_t token, unsigned int ms, const char *why)
{
	uint64_t hz = rte_get_timer_hz(), start = rte_get_timer_cycles();
	uint64_t end = start + hz * ms / 1000;
	char stuck[128];

	while (rte_rcu_qsbr_check(dp->qsbr, token, false) == 0) {
		if (rte_get_timer_cycles() >= end) {
			name_stuck(dp, token, stuck, sizeof(stuck));
			MV_LOG(WARNING, dp,
			       "%s: worker %s has not reported for %u ms (stuck in a backend or "
			       "driver call?); not waiting longer",
			       why, stuck[0] ? stuck : "?", ms);
			return false;
		}
		rte_pause();
	}
	return true;
}

static void
retired_free(struct mv_dp *dp, uint8_t kind, void *obj)
{
	switch (kind) {
	case DP_RETIRED_SNAPSHOT:
		dp_snapshot_free(obj);
		break;
	case DP_RETIRED_ENDPOINTS:
		dp_endpoint_list_free(dp, obj);
		break;
	case DP_RETIRED_BACKEND:
		((struct mv_backend *)obj)->ops->destroy(obj);
		break;
	default:
		break;
	}
}

void
dp_retire(struct mv_dp *dp, uint8_t kind, void *obj, uint64_t token, const char *why)
{
	struct dp_retired *r;

	if (obj == NULL)
		return;
	/* nothing older waits, and the period passes within the bound: free it now */
	if (dp->retired == NULL && dp_grace_wait(dp, token, MV_DP_GRACE_WAIT_MS, why)) {
		retired_free(dp, kind, obj);
		return;
	}
	if (rte_rcu_qsbr_check(dp->qsbr, token, false) == 1) {
		retired_free(dp, kind, obj);
		return;
	}
	r = malloc(sizeof(*r));
	if (r == NULL) {
		/* nowhere to keep it: the only safe choice left is to wait */
		MV_LOG(ERR, dp, "%s: out of memory, waiting for the grace period", why);
		rte_rcu_qsbr_check(dp->qsbr, token, true);
		retired_free(dp, kind, obj);
		return;
	}
	r->next = NULL;
	r->token = token;
	r->kind = kind;
	r->obj = obj;
	*dp->retired_tail = r;
	dp->retired_tail = &r->next;
	dp->n_retired++;
}

unsigned int
mv_dp_reclaim(struct mv_dp *dp)
{
	struct dp_retired *r;

	/* tokens only grow: stop at the first whose period has not passed */
	while ((r = dp->retired) != NULL && rte_rcu_qsbr_check(dp->qsbr, r->token, false) == 1) {
		dp->retired = r->next;
		if (dp->retired == NULL)
			dp->retired_tail = &dp->retired;
		dp->n_retired--;
		retired_free(dp, r->kind, r->obj);
		free(r);
		if (dp->retired == NULL)
			MV_LOG(NOTICE, dp, "every worker reports again; deferred frees done");
	}
	return dp->n_retired;
}

void
dp_retired_fini(struct mv_dp *dp)
{
	struct dp_retired *r;

	while ((r = dp->retired) != NULL) {
		dp->retired = r->next;
		retired_free(dp, r->kind, r->obj);
		free(r);
	}
	dp->retired_tail = &dp->retired;
	dp->n_retired = 0;
}
