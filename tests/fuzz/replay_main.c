/*
 * Runs a fuzz harness without libFuzzer: LLVMFuzzerTestOneInput once on
 * each file named on the command line, in order. `make test` builds every
 * harness with the normal compiler and this main, and replays the seed
 * corpus and the saved crash inputs (tests/integration/fuzz_replay.sh): a
 * broken invariant aborts, so a regression fails the suite.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

static uint8_t *read_whole(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	uint8_t *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			uint8_t *bigger = realloc(buf, cap *= 2);
			if (!bigger)
				free(buf);
			buf = bigger;
		}
	}
	fclose(f);
	if (!buf)
		return NULL;
	/* Exactly the input's size, as libFuzzer hands it over, so that an
	 * over-read is one past the end under a sanitizer here too. */
	uint8_t *exact = malloc(n ? n : 1);
	if (exact)
		memcpy(exact, buf, n);
	free(buf);
	*size = n;
	return exact;
}

int main(int argc, char **argv)
{
	LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		size_t size;
		uint8_t *data = read_whole(argv[i], &size);
		if (!data) {
			fprintf(stderr, "replay: cannot read %s\n", argv[i]);
			return 1;
		}
		LLVMFuzzerTestOneInput(data, size);
		free(data);
	}
	printf("replayed %d inputs\n", argc - 1);
	return 0;
}
