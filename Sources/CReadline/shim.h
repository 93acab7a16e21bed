#ifndef IMGMAKE_CREADLINE_SHIM_H
#define IMGMAKE_CREADLINE_SHIM_H
// GNU readline for Swift: stdio.h must come before readline's headers.
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>
#endif
