#ifndef IMGMAKE_MALLOC_SETTINGS_H
#define IMGMAKE_MALLOC_SETTINGS_H
#include <stdbool.h>
#include <stddef.h>

/// Sets glibc's M_MMAP_THRESHOLD (blocks at least this large get their own mapping, unmapped when freed),
/// M_TRIM_THRESHOLD (free memory at a heap's top beyond this is given back to the system), both in bytes, and
/// M_ARENA_MAX (how many heaps threads share); false if glibc refused a value (the mmap threshold's maximum is
/// 32 MiB on 64-bit machines).
bool cvips_fix_malloc_settings(int mmap_threshold, int trim_threshold, int arenas);
/// Sets glibc's M_ARENA_MAX alone (before threads allocate: under an address-space limit, every arena of a
/// thread reserves 64 MiB of it); false if glibc refused.
bool cvips_set_arena_max(int arenas);
/// Whether a block of `size` bytes gets a mapping of its own (glibc's count of mmap'ed blocks rises while it
/// is allocated); for tests of the settings above.
bool cvips_malloc_maps_block(size_t size);

#endif
