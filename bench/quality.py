"""Issue 14's quality and metadata measures (numpy + pyvips), and the small-image set they share a resize with.

usage:
  quality.py small SRC DEST [W H]
      the small-image set: every image of SRC (JPEG, PNG) fitted into a W x H box (default 1200 x 900: the
      largest size with the aspect kept and neither side over the box), by the exact Lanczos-3 below (full
      decode, autorotate, float, alpha premultiplied), rounded; JPEG saved as JPEG Q 92, PNG as PNG with its
      bands (alpha kept); metadata (EXIF, XMP, ICC) carried over as libvips carries it.
  quality.py measure OUT.json CACHE [--set NAME SRC]... [--tool SET TOOL DIR]... [--meta TOOL DIR]...
      for every source image of each set and every tool's WebP output of it (DIR/STEM.webp, or the first
      DIR/NNNN-STEM.webp of a repeated set): PSNR and SSIM against two references made at the output's exact
      size, the image's class, and which metadata each --meta folder's files carry. References and the sources'
      classes are cached in CACHE (keyed by the source's SHA-1 and the size).
  quality.py encoder SRC_DIR THUMB_DIR [DRAWS]
      before and after WebP, for each PNG thumbnail THUMB_DIR/STEM.png (imgmake's, lossless) of SRC_DIR/STEM.*:
      PSNR and SSIM against the srgb reference of imgmake's thumbnail and of Pillow's `thumbnail((320, 320))`
      (made here), each encoded at Q 80 by Pillow's libwebp and by libvips' (pyvips); then the encoder's own noise:
      DRAWS (default 8) copies of imgmake's thumbnail with 2 % of its samples moved by ±1 level (seeded), encoded
      by Pillow, their SSIM's mean and standard deviation. Prints one line per image.
  quality.py selfcheck
      SSIM of this module against scikit-image's on random and real-looking pairs (needs skimage: a throwaway venv).

The references, for an output of W x H:
  srgb    the full decode (autorotated) in float, premultiplied when it has alpha, resized by libvips
          `resize(kernel=lanczos3, gap=0)` (no box shrink: Lanczos-3 all the way) to exactly W x H (`vscale`),
          unpremultiplied, clipped to 0..255 (the ringing of an exact Lanczos-3 that any 8-bit output would clip),
          not rounded.
  linear  the same in linear light: sRGB decoded to linear (IEC 61966-2-1), premultiplied, resized, unpremultiplied,
          encoded back to sRGB. Embedded ICC profiles are not applied: every one in the corpus is sRGB.
Compared on what a viewer shows: colour over white and over mid grey (128) for images with alpha (an RGBA value
difference would count colours under alpha 0, which no one sees and which WebP's encoder is free to change), the
colour itself for opaque images; grey is widened to RGB (WebP stores RGB). Outputs without an alpha band count as
opaque. PSNR: 8-bit peak, mean square error over every band and pixel of both composites. SSIM: Wang et al.'s, an
11 x 11 Gaussian window of sigma 1.5 (valid region only, as scikit-image's crop), K1 0.01, K2 0.03, L 255,
population (co)variances, on each of the R, G, B bands of each composite, averaged.
"""
import hashlib
import json
import os
import re
import sys

import numpy as np

CACHE_VERSION = "v1"


# --- pixels --------------------------------------------------------------------------------------------------
def vips():
    import pyvips

    return pyvips


def decode(path):
    """The full decode, autorotated, as float32 H x W x B, and the loader's name."""
    im = vips().Image.new_from_file(path).autorot()
    return im.numpy().astype(np.float32).reshape(im.height, im.width, im.bands), im.get("vips-loader")


def has_alpha(bands):
    return bands in (2, 4)


def srgb_to_linear(v):
    v = v / 255.0
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4).astype(np.float32)


def linear_to_srgb(v):
    v = np.clip(v, 0.0, 1.0)
    return (255.0 * np.where(v <= 0.0031308, v * 12.92, 1.055 * v ** (1 / 2.4) - 0.055)).astype(np.float32)


def lanczos3(a, width, height):
    """a (float32 H x W x B, alpha last when present, colour premultiplied by the caller) resized by libvips'
    Lanczos-3 with no box shrink to exactly width x height."""
    pyvips = vips()
    im = pyvips.Image.new_from_array(np.ascontiguousarray(a))
    h, v = width / im.width, height / im.height
    r = im.resize(h, vscale=v, kernel="lanczos3", gap=0)
    # vips_resize rounds width * scale: nudge a scale that lands one pixel off.
    for _ in range(4):
        if (r.width, r.height) == (width, height):
            break
        h *= width / r.width if r.width != width else 1.0
        v *= height / r.height if r.height != height else 1.0
        h += 1e-9 * (r.width < width) - 1e-9 * (r.width > width)
        v += 1e-9 * (r.height < height) - 1e-9 * (r.height > height)
        r = im.resize(h, vscale=v, kernel="lanczos3", gap=0)
    if (r.width, r.height) != (width, height):
        raise SystemExit(f"quality: resize gave {r.width}x{r.height}, not {width}x{height}")
    return r.numpy().astype(np.float32).reshape(height, width, a.shape[2])


def reference(a, width, height, kind):
    """The reference thumbnail (float32, unpremultiplied, clipped to 0..255) of a full decode a."""
    bands = a.shape[2]
    alpha = a[:, :, -1:] if has_alpha(bands) else None
    colour = a[:, :, :-1] if alpha is not None else a
    if kind == "linear":
        colour = srgb_to_linear(colour)
        scale = 1.0
    else:
        scale = 255.0
    if alpha is not None:
        colour = colour * (alpha / 255.0)
        r = lanczos3(np.concatenate([colour, alpha], axis=2), width, height)
        ra = np.clip(r[:, :, -1:], 0.0, 255.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            rc = np.where(ra > 0, r[:, :, :-1] / (ra / 255.0), 0.0)
    else:
        rc, ra = lanczos3(colour, width, height), None
    rc = linear_to_srgb(rc) if kind == "linear" else np.clip(rc, 0.0, scale)
    return rc.astype(np.float32) if ra is None else np.concatenate([rc, ra], axis=2).astype(np.float32)


def views(a):
    """What a viewer shows: a list of H x W x 3 float64 images (the colour; over white and grey if alpha)."""
    a = a.astype(np.float64)
    bands = a.shape[2]
    colour = a[:, :, :-1] if has_alpha(bands) else a
    if colour.shape[2] == 1:
        colour = np.repeat(colour, 3, axis=2)
    if not has_alpha(bands):
        return [colour], False
    al = a[:, :, -1:] / 255.0
    return [colour * al + bg * (1.0 - al) for bg in (255.0, 128.0)], True


def psnr(refs, outs):
    mse = np.mean([np.mean((r - o) ** 2) for r, o in zip(refs, outs)])
    return float("inf") if mse == 0 else float(10.0 * np.log10(255.0 ** 2 / mse))


def _gauss(sigma=1.5, radius=5):
    k = np.arange(-radius, radius + 1, dtype=np.float64)
    g = np.exp(-0.5 * (k / sigma) ** 2)
    return g / g.sum()


def _filter_valid(x, g):
    from numpy.lib.stride_tricks import sliding_window_view

    n = g.size
    y = sliding_window_view(x, n, axis=0) @ g
    return sliding_window_view(y, n, axis=1) @ g


def ssim_band(x, y, data_range=255.0):
    """Mean SSIM of two 2-D float64 arrays: Gaussian window (sigma 1.5, 11 x 11), valid region."""
    g = _gauss()
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    mx, my = _filter_valid(x, g), _filter_valid(y, g)
    sxx = _filter_valid(x * x, g) - mx * mx
    syy = _filter_valid(y * y, g) - my * my
    sxy = _filter_valid(x * y, g) - mx * my
    s = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))
    return float(s.mean())


def ssim(refs, outs):
    return float(np.mean([ssim_band(r[:, :, b], o[:, :, b]) for r, o in zip(refs, outs) for b in range(3)]))


def compare(ref, out):
    """PSNR and SSIM of an output (uint8-valued float) against a reference, on what a viewer shows."""
    rv, ralpha = views(ref)
    ov, oalpha = views(out)
    if ralpha and not oalpha:
        ov = ov * 2
    elif oalpha and not ralpha:
        rv = rv * 2
    return psnr(rv, ov), ssim(rv, ov)


# --- the small set ---------------------------------------------------------------------------------------------
def make_small(src, dest, box_w=1200, box_h=900):
    pyvips = vips()
    os.makedirs(dest, exist_ok=True)
    for name in sorted(os.listdir(src)):
        path = os.path.join(src, name)
        im = pyvips.Image.new_from_file(path).autorot()
        s = min(box_w / im.width, box_h / im.height, 1.0)
        w, h = max(1, round(im.width * s)), max(1, round(im.height * s))
        a = im.numpy().astype(np.float32).reshape(im.height, im.width, im.bands)
        if has_alpha(im.bands):
            colour = a[:, :, :-1] * (a[:, :, -1:] / 255.0)
            r = lanczos3(np.concatenate([colour, a[:, :, -1:]], axis=2), w, h)
            ra = np.clip(r[:, :, -1:], 0.0, 255.0)
            with np.errstate(divide="ignore", invalid="ignore"):
                rc = np.where(ra > 0, r[:, :, :-1] / (ra / 255.0), 0.0)
            r = np.concatenate([rc, ra], axis=2)
        else:
            r = lanczos3(a, w, h)
        px = np.clip(np.rint(r), 0, 255).astype(np.uint8)
        out = pyvips.Image.new_from_array(px).copy(interpretation=im.interpretation)
        # Carry the source's metadata (EXIF, XMP, ICC...) as a resize would; the orientation is applied.
        for field in im.get_fields():
            if field in ("exif-data", "xmp-data", "iptc-data", "icc-profile-data"):
                out.set_type(im.get_typeof(field), field, im.get(field))
        if name.lower().endswith((".jpg", ".jpeg")):
            out.write_to_file(os.path.join(dest, name), Q=92)
        else:
            out.write_to_file(os.path.join(dest, name))
        print(f"small: {name}: {im.width}x{im.height} -> {w}x{h}", file=sys.stderr)


# --- classes and the cache --------------------------------------------------------------------------------------
def sha1(path):
    h = hashlib.sha1()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def classify(info, small):
    w, h, bands, loader, amin = info["width"], info["height"], info["bands"], info["loader"], info["alpha_min"]
    if loader.startswith("jpeg"):
        c = "JPEG" if small else ("large JPEG (> 2500 px)" if max(w, h) > 2500 else "medium JPEG (≤ 2500 px)")
    elif bands in (1, 2):
        c = "grey(+alpha) PNG"
    elif bands == 3:
        c = "RGB PNG"
    elif amin is not None and amin >= 255:
        c = "RGBA PNG, all opaque"
    else:
        c = "RGBA PNG with transparency"
    return ("small: " + c) if small else c


class Source:
    """One source image: its decode (loaded when first needed), class facts, and cached references."""

    def __init__(self, path, cache):
        self.path, self.cache, self._a = path, cache, None
        self.key = sha1(path)
        meta = os.path.join(cache, f"{self.key}.json")
        if os.path.exists(meta):
            with open(meta) as f:
                self.info = json.load(f)
        else:
            a, loader = self.pixels()
            amin = float(a[:, :, -1].min()) if has_alpha(a.shape[2]) else None
            self.info = {"width": a.shape[1], "height": a.shape[0], "bands": a.shape[2], "loader": loader,
                         "alpha_min": amin, "name": os.path.basename(path)}
            with open(meta, "w") as f:
                json.dump(self.info, f)

    def pixels(self):
        if self._a is None:
            self._a = decode(self.path)
        return self._a

    def reference(self, width, height, kind):
        p = os.path.join(self.cache, f"{self.key}-{width}x{height}-{kind}.npy")
        if os.path.exists(p):
            return np.load(p)
        r = reference(self.pixels()[0], width, height, kind)
        np.save(p, r)
        return r

    def drop(self):
        self._a = None


def find_output(folder, stem):
    """folder/STEM.webp, or the first folder/NNNN-STEM.webp (a repeated set's copies)."""
    p = os.path.join(folder, stem + ".webp")
    if os.path.exists(p):
        return p
    pat = re.compile(r"^\d{4,}-" + re.escape(stem) + r"\.webp$")
    hits = sorted(n for n in os.listdir(folder) if pat.match(n)) if os.path.isdir(folder) else []
    return os.path.join(folder, hits[0]) if hits else None


# --- metadata -------------------------------------------------------------------------------------------------
META_CHUNKS = {"EXIF": "EXIF", "XMP ": "XMP", "ICCP": "ICC"}
IMAGE_CHUNKS = {"VP8 ", "VP8L", "ALPH", "ANMF", "VP8X", "ANIM"}
# Markers of metadata inside any chunk that is not image data (IPTC has no WebP chunk of its own).
MARKERS = {b"Exif\0\0": "EXIF", b"<x:xmpmeta": "XMP", b"http://ns.adobe.com/xap": "XMP",
           b"Photoshop 3.0": "IPTC", b"8BIM": "IPTC", b"acsp": "ICC"}


def webp_metadata(path):
    """The metadata kinds a WebP file carries (its RIFF chunks, the VP8X flags, markers in non-image chunks)."""
    with open(path, "rb") as f:
        data = f.read()
    found, chunks = set(), []
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return {"not WebP"}, chunks
    i = 12
    while i + 8 <= len(data):
        fourcc = data[i:i + 4].decode("latin-1")
        size = int.from_bytes(data[i + 4:i + 8], "little")
        body = data[i + 8:i + 8 + size]
        chunks.append(fourcc)
        if fourcc in META_CHUNKS:
            found.add(META_CHUNKS[fourcc])
        elif fourcc == "VP8X" and body:
            flags = body[0]
            if flags & 0x20:
                found.add("ICC")
            if flags & 0x08:
                found.add("EXIF")
            if flags & 0x04:
                found.add("XMP")
        if fourcc not in IMAGE_CHUNKS:
            for m, kind in MARKERS.items():
                if m in body:
                    found.add(kind)
        i += 8 + size + (size & 1)
    return found, chunks


def metadata_report(folder):
    files = sorted(n for n in os.listdir(folder) if n.endswith(".webp")) if os.path.isdir(folder) else []
    kinds, examples, chunkset, carrying = {}, [], set(), 0
    for n in files:
        found, chunks = webp_metadata(os.path.join(folder, n))
        chunkset.update(chunks)
        for k in found:
            kinds[k] = kinds.get(k, 0) + 1
        carrying += bool(found)
        if found and len(examples) < 3:
            examples.append(f"{n}: {', '.join(sorted(found))}")
    return {"files": len(files), "any": carrying, "with": kinds, "examples": examples, "chunks": sorted(chunkset)}


# --- measure ----------------------------------------------------------------------------------------------------
def measure(argv):
    out_json, cache = argv[0], os.path.join(argv[1], f"quality-refs-{CACHE_VERSION}")
    os.makedirs(cache, exist_ok=True)
    sets, tools, metas, i = [], [], [], 2
    while i < len(argv):
        if argv[i] == "--set":
            sets.append((argv[i + 1], argv[i + 2])); i += 3
        elif argv[i] == "--tool":
            tools.append((argv[i + 1], argv[i + 2], argv[i + 3])); i += 4
        elif argv[i] == "--meta":
            metas.append((argv[i + 1], argv[i + 2])); i += 3
        else:
            raise SystemExit(f"quality: unknown argument {argv[i]}")
    images = []
    for set_name, src in sets:
        small = set_name != "42"
        for name in sorted(os.listdir(src)):
            if not re.search(r"\.(jpe?g|png)$", name, re.I):
                continue
            s = Source(os.path.join(src, name), cache)
            row = {"set": set_name, "name": name, "class": classify(s.info, small), "source": s.info, "tools": {}}
            stem = os.path.splitext(name)[0]
            for tset, tool, folder in tools:
                if tset != set_name:
                    continue
                p = find_output(folder, stem)
                if p is None:
                    row["tools"][tool] = {"missing": True}
                    continue
                o = vips().Image.new_from_file(p)
                oa = o.numpy().astype(np.float32).reshape(o.height, o.width, o.bands)
                res = {"file": os.path.basename(p), "width": o.width, "height": o.height, "bands": o.bands}
                for kind in ("srgb", "linear"):
                    pv, sv = compare(s.reference(o.width, o.height, kind), oa)
                    res[f"psnr_{kind}"], res[f"ssim_{kind}"] = pv, sv
                row["tools"][tool] = res
            s.drop()
            images.append(row)
            print(f"quality: {set_name} {name} ({row['class']}): " + "; ".join(
                f"{t} {r['psnr_srgb']:.2f} dB {r['ssim_srgb']:.4f}" for t, r in row["tools"].items() if "psnr_srgb" in r),
                file=sys.stderr)
    meta = {}
    for label, folder in metas:
        meta[label] = metadata_report(folder)
    with open(out_json, "w") as f:
        json.dump({"images": images, "metadata": meta}, f, indent=1)


def selfcheck():
    from skimage.metrics import structural_similarity

    rng = np.random.default_rng(14)
    worst = 0.0
    for h, w in ((40, 57), (180, 320), (241, 320)):
        x = rng.uniform(0, 255, (h, w))
        x = _filter_valid(np.pad(x, 5, mode="reflect"), _gauss()) * 1.0  # a smooth image
        for noise in (2.0, 10.0, 40.0):
            y = np.clip(x + rng.normal(0, noise, x.shape), 0, 255)
            a = ssim_band(x, y)
            b = structural_similarity(x, y, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
                                      data_range=255.0)
            worst = max(worst, abs(a - b))
            print(f"{h}x{w} noise {noise}: numpy {a:.8f} skimage {b:.8f} diff {abs(a - b):.2e}")
    print(f"largest difference {worst:.2e}")
    sys.exit(0 if worst < 1e-6 else 1)


def encoder(src_dir, thumb_dir, draws=8):
    """The `encoder` command (see the module's usage)."""
    import io

    from PIL import Image

    pyvips = vips()
    rng = np.random.default_rng(1)

    def pillow_webp(a):
        buffer = io.BytesIO()
        Image.fromarray(a.astype(np.uint8)).save(buffer, "WEBP", quality=80)
        buffer.seek(0)
        return np.asarray(Image.open(buffer).convert("RGB")).astype(np.float32)

    def vips_webp(a):
        image = pyvips.Image.new_from_array(a.astype(np.uint8)).copy(interpretation="srgb")
        data = image.webpsave_buffer(Q=80, strip=True)
        return pyvips.Image.new_from_buffer(data, "").numpy().astype(np.float32)

    sources = {os.path.splitext(f)[0]: f for f in os.listdir(src_dir)}
    for thumb in sorted(os.listdir(thumb_dir)):
        stem, ext = os.path.splitext(thumb)
        if ext != ".png" or stem not in sources:
            continue
        path = os.path.join(src_dir, sources[stem])
        ours = pyvips.Image.new_from_file(os.path.join(thumb_dir, thumb)).numpy().astype(np.float32)
        if ours.ndim == 2 or ours.shape[2] != 3:
            continue  # RGB only: the class in question
        with Image.open(path) as im:
            im.thumbnail((320, 320))
            pillow = np.asarray(im.convert("RGB")).astype(np.float32)
        a, _ = decode(path)
        ref = reference(a, ours.shape[1], ours.shape[0], "srgb")
        fields = []
        for name, thumbnail in (("imgmake", ours), ("pillow", pillow)):
            pre = compare(ref, thumbnail)
            fields.append(
                f"{name}: before {pre[0]:.2f} dB {pre[1]:.4f}, Pillow's WebP {compare(ref, pillow_webp(thumbnail))[1]:.4f},"
                f" libvips' WebP {compare(ref, vips_webp(thumbnail))[1]:.4f}")
        noisy = []
        for _ in range(draws):
            moved = rng.random(ours.shape) < 0.02
            steps = rng.choice([-1.0, 1.0], size=ours.shape)
            noisy.append(compare(ref, pillow_webp(np.clip(ours + np.where(moved, steps, 0.0), 0, 255)))[1])
        fields.append(f"imgmake ±1 on 2 %: SSIM {np.mean(noisy):.4f} ± {np.std(noisy):.4f}")
        print(f"{stem}: " + "; ".join(fields))


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "small":
        src, dest = sys.argv[2], sys.argv[3]
        bw, bh = (int(sys.argv[4]), int(sys.argv[5])) if len(sys.argv) > 5 else (1200, 900)
        make_small(src, dest, bw, bh)
    elif cmd == "measure":
        measure(sys.argv[2:])
    elif cmd == "encoder":
        encoder(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 8)
    elif cmd == "selfcheck":
        selfcheck()
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
