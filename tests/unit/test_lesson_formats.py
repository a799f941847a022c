"""The lesson's files open as the lesson made them: every vocabulary and weights format a student
plausibly saves, the lesson's pooling and tokenizer by default, and a refusal for each bad file
that says what the file is and what to do."""
import io
import json
import pickle
import sys
import types
from collections import Counter, OrderedDict

import numpy as np
import pytest
import torch
from torch import nn

import rnnviz
from rnnviz.checkpoints import read_weights
from rnnviz.errors import CheckpointError
from rnnviz.lesson import EXPORT_CODE, describe_unknown, read_vocab
from rnnviz.text import basic_english
from rnnviz.vocab_files import EXPORT_LINE

TEXTS = ["Stocks fell -- again: don't panic!", "The match was won by a late goal.", "New chip, $600 (cheap)"]
WORDS = sorted({token for text in TEXTS for token in basic_english(text)})
LEGACY = ["<unk>", "<pad>", *WORDS]                 # torchtext 0.9.1's Vocab: <unk> 0, <pad> 1, then words
TEXT = "The match was won -- don't panic, a zebra!"     # "zebra" is unknown


class RNNClassifier(nn.Module):
    """The lesson's RNN classifier: the mean of every step's output feeds fc."""

    def __init__(self, vocab_size, embed_dim, hidden_dim, num_class, kind=nn.RNN):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.rnn = kind(embed_dim, hidden_dim, batch_first=True)
        self.fc = nn.Linear(hidden_dim, num_class)

    def forward(self, x):
        x, _ = self.rnn(self.embedding(x))
        return self.fc(x.mean(dim=1))


class LSTMClassifier(RNNClassifier):
    """The lesson's LSTM classifier: fc reads the final hidden state."""

    def __init__(self, vocab_size, embed_dim, hidden_dim, num_class):
        super().__init__(vocab_size, embed_dim, hidden_dim, num_class, kind=nn.LSTM)

    def forward(self, x):
        _, (h, _) = self.rnn(self.embedding(x))
        return self.fc(h[-1])


class LSTMPackClassifier(LSTMClassifier):
    """The lesson's packed LSTM classifier: padded batches packed by length, fc reads h[-1]."""

    def forward(self, x, lengths=None):
        lengths = torch.tensor([x.shape[1]] * x.shape[0]) if lengths is None else lengths
        packed = nn.utils.rnn.pack_padded_sequence(self.embedding(x), lengths, batch_first=True, enforce_sorted=False)
        _, (h, _) = self.rnn(packed)
        return self.fc(h[-1])


def lesson_net(cls=LSTMClassifier, vocab=LEGACY, seed=5):
    torch.manual_seed(seed)
    return cls(len(vocab), 6, 5, 4)


def saved(obj, **options) -> bytes:
    buffer = io.BytesIO()
    torch.save(obj, buffer, **options)
    return buffer.getvalue()


def notebook_probs(net, text, vocab=LEGACY):
    """What the notebook predicts: basic_english, then stoi with unknown words as id 0 (<unk>)."""
    ids = torch.tensor([[vocab.index(t) if t in vocab else 0 for t in basic_english(text)]])
    with torch.no_grad():
        return torch.softmax(net(ids), -1)[0].numpy()


# ---- vocabulary files and objects ------------------------------------------------------------------

class LegacyVocab:
    """torchtext 0.9.1's Vocab as the lesson builds it: itos, and unk_index 0 (no get_itos)."""

    def __init__(self, itos):
        self.itos, self.unk_index = list(itos), 0


class NewVocab:
    """Newer torchtext's Vocab: get_itos() and get_default_index() (None unless set)."""

    def __init__(self, itos, default=None):
        self._itos, self._default = list(itos), default

    def get_itos(self):
        return list(self._itos)

    def get_default_index(self):
        return self._default


def vocab_sources(tmp_path):
    lf = ("\n".join(LEGACY) + "\n").encode("utf-8")
    shuffled = dict(sorted({t: i for i, t in enumerate(LEGACY)}.items(), key=lambda kv: kv[0][::-1]))
    (tmp_path / "vocab.txt").write_bytes(lf)
    return {
        "lf": lf, "no final newline": "\n".join(LEGACY).encode(), "crlf": lf.replace(b"\n", b"\r\n"),
        "bom crlf": b"\xef\xbb\xbf" + lf.replace(b"\n", b"\r\n"), "cr": lf.replace(b"\n", b"\r"),
        "json list": json.dumps(LEGACY).encode(), "json list indented": json.dumps(LEGACY, indent=2).encode(),
        "json map": json.dumps(shuffled).encode(), "json map indented": json.dumps(shuffled, indent=4).encode(),
        "list": list(LEGACY), "tuple": tuple(LEGACY), "map": shuffled, "legacy object": LegacyVocab(LEGACY),
        "new object": NewVocab(LEGACY, default=0), "str path": str(tmp_path / "vocab.txt"),
        "path": tmp_path / "vocab.txt", "file object": io.BytesIO(lf),
    }


@pytest.mark.parametrize("form", ["lf", "no final newline", "crlf", "bom crlf", "cr", "json list",
                                  "json list indented", "json map", "json map indented", "list", "tuple", "map",
                                  "legacy object", "new object", "str path", "path", "file object"])
def test_every_vocab_form_gives_the_same_ids(tmp_path, form):
    vocab = read_vocab(vocab_sources(tmp_path)[form])
    assert vocab.tokens == LEGACY and vocab.unk_id == 0 and vocab.layout == "torchtext_legacy"
    assert vocab.ids(["the", "zebra", "<pad>"]) == [LEGACY.index("the"), 0, 1]
    assert "<unk>" in describe_unknown(vocab) and "id 0" in describe_unknown(vocab)


def test_a_windows_vocab_reads_every_sentence_exactly_as_the_unix_one(tmp_path):
    net = lesson_net()
    weights = saved(net.state_dict())
    sources = vocab_sources(tmp_path)
    unix = rnnviz.trace(rnnviz.load_lesson_model(weights, sources["lf"]), TEXT)
    windows = rnnviz.trace(rnnviz.load_lesson_model(weights, sources["bom crlf"]), TEXT)
    assert windows.ids.tolist() == unix.ids.tolist() and windows.known.sum() == len(windows.tokens) - 1
    assert np.array_equal(windows.hidden, unix.hidden) and np.array_equal(windows.probs, unix.probs)
    np.testing.assert_allclose(unix.probs[-1], notebook_probs(net, TEXT), atol=1e-5)


@pytest.mark.parametrize("vocab,unk_id,layout,said", [
    (LEGACY, 0, "torchtext_legacy", "torchtext 0.9"),
    (WORDS[:3] + ["<unk>"] + WORDS[3:], 3, "unk_token", "set_default_index"),   # new torchtext, <unk> placed
    (WORDS, 0, "no_unk", "would raise an error"),                                # vocab() without specials
    (NewVocab(WORDS, default=4), 4, "default_index", "default index"),
    (NewVocab(WORDS), 0, "no_unk", "would raise an error"),
    (["", "[UNK]", *WORDS], 1, "keras", "Keras"),
])
def test_the_unknown_word_id_is_explained_per_layout(vocab, unk_id, layout, said):
    read = read_vocab(vocab)
    assert (read.unk_id, read.layout) == (unk_id, layout)
    assert read.ids(["zebra"]) == [unk_id] and read.known(["zebra"]) == [False]
    assert said in describe_unknown(read) and str(unk_id) in describe_unknown(read)


def fake_torchtext_vocab(monkeypatch):
    """An object of a class that lives in a module called torchtext.vocab, as a pickle names it."""
    module = types.ModuleType("torchtext.vocab")
    cls = type("Vocab", (), {"__module__": "torchtext.vocab"})
    module.Vocab = cls
    monkeypatch.setitem(sys.modules, "torchtext", types.ModuleType("torchtext"))
    monkeypatch.setitem(sys.modules, "torchtext.vocab", module)
    vocab = cls()
    vocab.itos = list(LEGACY)
    return vocab


def bad_vocabs(monkeypatch):
    return {
        "pickled list": (pickle.dumps(LEGACY), "pickled vocab object"),
        "torch-saved vocab": (saved(fake_torchtext_vocab(monkeypatch)), "pickled vocab object"),
        "weights": (saved(lesson_net().state_dict()), "weights file"),
        "binary": (bytes(range(256)), "not UTF-8"),
        "nul": (b"the\x00\x01", "binary data"),
        "utf-16": ("\n".join(LEGACY).encode("utf-16"), "UTF-16"),
        "empty": (b"", "empty"),
        "blank": (b"\n\n \n", "empty"),
        "bom only": (b"\xef\xbb\xbf", "empty"),
        "gap": (json.dumps({"a": 0, "b": 2}).encode(), "id 1 is missing"),
        "repeat": ({"a": 0, "b": 0, "c": 1}, "id 0 to both 'a' and 'b'"),
        "non-int id": (json.dumps({"a": "0"}).encode(), "'a' maps to a str"),
        "json string": (b'"the\\nmatch"', "JSON holds a str"),
        "bad json": (b'["the", "match"', "not valid JSON"),
        "not tokens": ([1, 2], "item 0 is a int"),
        "number": (3.5, "not a float"),
        "counter": (Counter(basic_english(" ".join(TEXTS))), "Counter of word counts"),
        "json counts": (json.dumps({"the": 3, "match": 1, "won": 1}).encode(), "word counts"),
    }


@pytest.mark.parametrize("kind", ["pickled list", "torch-saved vocab", "weights", "binary", "nul", "utf-16", "empty",
                                  "blank", "bom only", "gap", "repeat", "non-int id", "json string", "bad json",
                                  "not tokens", "number", "counter", "json counts"])
def test_a_bad_vocab_is_refused_saying_what_it_is(monkeypatch, kind):
    source, message = bad_vocabs(monkeypatch)[kind]
    with pytest.raises(CheckpointError, match=message) as refused:
        read_vocab(source)
    assert "\n" not in str(refused.value), "one line: the CLI prints it as its one error line"
    if kind in ("pickled list", "torch-saved vocab", "empty", "binary", "gap"):
        assert EXPORT_LINE in str(refused.value)        # what to run instead


@pytest.mark.parametrize("code", [EXPORT_CODE, EXPORT_LINE])
@pytest.mark.parametrize("shape", [LegacyVocab, NewVocab])
def test_the_export_snippet_works_in_old_and_new_torchtext(tmp_path, monkeypatch, code, shape):
    monkeypatch.chdir(tmp_path)
    tokens = [*LEGACY, "café"]
    exec(code, {"vocab": shape(tokens)})               # the notebook runs it with its own `vocab`
    data = (tmp_path / "vocab.txt").read_bytes()
    assert b"\r" not in data and data.decode("utf-8").endswith("café\n")
    assert read_vocab(tmp_path / "vocab.txt").tokens == tokens


# ---- weights ------------------------------------------------------------------------------------------

def weights_sources(net):
    state = net.state_dict()
    optimizer = torch.optim.Adam(net.parameters()).state_dict()
    return {
        "file": (saved(state), None, []),
        "legacy format": (saved(state, _use_new_zipfile_serialization=False), None, []),
        "checkpoint": (saved({"epoch": 3, "model_state_dict": state, "optimizer_state_dict": optimizer, "loss": 0.4}),
                       "model_state_dict", ["epoch", "optimizer_state_dict", "loss"]),
        "state_dict entry": (saved({"state_dict": state}), "state_dict", []),
        "in memory": (dict(state), None, []), "ordered dict": (OrderedDict(state), None, []),
        "checkpoint in memory": ({"model_state_dict": state, "epoch": 1}, "model_state_dict", ["epoch"]),
        "module": (net, None, []),
    }


@pytest.mark.parametrize("form", ["file", "legacy format", "checkpoint", "state_dict entry", "in memory",
                                  "ordered dict", "checkpoint in memory", "module"])
def test_every_weights_form_opens_and_predicts_like_the_notebook(form):
    net = lesson_net()
    source, entry, ignored = weights_sources(net)[form]
    model = rnnviz.load_lesson_model(source, LEGACY)
    assert model.card["weights"] == {"entry": entry, "ignored": ignored, "prefix": None}
    np.testing.assert_allclose(rnnviz.trace(model, TEXT).probs[-1], notebook_probs(net, TEXT), atol=1e-5)


def test_dataparallel_names_lose_their_module_prefix():
    net = lesson_net()
    model = rnnviz.load_lesson_model(saved(nn.DataParallel(net).state_dict()), LEGACY)
    assert model.card["weights"]["prefix"] == "module."
    np.testing.assert_allclose(rnnviz.trace(model, TEXT).probs[-1], notebook_probs(net, TEXT), atol=1e-5)


def test_weights_saved_on_a_gpu_are_mapped_to_the_cpu(monkeypatch):
    """torch.save on a GPU tags every storage "cuda:0"; here the tag is written so on a CPU machine."""
    net = lesson_net()
    monkeypatch.setattr(torch.serialization, "location_tag", lambda storage: "cuda:0")
    data = saved(net.state_dict())
    monkeypatch.undo()
    with pytest.raises(RuntimeError, match="CUDA"):             # the file really asks for a GPU
        torch.load(io.BytesIO(data), weights_only=True)
    state, _ = read_weights(data)
    assert all(v.device.type == "cpu" for v in state.values())
    np.testing.assert_allclose(rnnviz.trace(rnnviz.load_lesson_model(data, LEGACY), TEXT).probs[-1],
                               notebook_probs(net, TEXT), atol=1e-5)


def test_bad_weights_are_refused_saying_what_they_are(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    net = lesson_net()
    for source, message in [
        (saved(net), r"whole pickled model .*torch\.save\(net\.state_dict\(\), \"model\.pt\"\)"),
        (saved(net, _use_new_zipfile_serialization=False), "whole pickled model"),
        (pickle.dumps(net), "whole pickled model"),                  # plain pickle, protocol 5 (names via the memo)
        (pickle.dumps({"net": net, "epoch": 1}, protocol=4), "whole pickled model"),
        (saved(fake_torchtext_vocab(monkeypatch)), "pickled torchtext vocabulary, not weights"),
        (saved({"epoch": 3, "loss": 0.5}), "dict of epoch, loss with no state_dict"),
        (saved({"a": net.state_dict(), "b": net.state_dict()}), r"several state_dicts \(a, b\)"),
        (saved([1, 2]), "not a list"),
        (b"junk", "not a plain PyTorch weights file"),
    ]:
        with pytest.raises(CheckpointError, match=message):
            rnnviz.load_lesson_model(source, LEGACY)
    assert list(tmp_path.iterdir()) == []


# ---- pooling, tokenizer, sizes -----------------------------------------------------------------------

@pytest.mark.parametrize("cls,cell,pooling", [(RNNClassifier, "rnn", "mean"), (LSTMClassifier, "lstm", "last"),
                                               (LSTMPackClassifier, "lstm", "last")])
def test_the_lesson_pooling_is_the_default_and_matters(cls, cell, pooling):
    net = lesson_net(cls)
    model = rnnviz.load_lesson_model(saved(net.state_dict()), LEGACY, cell=cell)
    assert model.spec.pooling == pooling == rnnviz.lesson.lesson_pooling(cell)
    expected = notebook_probs(net, TEXT)
    np.testing.assert_allclose(rnnviz.trace(model, TEXT).probs[-1], expected, atol=1e-5)
    other = {"mean": "last", "last": "mean"}[pooling]
    wrong = rnnviz.load_lesson_model(saved(net.state_dict()), LEGACY, cell=cell, pooling=other)
    assert not np.allclose(rnnviz.trace(wrong, TEXT).probs[-1], expected, atol=1e-3)


def test_a_head_that_reads_another_size_is_named_with_both_sizes():
    net = lesson_net()
    net.fc = nn.Linear(10, 4)                               # say fc(torch.cat([h, c])): 2 × 5 numbers
    with pytest.raises(CheckpointError, match="fc .*reads 10 numbers, but the LSTM gives 5"):
        rnnviz.load_lesson_model(net.state_dict(), LEGACY)


def test_lesson_models_read_with_basic_english_unless_told():
    net = lesson_net()
    model = rnnviz.load_lesson_model(net.state_dict(), LEGACY)
    trace = rnnviz.trace(model, TEXT)
    assert model.spec.tokenizer == trace.tokenizer == "basic_english" and trace.tokens == basic_english(TEXT)
    words = rnnviz.load_lesson_model(net.state_dict(), LEGACY, tokenizer="words")
    assert rnnviz.trace(words, TEXT).tokenizer == "words" and rnnviz.trace(words, TEXT).tokens != trace.tokens
    with pytest.raises(CheckpointError, match="tokenizer must be one of"):
        rnnviz.load_lesson_model(net.state_dict(), LEGACY, tokenizer="spacy")


@pytest.mark.parametrize("vocab,cause", [
    (WORDS, "specials missing"),                             # the list without <unk>, <pad>: 2 short
    ([*LEGACY, ""], "empty last line"),
    (LEGACY[:5], "partial vocabulary file"),
])
def test_a_vocab_of_the_wrong_size_names_the_likely_cause_and_both_numbers(vocab, cause):
    with pytest.raises(CheckpointError, match=f"has {len(vocab)} tokens but the embedding has {len(LEGACY)} rows"
                       ) as refused:
        rnnviz.load_lesson_model(lesson_net().state_dict(), vocab)
    assert cause in str(refused.value) and "same notebook run" not in str(refused.value)


# ---- the command line -----------------------------------------------------------------------------

def run_cli(capsys, *args):
    from rnnviz.cli import main
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_reads_a_lesson_model_as_the_lesson_does(tmp_path, capsys):
    net = lesson_net(RNNClassifier)
    (tmp_path / "model.pt").write_bytes(saved({"model_state_dict": net.state_dict(), "epoch": 2}))
    (tmp_path / "vocab.json").write_text(json.dumps(LEGACY, indent=1), encoding="utf-8")
    files = ("--state-dict", str(tmp_path / "model.pt"), "--vocab", str(tmp_path / "vocab.json"), "--cell", "rnn")
    code, out, err = run_cli(capsys, "trace", TEXT, *files, "--json", "--html", str(tmp_path / "view.html"))
    assert code == 0, err
    data = json.loads(out)
    assert data["tokens"] == basic_english(TEXT) and data["tokenizer"] == "basic_english"
    np.testing.assert_allclose(data["probs"][-1], notebook_probs(net, TEXT), atol=1e-5)     # the mean, by default
    page = (tmp_path / "view.html").read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html") and "zebra" in page
    _, out, _ = run_cli(capsys, "trace", TEXT, *files, "--json", "--tokenizer", "words", "--pooling", "last")
    other = json.loads(out)
    assert other["tokens"] != data["tokens"] and other["tokenizer"] == "words"
    code, out, _ = run_cli(capsys, "trace", TEXT, *files)
    assert code == 0 and f"{len(data['tokens'])} tokens, 1 unknown to the model (split with basic_english)" in out


def test_cli_vocab_and_weights_mistakes_are_one_line(tmp_path, capsys):
    net = lesson_net()
    (tmp_path / "model.pt").write_bytes(saved(net.state_dict()))
    (tmp_path / "whole.pt").write_bytes(saved(net))
    (tmp_path / "vocab.pkl").write_bytes(pickle.dumps(LEGACY))
    (tmp_path / "vocab.txt").write_text("\n".join(LEGACY), encoding="utf-8")
    for weights, vocab, message in [("model.pt", "vocab.pkl", "pickled vocab object"),
                                    ("whole.pt", "vocab.txt", "whole pickled model")]:
        code, _, err = run_cli(capsys, "trace", "hi", "--state-dict", str(tmp_path / weights),
                               "--vocab", str(tmp_path / vocab))
        assert code == 2 and err.startswith("rnnviz: ") and err.count("\n") == 1 and message in err, err
    code, _, err = run_cli(capsys, "trace", "hi", "--model", "story-lstm", "--tokenizer", "words")
    assert code == 2 and "--state-dict" in err
    code, _, err = run_cli(capsys, "trace", "hi", "--state-dict", str(tmp_path / "model.pt"), "--vocab",
                           str(tmp_path / "vocab.txt"), "--html", str(tmp_path / "no-such-folder" / "view.html"))
    assert code == 2 and err.startswith("rnnviz: Could not write") and err.count("\n") == 1, err
