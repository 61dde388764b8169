"""Checks with real PyTorch that files made by our C# PyTorchCheckpointWriter load correctly.

How to run (needs torch; on the dev machines Debian's torch 1.13 is under /usr/bin/python3):
    # the committed writer-made assets next to this script:
    /usr/bin/python3 tests/JengaFleet.Models.Tests/Assets/pytorch/check_writer_output.py
    # or freshly written files, including the 1001-tensor writer_many.pt:
    JENGAFLEET_PT_CHECK_OUT=/tmp/ptcheck dotnet test tests/JengaFleet.Models.Tests \
        --filter "FullyQualifiedName~Writes_the_files_check_writer_output_py_loads_in_torch"
    /usr/bin/python3 tests/JengaFleet.Models.Tests/Assets/pytorch/check_writer_output.py /tmp/ptcheck

For each file: torch.load(path, map_location='cpu') must give the layout (bare OrderedDict, or {"module": OrderedDict}),
names in order, dtypes, shapes, contiguous strides, offset 0, requires_grad False and values of the C# samples
(tests/JengaFleet.Models.Tests/Checkpoints/WriterSamples.cs; keep the formulas below in step). Every record's data
must start on a 64-byte boundary, and the pickle and the storage bytes must equal what torch.save itself writes for
the loaded object. Exits non-zero on the first difference.
"""
import collections
import io
import os
import struct
import sys
import zipfile

import torch

SPECS = [
    ("f32", torch.float32, (3, 4)),
    ("f16", torch.float16, (2, 3)),
    ("bf16", torch.bfloat16, (2, 2, 2)),
    ("f64", torch.float64, (5,)),
    ("i64", torch.int64, (4,)),
    ("i32", torch.int32, (2, 3)),
    ("i16", torch.int16, (3,)),
    ("i8", torch.int8, (4,)),
    ("u8", torch.uint8, (2, 4)),
    ("bool", torch.bool, (5,)),
    ("scalar", torch.float32, ()),
    ("empty", torch.float32, (2, 0, 3)),
    ("double_blocks.0.img_attn_qkv.weight", torch.bfloat16, (4, 2, 1, 2, 2)),
]
SCALE = {torch.int64: 2 ** 40 + 1, torch.int32: 100003, torch.int16: 1001, torch.int8: 50}


def values(dtype, shape):
    n = 1
    for s in shape:
        n *= s
    i = torch.arange(n, dtype=torch.int64)
    if dtype == torch.float64:
        v = (i.to(torch.float64) - 5) / 3
    elif dtype in (torch.float32, torch.float16, torch.bfloat16):
        v = ((i.to(torch.float64) - 5) * 0.25).to(dtype)
    elif dtype == torch.uint8:
        v = (i * 31).to(dtype)
    elif dtype == torch.bool:
        v = i % 2 == 0
    else:
        v = ((i - 2) * SCALE[dtype]).to(dtype)
    return v.reshape(shape)


def samples():
    return [(name, values(dtype, shape)) for name, dtype, shape in SPECS]


def many(count=1001):
    return [(f"layers.{i}.scale", torch.full((i % 3 + 1,), i % 256, dtype=torch.uint8)) for i in range(count)]


EXPECTED = {
    "writer_state_dict.pt": (None, samples),
    "writer_deepspeed.pt": ("module", samples),
    "writer_many.pt": (None, many),
}


def fail(message):
    print("FAIL:", message)
    sys.exit(1)


def contiguous_stride(shape):
    return torch.empty(shape).stride()


def check_tensors(path, state, expected):
    if type(state) is not collections.OrderedDict:
        fail(f"{path}: state dict is {type(state)}, not OrderedDict")
    if list(state.keys()) != [n for n, _ in expected]:
        fail(f"{path}: names differ: {list(state.keys())[:5]}...")
    for name, want in expected:
        got = state[name]
        if got.dtype != want.dtype or tuple(got.shape) != tuple(want.shape):
            fail(f"{path}: {name} is {got.dtype} {tuple(got.shape)}, expected {want.dtype} {tuple(want.shape)}")
        if got.stride() != contiguous_stride(want.shape) or got.storage_offset() != 0 or got.requires_grad:
            fail(f"{path}: {name} has stride {got.stride()}, offset {got.storage_offset()}, requires_grad {got.requires_grad}")
        if not torch.equal(got, want):
            fail(f"{path}: {name} values differ: {got} vs {want}")


def records(data):
    """name -> (data offset, bytes) of every record, from the local headers."""
    result = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            if info.compress_type != zipfile.ZIP_STORED:
                fail(f"{info.filename} is compressed")
            name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
            start = info.header_offset + 30 + name_len + extra_len
            result[info.filename] = (start, data[start:start + info.file_size])
            if z.read(info.filename) != result[info.filename][1]:
                fail(f"{info.filename}: local header offsets disagree with the zip reader")
    return result


def check_file(path, wrap_key, make_expected):
    obj = torch.load(path, map_location="cpu")
    if wrap_key is None:
        state = obj
    else:
        if type(obj) is not dict or list(obj.keys()) != [wrap_key]:
            fail(f"{path}: expected {{'{wrap_key}': ...}}, got {type(obj)} with keys {list(obj.keys())[:5]}")
        state = obj[wrap_key]
    expected = make_expected()
    check_tensors(path, state, expected)

    ours = open(path, "rb").read()
    mine = records(ours)
    archive = os.path.splitext(os.path.basename(path))[0]
    for name, (start, _) in mine.items():
        if not name.startswith(archive + "/"):
            fail(f"{path}: record {name} is not under {archive}/")
        if start % 64:
            fail(f"{path}: record {name} starts at {start}, not on 64 bytes")

    # torch.save of the loaded object: its pickle and storages must equal ours byte for byte.
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    theirs = {name.split("/", 1)[1]: body for name, (_, body) in records(buffer.getvalue()).items()}
    for name, body in theirs.items():
        if name in ("version", "byteorder", ".data/serialization_id") or name.startswith(".format") or name.startswith(".storage"):
            continue
        if mine.get(f"{archive}/{name}", (0, None))[1] != body:
            fail(f"{path}: record {name} differs from torch.save's")
    print(f"OK {os.path.basename(path)}: {len(expected)} tensors, {len(mine)} records all 64-byte aligned, "
          f"data.pkl ({len(theirs['data.pkl'])} bytes) and storages identical to torch {torch.__version__}'s torch.save; "
          f"records: {', '.join(n.split('/', 1)[1] for n in list(mine)[:6])}, ...")


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    checked = 0
    for file, (wrap_key, make_expected) in EXPECTED.items():
        path = os.path.join(folder, file)
        if os.path.exists(path):
            check_file(path, wrap_key, make_expected)
            checked += 1
    if checked == 0:
        fail(f"no writer_*.pt files in {folder}")
    print(f"all {checked} files load in torch {torch.__version__} as written")


if __name__ == "__main__":
    main()
