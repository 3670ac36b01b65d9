/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_APP_EAL_ERRORS_H
#define MV_APP_EAL_ERRORS_H

/*
 * When rte_eal_init fails, what EAL says is often beside the point
 * ("Permission denied" for missing hugepages, "Success" for a shared config
 * another process holds). These look at the machine and the arguments and
 * name the cause and the fix. No DPDK here: the facts come from /proc and
 * the runtime directory, the explanation is a pure function of them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct app_eal_facts {
	bool no_huge;           /**< --no-huge was given */
	bool no_shconf;         /**< --no-shconf or --in-memory was given */
	bool hugetlbfs_mounted; /**< a hugetlbfs is mounted */
	long hugepages_total;   /**< HugePages_Total of /proc/meminfo (-1: unknown) */
	long hugepages_free;    /**< HugePages_Free (-1: unknown) */
	pid_t config_holder;    /**< the process holding the prefix's config lock, or 0 */
	char prefix[64];        /**< --file-prefix ("rte" by default) */
	char config_path[256];  /**< the prefix's shared config file */
};

/** Gather the facts for EAL arguments @p argc/@p argv (up to "--"). */
void app_eal_facts(int argc, char **argv, const char *prefix, struct app_eal_facts *f);

/**
 * One or two lines, without "Error: " and without a final newline, naming
 * the cause of an rte_eal_init failure with rte_errno @p err and the fix.
 */
void app_eal_explain(int err, const struct app_eal_facts *f, char *buf, size_t len);

#endif /* MV_APP_EAL_ERRORS_H */
