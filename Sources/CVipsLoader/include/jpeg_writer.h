#ifndef IMGMAKE_JPEG_WRITER_H
#define IMGMAKE_JPEG_WRITER_H
// JPEG encoding on the calling thread, configured as libvips 8.14's jpegsave configures libjpeg for a stripped
// image (see jpeg_writer.c and JPEGWriter.swift).
#include <stdbool.h>
#include <stddef.h>

/// jpegsave's options that shape the encoding, with libvips' meaning (`Q`, `optimize_coding`, `interlace`,
/// `subsample_mode` as its VipsForeignSubsample value: 0 auto, 1 on, 2 off; `restart_interval`).
typedef struct {
	int quality;
	bool optimize_coding;
	bool interlace;
	int subsample_mode;
	int restart_interval;
} cvips_jpeg_options;

/// Whether libvips' libjpeg has every function the writer calls, with the library version this build knows.
bool cvips_jpeg_available(void);

/// Encodes `width` × `height` interleaved 8-bit pixels of `bands` (1: grey, 3: RGB) bands, rows `stride` bytes
/// apart, as a JPEG file in memory without any marker but the image's own: *out (free with cvips_jpeg_free) of
/// *size bytes. NULL on success; else libjpeg's message.
const char *cvips_jpeg_encode(
	const unsigned char *pixels, int width, int height, int bands, size_t stride, const cvips_jpeg_options *options,
	unsigned char **out, size_t *size);

void cvips_jpeg_free(unsigned char *data);

#endif
