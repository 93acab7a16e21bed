#ifndef IMGMAKE_CREADLINE_SHIM_H
#define IMGMAKE_CREADLINE_SHIM_H
// GNU readline for Swift: stdio.h must come before readline's headers.
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>

// stdio's stdout, for the command line and the shell: Swift 6 cannot name the C global variable (to Swift,
// shared mutable state), though it is set once before main and the stream is thread-safe (stdio locks it).
static inline FILE *imgmake_stdout(void) { return stdout; }
#endif
