#ifndef IMGMAKE_ORC_SERIAL_H
#define IMGMAKE_ORC_SERIAL_H
// liborc's code memory allocated and freed under one lock (see orc_serial.c).
#include <stdbool.h>

/// How many `orc_program_compile` / `orc_program_free` calls went through imgmake's lock (libvips' calls,
/// when the executable exports the two names as it should).
unsigned long cvips_orc_serialised_compiles(void);
unsigned long cvips_orc_serialised_frees(void);
/// Whether the name `orc_program_free` resolves to imgmake's definition in the global scope (what libvips,
/// loaded later with dlopen, binds to).
bool cvips_orc_free_is_imgmakes(void);

#endif
