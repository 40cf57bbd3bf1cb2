#!/usr/bin/env python3
"""extract_vmlinux.py BZIMAGE OUT: write the ELF kernel packed inside an x86
bzImage.  qemu can boot that ELF through its PVH entry (CONFIG_PVH=y), which
skips the in-guest decompression: about 3 s of a TCG boot for an xz kernel.
Exit status 1 when no xz or gzip stream in the image holds an ELF."""
import lzma
import sys
import zlib

STREAMS = ((b'\xfd7zXZ\x00', lambda: lzma.LZMADecompressor(format=lzma.FORMAT_XZ)),
           (b'\x1f\x8b\x08', lambda: zlib.decompressobj(16 + zlib.MAX_WBITS)))


def candidates(image):
    for magic, make in STREAMS:
        at = image.find(magic)
        while at >= 0:
            yield at, make
            at = image.find(magic, at + 1)


def main():
    image = open(sys.argv[1], 'rb').read()
    for at, make in candidates(image):
        try:
            out = make().decompress(image[at:])
        except (lzma.LZMAError, zlib.error, EOFError):
            continue
        if out[:4] == b'\x7fELF':
            with open(sys.argv[2], 'wb') as f:
                f.write(out)
            return 0
    return 1


if __name__ == '__main__':
    sys.exit(main())
