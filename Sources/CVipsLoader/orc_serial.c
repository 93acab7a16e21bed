// liborc's code memory behind one lock. libvips 8.14 compiles its convolution and reduction loops with liborc
// when an operation is built (`orc_program_compile`) and frees them when the operation is destroyed
// (`orc_program_free`, from `vips_vector_free` under `g_object_unref`). liborc 0.4.33 hands out and gives back
// chunks of its executable code regions in a list that it locks only while searching it: splitting a chunk
// (compile) and marking it free and merging it with its neighbours (free) run unlocked, so a thread-pool build,
// whose jobs build and destroy such operations at once, could corrupt the list and crash in `orc_code_free`
// (RELIABILITY.md, "Bugs found" 5).
//
// imgmake defines the two liborc entry points libvips calls that allocate or free code memory (`nm -D
// --undefined-only libvips.so.42`: the others build a program's description or run it, and touch no shared
// state): each takes one process-wide mutex and calls liborc's own function. The executable exports these two
// names (Package.swift: `--export-dynamic-symbol`), so libvips, loaded later with dlopen, binds its calls to
// them: the dynamic loader searches the executable before libvips' own dependencies. Running compiled code
// (`orc_executor_run`) needs no lock: a chunk in use is never handed out or merged.
//
// Parameters are plain C types of the same ABI (OrcProgram * as void *, OrcCompileResult as int); liborc's
// headers are not included, so that nothing here depends on them being installed.
#define _GNU_SOURCE  // RTLD_NEXT
#include "orc_serial.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

int orc_program_compile(void *program);
void orc_program_free(void *program);

static pthread_mutex_t code_memory = PTHREAD_MUTEX_INITIALIZER;
static unsigned long compiles;
static unsigned long frees;

// liborc's definition of NAME: the next one after the executable's in the search order (liborc is loaded by
// then, as libvips' dependency, before libvips can call it). A missing one is a broken installation.
static void *next_definition(void **slot, const char *name, void *own) {
	void *f = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
	if (!f) {
		f = dlsym(RTLD_NEXT, name);
		if (!f || f == own) {
			fprintf(stderr, "imgmake: error: liborc's %s cannot be found\n", name);
			fflush(stderr);
			_exit(71);
		}
		__atomic_store_n(slot, f, __ATOMIC_RELEASE);
	}
	return f;
}

int orc_program_compile(void *program) {
	static void *real;
	int (*f)(void *) = (int (*)(void *))next_definition(&real, "orc_program_compile", (void *)orc_program_compile);
	pthread_mutex_lock(&code_memory);
	int result = f(program);
	compiles++;
	pthread_mutex_unlock(&code_memory);
	return result;
}

void orc_program_free(void *program) {
	static void *real;
	void (*f)(void *) = (void (*)(void *))next_definition(&real, "orc_program_free", (void *)orc_program_free);
	pthread_mutex_lock(&code_memory);
	f(program);
	frees++;
	pthread_mutex_unlock(&code_memory);
}

unsigned long cvips_orc_serialised_compiles(void) {
	pthread_mutex_lock(&code_memory);
	unsigned long n = compiles;
	pthread_mutex_unlock(&code_memory);
	return n;
}

unsigned long cvips_orc_serialised_frees(void) {
	pthread_mutex_lock(&code_memory);
	unsigned long n = frees;
	pthread_mutex_unlock(&code_memory);
	return n;
}

bool cvips_orc_free_is_imgmakes(void) {
	return dlsym(RTLD_DEFAULT, "orc_program_free") == (void *)orc_program_free;
}
