#ifndef IMGMAKE_CVIPS_SHIM_H
#define IMGMAKE_CVIPS_SHIM_H
// libvips for Swift: the C API plus inline helpers for the GObject macros Swift cannot import.
#include <vips/vips.h>

static inline GType cvips_type_int(void) { return G_TYPE_INT; }
static inline GType cvips_type_double(void) { return G_TYPE_DOUBLE; }
static inline GType cvips_type_boolean(void) { return G_TYPE_BOOLEAN; }
static inline GType cvips_type_string(void) { return G_TYPE_STRING; }
static inline GType cvips_type_enum(void) { return G_TYPE_ENUM; }
static inline GType cvips_type_flags(void) { return G_TYPE_FLAGS; }
static inline GType cvips_type_image(void) { return VIPS_TYPE_IMAGE; }
static inline GType cvips_type_array_double(void) { return VIPS_TYPE_ARRAY_DOUBLE; }
static inline GType cvips_type_array_int(void) { return VIPS_TYPE_ARRAY_INT; }
static inline GType cvips_type_array_image(void) { return VIPS_TYPE_ARRAY_IMAGE; }
static inline GType cvips_type_interpolate(void) { return VIPS_TYPE_INTERPOLATE; }
static inline GType cvips_type_operation(void) { return VIPS_TYPE_OPERATION; }

static inline int cvips_init(const char *argv0) { return VIPS_INIT(argv0); }
static inline VipsImage *cvips_image(gpointer p) { return VIPS_IMAGE(p); }
static inline VipsObject *cvips_object(gpointer p) { return VIPS_OBJECT(p); }
static inline GObject *cvips_gobject(gpointer p) { return G_OBJECT(p); }
static inline GType cvips_value_type(const GValue *v) { return G_VALUE_TYPE(v); }
static inline GType cvips_param_value_type(GParamSpec *p) { return G_PARAM_SPEC_VALUE_TYPE(p); }
static inline gboolean cvips_type_is_a(GType t, GType of) { return g_type_is_a(t, of); }
static inline GType cvips_type_fundamental(GType t) { return G_TYPE_FUNDAMENTAL(t); }

#endif
