"""Writes small real torch.save files for the PyTorchCheckpointSource tests.

Usage: python3 make_pt_assets.py OUT_DIR
Files are named after the torch version that wrote them (state_dict_torch<ver>.pt, deepspeed_torch<ver>.pt).
Every tensor's values follow seq(): element i of the flattened tensor is (i - 5) * 0.25 (exact in bf16/fp16),
so the C# tests can recompute them without the files holding a copy.
"""
import argparse
import collections
import os
import sys

import torch


def seq(shape, dtype):
    n = 1
    for s in shape:
        n *= s
    return ((torch.arange(n, dtype=torch.float64) - 5) * 0.25).reshape(shape).to(dtype)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    ver = torch.__version__.split("+")[0]

    base = seq((20,), torch.float32)
    sd = collections.OrderedDict()
    sd["f32"] = seq((3, 4), torch.float32)
    sd["f16"] = seq((2, 3), torch.float16)
    sd["bf16"] = seq((4,), torch.bfloat16)
    sd["f64"] = seq((2, 2), torch.float64)
    sd["i64"] = torch.arange(5, dtype=torch.int64) - 2
    sd["u8"] = torch.arange(4, dtype=torch.uint8)
    sd["bool"] = torch.tensor([True, False, True])
    sd["scalar"] = torch.tensor(2.5)
    sd["base"] = base
    sd["view_offset"] = base[7:13]              # shares base's storage, offset 7
    sd["strided"] = base[2:14].view(3, 4)[:, 1:3]  # offset 3, stride (4, 1), non-contiguous
    sd["transposed"] = seq((2, 3), torch.float32).t()  # stride (1, 3)
    sd["conv"] = seq((4, 2, 1, 2, 2), torch.bfloat16)
    torch.save(sd, os.path.join(out, f"state_dict_torch{ver}.pt"))

    module = collections.OrderedDict()
    module["img_in.proj.weight"] = seq((3, 2, 1, 2, 2), torch.bfloat16)
    module["img_in.proj.bias"] = seq((3,), torch.bfloat16)
    module["final_layer.linear.weight"] = seq((2, 3), torch.bfloat16)
    ema = collections.OrderedDict((k, v.float() * 2) for k, v in module.items())
    ns = argparse.Namespace(model="HYVideo-T/2-cfgdistill", lr=1e-4, steps=2 ** 40, flags=[True, None, -3])
    checkpoint = {
        "module": module,
        "ema": ema,
        "buffer_names": [],
        "optimizer": None,
        "param_shapes": [collections.OrderedDict((k, v.shape) for k, v in module.items())],
        "frozen_param_shapes": None,
        "shared_params": {},
        "lr_scheduler": None,
        "sparse_tensor_module_names": set(),
        "skipped_steps": 0,
        "global_steps": 1200,
        "global_samples": 9600,
        "dp_world_size": 8,
        "mp_world_size": 1,
        "ds_config": {"train_batch_size": 8, "bf16": {"enabled": True}, "gradient_clipping": 1.0},
        "ds_version": "0.10.0",
        "args": ns,
        "negative": -(2 ** 70),
    }
    torch.save(checkpoint, os.path.join(out, f"deepspeed_torch{ver}.pt"))
    print("wrote", sorted(os.listdir(out)))


if __name__ == "__main__":
    main()
