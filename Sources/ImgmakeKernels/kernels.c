// imgmake's thumbnail kernels: see include/imgmake_kernels.h. Built with -O3 in every configuration
// (Package.swift): their inner loops are written for the compiler's vectoriser (contiguous arrays, no aliasing,
// integer arithmetic the SIMD units have).
#include "imgmake_kernels.h"

#include <math.h>

// The loops are compiled twice on x86-64, for AVX2 and for the baseline (SSE2, which has no 32-bit multiply for
// the vectoriser); the loader picks one on the machine that runs them.
// Not under the sanitizers: their runtime is not ready when the loader runs the clones' resolvers (ifuncs), and
// an instrumented resolver crashes the process before main.
#if defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define IMK_SANITIZED 1
#endif
#endif
#if defined(__x86_64__) && defined(__ELF__) && !defined(IMK_SANITIZED)
#define VECTORISED __attribute__((target_clones("avx2", "default")))
#else
#define VECTORISED
#endif
#include <stdlib.h>
#include <string.h>

// round(x / 255) for 0 <= x <= 255 * 255, exactly.
static inline uint32_t div255(uint32_t x) {
	x += 128;
	return (x + (x >> 8)) >> 8;
}

size_t imk_box_scratch_size(int width, int bands) {
	return width > 0 && bands > 0 ? (size_t)width * (size_t)bands * sizeof(uint32_t) : 0;
}

// Adds one input row to the column sums: plain, or colour premultiplied by alpha (the last band).
VECTORISED static void add_row(uint32_t *restrict sums, const uint8_t *restrict row, int width, int bands, int alpha) {
	size_t n = (size_t)width * (size_t)bands;
	if (!alpha) {
		for (size_t i = 0; i < n; i++)
			sums[i] += row[i];
		return;
	}
	if (bands == 4) {
		for (size_t i = 0; i < n; i += 4) {
			uint32_t a = row[i + 3];
			sums[i] += row[i] * a;
			sums[i + 1] += row[i + 1] * a;
			sums[i + 2] += row[i + 2] * a;
			sums[i + 3] += a;
		}
	} else {
		for (size_t i = 0; i < n; i += 2) {
			uint32_t a = row[i + 1];
			sums[i] += row[i] * a;
			sums[i + 1] += a;
		}
	}
}

int imk_box_shrink(const uint8_t *in, int width, int height, size_t in_stride, int bands, int fx, int fy, int alpha,
                   uint8_t *out, size_t out_stride, void *scratch) {
	if (width <= 0 || height <= 0 || bands <= 0 || fx <= 0 || fy <= 0 || fx > 65536 / fy + 1 || !scratch)
		return -1;
	if (alpha && bands != 2 && bands != 4)
		return -1;
	uint32_t *sums = scratch;
	int out_width = (width + fx - 1) / fx;
	for (int oy = 0, y = 0; y < height; oy++, y += fy) {
		int rows = height - y < fy ? height - y : fy;
		memset(sums, 0, imk_box_scratch_size(width, bands));
		for (int r = 0; r < rows; r++)
			add_row(sums, in + (size_t)(y + r) * in_stride, width, bands, alpha);
		uint8_t *o = out + (size_t)oy * out_stride;
		for (int ox = 0; ox < out_width; ox++) {
			int x0 = ox * fx, columns = width - x0 < fx ? width - x0 : fx;
			uint64_t n = (uint64_t)rows * (uint64_t)columns;
			const uint32_t *s = sums + (size_t)x0 * (size_t)bands;
			uint64_t total[4] = {0, 0, 0, 0};
			if (bands <= 4) {
				for (int c = 0; c < columns; c++)
					for (int b = 0; b < bands; b++)
						total[b] += s[(size_t)c * (size_t)bands + (size_t)b];
				if (alpha) {
					uint64_t colour_n = n * 255;
					for (int b = 0; b < bands - 1; b++)
						o[b] = (uint8_t)((total[b] + colour_n / 2) / colour_n);
					o[bands - 1] = (uint8_t)((total[bands - 1] + n / 2) / n);
				} else {
					for (int b = 0; b < bands; b++)
						o[b] = (uint8_t)((total[b] + n / 2) / n);
				}
			} else {
				for (int b = 0; b < bands; b++) {
					uint64_t t = 0;
					for (int c = 0; c < columns; c++)
						t += s[(size_t)c * (size_t)bands + (size_t)b];
					o[b] = (uint8_t)((t + n / 2) / n);
				}
			}
			o += bands;
		}
	}
	return 0;
}

VECTORISED void imk_premultiply(uint8_t *data, size_t pixels, int bands) {
	if (bands != 2 && bands != 4)
		return;
	for (size_t p = 0; p < pixels; p++) {
		uint8_t *px = data + p * (size_t)bands;
		uint32_t a = px[bands - 1];
		for (int b = 0; b < bands - 1; b++)
			px[b] = (uint8_t)div255(px[b] * a);
	}
}

void imk_unpremultiply(uint8_t *data, size_t pixels, int bands) {
	if (bands != 2 && bands != 4)
		return;
	for (size_t p = 0; p < pixels; p++) {
		uint8_t *px = data + p * (size_t)bands;
		uint32_t a = px[bands - 1];
		if (a == 255)
			continue;
		for (int b = 0; b < bands - 1; b++) {
			uint32_t c = a ? (px[b] * 255u + a / 2) / a : 0;
			px[b] = (uint8_t)(c > 255 ? 255 : c);
		}
	}
}

static double lanczos3(double x) {
	if (x == 0)
		return 1;
	if (x <= -3 || x >= 3)
		return 0;
	double px = M_PI * x;
	return 3 * sin(px) * sin(px / 3) / (px * px);
}

int imk_weights_make(imk_weights *w, int in_size, int out_size, double span) {
	memset(w, 0, sizeof *w);
	if (in_size <= 0 || out_size <= 0 || out_size > in_size || !(span > 0) || span > in_size + 1.0)
		return -1;
	double scale = span / out_size;
	double widen = scale > 1 ? scale : 1;
	double support = 3 * widen;
	int taps = (int)ceil(2 * support) + 2;
	if (taps > in_size)
		taps = in_size;
	w->start = malloc((size_t)out_size * sizeof *w->start);
	w->coeff = calloc((size_t)out_size * (size_t)taps, sizeof *w->coeff);
	double *weights = malloc((size_t)taps * sizeof *weights);
	if (!w->start || !w->coeff || !weights) {
		free(weights);
		imk_weights_free(w);
		return -1;
	}
	w->in_size = in_size;
	w->out_size = out_size;
	w->taps = taps;
	for (int i = 0; i < out_size; i++) {
		double centre = (i + 0.5) * scale - 0.5;
		// The window of `taps` input pixels, inside the image, that holds the kernel (taps past an edge move
		// onto the edge pixel).
		int first = (int)floor(centre - support) + 1;
		int start = first < 0 ? 0 : first;
		if (start > in_size - taps)
			start = in_size - taps;
		for (int t = 0; t < taps; t++)
			weights[t] = 0;
		double total = 0;
		int last = (int)ceil(centre + support) - 1;
		for (int x = first; x <= last; x++) {
			double k = lanczos3((x - centre) / widen);
			if (k == 0)
				continue;
			int at = x < 0 ? 0 : x >= in_size ? in_size - 1 : x;
			weights[at - start] += k;
			total += k;
		}
		int16_t *c = w->coeff + (size_t)i * (size_t)taps;
		int sum = 0, largest = 0;
		for (int t = 0; t < taps; t++) {
			c[t] = (int16_t)lrint(weights[t] / total * (1 << IMK_WEIGHT_BITS));
			sum += c[t];
			if (c[t] > c[largest])
				largest = t;
		}
		c[largest] = (int16_t)(c[largest] + (1 << IMK_WEIGHT_BITS) - sum);
		w->start[i] = start;
	}
	free(weights);
	return 0;
}

void imk_weights_free(imk_weights *w) {
	free(w->start);
	free(w->coeff);
	w->start = NULL;
	w->coeff = NULL;
}

static inline uint8_t clamp_fixed(int32_t acc) {
	acc = (acc + (1 << (IMK_WEIGHT_BITS - 1))) >> IMK_WEIGHT_BITS;
	return (uint8_t)(acc < 0 ? 0 : acc > 255 ? 255 : acc);
}

VECTORISED void imk_resample_horizontal(const uint8_t *in, size_t in_stride, int height, int bands, const imk_weights *w,
                             uint8_t *out, size_t out_stride) {
	int taps = w->taps;
	for (int y = 0; y < height; y++) {
		const uint8_t *row = in + (size_t)y * in_stride;
		uint8_t *o = out + (size_t)y * out_stride;
		for (int i = 0; i < w->out_size; i++) {
			const int16_t *c = w->coeff + (size_t)i * (size_t)taps;
			const uint8_t *p = row + (size_t)w->start[i] * (size_t)bands;
			if (bands == 3) {
				int32_t r = 0, g = 0, b = 0;
				for (int t = 0; t < taps; t++, p += 3) {
					r += c[t] * p[0];
					g += c[t] * p[1];
					b += c[t] * p[2];
				}
				o[0] = clamp_fixed(r), o[1] = clamp_fixed(g), o[2] = clamp_fixed(b);
			} else if (bands == 4) {
				int32_t r = 0, g = 0, b = 0, a = 0;
				for (int t = 0; t < taps; t++, p += 4) {
					r += c[t] * p[0];
					g += c[t] * p[1];
					b += c[t] * p[2];
					a += c[t] * p[3];
				}
				o[0] = clamp_fixed(r), o[1] = clamp_fixed(g), o[2] = clamp_fixed(b), o[3] = clamp_fixed(a);
			} else {
				for (int band = 0; band < bands; band++) {
					int32_t acc = 0;
					for (int t = 0; t < taps; t++)
						acc += c[t] * p[(size_t)t * (size_t)bands + (size_t)band];
					o[band] = clamp_fixed(acc);
				}
			}
			o += bands;
		}
	}
}

size_t imk_vertical_scratch_size(int width, int bands) {
	return width > 0 && bands > 0 ? (size_t)width * (size_t)bands * sizeof(int32_t) : 0;
}

VECTORISED void imk_resample_vertical(const uint8_t *in, size_t in_stride, int width, int bands, const imk_weights *w,
                           uint8_t *out, size_t out_stride, void *scratch) {
	size_t n = (size_t)width * (size_t)bands;
	int32_t *restrict acc = scratch;
	for (int i = 0; i < w->out_size; i++) {
		const int16_t *c = w->coeff + (size_t)i * (size_t)w->taps;
		memset(acc, 0, n * sizeof *acc);
		for (int t = 0; t < w->taps; t++) {
			const uint8_t *restrict row = in + (size_t)(w->start[i] + t) * in_stride;
			int32_t k = c[t];
			if (k == 0)
				continue;
			for (size_t x = 0; x < n; x++)
				acc[x] += k * row[x];
		}
		uint8_t *restrict o = out + (size_t)i * out_stride;
		for (size_t x = 0; x < n; x++)
			o[x] = clamp_fixed(acc[x]);
	}
}
