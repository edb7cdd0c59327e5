"""A minimal safetensors writer/reader (the format of huggingface/safetensors, written here so the
training side needs nothing beyond PyTorch): 8-byte little-endian header length, JSON header
{name: {dtype, shape, data_offsets}, "__metadata__": {...}} padded with spaces to 8 bytes, then the
little-endian row-major data. Tensors are laid out largest dtype first, then by name, as upstream does."""
import json
import struct

import torch

_DT = {torch.float32: ("F32", 4), torch.float64: ("F64", 8), torch.int64: ("I64", 8), torch.int32: ("I32", 4)}
_BACK = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64, "I32": torch.int32}


def save(path, tensors, metadata=None):
    items = []
    for name, t in tensors.items():
        t = t.detach().cpu().contiguous()
        if t.dtype not in _DT:
            raise ValueError(f"{name}: unsupported dtype {t.dtype}")
        items.append((name, t))
    items.sort(key=lambda nt: (-_DT[nt[1].dtype][1], nt[0]))
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in sorted(metadata.items())}
    blobs = []
    off = 0
    for name, t in items:
        b = t.numpy().tobytes()  # native little-endian on x86
        header[name] = {"dtype": _DT[t.dtype][0], "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def load(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        a, b = e["data_offsets"]
        t = torch.frombuffer(bytearray(data[a:b]), dtype=_BACK[e["dtype"]]).reshape(e["shape"])
        out[name] = t.clone()
    return out
