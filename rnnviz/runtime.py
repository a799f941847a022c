"""Process-wide settings that only an entry point may choose (the app, the CLI, the test run).

Importing rnnviz changes nothing global: a notebook or a training script keeps its own threads.
"""
from __future__ import annotations


def use_one_thread() -> None:
    """One thread for torch and for numpy's BLAS.

    Our tensors are tiny: on a busy 2-core server one thread is many times faster than several
    threads that wait for each other.
    """
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(1)
    threadpool_limits(limits=1)
