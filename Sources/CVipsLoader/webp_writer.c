// WebP encoding on the calling thread. libvips' webpsave hands its image to libvips' thread pool (vips_sink_disc)
// and encodes in one of its worker threads while the calling thread waits: with one libvips thread per job (a
// pool of as many jobs as cores), every image leaves its core idle twice, at the hand-over and back. This writer
// runs the same encoding on the job's own thread, configured as libvips 8.14.1's webpsave configures libwebp
// (vips_foreign_save_webp_init_config and _pic_init, webpsave.c): a preset at Q unless lossless, then lossless,
// alpha quality, method (effort), near-lossless and sharp YUV; the picture imported as RGB or RGBA; an ARGB
// picture when lossless, near-lossless or smart subsampling. The tests compare its files with webpsave's, byte
// for byte.
//
// libwebp comes with libvips (imgmake links neither): its functions are looked up in libvips' handle, and when one
// is missing the writer is not available and libvips' saver runs.
#include "encoders.h"
#include "cvips_loader.h"

#include <pthread.h>
#include <stdlib.h>
#include <webp/encode.h>

static struct {
	int (*config_init)(WebPConfig *, WebPPreset, float, int);
	int (*validate_config)(const WebPConfig *);
	int (*picture_init)(WebPPicture *, int);
	int (*import_rgb)(WebPPicture *, const uint8_t *, int);
	int (*import_rgba)(WebPPicture *, const uint8_t *, int);
	int (*encode)(const WebPConfig *, WebPPicture *);
	void (*picture_free)(WebPPicture *);
	int (*memory_write)(const uint8_t *, size_t, const WebPPicture *);
	void (*writer_init)(WebPMemoryWriter *);
	void (*writer_clear)(WebPMemoryWriter *);
	bool found;
} webp;
static pthread_once_t webp_once = PTHREAD_ONCE_INIT;

static void find(void) {
	webp.config_init = (int (*)(WebPConfig *, WebPPreset, float, int)) cvips_optional_symbol("WebPConfigInitInternal");
	webp.validate_config = (int (*)(const WebPConfig *)) cvips_optional_symbol("WebPValidateConfig");
	webp.picture_init = (int (*)(WebPPicture *, int)) cvips_optional_symbol("WebPPictureInitInternal");
	webp.import_rgb = (int (*)(WebPPicture *, const uint8_t *, int)) cvips_optional_symbol("WebPPictureImportRGB");
	webp.import_rgba = (int (*)(WebPPicture *, const uint8_t *, int)) cvips_optional_symbol("WebPPictureImportRGBA");
	webp.encode = (int (*)(const WebPConfig *, WebPPicture *)) cvips_optional_symbol("WebPEncode");
	webp.picture_free = (void (*)(WebPPicture *)) cvips_optional_symbol("WebPPictureFree");
	webp.memory_write = (int (*)(const uint8_t *, size_t, const WebPPicture *)) cvips_optional_symbol("WebPMemoryWrite");
	webp.writer_init = (void (*)(WebPMemoryWriter *)) cvips_optional_symbol("WebPMemoryWriterInit");
	webp.writer_clear = (void (*)(WebPMemoryWriter *)) cvips_optional_symbol("WebPMemoryWriterClear");
	webp.found = webp.config_init && webp.validate_config && webp.picture_init && webp.import_rgb && webp.import_rgba
		&& webp.encode && webp.picture_free && webp.memory_write && webp.writer_init && webp.writer_clear;
	if (webp.found) {
		// The library's encoder ABI must be the one these headers describe (its init functions check the major
		// version).
		WebPConfig config;
		WebPPicture picture;
		webp.found = webp.config_init(&config, WEBP_PRESET_DEFAULT, 75, WEBP_ENCODER_ABI_VERSION)
			&& webp.picture_init(&picture, WEBP_ENCODER_ABI_VERSION);
	}
}

bool cvips_webp_available(void) {
	pthread_once(&webp_once, find);
	return webp.found;
}

// VipsForeignWebpPreset to WebPPreset (libvips' get_preset): the same order.
static WebPPreset preset(int value) {
	switch (value) {
	case 1: return WEBP_PRESET_PICTURE;
	case 2: return WEBP_PRESET_PHOTO;
	case 3: return WEBP_PRESET_DRAWING;
	case 4: return WEBP_PRESET_ICON;
	case 5: return WEBP_PRESET_TEXT;
	default: return WEBP_PRESET_DEFAULT;
	}
}

static const char *encoder_error(WebPEncodingError code) {
	switch (code) {
	case VP8_ENC_ERROR_OUT_OF_MEMORY: return "unable to encode: out of memory";
	case VP8_ENC_ERROR_BITSTREAM_OUT_OF_MEMORY: return "unable to encode: out of memory for the bitstream";
	case VP8_ENC_ERROR_BAD_DIMENSION: return "unable to encode: bad picture dimensions";
	case VP8_ENC_ERROR_PARTITION0_OVERFLOW: return "unable to encode: partition 0 is too big";
	case VP8_ENC_ERROR_PARTITION_OVERFLOW: return "unable to encode: a partition is too big";
	case VP8_ENC_ERROR_FILE_TOO_BIG: return "unable to encode: the file would be larger than 4 GiB";
	default: return "unable to encode";
	}
}

const char *cvips_webp_encode(
	const unsigned char *pixels, int width, int height, int bands, size_t stride, const cvips_webp_options *options,
	unsigned char **out, size_t *size) {
	if (!cvips_webp_available())
		return "libwebp is not available";
	if (bands != 3 && bands != 4)
		return "only RGB and RGBA images";
	WebPConfig config;
	if (!webp.config_init(&config, WEBP_PRESET_DEFAULT, 75, WEBP_ENCODER_ABI_VERSION))
		return "config version error";
	bool lossless = options->lossless || options->near_lossless;
	if (!lossless
		&& !webp.config_init(&config, preset(options->preset), (float) options->quality, WEBP_ENCODER_ABI_VERSION))
		return "config version error";
	config.lossless = lossless;
	config.alpha_quality = options->alpha_quality;
	config.method = options->effort;
	if (options->lossless)
		config.quality = (float) options->quality;
	if (options->near_lossless)
		config.near_lossless = options->quality;
	if (options->smart_subsample)
		config.use_sharp_yuv = 1;
	if (!webp.validate_config(&config))
		return "invalid configuration";

	WebPMemoryWriter writer;
	webp.writer_init(&writer);
	WebPPicture picture;
	if (!webp.picture_init(&picture, WEBP_ENCODER_ABI_VERSION))
		return "picture version error";
	picture.writer = webp.memory_write;
	picture.custom_ptr = &writer;
	picture.use_argb = lossless || options->smart_subsample;
	picture.width = width;
	picture.height = height;
	int imported = bands == 4 ? webp.import_rgba(&picture, pixels, (int) stride) : webp.import_rgb(&picture, pixels, (int) stride);
	if (!imported) {
		webp.picture_free(&picture);
		webp.writer_clear(&writer);
		return "picture memory error";
	}
	if (!webp.encode(&config, &picture)) {
		const char *message = encoder_error(picture.error_code);
		webp.picture_free(&picture);
		webp.writer_clear(&writer);
		return message;
	}
	webp.picture_free(&picture);
	*out = writer.mem;
	*size = writer.size;
	return NULL;
}

// Both encoders' files are in memory from malloc (libwebp's memory writer, jpeg_writer.c's growing buffer).
void cvips_encoded_free(unsigned char *data) {
	free(data);
}
