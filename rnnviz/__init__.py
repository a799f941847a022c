"""rnnviz: see a sentence flow through real RNN, LSTM and GRU cells."""
import torch

torch.set_num_threads(1)  # our tensors are tiny: one thread beats many on a busy 2-core server
