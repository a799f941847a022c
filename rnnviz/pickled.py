"""What a pickle names, read without running it: how a refusal can say what a file is.

A pickle builds objects by naming classes and functions ("torch.nn.modules.rnn.LSTM",
"posix.system") and calling them. `pickletools` only parses the opcodes, so reading those names
builds nothing and runs nothing; rnnviz itself only ever loads with torch's weights_only.
"""
from __future__ import annotations

import io
import pickletools
import zipfile

MAX_PICKLE_BYTES = 64 * 2**20      # the object part of a torch.save zip (tensors are stored apart)


def pickled_kind(data: bytes) -> str | None:
    """What a pickle that is not plain tensors holds, read from the names of the classes it would
    build (pickletools only parses; nothing is built or run): "module" (a whole torch.nn model),
    "torchtext" (a torchtext object such as its Vocab), "tensors" (only tensors, plain
    containers and numbers) or None (something else, or not a pickle at all)."""
    return kind_of_pickle(pickled_globals(data))


def kind_of_pickle(names: set[str]) -> str | None:
    """pickled_kind, from the names pickled_globals read."""
    if any(n.startswith("torch.nn.modules.") for n in names):
        return "module"
    if any(n.startswith("torchtext.") for n in names):
        return "torchtext"
    if names and all(n.startswith(("torch.", "collections.OrderedDict")) for n in names):
        return "tensors"
    return None


def pickled_globals(data: bytes, pickles: int = 5) -> set[str]:
    """"module.name" of every class or function the pickle in `data` refers to: a torch.save zip's
    data.pkl, or up to `pickles` pickles one after another (torch's legacy format is five)."""
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                inner = next((n for n in archive.namelist() if n.endswith("data.pkl")), None)
                small = inner is not None and archive.getinfo(inner).file_size <= MAX_PICKLE_BYTES
                data = archive.read(inner) if small else b""         # a zip bomb is not unpacked
        except (zipfile.BadZipFile, OSError, RuntimeError):
            return set()
    names: set[str] = set()
    stream = io.BytesIO(data)
    for _ in range(pickles):
        if not stream.read(1):
            break
        stream.seek(-1, io.SEEK_CUR)
        try:
            names |= _globals_of_one_pickle(stream)
        except Exception:  # noqa: BLE001 — a malformed pickle names what it named before breaking
            break
    return names


def _globals_of_one_pickle(stream) -> set[str]:
    """The globals one pickle names; strings are followed through the memo (protocol 4 pushes a
    STACK_GLOBAL's module and name as strings, often fetched back from the memo)."""
    names, strings, memo, top = set(), [], {}, None
    for op, arg, _ in pickletools.genops(stream):
        if op.name == "GLOBAL":
            names.add(arg.replace(" ", "."))
        elif op.name == "STACK_GLOBAL" and len(strings) >= 2:
            names.add(".".join(strings[-2:]))
        elif op.name == "MEMOIZE":
            memo[len(memo)] = top
        elif op.name in ("PUT", "BINPUT", "LONG_BINPUT"):
            memo[arg] = top
        elif op.name in ("GET", "BINGET", "LONG_BINGET") and isinstance(memo.get(arg), str):
            strings.append(memo[arg])
        top = arg if isinstance(arg, str) and "UNICODE" in op.name else None
        if top is not None:
            strings.append(top)
    return names
