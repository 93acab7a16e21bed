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

bool cvips_set_arena_max(int arenas) { return mallopt(M_ARENA_MAX, arenas) == 1; }

bool cvips_malloc_maps_block(size_t size) {
	// glibc marks a chunk that has a mapping of its own with IS_MMAPPED (bit 1 of the size word before the
	// block): a property of this block alone, where mallinfo2's count moves with other threads' blocks too.
	void *block = malloc(size);
	if (!block)
		return false;
	bool mapped = (((size_t *)block)[-1] & 2) != 0;
	free(block);
	return mapped;
}
