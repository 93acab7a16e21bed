// glibc's malloc settings fixed for libvips' per-image buffers (see VipsRuntime.start). Swift's Glibc module
// does not bring <malloc.h>, so the calls are here.
#include "malloc_settings.h"

#include <malloc.h>

bool cvips_fix_malloc_settings(int mmap_threshold, int trim_threshold, int arenas) {
	// Either threshold also turns off glibc's moving thresholds (it raises the mmap threshold to the size of
	// each mmap'ed block freed, and the trim threshold to twice that).
	return mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1 && mallopt(M_TRIM_THRESHOLD, trim_threshold) == 1
		&& mallopt(M_ARENA_MAX, arenas) == 1;
}

bool cvips_malloc_maps_block(size_t size) {
	size_t before = mallinfo2().hblks;
	void *block = malloc(size);
	size_t during = mallinfo2().hblks;
	free(block);
	return during > before;
}
