// The pixel kernels of imgmake's thumbnail pipeline (README's "How `thumbnail` resizes"): plain C on interleaved
// 8-bit images in memory, written so that the compiler vectorises their inner loops. No libvips: the pipeline
// (ImgmakeVips' ThumbnailPipeline) decodes with libvips, runs these on the decoded memory, and hands the result
// back to libvips for rotation, cropping, colour and saving.
#ifndef IMGMAKE_KERNELS_H
#define IMGMAKE_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// Integer box shrink: every output pixel is the mean of an fx × fy block of input pixels, rounded to nearest;
/// the blocks of the last column and row hold only the pixels that exist (the output is ceil(width / fx) ×
/// ceil(height / fy)). With `alpha` (the last band is alpha, bands 2 or 4) the colour bands are averaged
/// premultiplied by alpha and stored premultiplied (rounded), so transparent pixels give no colour to their
/// neighbours. `scratch` holds imk_box_scratch_size(width, bands) bytes. Returns 0, or -1 on bad arguments.
size_t imk_box_scratch_size(int width, int bands);
int imk_box_shrink(const uint8_t *in, int width, int height, size_t in_stride, int bands, int fx, int fy, int alpha,
                   uint8_t *out, size_t out_stride, void *scratch);

/// Premultiplies the colour bands by alpha (the last band), rounded: c' = round(c * a / 255). Opaque pixels
/// keep their values. bands 2 or 4.
void imk_premultiply(uint8_t *data, size_t pixels, int bands);
/// The inverse: c = min(255, round(c' * 255 / a)), and 0 where a = 0. bands 2 or 4.
void imk_unpremultiply(uint8_t *data, size_t pixels, int bands);

/// The weights of a Lanczos-3 resampling of one axis from `in_size` pixels to `out_size` (a reduction: out_size
/// ≤ in_size): output pixel i is centred on input position (i + 0.5) × span / out_size − 0.5, where `span` is the
/// extent of input, in input pixels, that the output covers (in_size, or less when the input's last pixel is a
/// partial one); the kernel is widened by the scale. Taps past the edges fall on the edge pixel. Weights are fixed
/// point (IMK_WEIGHT_BITS) and sum to 1 per output pixel.
#define IMK_WEIGHT_BITS 14
typedef struct imk_weights {
	int in_size, out_size, taps;
	int *start;      // out_size first input indices
	int16_t *coeff;  // out_size × taps weights
} imk_weights;
int imk_weights_make(imk_weights *w, int in_size, int out_size, double span);
void imk_weights_free(imk_weights *w);

/// Resamples rows (horizontal) or columns (vertical) of an interleaved 8-bit image with `w`; results are
/// rounded and clamped to 0...255. `scratch` for the vertical pass holds imk_vertical_scratch_size(width, bands)
/// bytes.
void imk_resample_horizontal(const uint8_t *in, size_t in_stride, int height, int bands, const imk_weights *w,
                             uint8_t *out, size_t out_stride);
size_t imk_vertical_scratch_size(int width, int bands);
void imk_resample_vertical(const uint8_t *in, size_t in_stride, int width, int bands, const imk_weights *w,
                           uint8_t *out, size_t out_stride, void *scratch);

#endif
