#ifndef IMGMAKE_ENCODERS_H
#define IMGMAKE_ENCODERS_H
// WebP and JPEG encoding on the calling thread, configured as libvips 8.14's webpsave and jpegsave configure libwebp
// and libjpeg for a stripped image (webp_writer.c, jpeg_writer.c; WebPWriter.swift, JPEGWriter.swift).
//
// Each encoder takes `width` × `height` interleaved 8-bit pixels of `bands` bands, rows `stride` bytes apart, and
// makes the file in memory: *out, of *size bytes, freed with cvips_encoded_free. It returns NULL on success, else a
// message for the failure (a configuration the library refuses, no memory, the library's own error).
#include <stdbool.h>
#include <stddef.h>

/// webpsave's options that shape the encoding, with libvips' meaning (`Q`, `lossless`, `near_lossless`,
/// `smart_subsample`, `alpha_q`, `effort`, `preset` as its VipsForeignWebpPreset value).
typedef struct {
	int quality;
	bool lossless;
	bool near_lossless;
	bool smart_subsample;
	int alpha_quality;
	int effort;
	int preset;
} cvips_webp_options;

/// jpegsave's options that shape the encoding, with libvips' meaning (`Q`, `optimize_coding`, `interlace`,
/// `subsample_mode` as its VipsForeignSubsample value: 0 auto, 1 on, 2 off; `restart_interval`).
typedef struct {
	int quality;
	bool optimize_coding;
	bool interlace;
	int subsample_mode;
	int restart_interval;
} cvips_jpeg_options;

/// Whether libvips' libwebp (libjpeg) has every function the encoder calls, in the version these headers describe.
bool cvips_webp_available(void);
bool cvips_jpeg_available(void);

/// 3 (RGB) or 4 (RGBA) bands.
const char *cvips_webp_encode(
	const unsigned char *pixels, int width, int height, int bands, size_t stride, const cvips_webp_options *options,
	unsigned char **out, size_t *size);
/// 1 (grey) or 3 (RGB) bands; no marker but the image's own (no JFIF header).
const char *cvips_jpeg_encode(
	const unsigned char *pixels, int width, int height, int bands, size_t stride, const cvips_jpeg_options *options,
	unsigned char **out, size_t *size);

void cvips_encoded_free(unsigned char *data);

#endif
