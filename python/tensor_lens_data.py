"""Data sets for the Tensor Lens runner, read with the standard library only (torch turns the bytes into
tensors in the runner).

IDX files as torchvision downloads them (MNIST, FashionMNIST, KMNIST: DIR/<Name>/raw, or the folder
itself), CIFAR-10 / CIFAR-100 in torchvision's three layouts (cifar-10-batches-py, cifar-100-python,
cifar-10-batches-bin), and torchvision's ImageFolder layout (one subfolder of PNG/JPEG images per
class), resized to the model's input; that one needs torchvision or, without it, Pillow. CIFAR's pickles are read by an unpickler that resolves no global of its own:
numpy's array rebuild and `_codecs.encode` map to stand-ins here that only record their arguments, and
any other name is refused, so a file that is not plain data cannot run code.

Every loader returns (images, labels, rows, cols, channels) per split: images as bytes in PyTorch's CHW
order, labels as a list of ints.
"""
import gzip
import io
import os
import pickle
import re
import struct

MNIST_MEAN = 0.1307
MNIST_STD = 0.3081

IDX_SETS = [
    ("MNIST", ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]),
    ("FashionMNIST", ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]),
    ("KMNIST", ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]),
]
CIFAR_LAYOUTS = ["cifar-10-batches-py", "cifar-100-python", "cifar-10-batches-bin"]
CIFAR_FIX = {
    "cifar-10-batches-py": "re-download it with torchvision.datasets.CIFAR10(root, download=True)",
    "cifar-100-python": "re-download it with torchvision.datasets.CIFAR100(root, download=True)",
    "cifar-10-batches-bin": "re-download the binary version of CIFAR-10",
}
PX = 3 * 32 * 32
# An IDX header can claim any size; more than this is not a data set the runner was meant to read.
MAX_BYTES = 2 ** 31


class DataError(Exception):
    """Bad or missing data: one line that says what and how to fix it."""


class Dataset:
    def __init__(self, name, dir_, classes, train, test):
        self.name = name
        self.dir = dir_
        self.classes = classes
        self.train = train
        self.test = test


# ───────────────────────────── IDX ─────────────────────────────

def _idx_file(dir_, prefix, kind):
    idx = "idx3" if kind == "images" else "idx1"
    pat = re.compile(rf"^{prefix}-{kind}[-.]{idx}-ubyte(\.gz)?$")
    names = sorted(n for n in os.listdir(dir_) if pat.match(n))
    # The uncompressed file first, as the TypeScript reader does: torchvision leaves both.
    names.sort(key=lambda n: n.endswith(".gz"))
    return os.path.join(dir_, names[0]) if names else None


def read_idx(path, dims):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        head = f.read(4 + 4 * dims)
        if len(head) < 4 or head[0] != 0 or head[1] != 0 or head[2] != 0x08 or head[3] != dims:
            raise DataError(f"{path}: not an IDX file of unsigned bytes with {dims} dimensions; re-download it")
        shape = struct.unpack(">" + "I" * dims, head[4:])
        n = 1
        for s in shape:
            n *= s
        if n > MAX_BYTES:
            raise DataError(f"{path}: the header declares {n} bytes, more than any image data set; re-download it")
        # Never more than the header declares: a gzip bomb stops here.
        body = f.read(n)
    if len(body) != n:
        raise DataError(f"{path}: {len(body)} data bytes but the header says {n}; the file is truncated, re-download it")
    return shape, body


def _has_idx(d):
    return os.path.isdir(d) and _idx_file(d, "train", "images") is not None


def find_idx(d):
    """The IDX folders at d (torchvision's <Name>/raw below it, or d itself), with their names."""
    out = []
    for name, classes in IDX_SETS:
        for sub in (os.path.join(d, name, "raw"), os.path.join(d, "data", name, "raw")):
            if _has_idx(sub):
                out.append((sub, name, classes))
    if not out and _has_idx(d):
        parts = [p for p in re.split(r"[\\/]+", os.path.abspath(d)) if p]
        hit = next((s for s in IDX_SETS if s[0] in parts[-2:]), IDX_SETS[0])
        out.append((d, hit[0], hit[1]))
    return out


def _idx_split(dir_, prefix):
    img, lab = _idx_file(dir_, prefix, "images"), _idx_file(dir_, prefix, "labels")
    if not img or not lab:
        raise DataError(f"{dir_}: {prefix} images or labels missing; give a folder with all four IDX files")
    (n, rows, cols), pixels = read_idx(img, 3)
    (m,), labels = read_idx(lab, 1)
    if m != n:
        raise DataError(f"{img}: {n} images but {m} labels; re-download the data set")
    return pixels, list(labels), rows, cols, 1


def load_idx(dir_, name, classes):
    train = _idx_split(dir_, "train")
    test = _idx_split(dir_, "t10k")
    for labels in (train[1], test[1]):
        if labels and max(labels) >= len(classes):
            raise DataError(f"{dir_}: a label {max(labels)} but {name} has {len(classes)} classes; re-download it")
    return Dataset(name, dir_, classes, train, test)


# ───────────────────────────── CIFAR ─────────────────────────────

class _Dtype:
    def __init__(self, kind, align=False, copy=True):
        self.str = kind
        self.order = "|"

    def __setstate__(self, state):
        # (version, byte order, ...): the order is what an array's bytes need.
        if isinstance(state, tuple) and len(state) > 1 and isinstance(state[1], str):
            self.order = state[1]


class _Array:
    def __init__(self):
        self.shape = None
        self.dtype = None
        self.raw = None

    def __setstate__(self, state):
        if not (isinstance(state, tuple) and len(state) == 5):
            raise DataError("an array whose state is not (version, shape, dtype, fortran, data)")
        _, shape, dtype, fortran, raw = state
        if not isinstance(dtype, _Dtype) or not isinstance(raw, (bytes, bytearray)) or fortran:
            raise DataError("an array that is not a plain numeric array in C order")
        self.shape, self.dtype, self.raw = tuple(shape), dtype, bytes(raw)


def _reconstruct(cls, shape, typecode):
    return _Array()


def _encode(text, encoding="latin1"):
    # Python 3 pickles bytes at protocol 2 as _codecs.encode(str, 'latin1'): the same bytes, no call.
    if not isinstance(text, str) or encoding != "latin1":
        raise DataError("_codecs.encode with arguments other than (str, 'latin1')")
    return text.encode("latin1")


class _DataOnly(pickle.Unpickler):
    ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
        ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
        ("numpy", "ndarray"): _Array,
        ("numpy", "dtype"): _Dtype,
        ("_codecs", "encode"): _encode,
    }

    def find_class(self, module, name):
        fn = self.ALLOWED.get((module, name))
        if fn is None:
            raise DataError(f"the pickle refers to {module}.{name}, which a CIFAR file never does; refusing it (only arrays, lists, strings and numbers are read)")
        return fn

    def persistent_load(self, pid):
        raise DataError("the pickle refers to a persistent object, which a CIFAR file never does")


def read_pickle(path, layout):
    if not os.path.isfile(path):
        raise DataError(f"{path}: missing from the {layout} folder; {CIFAR_FIX[layout]}")
    with open(path, "rb") as f:
        data = f.read()
    try:
        return _DataOnly(io.BytesIO(data), encoding="bytes").load()
    except DataError as e:
        raise DataError(f"{path}: {e}; {CIFAR_FIX[layout]}") from None
    except Exception as e:  # noqa: BLE001 -- a malformed file, whatever the unpickler says about it
        raise DataError(f"{path}: not a readable pickle ({type(e).__name__}: {e}); {CIFAR_FIX[layout]}") from None


def _get(d, key, path, layout):
    if isinstance(d, dict):
        for k in (key, key.encode()):
            if k in d:
                return d[k]
    raise DataError(f"{path}: no '{key}' in the file; {CIFAR_FIX[layout]}")


def _names(v, path, layout):
    out = [x.decode("utf-8", "replace") if isinstance(x, bytes) else x for x in (v or [])]
    if not out or not all(isinstance(x, str) for x in out):
        raise DataError(f"{path}: the class names are not a list of strings; {CIFAR_FIX[layout]}")
    return out


def _labels(v, k, path, layout):
    if isinstance(v, _Array):
        size = {"u1": 1, "i1": 1, "i2": 2, "u2": 2, "i4": 4, "u4": 4, "i8": 8, "u8": 8}.get(v.dtype.str.lstrip("<>|="))
        if not size:
            raise DataError(f"{path}: labels of dtype {v.dtype.str}; {CIFAR_FIX[layout]}")
        fmt = {1: "b", 2: "h", 4: "i", 8: "q"}[size]
        fmt = fmt.upper() if v.dtype.str.lstrip("<>|=").startswith("u") else fmt
        order = ">" if v.dtype.order == ">" else "<"
        v = list(struct.unpack(f"{order}{len(v.raw) // size}{fmt}", v.raw))
    if not isinstance(v, list) or not all(isinstance(x, int) and 0 <= x < k for x in v):
        raise DataError(f"{path}: labels that are not class indices below {k}; {CIFAR_FIX[layout]}")
    return v


def _pickle_batch(path, layout, key, k):
    d = read_pickle(path, layout)
    data = _get(d, "data", path, layout)
    labels = _labels(_get(d, key, path, layout), k, path, layout)
    if not isinstance(data, _Array) or data.dtype.str.lstrip("|") != "u1" or data.shape != (len(labels), PX):
        raise DataError(f"{path}: 'data' is not {len(labels)} × 3072 bytes; {CIFAR_FIX[layout]}")
    return data.raw, labels


def _bin_batch(path, layout, k):
    if not os.path.isfile(path):
        raise DataError(f"{path}: missing from the {layout} folder; {CIFAR_FIX[layout]}")
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) % (PX + 1):
        raise DataError(f"{path}: {len(raw)} bytes is not a whole number of 3073-byte records; {CIFAR_FIX[layout]}")
    n = len(raw) // (PX + 1)
    labels = [raw[i * (PX + 1)] for i in range(n)]
    if any(x >= k for x in labels):
        raise DataError(f"{path}: a label ≥ {k}; {CIFAR_FIX[layout]}")
    images = b"".join(raw[i * (PX + 1) + 1:(i + 1) * (PX + 1)] for i in range(n))
    return images, labels


def _concat(parts):
    return b"".join(p[0] for p in parts), [x for p in parts for x in p[1]], 32, 32, 3


def find_cifar(d):
    out = []
    for layout in CIFAR_LAYOUTS:
        cands = [d] if os.path.basename(os.path.normpath(d)) == layout else [os.path.join(d, layout), os.path.join(d, "data", layout)]
        hit = next((c for c in cands if os.path.isdir(c)), None)
        if hit:
            out.append((hit, layout))
    return out


def load_cifar(dir_, layout):
    j = os.path.join
    if layout == "cifar-10-batches-py":
        classes = _names(_get(read_pickle(j(dir_, "batches.meta"), layout), "label_names", j(dir_, "batches.meta"), layout), j(dir_, "batches.meta"), layout)
        k = len(classes)
        train = _concat([_pickle_batch(j(dir_, f"data_batch_{i}"), layout, "labels", k) for i in range(1, 6)])
        test = _concat([_pickle_batch(j(dir_, "test_batch"), layout, "labels", k)])
    elif layout == "cifar-100-python":
        classes = _names(_get(read_pickle(j(dir_, "meta"), layout), "fine_label_names", j(dir_, "meta"), layout), j(dir_, "meta"), layout)
        k = len(classes)
        train = _concat([_pickle_batch(j(dir_, "train"), layout, "fine_labels", k)])
        test = _concat([_pickle_batch(j(dir_, "test"), layout, "fine_labels", k)])
    elif layout == "cifar-10-batches-bin":
        meta = j(dir_, "batches.meta.txt")
        if not os.path.isfile(meta):
            raise DataError(f"{meta}: missing from the {layout} folder; {CIFAR_FIX[layout]}")
        with open(meta, encoding="utf-8", errors="replace") as f:
            classes = [s.strip() for s in f.read().splitlines() if s.strip()]
        k = len(classes)
        train = _concat([_bin_batch(j(dir_, f"data_batch_{i}.bin"), layout, k) for i in range(1, 6)])
        test = _concat([_bin_batch(j(dir_, "test_batch.bin"), layout, k)])
    else:
        raise DataError(f"unknown CIFAR layout {layout}; use one of {', '.join(CIFAR_LAYOUTS)}")
    return Dataset("CIFAR-100" if layout == "cifar-100-python" else "CIFAR-10", dir_, classes, train, test)


# ───────────────────────────── image folders ─────────────────────────────

IMAGE_EXT = (".png", ".jpg", ".jpeg")
# Every fifth image of each class (in file-name order) is a test image when there is no test/ or val/,
# as the extension's own reader splits it.
TEST_EVERY = 5


def _class_folders(d):
    """Sorted subfolders holding at least one PNG/JPEG (torchvision's find_classes, minus empty ones)."""
    try:
        names = sorted(n for n in os.listdir(d) if not n.startswith(".") and os.path.isdir(os.path.join(d, n)))
    except OSError:
        return []
    return [n for n in names if any(f.lower().endswith(IMAGE_EXT) for f in os.listdir(os.path.join(d, n)))]


def find_image_folder(d):
    """(train folder, test folder or None) when d is an ImageFolder layout (train/ + test/ or val/, or
    the class folders themselves), else None."""
    train = os.path.join(d, "train")
    test = next((os.path.join(d, n) for n in ("test", "val") if _class_folders(os.path.join(d, n))), None)
    if _class_folders(train) and test:
        return train, test
    if _class_folders(d):
        return d, None
    return None


def _listing(d, classes):
    """[(path, label)] of d's class folders, labels by the training classes' order; torchvision's
    ImageFolder lists them when it is installed."""
    valid = lambda p: p.lower().endswith(IMAGE_EXT)
    try:
        from torchvision.datasets import ImageFolder
    except ImportError:
        ImageFolder = None
    if ImageFolder is not None:
        try:
            ds = ImageFolder(d, is_valid_file=valid)
            return [(p, classes.index(ds.classes[t])) for p, t in ds.samples if ds.classes[t] in classes]
        except FileNotFoundError:
            pass  # a class folder without images, which torchvision refuses: skip it, as below
    out = []
    for name in _class_folders(d):
        if name not in classes:
            continue
        folder = os.path.join(d, name)
        for f in sorted(os.listdir(folder)):
            p = os.path.join(folder, f)
            if valid(f) and os.path.isfile(p):
                out.append((p, classes.index(name)))
    return out


def _image_reader():
    """PIL's Image (torchvision reads with it too), or a DataError saying what to install."""
    try:
        from PIL import Image
    except ImportError:
        raise DataError(
            "reading an image folder needs torchvision or Pillow in this Python, and neither imports; "
            "install one (pip install pillow) or give --data a folder of MNIST or CIFAR") from None
    return Image


def _read_images(files, channels, rows, cols, what, root):
    if not files:
        raise DataError(f"{root}: no {what} images; put PNG or JPEG files in the class folders")
    Image = _image_reader()
    mode = "L" if channels == 1 else "RGB"
    out = bytearray()
    for p, _ in files:
        try:
            with Image.open(p) as im:
                # convert, then PIL's antialiased bilinear resize, as the extension's reader does.
                im = im.convert(mode).resize((cols, rows), getattr(Image, "Resampling", Image).BILINEAR)
                raw = im.tobytes()
        except (OSError, ValueError, Image.DecompressionBombError) as e:
            raise DataError(f"{p}: not a readable image ({e}); remove it or re-save it as PNG or JPEG") from None
        if channels == 3:
            # HWC to CHW, as every loader here returns.
            raw = b"".join(raw[c::3] for c in range(3))
        out += raw
    return bytes(out), [label for _, label in files], rows, cols, channels


def load_image_folder(dir_, channels, rows, cols):
    if channels not in (1, 3) or rows < 1 or cols < 1:
        raise DataError(f"{dir_}: images can be resized to (1|3, H, W), not ({channels}, {rows}, {cols})")
    found = find_image_folder(dir_)
    if not found:
        raise DataError(f"{dir_}: no class subfolders of PNG or JPEG images here (torchvision's ImageFolder layout)")
    train_dir, test_dir = found
    classes = _class_folders(train_dir)
    if test_dir:
        stray = [c for c in _class_folders(test_dir) if c not in classes]
        if stray:
            raise DataError(f"{test_dir}: class folder(s) {', '.join(stray)} not in {train_dir}; the test classes must be training classes")
        train_files, test_files = _listing(train_dir, classes), _listing(test_dir, classes)
    else:
        train_files, test_files, seen = [], [], {}
        for p, label in _listing(train_dir, classes):
            i = seen.get(label, 0)
            seen[label] = i + 1
            (test_files if i % TEST_EVERY == TEST_EVERY - 1 else train_files).append((p, label))
    train = _read_images(train_files, channels, rows, cols, "training", dir_)
    test = _read_images(test_files, channels, rows, cols, "test", dir_)
    return Dataset("ImageFolder", dir_, classes, train, test)


# ───────────────────────────── choosing ─────────────────────────────

def load(dir_, kind="auto", channels=None, classes=None, size=None):
    """The data set in dir_: `kind` names it (idx, a CIFAR layout, imagefolder); auto takes the first one
    that fits the model's input channels and class count (None: any). `size` (rows, cols) is what an
    image folder's pictures are resized to; without it an image folder is not considered."""
    if not os.path.isdir(dir_):
        raise DataError(f"--data {dir_}: folder not found; give torchvision's root folder (with MNIST/raw or cifar-10-batches-py in it)")
    found = []
    if kind in ("auto", "idx"):
        found += [(1, len(c), lambda d=d, n=n, c=c: load_idx(d, n, c)) for d, n, c in find_idx(dir_)]
    if kind == "auto" or kind in CIFAR_LAYOUTS:
        for d, layout in find_cifar(dir_):
            if kind in ("auto", layout):
                found.append((3, 100 if layout == "cifar-100-python" else 10, lambda d=d, l=layout: load_cifar(d, l)))
    if kind in ("auto", "imagefolder") and size and channels:
        folder = find_image_folder(dir_)
        if folder:
            k = len(_class_folders(folder[0]))
            found.append((channels, k, lambda: load_image_folder(dir_, channels, size[0], size[1])))
    for ch, k, loader in found:
        if (channels is None or channels == ch) and (classes is None or classes == k):
            return loader()
    if found:
        raise DataError(f"--data {dir_}: no data set here has {channels} channel(s) and {classes} classes, as the model needs")
    raise DataError(f"--data {dir_}: no IDX files (MNIST, FashionMNIST, KMNIST), CIFAR folder or image folder (class subfolders of PNG/JPEG) here; download one with torchvision.datasets.MNIST(root, download=True) and give that root")
