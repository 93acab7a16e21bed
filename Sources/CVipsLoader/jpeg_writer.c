// JPEG encoding on the calling thread, for the reason webp_writer.c gives (libvips' jpegsave compresses in one of
// libvips' worker threads, vips_sink_disc, while the job's thread waits). Configured as libvips 8.14.1's jpegsave
// configures libjpeg when it strips (write_vips in vips2jpeg.c): the colour space from the bands, libjpeg's
// defaults, optimised Huffman tables and a restart interval when asked, the quality scaled with the baseline
// tables forced, progressive scans when interlaced, no chroma subsampling when asked or from Q 90 up, and no JFIF
// header (libvips built with libexif writes none when it strips). The tests compare its files with jpegsave's,
// byte for byte.
//
// libjpeg comes with libvips (imgmake links neither): its functions are looked up in libvips' handle, and when one
// is missing, or the library is not the version these headers describe, libvips' saver runs.
#include "encoders.h"
#include "cvips_loader.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <jpeglib.h>
#include <jerror.h>

static struct {
	struct jpeg_error_mgr *(*std_error)(struct jpeg_error_mgr *);
	void (*create_compress)(j_compress_ptr, int, size_t);
	void (*set_defaults)(j_compress_ptr);
	void (*set_quality)(j_compress_ptr, int, boolean);
	void (*simple_progression)(j_compress_ptr);
	void (*start_compress)(j_compress_ptr, boolean);
	JDIMENSION (*write_scanlines)(j_compress_ptr, JSAMPARRAY, JDIMENSION);
	void (*finish_compress)(j_compress_ptr);
	void (*destroy_compress)(j_compress_ptr);
	bool found;
} jpeg;
static pthread_once_t jpeg_once = PTHREAD_ONCE_INIT;

static void find(void) {
	jpeg.std_error = (struct jpeg_error_mgr * (*)(struct jpeg_error_mgr *)) cvips_optional_symbol("jpeg_std_error");
	jpeg.create_compress = (void (*)(j_compress_ptr, int, size_t)) cvips_optional_symbol("jpeg_CreateCompress");
	jpeg.set_defaults = (void (*)(j_compress_ptr)) cvips_optional_symbol("jpeg_set_defaults");
	jpeg.set_quality = (void (*)(j_compress_ptr, int, boolean)) cvips_optional_symbol("jpeg_set_quality");
	jpeg.simple_progression = (void (*)(j_compress_ptr)) cvips_optional_symbol("jpeg_simple_progression");
	jpeg.start_compress = (void (*)(j_compress_ptr, boolean)) cvips_optional_symbol("jpeg_start_compress");
	jpeg.write_scanlines =
		(JDIMENSION (*)(j_compress_ptr, JSAMPARRAY, JDIMENSION)) cvips_optional_symbol("jpeg_write_scanlines");
	jpeg.finish_compress = (void (*)(j_compress_ptr)) cvips_optional_symbol("jpeg_finish_compress");
	jpeg.destroy_compress = (void (*)(j_compress_ptr)) cvips_optional_symbol("jpeg_destroy_compress");
	jpeg.found = jpeg.std_error && jpeg.create_compress && jpeg.set_defaults && jpeg.set_quality
		&& jpeg.simple_progression && jpeg.start_compress && jpeg.write_scanlines && jpeg.finish_compress
		&& jpeg.destroy_compress;
}

bool cvips_jpeg_available(void) {
	pthread_once(&jpeg_once, find);
	return jpeg.found;
}

// libjpeg reports errors through error_exit, which must not return: back to the encode call, with the message.
typedef struct {
	struct jpeg_error_mgr manager;
	jmp_buf back;
	char message[JMSG_LENGTH_MAX];
} error_exit_to_caller;

static void error_exit(j_common_ptr cinfo) {
	error_exit_to_caller *errors = (error_exit_to_caller *) cinfo->err;
	errors->manager.format_message(cinfo, errors->message);
	longjmp(errors->back, 1);
}

static void no_output(j_common_ptr cinfo) { (void) cinfo; }

// The file in a buffer of our own that grows by doubling (libjpeg's memory destination frees and replaces its
// buffer as it grows, so after an error its caller cannot tell which to free).
typedef struct {
	struct jpeg_destination_mgr manager;
	unsigned char *data;
	size_t capacity;
	size_t used;
	bool failed;
} growing_buffer;

static void buffer_init(j_compress_ptr cinfo) {
	growing_buffer *buffer = (growing_buffer *) cinfo->dest;
	buffer->capacity = 64 << 10;
	buffer->data = malloc(buffer->capacity);
	buffer->failed = buffer->data == NULL;
	buffer->manager.next_output_byte = buffer->data;
	buffer->manager.free_in_buffer = buffer->data ? buffer->capacity : 0;
}

static boolean buffer_grow(j_compress_ptr cinfo) {
	growing_buffer *buffer = (growing_buffer *) cinfo->dest;
	unsigned char *grown = buffer->data ? realloc(buffer->data, buffer->capacity * 2) : NULL;
	if (!grown) {
		buffer->failed = true;
		ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 10);
	}
	buffer->data = grown;
	buffer->manager.next_output_byte = grown + buffer->capacity;
	buffer->manager.free_in_buffer = buffer->capacity;
	buffer->capacity *= 2;
	return TRUE;
}

static void buffer_term(j_compress_ptr cinfo) {
	growing_buffer *buffer = (growing_buffer *) cinfo->dest;
	buffer->used = buffer->capacity - buffer->manager.free_in_buffer;
}

const char *cvips_jpeg_encode(
	const unsigned char *pixels, int width, int height, int bands, size_t stride, const cvips_jpeg_options *options,
	unsigned char **out, size_t *size) {
	if (!cvips_jpeg_available())
		return "libjpeg is not available";
	if (bands != 1 && bands != 3)
		return "only grey and RGB images";
	static __thread char message[JMSG_LENGTH_MAX];
	struct jpeg_compress_struct cinfo;
	error_exit_to_caller errors;
	cinfo.err = jpeg.std_error(&errors.manager);
	errors.manager.error_exit = error_exit;
	errors.manager.output_message = no_output;
	growing_buffer buffer = {
		.manager = {.init_destination = buffer_init, .empty_output_buffer = buffer_grow, .term_destination = buffer_term},
	};
	if (setjmp(errors.back)) {
		snprintf(message, sizeof message, "%s", errors.message);
		jpeg.destroy_compress(&cinfo);
		free(buffer.data);
		return message;
	}
	jpeg.create_compress(&cinfo, JPEG_LIB_VERSION, sizeof cinfo);
	cinfo.dest = &buffer.manager;
	cinfo.image_width = (JDIMENSION) width;
	cinfo.image_height = (JDIMENSION) height;
	cinfo.input_components = bands;
	cinfo.in_color_space = bands == 3 ? JCS_RGB : JCS_GRAYSCALE;
	jpeg.set_defaults(&cinfo);
	cinfo.optimize_coding = options->optimize_coding;
	if (options->restart_interval > 0)
		cinfo.restart_interval = (unsigned int) options->restart_interval;
	jpeg.set_quality(&cinfo, options->quality, TRUE);
	if (options->interlace)
		jpeg.simple_progression(&cinfo);
	if (options->subsample_mode == 2 || (options->subsample_mode == 0 && options->quality >= 90)) {
		for (int i = 0; i < bands; i++) {
			cinfo.comp_info[i].h_samp_factor = 1;
			cinfo.comp_info[i].v_samp_factor = 1;
		}
	}
	cinfo.write_JFIF_header = FALSE;
	jpeg.start_compress(&cinfo, TRUE);
	for (int y = 0; y < height; y++) {
		JSAMPROW row = (JSAMPROW) (pixels + (size_t) y * stride);
		jpeg.write_scanlines(&cinfo, &row, 1);
	}
	jpeg.finish_compress(&cinfo);
	jpeg.destroy_compress(&cinfo);
	*out = buffer.data;
	*size = buffer.used;
	return NULL;
}

