"""Models that learn from the real-English corpus: character tokens, the corpus split, a head tied
to the embedding, float16 files, and next-token scores that agree with the engine's own numbers."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import rnnviz
from rnnviz import checkpoints, corpus, recipes
from rnnviz.errors import CheckpointError, RnnvizError
from rnnviz.model import ModelSpec
from rnnviz.tasks import get_task
from rnnviz.tasks.english import ALPHABET
from rnnviz.text import SPACE, characters
from rnnviz.train import make_data, next_token_scores, train

pytestmark = pytest.mark.unit


def test_characters_keep_case_fold_typography_and_show_spaces():
    assert characters("Don\u2019t  go!\n\u201cOK\u201d") == ["D", "o", "n", "'", "t", SPACE, "g", "o", "!", SPACE,
                                                             '"', "O", "K", '"']
    assert characters("  \u200b ") == []
    assert all(c in ALPHABET for c in characters("The quick brown fox, 42 times: (yes) [no] {x} ~ @#$%^&*!?"))


def test_a_spec_names_its_tokenizer_and_refuses_an_unknown_one():
    assert ModelSpec("lstm", 10, 4, 4).tokenizer == "words"
    with pytest.raises(CheckpointError, match="tokenizer"):
        ModelSpec.from_dict({"cell": "lstm", "vocab_size": 10, "emb_size": 4, "hidden_size": 4, "tokenizer": "bytes"})


@pytest.fixture(scope="module")
def chars():
    return make_data("english-chars")


def test_a_corpus_task_trains_on_the_corpus_parts(chars):
    assert len(chars.train) == sum(len(characters(line)) >= 2 for line in corpus.lines("train"))
    assert [len(chars.valid), len(chars.test)] == [len(corpus.lines(p)) for p in ("valid", "test")]
    assert chars.vocab.tokens[2:] == list(ALPHABET)


@pytest.fixture(scope="module")
def tiny(chars):
    return train("english-chars", "lstm", emb=8, hidden=8, steps=30, data=chars, tied=True)


def test_a_tied_head_shares_the_embedding_and_needs_matching_sizes(tiny):
    assert tiny.model.fc.weight is tiny.model.embedding.weight
    assert tiny.model.spec.tokenizer == "chars"
    with pytest.raises(RnnvizError, match="tied head"):
        train("english-chars", "lstm", emb=8, hidden=16, steps=1, tied=True)
    with pytest.raises(RnnvizError, match="tied head"):
        train("sentiment", "lstm", emb=8, hidden=8, steps=1, tied=True)
    assert "--tied" in recipes.command_line("english", "lstm", 0, {"tied": True}, None)


def test_next_token_scores_equal_the_engines_probabilities(tiny, chars):
    """Cross-entropy of the first items of the test part, from trace()'s float64 probabilities."""
    items = [ex for ex in chars.test if len(ex.tokens) <= 200][:20]        # trace() reads at most 200
    nats = []
    for ex in items:
        probs = rnnviz.trace(tiny.model, list(ex.tokens)).probs                   # [T, V]
        ids = tiny.model.vocab.ids(list(ex.tokens))
        nats += [-math.log(probs[t, ids[t + 1]]) for t in range(len(ids) - 1)]
    from rnnviz.train import encode
    scores = next_token_scores(tiny.model, encode(tiny.model.vocab, items))
    assert scores["count"] == len(nats)
    assert scores["cross_entropy"] == pytest.approx(np.mean(nats), rel=1e-5)
    assert scores["bits"] == pytest.approx(scores["cross_entropy"] / math.log(2))


def test_a_character_model_reads_typed_text_as_characters(tiny):
    t = rnnviz.trace(tiny.model, "Hi there \U0001F600")
    assert t.tokens == ["H", "i", SPACE, "t", "h", "e", "r", "e", SPACE, "\U0001F600"]
    assert tiny.model.vocab.known(t.tokens) == [True] * 9 + [False]


def test_a_half_precision_file_stores_a_tied_matrix_once_and_loads_exactly(tiny, tmp_path):
    model = tiny.model
    recipes.to_half_precision(model)
    checkpoints.save(model, tmp_path / "half", {"task": "english-chars"}, half=True)
    checkpoints.save(model, tmp_path / "full", {"task": "english-chars"})
    state = checkpoints.read_state_dict(tmp_path / "half.pt")
    assert {t.dtype for t in state.values()} == {torch.float16}
    assert state["fc.weight"].untyped_storage().data_ptr() == state["embedding.weight"].untyped_storage().data_ptr()
    again = checkpoints.load(tmp_path / "half")
    assert all(torch.equal(again.state_dict()[k], v) for k, v in model.state_dict().items())
    assert again.spec.tokenizer == "chars"
    assert (tmp_path / "half.pt").stat().st_size < (tmp_path / "full.pt").stat().st_size


def test_the_word_task_vocabulary_is_every_word_seen_twice():
    from collections import Counter

    from rnnviz.text import tokenize
    counts = Counter(t for line in corpus.lines("train") for t in tokenize(line))
    assert get_task("english").vocabulary() == sorted(w for w, n in counts.items() if n >= 2)


def test_a_sampled_softmax_over_every_word_is_the_full_cross_entropy():
    """With every word as a negative and one sampling chance for all, the corrections cancel and the
    sampled loss is exactly the full softmax's."""
    from torch import nn

    from rnnviz.train import sampled_softmax
    torch.manual_seed(0)
    fc, h, y = nn.Linear(6, 40), torch.randn(9, 6), torch.randint(40, (9,))
    loss, right = sampled_softmax(fc, h, y, torch.arange(40), torch.full((40,), -1.7))
    full = nn.functional.cross_entropy(fc(h), y)
    assert float(loss.detach()) == pytest.approx(float(full.detach()), rel=1e-6)
    assert right == int((fc(h).detach().argmax(1) == y).sum())


def test_dropout_and_sampling_are_training_options_of_a_next_word_model_only():
    with pytest.raises(RnnvizError, match="dropout"):
        train("sentiment", "lstm", steps=1, dropout=0.3)
    with pytest.raises(RnnvizError, match="sampled"):
        train("sentiment", "lstm", steps=1, sampled=10)
    with pytest.raises(RnnvizError, match="dropout"):
        train("english-chars", "lstm", steps=1, dropout=1.0)


def test_a_dropout_run_learns_and_its_model_reads_without_dropout(chars):
    result = train("english-chars", "lstm", emb=8, hidden=8, steps=20, data=chars, dropout=0.3, sampled=20)
    ids, lengths = chars.tensors("test")["ids"][:4], chars.tensors("test")["lengths"][:4]
    first, _ = result.model.states(ids, lengths)
    again, _ = result.model.states(ids, lengths)
    assert torch.equal(first, again), "reading is deterministic: no dropout outside training"
    assert math.isfinite(result.history[-1]["loss"])


def test_a_character_models_pictures_say_next_character(tiny):
    from rnnviz import i18n
    from rnnviz.figures.live import live_view
    from rnnviz.figures.predictions import prediction_figure
    t = rnnviz.trace(tiny.model, "Hi there")
    assert t.tokenizer == "chars"
    fig = prediction_figure(t, step=2)
    assert fig.layout.yaxis.title.text == i18n.t("fig.common.next_word.chars")
    assert i18n.t("fig.predictions.next_word_title.chars", token="").strip() in fig.layout.title.text
    assert live_view(t)["prediction"]["title"] == i18n.t("live.next_words.chars")
