#ifndef IMGMAKE_CVIPS_SHIM_H
#define IMGMAKE_CVIPS_SHIM_H
// libvips for Swift: the C API plus inline helpers for the GObject macros Swift cannot import.
#include <vips/vips.h>
#include <vips/vector.h>
#include <sys/prctl.h>

static inline GType cvips_type_int(void) { return G_TYPE_INT; }
static inline GType cvips_type_uint64(void) { return G_TYPE_UINT64; }
static inline GType cvips_type_int64(void) { return G_TYPE_INT64; }
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
// Not libvips, but C that Swift cannot call (prctl is variadic): the signal a process-pool worker gets when
// the thread that started it ends (the parent died).
static inline int cvips_set_parent_death_signal(int sig) { return prctl(PR_SET_PDEATHSIG, (unsigned long)sig, 0, 0, 0); }
static inline VipsImage *cvips_image(gpointer p) { return VIPS_IMAGE(p); }
static inline VipsObject *cvips_object(gpointer p) { return VIPS_OBJECT(p); }
static inline GObject *cvips_gobject(gpointer p) { return G_OBJECT(p); }
static inline GType cvips_value_type(const GValue *v) { return G_VALUE_TYPE(v); }
static inline GType cvips_param_value_type(GParamSpec *p) { return G_PARAM_SPEC_VALUE_TYPE(p); }
static inline gboolean cvips_type_is_a(GType t, GType of) { return g_type_is_a(t, of); }
static inline GType cvips_type_fundamental(GType t) { return G_TYPE_FUNDAMENTAL(t); }
static inline gboolean cvips_type_is_abstract(GType t) { return G_TYPE_IS_ABSTRACT(t); }

/* The property spec of an object's property, or NULL; unlike vips_object_get_argument() it never touches the
 * (global) libvips error buffer. */
static inline GParamSpec *cvips_find_property(gpointer object, const char *name) {
	return g_object_class_find_property(G_OBJECT_GET_CLASS(object), name);
}

/* Class-level facts about an operation type, without making an instance. */
static inline VipsOperationFlags cvips_operation_class_flags(GType t) {
	VipsOperationClass *klass = g_type_class_ref(t);
	VipsOperationFlags flags = klass->flags;
	g_type_class_unref(klass);
	return flags;
}
/* The bands a saver type can write (VipsForeignSaveClass.saveable), or -1 when the type is not a saver. */
static inline int cvips_foreign_save_saveable(GType t) {
	if (!g_type_is_a(t, VIPS_TYPE_FOREIGN_SAVE))
		return -1;
	VipsForeignSaveClass *klass = g_type_class_ref(t);
	int saveable = klass->saveable;
	g_type_class_unref(klass);
	return saveable;
}
static inline gboolean cvips_object_class_deprecated(GType t) {
	VipsObjectClass *klass = g_type_class_ref(t);
	gboolean deprecated = klass->deprecated;
	g_type_class_unref(klass);
	return deprecated;
}

/* Ranges of numeric property specs; return FALSE when the spec is of another kind. The spec types are looked up
 * by name: G_TYPE_PARAM_INT and the rest read GObject's variable g_param_spec_types, and GObject is loaded with
 * libvips (CVipsLoader), whose stubs stand in for functions only. */
static inline gboolean cvips_param_is(GParamSpec *p, const char *type_name) {
	return g_type_is_a(G_PARAM_SPEC_TYPE(p), g_type_from_name(type_name));
}
static inline gboolean cvips_param_int_range(GParamSpec *p, gint64 *min, gint64 *max) {
	if (cvips_param_is(p, "GParamInt")) {
		*min = ((GParamSpecInt *) p)->minimum;
		*max = ((GParamSpecInt *) p)->maximum;
		return TRUE;
	}
	if (cvips_param_is(p, "GParamInt64")) {
		*min = ((GParamSpecInt64 *) p)->minimum;
		*max = ((GParamSpecInt64 *) p)->maximum;
		return TRUE;
	}
	if (cvips_param_is(p, "GParamUInt64")) {
		guint64 top = ((GParamSpecUInt64 *) p)->maximum;
		*min = (gint64) ((GParamSpecUInt64 *) p)->minimum;
		*max = top > G_MAXINT64 ? G_MAXINT64 : (gint64) top;
		return TRUE;
	}
	return FALSE;
}
static inline gboolean cvips_param_double_range(GParamSpec *p, double *min, double *max) {
	if (!cvips_param_is(p, "GParamDouble"))
		return FALSE;
	*min = ((GParamSpecDouble *) p)->minimum;
	*max = ((GParamSpecDouble *) p)->maximum;
	return TRUE;
}

/* The members of a GEnum or GFlags type, by index. */
static inline guint cvips_enum_count(GType t) {
	GEnumClass *klass = g_type_class_ref(t);
	guint n = klass->n_values;
	g_type_class_unref(klass);
	return n;
}
static inline const char *cvips_enum_nick_at(GType t, guint i) {
	GEnumClass *klass = g_type_class_ref(t);
	const char *nick = i < klass->n_values ? klass->values[i].value_nick : NULL;
	g_type_class_unref(klass);
	return nick;
}
static inline guint cvips_flags_count(GType t) {
	GFlagsClass *klass = g_type_class_ref(t);
	guint n = klass->n_values;
	g_type_class_unref(klass);
	return n;
}
static inline const char *cvips_flags_nick_at(GType t, guint i) {
	GFlagsClass *klass = g_type_class_ref(t);
	const char *nick = i < klass->n_values ? klass->values[i].value_nick : NULL;
	g_type_class_unref(klass);
	return nick;
}
static inline guint cvips_flags_value_at(GType t, guint i) {
	GFlagsClass *klass = g_type_class_ref(t);
	guint value = i < klass->n_values ? klass->values[i].value : 0;
	g_type_class_unref(klass);
	return value;
}

/* Parse one member by nick (or full name) without touching the libvips error buffer; FALSE when unknown. */
static inline gboolean cvips_enum_from_nick(GType t, const char *nick, gint *value) {
	GEnumClass *klass = g_type_class_ref(t);
	GEnumValue *v = g_enum_get_value_by_nick(klass, nick);
	if (!v)
		v = g_enum_get_value_by_name(klass, nick);
	if (v)
		*value = v->value;
	g_type_class_unref(klass);
	return v != NULL;
}
static inline gboolean cvips_flags_from_nick(GType t, const char *nick, guint *value) {
	GFlagsClass *klass = g_type_class_ref(t);
	GFlagsValue *v = g_flags_get_value_by_nick(klass, nick);
	if (!v)
		v = g_flags_get_value_by_name(klass, nick);
	if (v)
		*value = v->value;
	g_type_class_unref(klass);
	return v != NULL;
}

/* Memory images for imgmake's thumbnail pipeline (ThumbnailPipeline.swift). */
static void cvips_free_on_close(VipsImage *image, gpointer data) {
	(void) image;
	free(data);
}
/* An 8-bit image over `data` (from malloc), which is freed when the image closes; NULL (and `data` freed) when
 * libvips refuses it. */
static inline VipsImage *cvips_image_adopting(void *data, int width, int height, int bands) {
	VipsImage *image = vips_image_new_from_memory(
		data, (size_t) width * (size_t) height * (size_t) bands, width, height, bands, VIPS_FORMAT_UCHAR);
	if (!image) {
		free(data);
		return NULL;
	}
	g_signal_connect_data(image, "postclose", G_CALLBACK(cvips_free_on_close), data, NULL, (GConnectFlags) 0);
	return image;
}
/* The pixels of an image in memory (a copy to memory's result, rows packed), or NULL. */
static inline const unsigned char *cvips_image_data(VipsImage *image) { return (const unsigned char *) image->data; }
/* The image's coding (VIPS_CODING_NONE: 0). */
static inline int cvips_image_coding(VipsImage *image) { return (int) image->Coding; }
/* `in` computed into a fresh memory image on the calling thread, strip by strip through one region, with no
 * libvips worker thread (vips_image_copy_memory runs libvips' thread pool): the header and metadata of `in`.
 * NULL on failure (libvips' error buffer says why). For images that are not coded (LabQ, RAD). */
static inline VipsImage *cvips_image_computed_here(VipsImage *in) {
	VipsImage *out = vips_image_new_memory();
	VipsImage *inputs[] = {in, NULL};
	if (vips_image_pipeline_array(out, VIPS_DEMAND_STYLE_ANY, inputs) || vips_image_write_prepare(out)) {
		g_object_unref(out);
		return NULL;
	}
	VipsRegion *region = vips_region_new(in);
	if (!region) {
		g_object_unref(out);
		return NULL;
	}
	size_t pel = (size_t) in->Bands * (size_t) vips_format_sizeof(in->BandFmt), line = (size_t) in->Xsize * pel;
	for (int top = 0; top < in->Ysize; top += 64) {
		int rows = in->Ysize - top < 64 ? in->Ysize - top : 64;
		VipsRect rect = {0, top, in->Xsize, rows};
		if (vips_region_prepare(region, &rect)) {
			g_object_unref(region);
			g_object_unref(out);
			return NULL;
		}
		for (int y = 0; y < rows; y++)
			memcpy(out->data + (size_t) (top + y) * line,
				region->data + (size_t) (top + y - region->valid.top) * (size_t) region->bpl
					- (size_t) region->valid.left * pel,
				line);
	}
	g_object_unref(region);
	return out;
}
/* The x and y resolution (pixels per millimetre). */
static inline double cvips_image_xres(VipsImage *image) { return image->Xres; }
static inline double cvips_image_yres(VipsImage *image) { return image->Yres; }

/* Rows `top` ..< `top + height` of an 8-bit image, computed through `region` (the image read top to bottom when it
 * was loaded with access=sequential): their first byte and the bytes from one row to the next. -1 on failure
 * (libvips' error buffer says why). */
static inline int cvips_region_rows(VipsRegion *region, int top, int height, const unsigned char **pixels, size_t *line_bytes) {
	VipsRect rect = {0, top, region->im->Xsize, height};
	if (vips_region_prepare(region, &rect))
		return -1;
	*line_bytes = (size_t) region->bpl;
	*pixels = (const unsigned char *) region->data + (size_t) (top - region->valid.top) * (size_t) region->bpl
		- (size_t) region->valid.left * (size_t) region->im->Bands;
	return 0;
}

#endif
