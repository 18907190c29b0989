#!/usr/bin/env python3
"""Tensor Lens runner: trains a model from the user's own .py file in the user's own PyTorch.

Standard library and torch only. It imports the file as a module (its `if __name__ == "__main__":`
block does not run), builds the named class with the constructor arguments Tensor Lens found in the
file (or takes a module-level nn.Sequential), and trains it on MNIST IDX files with Adam, writing one
JSON event per line on stdout: start, batch, epoch, done (the same lines as `tensor-lens train --json`).
A failure in the user's code is one `error` event naming their file and line, with the traceback.

Several processes: it reads RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT as torchrun
sets them, so `torchrun --nproc_per_node N tensor_lens_runner.py ...` trains with
DistributedDataParallel; `--procs N` starts N local ranks itself with torch.multiprocessing. Rank 0
writes the events; the loss and accuracy are over all ranks. `--batch-size` is the global batch: each
rank takes its slice of the same globally shuffled batch, so N processes follow 1 process's curve.

SIGINT or SIGTERM stops the run between batches (all ranks together) and still ends with `done`.
"""
import argparse
import gzip
import importlib.util
import json
import os
import re
import signal
import socket
import struct
import sys
import time
import traceback

MNIST_MEAN = 0.1307
MNIST_STD = 0.3081
BATCH_EVENTS_PER_SEC = 20
EVAL_CHUNK = 1000


class UserCodeError(Exception):
    """An exception raised by the user's file, with the place in that file it came from."""

    def __init__(self, file, exc):
        self.exc = exc
        tb = traceback.extract_tb(exc.__traceback__)
        mine = [f for f in tb if os.path.abspath(f.filename) == os.path.abspath(file)]
        if isinstance(exc, SyntaxError) and exc.filename and os.path.abspath(exc.filename) == os.path.abspath(file):
            self.line = exc.lineno
        else:
            self.line = mine[-1].lineno if mine else None
        self.file = file
        self.text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        where = f"{os.path.basename(file)}:{self.line}" if self.line else os.path.basename(file)
        first = (str(exc).strip().splitlines() or [""])[0]
        super().__init__(f"{where}: {type(exc).__name__}: {first}" if first else f"{where}: {type(exc).__name__}")


class BadInput(Exception):
    """Bad arguments or data: one line that says what and how to fix it."""


# ───────────────────────────── events ─────────────────────────────

class Events:
    def __init__(self, enabled, log_dir, run_id):
        self.enabled = enabled
        self.file = None
        if enabled and log_dir:
            d = os.path.join(log_dir, run_id)
            os.makedirs(d, exist_ok=True)
            self.file = open(os.path.join(d, "events.jsonl"), "a", encoding="utf-8")

    def emit(self, obj):
        if not self.enabled:
            return
        line = json.dumps(obj, separators=(",", ":"))
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
        if self.file:
            self.file.write(line + "\n")
            self.file.flush()

    def close(self):
        if self.file:
            self.file.close()


# ───────────────────────────── data ─────────────────────────────

def _find(dir_, prefix, kind):
    idx = "idx3" if kind == "images" else "idx1"
    pat = re.compile(rf"^{prefix}-{kind}[-.]{idx}-ubyte(\.gz)?$")
    names = sorted(n for n in os.listdir(dir_) if pat.match(n))
    # The uncompressed file first, as the TypeScript reader does: torchvision leaves both.
    names.sort(key=lambda n: n.endswith(".gz"))
    return os.path.join(dir_, names[0]) if names else None


def read_idx(path, dims):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08 or raw[3] != dims:
        raise BadInput(f"{path}: not an IDX file of unsigned bytes with {dims} dimensions; re-download it")
    shape = struct.unpack(">" + "I" * dims, raw[4:4 + 4 * dims])
    n = 1
    for s in shape:
        n *= s
    body = raw[4 + 4 * dims:]
    if len(body) != n:
        raise BadInput(f"{path}: {len(body)} data bytes but the header says {n}; the file is truncated, re-download it")
    return shape, body


def resolve_data_dir(d):
    for sub in ("", os.path.join("MNIST", "raw"), os.path.join("FashionMNIST", "raw")):
        cand = os.path.join(d, sub) if sub else d
        if os.path.isdir(cand) and _find(cand, "train", "images"):
            return cand
    raise BadInput(f"--data {d}: no train-images-idx3-ubyte(.gz) here or in MNIST/raw or FashionMNIST/raw")


def load_split(torch, dir_, prefix, limit):
    img, lab = _find(dir_, prefix, "images"), _find(dir_, prefix, "labels")
    if not img or not lab:
        raise BadInput(f"{dir_}: {prefix} images or labels missing; give a folder with all four MNIST IDX files")
    (n, rows, cols), pixels = read_idx(img, 3)
    (m,), labels = read_idx(lab, 1)
    if m != n:
        raise BadInput(f"{img}: {n} images but {m} labels; re-download the data set")
    count = min(n, limit) if limit else n
    x = torch.frombuffer(bytearray(pixels[: count * rows * cols]), dtype=torch.uint8).reshape(count, 1, rows, cols)
    y = torch.frombuffer(bytearray(labels[:count]), dtype=torch.uint8).long()
    x = (x.float() / 255.0 - MNIST_MEAN) / MNIST_STD
    return x, y


# ───────────────────────────── the user's model ─────────────────────────────

def import_user_file(path):
    path = os.path.abspath(path)
    # As if the file were run as a script, except that its __main__ block stays off.
    sys.argv = [path]
    sys.path.insert(0, os.path.dirname(path))
    name = "tensor_lens_user_" + re.sub(r"\W", "_", os.path.splitext(os.path.basename(path))[0])
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    try:
        spec.loader.exec_module(mod)
    except BaseException as e:  # noqa: BLE001 -- anything the user's file raises is reported, SystemExit too
        if isinstance(e, KeyboardInterrupt):
            raise
        raise UserCodeError(path, e) from e
    return mod


def decode_ctor(v):
    """JSON from the shape engine back to Python values: {"$tuple": [...]} and {"$float": x}."""
    if isinstance(v, list):
        return [decode_ctor(x) for x in v]
    if isinstance(v, dict):
        if "$tuple" in v:
            return tuple(decode_ctor(x) for x in v["$tuple"])
        if "$float" in v:
            return float(v["$float"])
        return {k: decode_ctor(x) for k, x in v.items()}
    return v


def build_model(torch, mod, path, name, kind, ctor):
    obj = getattr(mod, name, None)
    if obj is None:
        raise BadInput(f"{os.path.basename(path)}: no top-level name {name} after importing the file")
    try:
        if kind == "sequential":
            if not isinstance(obj, torch.nn.Module):
                raise BadInput(f"{os.path.basename(path)}: {name} is a {type(obj).__name__}, not an nn.Module")
            return obj
        return obj(*decode_ctor(ctor.get("args", [])), **decode_ctor(ctor.get("kwargs", {})))
    except BadInput:
        raise
    except Exception as e:  # noqa: BLE001
        raise UserCodeError(path, e) from e


def pick_device(torch, want):
    if want and want != "auto":
        if want.startswith("cuda") and not torch.cuda.is_available():
            raise BadInput(f"--device {want}: this torch sees no CUDA device; use --device cpu or auto")
        if want == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
            raise BadInput("--device mps: MPS is not available here; use --device cpu or auto")
        return want
    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return "mps"
    return "cpu"


# ───────────────────────────── training ─────────────────────────────

class StopFlag:
    def __init__(self):
        self.stop = False

    def install(self):
        def handler(signum, frame):
            self.stop = True
        signal.signal(signal.SIGINT, handler)
        signal.signal(signal.SIGTERM, handler)


def shape_input(x, layout):
    if layout == "flat":
        return x.reshape(x.shape[0], -1)
    if layout == "hw":
        return x.reshape(x.shape[0], x.shape[2], x.shape[3])
    return x


def train(args, rank, world, local_rank, stop):
    import torch
    import torch.nn.functional as F

    dist = None
    if world > 1:
        import torch.distributed as dist
    events = Events(rank == 0, args.log_dir, args.run_id)
    try:
        device = pick_device(torch, args.device)
        if device == "cuda" and world > 1:
            device = f"cuda:{local_rank}"
            torch.cuda.set_device(local_rank)
        if world > 1:
            dist.init_process_group("nccl" if device.startswith("cuda") else "gloo", rank=rank, world_size=world)
        if device == "cpu" and args.deterministic:
            torch.use_deterministic_algorithms(True)

        data_dir = resolve_data_dir(args.data)
        train_x, train_y = load_split(torch, data_dir, "train", args.limit)
        test_x, test_y = load_split(torch, data_dir, "t10k", args.test_limit)
        train_x, train_y = shape_input(train_x, args.layout).to(device), train_y.to(device)
        test_x, test_y = shape_input(test_x, args.layout).to(device), test_y.to(device)

        mod = import_user_file(args.file)
        # The same initial weights on every rank (DDP also broadcasts rank 0's).
        torch.manual_seed(args.seed)
        model = build_model(torch, mod, args.file, args.name, args.kind, json.loads(args.ctor)).to(device)
        params = sum(p.numel() for p in model.parameters())
        net = model
        if world > 1:
            net = torch.nn.parallel.DistributedDataParallel(model, device_ids=[local_rank] if device.startswith("cuda") else None)
        opt = torch.optim.Adam(model.parameters(), lr=args.lr)
        # Dropout draws differ per rank (rank 0 goes on as a plain script would); the shuffle
        # generator is the same everywhere.
        if rank:
            torch.manual_seed(args.seed + rank)
        gen = torch.Generator().manual_seed(args.seed)

        n = train_x.shape[0]
        B = args.batch_size
        batches = (n + B - 1) // B
        version = torch.__version__.split("+")[0]
        events.emit({
            "event": "start", "runId": args.run_id, "backend": "pytorch",
            "backendDetail": f"torch {version}, {device}" + (f", {world} processes" if world > 1 else ""),
            "device": device, "models": [{"model": args.name, "params": params}],
            "trainSize": n, "testSize": test_x.shape[0], "epochs": args.epochs, "batchSize": B,
            "data": args.data_name,
            "hyper": {"model": [args.name], "data": args.data_name, "epochs": args.epochs, "batchSize": B, "lr": args.lr,
                      "seed": args.seed, "backend": "pytorch", "optimizer": "adam", "device": device, "processes": world},
        })

        samples_seen = 0
        train_seconds = 0.0
        last = None
        cancelled = False
        t0 = time.perf_counter()
        for epoch in range(1, args.epochs + 1):
            perm = torch.randperm(n, generator=gen).to(device)
            e0 = time.perf_counter()
            loss_sum = 0.0
            correct = 0
            last_emit = -1e9
            net.train()
            for b in range(batches):
                bt = time.perf_counter()
                idx = perm[b * B: min(n, (b + 1) * B)]
                rows = idx.shape[0]
                if world > 1:
                    idx = torch.tensor_split(idx, world)[rank]
                x, y = train_x[idx], train_y[idx]
                opt.zero_grad(set_to_none=True)
                try:
                    out = net(x)
                    # Sum over this rank's rows; DDP averages gradients over ranks, so scale to the
                    # mean over the global batch (ranks with equal slices: identical to 1 process).
                    if world == 1:
                        loss = F.cross_entropy(out, y)
                    else:
                        loss = F.cross_entropy(out, y, reduction="sum") / rows * world
                    loss.backward()
                except Exception as e:  # noqa: BLE001
                    raise UserCodeError(args.file, e) from e
                opt.step()
                stats = torch.tensor([loss.item() * rows / world, (out.argmax(1) == y).sum().item(), 1.0 if stop.stop else 0.0], dtype=torch.float64)
                if world > 1:
                    # One small all-reduce: the loss over ranks, and Stop on any rank stops them all.
                    stats = stats.to(device) if device.startswith("cuda") else stats
                    dist.all_reduce(stats)
                    stats = stats.cpu()
                batch_loss = stats[0].item() / rows
                loss_sum += stats[0].item()
                correct += int(stats[1].item())
                samples_seen += rows
                t = time.perf_counter()
                train_seconds += t - bt
                if t - last_emit >= 1.0 / BATCH_EVENTS_PER_SEC or b == batches - 1:
                    last_emit = t
                    events.emit({"event": "batch", "runId": args.run_id, "model": args.name, "epoch": epoch,
                                 "batch": b + 1, "batches": batches, "samplesSeen": samples_seen, "loss": batch_loss})
                if stats[2].item() > 0:
                    cancelled = True
                    break
            if cancelled:
                break
            train_time = time.perf_counter() - e0
            if rank != 0:
                continue  # only rank 0 reports; the others wait for it in the next all-reduce
            test_loss, test_acc = evaluate(torch, F, model, test_x, test_y, args.file)
            last = {"event": "epoch", "runId": args.run_id, "model": args.name, "epoch": epoch,
                    "trainLoss": loss_sum / n, "trainAcc": correct / n, "testLoss": test_loss, "testAcc": test_acc,
                    "seconds": time.perf_counter() - e0, "samplesPerSec": n / max(train_time, 1e-9)}
            events.emit(last)
            if world == 1 and stop.stop:
                cancelled = epoch < args.epochs
                break
        events.emit({
            "event": "done", "runId": args.run_id, "backend": "pytorch",
            "backendDetail": f"torch {version}, {device}" + (f", {world} processes" if world > 1 else ""),
            "models": [{"model": args.name, "params": params,
                        "finalTestAcc": last["testAcc"] if last else None,
                        "finalTestLoss": last["testLoss"] if last else None,
                        "seconds": time.perf_counter() - t0,
                        "samplesPerSec": samples_seen / train_seconds if train_seconds > 0 else 0,
                        "threads": world}],
            "cancelled": cancelled,
        })
        return 130 if cancelled else 0
    except UserCodeError as e:
        events.emit({"event": "error", "kind": "user", "message": str(e), "file": e.file, "line": e.line, "traceback": e.text})
        return 1
    except BadInput as e:
        events.emit({"event": "error", "kind": "input", "message": str(e)})
        return 2
    finally:
        events.close()
        if world > 1 and dist.is_initialized():
            dist.destroy_process_group()


def evaluate(torch, F, model, x, y, file):
    model.eval()
    loss_sum = 0.0
    correct = 0
    with torch.no_grad():
        for s in range(0, x.shape[0], EVAL_CHUNK):
            try:
                out = model(x[s:s + EVAL_CHUNK])
            except Exception as e:  # noqa: BLE001
                raise UserCodeError(file, e) from e
            loss_sum += F.cross_entropy(out, y[s:s + EVAL_CHUNK], reduction="sum").item()
            correct += (out.argmax(1) == y[s:s + EVAL_CHUNK]).sum().item()
    model.train()
    n = max(1, x.shape[0])
    return loss_sum / n, correct / n


# ───────────────────────────── processes ─────────────────────────────

def _spawned(local_rank, args, world):
    os.environ["RANK"] = str(local_rank)
    os.environ["LOCAL_RANK"] = str(local_rank)
    os.environ["WORLD_SIZE"] = str(world)
    stop = StopFlag()
    stop.install()
    code = train(args, local_rank, world, local_rank, stop)
    if code not in (0, 130):
        sys.exit(code)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch_local(args):
    """N local ranks with torch.multiprocessing (Debian's torchrun 1.13 fails on Python 3.11)."""
    import torch.multiprocessing as mp

    os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
    os.environ.setdefault("MASTER_PORT", str(_free_port()))
    ctx = mp.start_processes(_spawned, args=(args, args.procs), nprocs=args.procs, join=False, start_method="spawn")

    def forward(signum, frame):
        # Each rank stops itself between batches; they agree through the all-reduce.
        for p in ctx.processes:
            if p.is_alive():
                os.kill(p.pid, signal.SIGTERM)
    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    while True:
        try:
            if ctx.join():
                break
        except mp.ProcessRaisedException as e:
            sys.stderr.write(str(e) + "\n")
            return 1
        except mp.ProcessExitedException as e:
            return e.exit_code if e.exit_code and e.exit_code > 0 else 1
    return 0


def parse_args(argv):
    p = argparse.ArgumentParser(description="Train a model from a PyTorch file on MNIST; JSON events on stdout.")
    p.add_argument("--file", required=True, help="the user's .py file")
    p.add_argument("--name", required=True, help="the nn.Module class, or the module-level nn.Sequential's name")
    p.add_argument("--kind", choices=["module", "sequential"], default="module")
    p.add_argument("--ctor", default='{"args":[],"kwargs":{}}', help="constructor arguments as JSON")
    p.add_argument("--layout", choices=["image", "flat", "hw"], default="image", help="input as (B,1,28,28), (B,784) or (B,28,28)")
    p.add_argument("--data", required=True, help="folder with MNIST IDX files (or MNIST/raw below it)")
    p.add_argument("--data-name", default="MNIST")
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--limit", type=int, default=0)
    p.add_argument("--test-limit", type=int, default=0)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--device", default="auto")
    p.add_argument("--procs", type=int, default=1, help="local processes (DistributedDataParallel)")
    p.add_argument("--log-dir", default="", help="also append events to DIR/<run>/events.jsonl")
    p.add_argument("--run-id", default="")
    p.add_argument("--deterministic", action="store_true", help="torch.use_deterministic_algorithms on CPU")
    a = p.parse_args(argv)
    if not a.run_id:
        a.run_id = "run-%x-%d" % (int(time.time() * 1000), os.getpid())
    return a


def main(argv):
    args = parse_args(argv)
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1:
        # Started by torchrun (or a cluster launcher): this process is one rank.
        stop = StopFlag()
        stop.install()
        return train(args, int(os.environ.get("RANK", "0")), world, int(os.environ.get("LOCAL_RANK", "0")), stop)
    if args.procs > 1:
        return launch_local(args)
    stop = StopFlag()
    stop.install()
    return train(args, 0, 1, 0, stop)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
