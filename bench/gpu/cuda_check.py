#!/usr/bin/env python3
"""Checks the served intent models on ONNX Runtime's CUDA execution provider against the CPU.

Input: the directory `bin/bench gpu-export` writes (each model's .onnx file and its featurized inputs with
the probabilities the JVM computed on the CPU). For each model it prints
  - agreement: the largest absolute difference between CUDA and the JVM's CPU probabilities, between
    Python's CPU run and the JVM's, and how many inputs change their top intent;
  - throughput by batch size on each provider (texts/s, inputs padded per batch as the job pads them,
    host-to-device copies included), each measured for --seconds, the CPU run in the same process.
When this ONNX Runtime build has no CUDA execution provider (a CPU-only wheel) but PyTorch sees a GPU, the
GPU side is the model's ONNX graph evaluated operator by operator with PyTorch on CUDA (the six operators the
project's export uses; any other operator stops the check): the model's arithmetic on the GPU, not ONNX
Runtime's CUDA kernels, and the output says which one ran.
Usage: python3 bench/gpu/cuda_check.py [DIR] [--seconds 1.5]
"""
import json
import os
import sys
import time

import numpy as np
import onnxruntime as ort


class TorchCudaGraph:
    """The model's graph run node by node with PyTorch on CUDA; same run() signature as an ORT session."""

    def __init__(self, path):
        import onnx
        import torch
        from onnx import numpy_helper
        self.torch = torch
        model = onnx.load(path)
        self.device = torch.device("cuda")
        self.consts = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()).to(self.device)
                       for i in model.graph.initializer}
        self.nodes = model.graph.node
        for n in self.nodes:
            if n.op_type not in ("Gather", "Unsqueeze", "Mul", "ReduceSum", "Add", "Softmax"):
                raise SystemExit(f"operator {n.op_type} is not evaluated by this check")

    def get_providers(self):
        return [f"PyTorch {self.torch.__version__} on {self.torch.cuda.get_device_name(0)}"]

    def run(self, outputs, feeds):
        t = self.torch
        env = dict(self.consts)
        for k, v in feeds.items():
            env[k] = t.from_numpy(v).to(self.device, non_blocking=False)
        for n in self.nodes:
            a = {x.name: x for x in n.attribute}
            x = [env[i] for i in n.input]
            if n.op_type == "Gather":
                axis = a["axis"].i if "axis" in a else 0
                out = t.index_select(x[0], axis, x[1].reshape(-1)).reshape(*x[1].shape, *x[0].shape[axis + 1:]) \
                    if axis == 0 else None
                if out is None:
                    raise SystemExit("Gather on an axis other than 0 is not evaluated by this check")
            elif n.op_type == "Unsqueeze":
                out = x[0]
                for ax in sorted(int(v) for v in x[1].tolist()):
                    out = out.unsqueeze(ax if ax >= 0 else out.dim() + 1 + ax)
            elif n.op_type == "Mul":
                out = x[0] * x[1]
            elif n.op_type == "ReduceSum":
                keep = bool(a["keepdims"].i) if "keepdims" in a else True
                out = x[0].sum(dim=tuple(int(v) for v in x[1].tolist()), keepdim=keep)
            elif n.op_type == "Add":
                out = x[0] + x[1]
            else:
                axis = a["axis"].i if "axis" in a else -1
                out = t.softmax(x[0], dim=axis)
            env[n.output[0]] = out
        result = [env[o].cpu().numpy() for o in outputs]
        return result


def gpu_session(path):
    if "CUDAExecutionProvider" in ort.get_available_providers():
        return ort.InferenceSession(path, providers=["CUDAExecutionProvider", "CPUExecutionProvider"])
    try:
        import torch
        if torch.cuda.is_available():
            return TorchCudaGraph(path)
    except ImportError:
        pass
    raise SystemExit("no GPU path: this ONNX Runtime has no CUDA provider and PyTorch sees no CUDA device")


def batches(rows, size):
    for start in range(0, len(rows), size):
        chunk = rows[start:start + size]
        width = max(1, max(len(r["ids"]) for r in chunk))
        ids = np.zeros((len(chunk), width), dtype=np.int64)
        values = np.zeros((len(chunk), width), dtype=np.float32)
        for i, r in enumerate(chunk):
            ids[i, :len(r["ids"])] = r["ids"]
            values[i, :len(r["values"])] = r["values"]
        yield chunk, ids, values


def run_all(session, rows, size=64):
    out = []
    for _, ids, values in batches(rows, size):
        out.append(session.run(["probabilities"], {"ids": ids, "values": values})[0])
    return np.concatenate(out)


def throughput(session, rows, size, seconds):
    pool = rows
    while len(pool) < size:
        pool = pool + rows
    prepared = list(batches(pool[:size], size))
    _, ids, values = prepared[0]
    session.run(["probabilities"], {"ids": ids, "values": values})  # warm-up
    done = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        session.run(["probabilities"], {"ids": ids, "values": values})
        done += size
    return done / (time.perf_counter() - start)


def main():
    args = [a for a in sys.argv[1:]]
    seconds = 1.5
    if "--seconds" in args:
        i = args.index("--seconds")
        seconds = float(args[i + 1])
        del args[i:i + 2]
    directory = args[0] if args else "bench-results/gpu-check"
    print(f"# onnxruntime {ort.__version__}, providers {ort.get_available_providers()}, {os.cpu_count()} CPU cores")
    try:
        import subprocess
        gpu = subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=20).stdout.strip()
        print(f"# GPU: {gpu}")
    except Exception as e:  # the check goes on without the name
        print(f"# GPU: nvidia-smi unavailable ({e})")
    failed = False
    for name in ("built-in", "support", "trattoria"):
        path = os.path.join(directory, name + ".onnx")
        if not os.path.exists(path):
            continue
        with open(os.path.join(directory, name + ".inputs.json")) as f:
            data = json.load(f)
        rows = data["rows"]
        jvm = np.array([r["cpu"] for r in rows], dtype=np.float32)
        cpu = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        cuda = gpu_session(path)
        used = cuda.get_providers()
        p_cpu = run_all(cpu, rows)
        p_cuda = run_all(cuda, rows)
        d_cpu = float(np.abs(p_cpu - jvm).max())
        d_cuda = float(np.abs(p_cuda - jvm).max())
        flips = int((p_cuda.argmax(1) != jvm.argmax(1)).sum())
        # A flip is only acceptable between near-ties (top two within the observed difference).
        top2 = np.sort(jvm, axis=1)[:, -2:]
        hard_flips = int(((p_cuda.argmax(1) != jvm.argmax(1)) & ((top2[:, 1] - top2[:, 0]) > 2 * d_cuda)).sum())
        print(f"\n## {name}: {len(rows)} inputs, {jvm.shape[1]} labels, session providers {used}")
        print(f"max |python CPU - JVM CPU| = {d_cpu:.3g}; max |CUDA - JVM CPU| = {d_cuda:.3g}; "
              f"top intent changed on CUDA: {flips} ({hard_flips} not near-ties)")
        if "CPUExecutionProvider" == used[0] or d_cuda > 1e-4 or hard_flips:
            failed = True
        print("| batch | ORT CPU texts/s | GPU texts/s | GPU / CPU |")
        print("|---:|---:|---:|---:|")
        for size in (1, 8, 64, 256, 1024, 4096):
            c = throughput(cpu, rows, size, seconds)
            g = throughput(cuda, rows, size, seconds)
            print(f"| {size} | {c:,.0f} | {g:,.0f} | {g / c:.2f} |", flush=True)
    print("\nRESULT:", "FAILED" if failed else "OK (CUDA agrees with the CPU)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
