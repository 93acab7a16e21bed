// libvips behind dlopen: every libvips function imgmake calls is defined here as a stub that loads libvips
// on its first call (once, thread-safe) and jumps to the real function. imgmake links GLib and GObject but not
// libvips, so a no-op build, `--version` and the shell completions never map libvips and its dependencies
// (the dynamic loader binding them cost most of imgmake's start-up).
//
// The stubs have hidden visibility: they are what imgmake's own code calls, and never what libvips binds to
// (libvips' calls of its own functions, and its constructors run by dlopen, stay inside libvips). Their
// parameters are declared with plain C types of the same size and class (pointers as void *, GType as unsigned
// long, enums and gboolean as int): at the call level only the name and the ABI matter, and the real
// prototypes (vips.h) are not included here, so that their default visibility does not clash with hidden.
// The list is the set of libvips symbols imgmake's objects import (`nm -D --undefined-only` of a build that
// linked libvips); a missing one is a link error, never a silent fallback.
#include "cvips_loader.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vips/version.h>

#define HIDDEN __attribute__((visibility("hidden")))

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static pthread_once_t path_once = PTHREAD_ONCE_INIT;
static void *handle;
static char found_path[4096];
static char soname[64];

#if defined(__x86_64__)
#define TRIPLET "x86_64-linux-gnu"
#elif defined(__aarch64__)
#define TRIPLET "aarch64-linux-gnu"
#else
#define TRIPLET ""
#endif

static int is_file(const char *path) {
	struct stat status;
	return stat(path, &status) == 0 && S_ISREG(status.st_mode);
}

static int try_directory(const char *directory, size_t length) {
	if (length == 0 || length + strlen(soname) + 2 > sizeof found_path)
		return 0;
	memcpy(found_path, directory, length);
	found_path[length] = '/';
	strcpy(found_path + length + 1, soname);
	return is_file(found_path);
}

// The dynamic loader's order for a library without a path: LD_LIBRARY_PATH, then the system folders (the
// ld.so.cache holds the same folders on Debian and its relatives).
static void find_path(void) {
	snprintf(soname, sizeof soname, "libvips.so.%d", VIPS_LIBRARY_CURRENT - VIPS_LIBRARY_AGE);
	const char *variable = getenv("LD_LIBRARY_PATH");
	if (variable) {
		const char *start = variable;
		for (const char *p = variable;; p++) {
			if (*p == ':' || *p == ';' || *p == '\0') {
				if (try_directory(start, (size_t)(p - start)))
					return;
				if (*p == '\0')
					break;
				start = p + 1;
			}
		}
	}
	static const char *const system_folders[] = {
		"/usr/local/lib/" TRIPLET, "/usr/local/lib", "/lib/" TRIPLET, "/usr/lib/" TRIPLET, "/usr/lib64", "/lib64",
		"/usr/lib", "/lib",
	};
	for (size_t i = 0; i < sizeof system_folders / sizeof *system_folders; i++) {
		if (try_directory(system_folders[i], strlen(system_folders[i])))
			return;
	}
	found_path[0] = '\0';
}

const char *cvips_library_path(void) {
	pthread_once(&path_once, find_path);
	return found_path[0] ? found_path : NULL;
}

static void load(void) {
	const char *path = cvips_library_path();
	const char *name = path ? path : soname;
	handle = dlopen(name, RTLD_NOW | RTLD_GLOBAL);
	if (!handle) {
		const char *why = dlerror();
		fprintf(stderr, "imgmake: error: cannot load libvips (%s): %s\n", name, why ? why : "unknown error");
		fflush(stderr);
		_exit(71);
	}
}

void cvips_library_load(void) { pthread_once(&load_once, load); }

bool cvips_library_loaded(void) {
	return __atomic_load_n(&handle, __ATOMIC_ACQUIRE) != NULL;
}

static void *symbol(const char *name) {
	cvips_library_load();
	void *address = dlsym(handle, name);
	if (!address) {
		fprintf(stderr, "imgmake: error: the libvips library loaded lacks %s (a libvips older than imgmake was built for?)\n", name);
		fflush(stderr);
		_exit(71);
	}
	return address;
}

#define STUB(ret, name, params, args)                                                 \
	HIDDEN ret name params;                                                           \
	ret name params {                                                                 \
		static ret(*real) params;                                                     \
		ret(*f) params = __atomic_load_n(&real, __ATOMIC_ACQUIRE);                    \
		if (!f) {                                                                     \
			f = (ret(*) params)symbol(#name);                                         \
			__atomic_store_n(&real, f, __ATOMIC_RELEASE);                             \
		}                                                                             \
		return f args;                                                                \
	}
#define STUB_VOID(name, params, args)                                                 \
	HIDDEN void name params;                                                          \
	void name params {                                                                \
		static void(*real) params;                                                    \
		void(*f) params = __atomic_load_n(&real, __ATOMIC_ACQUIRE);                   \
		if (!f) {                                                                     \
			f = (void(*) params)symbol(#name);                                        \
			__atomic_store_n(&real, f, __ATOMIC_RELEASE);                             \
		}                                                                             \
		f args;                                                                       \
	}

STUB(unsigned long, vips_array_double_get_type, (void), ())
STUB(unsigned long, vips_array_image_get_type, (void), ())
STUB(unsigned long, vips_array_int_get_type, (void), ())
STUB(unsigned long, vips_band_format_get_type, (void), ())
STUB(unsigned long, vips_blob_get_type, (void), ())
STUB(void *, vips_cache_operation_build, (void * operation), (operation))
STUB_VOID(vips_cache_set_max, (int max), (max))
STUB_VOID(vips_concurrency_set, (int concurrency), (concurrency))
STUB(void *, vips_enum_nick, (unsigned long enm, int value), (enm, value))
STUB(void *, vips_error_buffer_copy, (void), ())
STUB(void *, vips_foreign_find_load, (void * filename), (filename))
STUB(void *, vips_foreign_find_save, (void * filename), (filename))
STUB(void *, vips_foreign_get_suffixes, (void), ())
STUB(int, vips_foreign_is_a, (void * loader, void * filename), (loader, filename))
STUB(unsigned long, vips_foreign_save_get_type, (void), ())
STUB(void *, vips_image_copy_memory, (void * image), (image))
STUB(void *, vips_region_new, (void * image), (image))
STUB(int, vips_concurrency_get, (void), ())
STUB(unsigned long, vips_format_sizeof, (int format), (format))
STUB(void *, vips_image_new_memory, (void), ())
STUB(int, vips_image_pipeline_array, (void * image, int hint, void * in), (image, hint, in))
STUB(int, vips_image_write_prepare, (void * image), (image))
STUB(int, vips_region_prepare, (void * region, void * rect), (region, rect))
STUB(int, vips_image_get, (void * image, void * name, void * value), (image, name, value))
STUB(void *, vips_image_new_from_memory, (void * data, size_t size, int width, int height, int bands, int format), (data, size, width, height, bands, format))
STUB_VOID(vips_image_set, (void * image, void * name, void * value), (image, name, value))
STUB(int, vips_image_get_as_string, (void * image, void * name, void * out), (image, name, out))
STUB(int, vips_image_get_bands, (void * image), (image))
STUB(int, vips_image_get_blob, (void * image, void * name, void * data, void * length), (image, name, data, length))
STUB(void *, vips_image_get_fields, (void * image), (image))
STUB(int, vips_image_get_format, (void * image), (image))
STUB(int, vips_image_get_height, (void * image), (image))
STUB(int, vips_image_get_interpretation, (void * image), (image))
STUB(int, vips_image_get_n_pages, (void * image), (image))
STUB(int, vips_image_get_page_height, (void * image), (image))
STUB(unsigned long, vips_image_get_type, (void), ())
STUB(unsigned long, vips_image_get_typeof, (void * image, void * name), (image, name))
STUB(int, vips_image_get_width, (void * image), (image))
STUB(int, vips_image_hasalpha, (void * image), (image))
STUB(int, vips_init, (void * argv0), (argv0))
STUB(unsigned long, vips_interpolate_get_type, (void), ())
STUB(void *, vips_interpolate_new, (void * nickname), (nickname))
STUB(unsigned long, vips_interpretation_get_type, (void), ())
STUB(void *, vips_nickname_find, (unsigned long type), (type))
STUB(int, vips_object_get_args, (void * object, void * names, void * flags, void * n_args), (object, names, flags, n_args))
STUB(int, vips_object_get_argument_flags, (void * object, void * name), (object, name))
STUB(void *, vips_object_get_description, (void * object), (object))
STUB(unsigned long, vips_object_get_type, (void), ())
STUB_VOID(vips_object_unref_outputs, (void * object), (object))
STUB(unsigned long, vips_operation_get_type, (void), ())
STUB(void *, vips_operation_new, (void * name), (name))
STUB_VOID(vips_thread_shutdown, (void), ())
STUB(unsigned long, vips_type_find, (void * basename, void * nickname), (basename, nickname))
STUB(void *, vips_type_map_all, (unsigned long base, void * fn, void * a), (base, fn, a))
STUB(void *, vips_value_get_array_image, (void * value, void * n), (value, n))
STUB_VOID(vips_value_set_array_double, (void * value, void * array, int n), (value, array, n))
STUB_VOID(vips_value_set_array_image, (void * value, int n), (value, n))
STUB_VOID(vips_value_set_array_int, (void * value, void * array, int n), (value, array, n))
STUB(int, vips_vector_isenabled, (void), ())
STUB_VOID(vips_vector_set_enabled, (int enabled), (enabled))
STUB(int, vips_version, (int flag), (flag))

// The real function behind a variadic stub, looked up once.
static void *real_function(void **slot, const char *name) {
	void *f = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
	if (!f) {
		f = symbol(name);
		__atomic_store_n(slot, f, __ATOMIC_RELEASE);
	}
	return f;
}

// The text of a variadic stub's format and arguments (after the parameter `format`).
#define FORMATTED(text, format)                                                       \
	char text[2048];                                                                  \
	va_list arguments;                                                                \
	va_start(arguments, format);                                                      \
	vsnprintf(text, sizeof text, format, arguments);                                  \
	va_end(arguments)

// vips_error is variadic (used by VIPS_INIT on an ABI mismatch): formatted here, passed on as "%s".
HIDDEN void vips_error(const char *domain, const char *format, ...);
void vips_error(const char *domain, const char *format, ...) {
	static void *real;
	void (*f)(const char *, const char *, ...) = (void (*)(const char *, const char *, ...))real_function(&real, "vips_error");
	FORMATTED(text, format);
	f(domain, "%s", text);
}

// GLib and GObject: imgmake links neither (the linker drops them, `--as-needed`, as these stubs define every
// function of theirs that imgmake calls), so a run that never loads libvips maps neither them nor libffi and
// PCRE2. They come with libvips, whose handle dlsym searches with its dependencies. GType is unsigned long,
// gboolean, gint and enums int, guint and flags unsigned int, gint64 long, guint64 unsigned long.
STUB_VOID(g_free, (void * memory), (memory))
STUB_VOID(g_strfreev, (void * strings), (strings))
STUB_VOID(g_log_default_handler, (void * domain, int level, void * message, void * data), (domain, level, message, data))
STUB(unsigned int, g_log_set_handler, (void * domain, int levels, void * function, void * data), (domain, levels, function, data))
STUB(void *, g_enum_get_value_by_name, (void * klass, void * name), (klass, name))
STUB(void *, g_enum_get_value_by_nick, (void * klass, void * nick), (klass, nick))
STUB(void *, g_flags_get_value_by_name, (void * klass, void * name), (klass, name))
STUB(void *, g_flags_get_value_by_nick, (void * klass, void * nick), (klass, nick))
STUB(void *, g_object_class_find_property, (void * klass, void * name), (klass, name))
STUB_VOID(g_object_get_property, (void * object, void * name, void * value), (object, name, value))
STUB_VOID(g_object_set_property, (void * object, void * name, void * value), (object, name, value))
STUB(void *, g_object_ref, (void * object), (object))
STUB(unsigned long, g_signal_connect_data, (void * instance, void * signal, void * handler, void * data, void * destroy, int flags), (instance, signal, handler, data, destroy, flags))
STUB_VOID(g_object_unref, (void * object), (object))
STUB(void *, g_param_spec_get_blurb, (void * spec), (spec))
STUB(void *, g_param_spec_get_default_value, (void * spec), (spec))
STUB(int, g_param_value_validate, (void * spec, void * value), (spec, value))
STUB(void *, g_type_check_instance_cast, (void * instance, unsigned long type), (instance, type))
STUB(int, g_type_check_instance_is_a, (void * instance, unsigned long type), (instance, type))
STUB(void *, g_type_class_ref, (unsigned long type), (type))
STUB_VOID(g_type_class_unref, (void * klass), (klass))
STUB(unsigned long, g_type_from_name, (void * name), (name))
STUB(unsigned long, g_type_fundamental, (unsigned long type), (type))
STUB(int, g_type_is_a, (unsigned long type, unsigned long ancestor), (type, ancestor))
STUB(void *, g_type_name, (unsigned long type), (type))
STUB(int, g_type_test_flags, (unsigned long type, unsigned int flags), (type, flags))
STUB(int, g_value_get_boolean, (void * value), (value))
STUB(double, g_value_get_double, (void * value), (value))
STUB(int, g_value_get_enum, (void * value), (value))
STUB(unsigned int, g_value_get_flags, (void * value), (value))
STUB(int, g_value_get_int, (void * value), (value))
STUB(long, g_value_get_int64, (void * value), (value))
STUB(void *, g_value_get_object, (void * value), (value))
STUB(void *, g_value_get_string, (void * value), (value))
STUB(unsigned long, g_value_get_uint64, (void * value), (value))
STUB(void *, g_value_init, (void * value, unsigned long type), (value, type))
STUB_VOID(g_value_set_boolean, (void * value, int boolean), (value, boolean))
STUB_VOID(g_value_set_double, (void * value, double number), (value, number))
STUB_VOID(g_value_set_enum, (void * value, int number), (value, number))
STUB_VOID(g_value_set_flags, (void * value, unsigned int flags), (value, flags))
STUB_VOID(g_value_set_int, (void * value, int number), (value, number))
STUB_VOID(g_value_set_int64, (void * value, long number), (value, number))
STUB_VOID(g_value_set_object, (void * value, void * object), (value, object))
STUB_VOID(g_value_set_string, (void * value, void * text), (value, text))
STUB_VOID(g_value_set_uint64, (void * value, unsigned long number), (value, number))
STUB_VOID(g_value_unset, (void * value), (value))

// g_log is variadic (GLib's inline helpers and macros call it): formatted here, passed on as "%s".
HIDDEN void g_log(const char *domain, int level, const char *format, ...);
void g_log(const char *domain, int level, const char *format, ...) {
	static void *real;
	void (*f)(const char *, int, const char *, ...) = (void (*)(const char *, int, const char *, ...))real_function(&real, "g_log");
	FORMATTED(text, format);
	f(domain, level, "%s", text);
}

// Metadata: `save strip=true` removes fields from a copy of the image (MetadataStrip); the tests set fields
// to make images that carry metadata.
STUB(int, vips_image_remove, (void * image, void * name), (image, name))
STUB_VOID(vips_image_set_blob_copy, (void * image, void * name, void * data, unsigned long length), (image, name, data, length))
STUB_VOID(vips_image_set_int, (void * image, void * name, int number), (image, name, number))
STUB_VOID(vips_image_set_string, (void * image, void * name, void * text), (image, name, text))


// A symbol of libvips or one of its libraries (libwebp), or NULL when it has none: for the optional paths that
// fall back to libvips when a library is not there (webp_writer.c). Loads libvips.
void *cvips_optional_symbol(const char *name) {
	cvips_library_load();
	return dlsym(handle, name);
}
