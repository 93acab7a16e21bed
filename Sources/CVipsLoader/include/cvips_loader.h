#ifndef IMGMAKE_CVIPS_LOADER_H
#define IMGMAKE_CVIPS_LOADER_H
// libvips loaded on first use (dlopen), so that a run that needs no pixels and no introspection (a no-op build,
// --version, a completion) maps none of libvips' ~100 libraries. See loader.c.
#include <stdbool.h>

/// The libvips file that will be (or was) loaded: the first libvips.so.ABI on the search list, or NULL when
/// none is there (then the dynamic loader's own search picks it). Never loads libvips.
const char *cvips_library_path(void);
/// Whether libvips has been loaded into this process.
bool cvips_library_loaded(void);
/// Loads libvips now (on a failure, prints why and exits 71).
void cvips_library_load(void);
/// A symbol of libvips or of a library it loaded (libwebp), or NULL when there is none. Loads libvips.
void *cvips_optional_symbol(const char *name);

#endif
