#!/usr/bin/env python3
"""Tensor Lens runner: trains a model from the user's own .py file in the user's own PyTorch.

Standard library and torch only. It imports the file as a module (its `if __name__ == "__main__":`
block does not run), builds the named class with the constructor arguments Tensor Lens found in the
file (or takes a module-level nn.Sequential), and trains it with Adam on MNIST, FashionMNIST, KMNIST or
CIFAR in torchvision's layouts, or an image folder (tensor_lens_data.py), writing one JSON event per line on stdout: start,
batch, epoch, eval, done (the same lines as `tensor-lens train --json`).
A failure in the user's code is one `error` event naming their file and line, with the traceback.

Several processes: it reads RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT as torchrun
sets them, so `torchrun --nproc_per_node N tensor_lens_runner.py ...` trains with
DistributedDataParallel; `--procs N` starts N local ranks itself with torch.multiprocessing. Rank 0
writes the events; the loss and accuracy are over all ranks. `--batch-size` is the global batch: each
rank takes its slice of the same globally shuffled batch, so N processes follow 1 process's curve.

SIGINT or SIGTERM stops the run between batches (all ranks together) and still ends with `done`.
"""
import argparse
import importlib.util
import json
import os
import re
import signal
import socket
import sys
import time
import traceback

import tensor_lens_data as data

BATCH_EVENTS_PER_SEC = 20
EVAL_CHUNK = 1000
# The most confident mistakes an eval event lists, as the tfjs path keeps them.
MAX_MISTAKES = 16


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

def normalised(torch, split, limit, mean, std):
    images, labels, rows, cols, ch = split
    count = min(len(labels), limit) if limit else len(labels)
    x = torch.frombuffer(bytearray(images[: count * ch * rows * cols]), dtype=torch.uint8).reshape(count, ch, rows, cols)
    y = torch.tensor(labels[:count], dtype=torch.long)
    m = torch.tensor(mean, dtype=torch.float32).reshape(1, ch, 1, 1)
    s = torch.tensor(std, dtype=torch.float32).reshape(1, ch, 1, 1)
    return (x.float() / 255.0 - m) / s, y


def channel_stats(torch, split):
    """Per-channel mean and standard deviation of x/255 over the whole training split, from exact byte
    histograms (what torchvision users put in Normalize), so any data set gets inputs of mean 0, sd 1."""
    images, labels, rows, cols, ch = split
    x = torch.frombuffer(bytearray(images), dtype=torch.uint8).reshape(len(labels), ch, rows * cols)
    values = torch.arange(256, dtype=torch.float64)
    mean, std = [], []
    for c in range(ch):
        h = torch.bincount(x[:, c].flatten(), minlength=256).double()
        n = h.sum().item()
        m = (h * values).sum().item() / n
        sd = ((h * (values - m) ** 2).sum().item() / n) ** 0.5 / 255
        mean.append(m / 255)
        # A constant channel would divide by zero: leave it unscaled.
        std.append(sd if sd > 0 else 1.0)
    return mean, std


def load_data(torch, args):
    try:
        size = (args.rows, args.cols) if args.rows and args.cols else None
        ds = data.load(args.data, args.data_kind, args.channels or None, args.classes or None, size)
    except data.DataError as e:
        raise BadInput(str(e)) from None
    if ds.name == "MNIST":
        mean, std = [data.MNIST_MEAN], [data.MNIST_STD]
    else:
        mean, std = channel_stats(torch, ds.train)
    train_x, train_y = normalised(torch, ds.train, args.limit, mean, std)
    test_x, test_y = normalised(torch, ds.test, args.test_limit, mean, std)
    return ds, train_x, train_y, test_x, test_y


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
        if x.shape[1] != 1:
            raise BadInput(f"--layout hw feeds (B, H, W) rows, which needs grey images; these have {x.shape[1]} channels")
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

        ds, train_x, train_y, test_x, test_y = load_data(torch, args)
        data_name = args.data_name or ds.name
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
            "data": data_name,
            "hyper": {"model": [args.name], "data": data_name, "epochs": args.epochs, "batchSize": B, "lr": args.lr,
                      "seed": args.seed, "backend": "pytorch", "optimizer": "adam", "device": device, "processes": world,
                      "threads": torch.get_num_threads()},
        })

        samples_seen = 0
        train_seconds = 0.0
        # CPU time (user + sys, all threads) of the epochs' training loops, everything the runner does
        # per step included: what its overhead is measured by, since wall time swings with load.
        train_cpu = 0.0
        last = None
        cancelled = False
        t0 = time.perf_counter()
        for epoch in range(1, args.epochs + 1):
            c0 = time.process_time()
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
                except Exception as e:  # noqa: BLE001
                    raise UserCodeError(args.file, e) from e
                if b == 0 and epoch == 1:
                    check_output(out, len(ds.classes), data_name, args.name)
                try:
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
            train_cpu += time.process_time() - c0
            if cancelled:
                break
            train_time = time.perf_counter() - e0
            if rank != 0:
                continue  # only rank 0 reports; the others wait for it in the next all-reduce
            test_loss, test_acc, ev = evaluate(torch, F, model, test_x, test_y, args.file, len(ds.classes))
            last = {"event": "epoch", "runId": args.run_id, "model": args.name, "epoch": epoch,
                    "trainLoss": loss_sum / n, "trainAcc": correct / n, "testLoss": test_loss, "testAcc": test_acc,
                    "seconds": time.perf_counter() - e0, "samplesPerSec": n / max(train_time, 1e-9)}
            events.emit(last)
            events.emit({"event": "eval", "runId": args.run_id, "model": args.name, "epoch": epoch,
                         "classes": ds.classes, **ev})
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
                        "samplesPerSec": samples_seen / train_seconds if train_seconds > 0 else None,
                        "cpuSeconds": train_cpu,
                        # Torch's intra-op threads in each process (rank 0's count; the ranks start
                        # alike), not the process count, which the start event's hyper carries.
                        "threads": torch.get_num_threads()}],
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


def check_output(out, k, data_name, name):
    if out.dim() != 2 or out.shape[1] != k:
        raise BadInput(f"{name} returns {tuple(out.shape)} but {data_name} has {k} classes; the model must return (batch, {k}) class scores")


def evaluate(torch, F, model, x, y, file, k):
    """Test loss and accuracy, and the eval event's confusion matrix (rows true, columns predicted),
    per-class accuracy (None for a class absent from the test set) and most confident mistakes."""
    model.eval()
    loss_sum = 0.0
    correct = 0
    confusion = torch.zeros(k * k, dtype=torch.long)
    mistakes = []
    with torch.no_grad():
        for s in range(0, x.shape[0], EVAL_CHUNK):
            try:
                out = model(x[s:s + EVAL_CHUNK])
            except Exception as e:  # noqa: BLE001
                raise UserCodeError(file, e) from e
            yy = y[s:s + EVAL_CHUNK]
            loss_sum += F.cross_entropy(out, yy, reduction="sum").item()
            pred = out.argmax(1)
            correct += (pred == yy).sum().item()
            confusion += torch.bincount((yy * k + pred).cpu(), minlength=k * k)
            p = torch.softmax(out.double(), 1).gather(1, pred[:, None])[:, 0]
            wrong = (pred != yy).nonzero()[:, 0]
            for i, pi in zip(wrong.tolist(), p[wrong].tolist()):
                if pi == pi:  # NaN: no confidence to rank by
                    mistakes.append({"index": s + i, "label": int(yy[i]), "pred": int(pred[i]), "p": pi})
            # Keep the list short as it grows: by p descending, ties by index, as the tfjs path ranks them.
            mistakes.sort(key=lambda m: (-m["p"], m["index"]))
            del mistakes[MAX_MISTAKES:]
    model.train()
    n = max(1, x.shape[0])
    rows = confusion.reshape(k, k).tolist()
    per_class = [row[c] / sum(row) if sum(row) else None for c, row in enumerate(rows)]
    return loss_sum / n, correct / n, {"confusion": rows, "perClass": per_class, "mistakes": mistakes}


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
    p.add_argument("--layout", choices=["image", "flat", "hw"], default="image", help="input as (B,C,H,W), (B,C*H*W) or (B,H,W)")
    p.add_argument("--data", required=True, help="torchvision's root folder (MNIST/raw, FashionMNIST/raw, KMNIST/raw, cifar-10-batches-py, ...) or an IDX folder")
    p.add_argument("--data-kind", choices=["auto", "idx", "imagefolder"] + data.CIFAR_LAYOUTS, default="auto")
    p.add_argument("--channels", type=int, default=0, help="the model's input channels (0: any), to choose among data sets")
    p.add_argument("--classes", type=int, default=0, help="the model's class count (0: any), to choose among data sets")
    p.add_argument("--rows", type=int, default=0, help="the model's input height: what an image folder is resized to")
    p.add_argument("--cols", type=int, default=0, help="the model's input width")
    p.add_argument("--data-name", default="", help="the data set's name in the events (default: what was found)")
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
