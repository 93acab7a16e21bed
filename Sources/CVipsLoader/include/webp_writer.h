#ifndef IMGMAKE_WEBP_WRITER_H
#define IMGMAKE_WEBP_WRITER_H
// WebP encoding on the calling thread, configured as libvips 8.14's webpsave configures libwebp (see
// webp_writer.c and WebPWriter.swift).
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

/// Whether libvips' libwebp has every function the writer calls, with an encoder ABI this build knows.
bool cvips_webp_available(void);

/// Encodes `width` × `height` interleaved 8-bit pixels of `bands` (3: RGB, 4: RGBA) bands, rows `stride`
/// bytes apart, as a WebP file in memory: *out (free with cvips_webp_free) of *size bytes. NULL on success; else
/// a message for the failure (a configuration libwebp refuses, no memory, the encoder's error code).
const char *cvips_webp_encode(
	const unsigned char *pixels, int width, int height, int bands, size_t stride, const cvips_webp_options *options,
	unsigned char **out, size_t *size);

void cvips_webp_free(unsigned char *data);

#endif
