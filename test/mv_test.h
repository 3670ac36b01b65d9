/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MV_TEST_H
#define MV_TEST_H

/*
 * A minimal unit-test harness: CHECK records a failure and goes on, each test
 * is a function, and the program ends with "N passed, N failed" and a non-zero
 * exit status when anything failed.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned int mv_test_checks_failed;
static unsigned int mv_test_passed;
static unsigned int mv_test_failed;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);   \
			mv_test_checks_failed++;                                                   \
		}                                                                                  \
	} while (0)

#define CHECK_EQ(a, b)                                                                             \
	do {                                                                                       \
		long long mv_a_ = (long long)(a), mv_b_ = (long long)(b);                          \
		if (mv_a_ != mv_b_) {                                                              \
			fprintf(stderr, "%s:%d: CHECK_EQ(%s, %s) failed: %lld != %lld\n",          \
				__FILE__, __LINE__, #a, #b, mv_a_, mv_b_);                         \
			mv_test_checks_failed++;                                                   \
		}                                                                                  \
	} while (0)

#define RUN_TEST(fn)                                                                               \
	do {                                                                                       \
		unsigned int mv_before_ = mv_test_checks_failed;                                   \
		fn();                                                                              \
		if (mv_test_checks_failed == mv_before_) {                                         \
			mv_test_passed++;                                                          \
		} else {                                                                           \
			mv_test_failed++;                                                          \
			fprintf(stderr, "FAIL %s\n", #fn);                                         \
		}                                                                                  \
	} while (0)

static inline int
mv_test_summary(const char *suite)
{
	printf("%s: %u passed, %u failed\n", suite, mv_test_passed, mv_test_failed);
	return mv_test_failed == 0 && mv_test_passed > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif /* MV_TEST_H */
