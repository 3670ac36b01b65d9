/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Standalone driver for the fuzz targets when libFuzzer is not linked in:
 * feeds N pseudo-random inputs (argv[1], default 20000) of random sizes from
 * a fixed seed to LLVMFuzzerTestOneInput, then every file named by the
 * further arguments (e.g. a libFuzzer crash reproducer or corpus entries).
 * A violation aborts inside the target, so reaching the end means success.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_SEED     UINT64_C(0x6d61636d766c616e) /* "macmvlan" */
#define REPLAY_MAX_SIZE 4096u

static uint64_t
xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static int
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;

	if (f == NULL) {
		fprintf(stderr, "fuzz_replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t got;

		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			uint8_t *nbuf = realloc(buf, ncap);

			if (nbuf == NULL) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nbuf;
			cap = ncap;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned long n = 20000;
	unsigned long passed = 0, failed = 0;
	uint64_t seed = REPLAY_SEED;
	uint8_t *buf;

	if (argc > 1) {
		char *end;

		errno = 0;
		n = strtoul(argv[1], &end, 10);
		if (errno != 0 || *end != '\0') {
			fprintf(stderr, "usage: %s [N] [input-file...]\n", argv[0]);
			return EXIT_FAILURE;
		}
	}
	buf = malloc(REPLAY_MAX_SIZE);
	if (buf == NULL)
		return EXIT_FAILURE;
	for (unsigned long i = 0; i < n; i++) {
		uint64_t r = xorshift64(&seed);
		/* Mostly short programs, sometimes long ones. */
		size_t size = (r & 7) == 0 ? (size_t)((r >> 8) % REPLAY_MAX_SIZE)
					   : (size_t)((r >> 8) % 512);

		for (size_t k = 0; k < size; k += 8) {
			uint64_t w = xorshift64(&seed);
			size_t m = size - k < 8 ? size - k : 8;

			memcpy(buf + k, &w, m);
		}
		LLVMFuzzerTestOneInput(buf, size);
		passed++;
	}
	free(buf);
	for (int i = 2; i < argc; i++) {
		if (replay_file(argv[i]) == 0)
			passed++;
		else
			failed++;
	}
	printf("fuzz_replay: %lu passed, %lu failed\n", passed, failed);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
