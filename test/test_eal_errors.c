/* SPDX-License-Identifier: BSD-3-Clause */
/* The explanations of EAL initialisation failures (app/daemon/eal_errors.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "eal_errors.h"
#include "mv_test.h"

static struct app_eal_facts
facts(void)
{
	struct app_eal_facts f;

	memset(&f, 0, sizeof(f));
	f.hugetlbfs_mounted = true;
	f.hugepages_total = 1024;
	f.hugepages_free = 1024;
	snprintf(f.prefix, sizeof(f.prefix), "p1");
	snprintf(f.config_path, sizeof(f.config_path), "/var/run/dpdk/p1/config");
	return f;
}

static void
test_hugepages(void)
{
	struct app_eal_facts f = facts();
	char b[512];

	f.hugepages_total = 0;
	f.hugepages_free = 0;
	app_eal_explain(EACCES, &f, b, sizeof(b));
	CHECK(strstr(b, "no usable hugepages (hugetlbfs mounted, 0 reserved, 0 free)") == b);
	CHECK(strstr(b, "--no-huge -m 1024") != NULL);
	f = facts();
	f.hugetlbfs_mounted = false;
	app_eal_explain(EACCES, &f, b, sizeof(b));
	CHECK(strstr(b, "no hugetlbfs mounted") != NULL);
	f = facts();
	f.hugepages_free = 0; /* all taken by others */
	app_eal_explain(ENOMEM, &f, b, sizeof(b));
	CHECK(strstr(b, "1024 reserved, 0 free") != NULL);
	/* with --no-huge, hugepages are not the cause */
	f.no_huge = true;
	f.hugepages_total = 0;
	app_eal_explain(ENOMEM, &f, b, sizeof(b));
	CHECK(strstr(b, "not enough memory") == b);
}

static void
test_lock_holder(void)
{
	struct app_eal_facts f = facts();
	char b[512];

	f.config_holder = 4242;
	f.hugepages_total = 0; /* the lock is named first: it is why EAL stopped */
	app_eal_explain(0, &f, b, sizeof(b));
	CHECK(strstr(b, "another DPDK process (pid 4242) runs with --file-prefix p1") == b);
	CHECK(strstr(b, "/var/run/dpdk/p1/config") != NULL);
}

static void
test_other_causes(void)
{
	struct app_eal_facts f = facts();
	char b[512];

	app_eal_explain(ENODEV, &f, b, sizeof(b));
	CHECK(strstr(b, "-a/--vdev") != NULL);
	app_eal_explain(EINVAL, &f, b, sizeof(b));
	CHECK(strstr(b, "invalid EAL arguments") == b);
	app_eal_explain(0, &f, b, sizeof(b));
	CHECK(strstr(b, "Success") == NULL); /* never "Success" for a failure */
	CHECK(strstr(b, "EAL gave no reason") == b);
	app_eal_explain(EPERM, &f, b, sizeof(b));
	CHECK(strstr(b, strerror(EPERM)) == b);
	/* a short buffer is cut, never overrun */
	app_eal_explain(ENODEV, &f, b, 8);
	CHECK_EQ(strlen(b), 7);
}

int
main(void)
{
	RUN_TEST(test_hugepages);
	RUN_TEST(test_lock_holder);
	RUN_TEST(test_other_causes);
	return mv_test_summary("eal_errors");
}
