#!/usr/bin/env python3
"""mutate.py SEED IN OUT: writes a mutated copy of a patch file (1-4 byte flips, overwrites,
insertions or cuts; three times in four resealed: length field at offset 16 and the trailing
SHA-256 recomputed, so the mutation gets past the checksum into the sections)."""
import hashlib, random, struct, sys

seed, source, target = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rng = random.Random(seed)
data = bytearray(open(source, "rb").read())
for _ in range(rng.randint(1, 4)):
    at = rng.randrange(len(data))
    kind = rng.randrange(5)
    if kind == 0:
        data[at] ^= 1 << rng.randrange(8)
    elif kind == 1:
        data[at] = rng.choice([0, 1, 0x7f, 0x80, 0xff])
    elif kind == 2:
        data[at:at + 8] = struct.pack("<Q", rng.choice([0, 1, 0xffffffff, 1 << 63, (1 << 64) - 1]))[: len(data) - at]
    elif kind == 3:
        data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    else:
        del data[at:at + rng.randint(1, 16)]
if rng.randrange(4) != 0 and len(data) >= 64:
    data[16:24] = struct.pack("<Q", len(data))
    data[-32:] = hashlib.sha256(bytes(data[:-32])).digest()
open(target, "wb").write(bytes(data))
