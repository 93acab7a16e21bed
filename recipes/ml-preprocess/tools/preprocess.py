"""The preprocessing functions of recipes/ml-preprocess (Pillow). imgmake calls FUNCTION(src, dst, **args) in a
persistent worker; dst is a temporary with the output's extension, renamed into place when the function returns."""
import json

from PIL import Image, ImageOps, ImageStat


def resize_crop(src, dst, size=224, flip="plain"):
    """Resize so the short side is `size`, crop the centre square, mirror it when `flip` is "mirror"."""
    with Image.open(src) as image:
        image = ImageOps.exif_transpose(image).convert("RGB")
        image = ImageOps.fit(image, (size, size), method=Image.Resampling.LANCZOS, centering=(0.5, 0.5))
    if flip == "mirror":
        image = ImageOps.mirror(image)
    elif flip != "plain":
        raise ValueError("flip must be plain or mirror, not %r" % flip)
    image.save(dst)
    stats = ImageStat.Stat(image)
    return {"size": [image.width, image.height], "mean": [round(m, 2) for m in stats.mean],
            "stddev": [round(s, 2) for s in stats.stddev]}


def dataset_stats(srcs, dst):
    """The mean and deviation of every channel over the whole set (what a normalisation layer needs)."""
    count = 0
    sums = [0.0, 0.0, 0.0]
    squares = [0.0, 0.0, 0.0]
    for src in srcs:
        with Image.open(src) as image:
            stats = ImageStat.Stat(image.convert("RGB"))
        pixels = stats.count[0]
        count += pixels
        for channel in range(3):
            sums[channel] += stats.sum[channel]
            squares[channel] += stats.sum2[channel]
    mean = [s / count for s in sums]
    deviation = [max(q / count - m * m, 0.0) ** 0.5 for q, m in zip(squares, mean)]
    summary = {"images": len(srcs), "mean": [round(m, 3) for m in mean], "stddev": [round(d, 3) for d in deviation]}
    with open(dst, "w") as out:
        json.dump(summary, out, indent=2)
        out.write("\n")
    return summary
