"""The user's own function of issue 15's benchmark (issue15.sh): one Pillow thumbnail, exactly pypool.py's `pil` mode
(Image.open, Image.thumbnail((size, size)), which uses draft mode: shrink-on-load for JPEG; save WebP quality 80).

Called by imgmake's `python` step as `thumbnail(src, dst, size=320)` (dst: a temporary path with the output's
extension, renamed into place), and by mpscript.py through multiprocessing.Pool, the same function both ways.
Returns the thumbnail's size, which imgmake keeps per output (`--report`: "result") and mpscript.py collects.
"""
from PIL import Image


def thumbnail(src, dst, size=320):
    with Image.open(src) as im:
        im.thumbnail((size, size))
        im.save(dst, "WEBP", quality=80)
        return {"width": im.width, "height": im.height}
