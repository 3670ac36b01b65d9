/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_APP_RUNTIME_H
#define MV_APP_RUNTIME_H

/*
 * The EAL prefix's runtime files (runtime.c): claimed before EAL starts (a
 * lock file in the runtime directory, so a second instance with the same
 * --file-prefix is refused), removed at exit after rte_eal_cleanup.
 */
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct app_runtime {
	char prefix[NAME_MAX + 1];
	char dir[PATH_MAX];       /**< /var/run/dpdk/<prefix>, as EAL makes it */
	char lock[PATH_MAX + 32]; /**< <dir>/dpdk-macvlan.lock */
	int fd;                   /**< the lock file, write-locked (fcntl); -1: not claimed */
	bool hugepages;           /**< EAL runs on hugepages: their files go at exit too */
};

/**
 * Make and lock the runtime directory of @p prefix. 0; -EADDRINUSE when a
 * live instance holds it; -errno otherwise; @p err says it ("Error: ...").
 */
int app_runtime_claim(struct app_runtime *rt, const char *prefix, char *err, size_t errlen);
/** EAL is up: does it use hugepage files (rte_eal_has_hugepages)? */
void app_runtime_note_hugepages(struct app_runtime *rt, bool on);
/** After rte_eal_cleanup: remove the prefix's hugepage files and runtime directory. */
void app_runtime_release(struct app_runtime *rt);

#endif /* MV_APP_RUNTIME_H */
