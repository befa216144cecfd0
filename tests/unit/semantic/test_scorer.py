"""The offline scorer with the real model: meaning orders the answers; guards keep junk at the bottom."""

from __future__ import annotations

import numpy as np
import pytest

from onlyjobless.semantic.embedder import E5Embedder, EmbedderUnavailable
from onlyjobless.semantic.lexicon import lexicon
from onlyjobless.semantic.scorer import Evidence, Question, SemanticScorer, grade, ramp

CACHE = Question(
    text="What is a cache-aside pattern, and what problems does it bring?",
    key_points=[
        "The application reads the cache first; on a miss it loads from the database and fills the cache",
        "Writes go to the database and the cached entry is invalidated or updated",
        "Entries need a time-to-live so stale data eventually expires",
        "A stampede: many requests miss the same key at once; a per-key lock or early refresh helps",
    ],
    model_answer=(
        "With cache-aside the application owns the cache logic: on a read it looks in the cache, and on a "
        "miss it queries the database and stores the result in the cache. On a write it updates the "
        "database and deletes (or updates) the cached key. Entries get a TTL so that data changed by "
        "someone else does not stay stale forever. Risks: stale reads between a write and the "
        "invalidation, and a stampede when a hot key expires and many requests hit the database at "
        "once, which is handled with a per-key lock, request coalescing or refreshing early."
    ),
    language="en",
)
CACHE_ANSWERS = {
    "strong": (
        "The app checks the cache first; if the key is missing it reads the row from the database and "
        "puts it into the cache for next time. When data changes we write to the database and delete the "
        "cached key. Every entry has a TTL so stale values expire eventually. The classic problem is a "
        "stampede: a popular key expires and hundreds of requests go to the database together, so we use a "
        "lock per key or refresh the value a bit before it expires."
    ),
    "partial": "You look in the cache first; if nothing is there, read the database and cache it.",
    "gibberish": "My cat likes to sleep on the windowsill when the sun is shining in the morning.",
}
INDEX_RU = Question(
    text="Зачем нужен индекс в базе данных и чем за него приходится платить?",
    key_points=[
        "Индекс — отдельная структура, обычно B-дерево, которая ускоряет поиск строк по значению столбца",
        "Индекс ускоряет поиск, диапазонные запросы, соединения и сортировку",
        "Каждая вставка, изменение и удаление обновляют индекс, поэтому запись замедляется",
        "Индекс занимает место на диске и в памяти",
    ],
    model_answer=(
        "Индекс — дополнительная структура данных, чаще всего B-дерево, упорядоченная по столбцу и "
        "указывающая на строки таблицы. Благодаря ему поиск по значению, диапазону, соединения и ORDER BY "
        "не читают всю таблицу. Цена — запись: каждая вставка, изменение и удаление должны обновить все "
        "индексы таблицы, а сами индексы занимают место на диске и в памяти."
    ),
    language="ru",
)
INDEX_ANSWERS = {
    "strong": (
        "Индекс — это отдельная структура, обычно B-дерево, отсортированная по столбцу, чтобы не читать всю "
        "таблицу. Он ускоряет поиск по значению и диапазону, соединения и сортировку. Но за это платим "
        "записью: каждую вставку, изменение и удаление приходится отражать в индексе, и запись "
        "медленнее. Ещё индекс занимает место на диске и в памяти."
    ),
    "partial": "Индекс нужен, чтобы поиск в таблице работал быстрее.",
    "gibberish": "Вчера мы гуляли в парке и кормили уток хлебом.",
}


@pytest.fixture(scope="module")
def scorer(real_embedder: E5Embedder) -> SemanticScorer:
    return SemanticScorer(embedder=real_embedder)


@pytest.mark.parametrize(("question", "answers"), [(CACHE, CACHE_ANSWERS), (INDEX_RU, INDEX_ANSWERS)])
def test_strong_beats_partial_beats_unrelated(
    scorer: SemanticScorer, question: Question, answers: dict[str, str]
) -> None:
    strong, partial, unrelated = (
        scorer.score(question, answers[k]) for k in ("strong", "partial", "gibberish")
    )
    assert strong.score > partial.score > unrelated.score
    assert strong.score >= 7
    assert unrelated.score <= 2
    assert unrelated.score >= 0.0
    assert strong.score <= 10.0


def test_a_strong_answer_covers_most_key_points_and_needs_no_note(scorer: SemanticScorer) -> None:
    result = scorer.score(CACHE, CACHE_ANSWERS["strong"])
    assert result.verdict == "answer"
    assert len(result.covered) >= 3
    assert set(result.covered) | set(result.missed) == set(CACHE.key_points)
    assert not set(result.covered) & set(result.missed)
    assert result.note == ""


def test_a_partial_answer_lists_what_is_missing(scorer: SemanticScorer) -> None:
    result = scorer.score(CACHE, CACHE_ANSWERS["partial"])
    assert CACHE.key_points[3] in result.missed
    assert len(result.missed) >= 2


def test_an_unrelated_answer_covers_nothing_and_says_so_in_its_language(scorer: SemanticScorer) -> None:
    result = scorer.score(INDEX_RU, INDEX_ANSWERS["gibberish"])
    assert result.covered == []
    assert result.note == lexicon("ru").notes["off_topic"]


@pytest.mark.parametrize(
    ("question", "echo"),
    [
        (CACHE, "What is a cache-aside pattern and what problems does it bring? That is the question."),
        (INDEX_RU, "Зачем нужен индекс в базе данных и чем за него платить? Вот такой вопрос."),
    ],
)
def test_repeating_the_question_scores_at_most_two(
    scorer: SemanticScorer, question: Question, echo: str
) -> None:
    result = scorer.score(question, echo)
    assert result.verdict == "echo"
    assert result.score <= 2
    assert result.covered == []
    assert result.note == lexicon(question.language).notes["echo"]


@pytest.mark.parametrize(
    ("question", "salad"),
    [
        (CACHE, "cache miss database TTL stampede invalidation lock key expire refresh stale entries"),
        (INDEX_RU, "индекс B-дерево поиск диапазон сортировка вставка удаление диск память запись"),
    ],
)
def test_a_bag_of_keywords_scores_at_most_two(scorer: SemanticScorer, question: Question, salad: str) -> None:
    result = scorer.score(question, salad)
    assert result.verdict == "salad"
    assert result.score <= 2
    assert result.covered == []


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (CACHE, "I don't know."),
        (CACHE, "next"),
        (CACHE, "pass"),
        (CACHE, "No idea, sorry, let's skip this one."),
        (INDEX_RU, "не знаю"),
        (INDEX_RU, "Пас, следующий вопрос."),
    ],
)
def test_evasive_answers_score_at_most_two(scorer: SemanticScorer, question: Question, answer: str) -> None:
    result = scorer.score(question, answer)
    assert result.verdict == "evasive"
    assert result.score <= 2
    assert result.note == lexicon(question.language).notes["evasive"]


@pytest.mark.parametrize("answer", ["", "   ", "...", "\n—\n"])
def test_an_empty_answer_scores_zero(scorer: SemanticScorer, answer: str) -> None:
    result = scorer.score(CACHE, answer)
    assert (result.score, result.verdict, result.covered) == (0.0, "empty", [])
    assert result.missed == list(CACHE.key_points)


def test_terse_notes_with_real_content_are_not_taken_for_keywords(scorer: SemanticScorer) -> None:
    notes = "Read: cache first, on a miss load from the database. Write: update the database, delete the key."
    assert scorer.score(CACHE, notes).verdict == "answer"


@pytest.mark.parametrize(("question", "answers"), [(CACHE, CACHE_ANSWERS), (INDEX_RU, INDEX_ANSWERS)])
def test_padding_a_partial_answer_with_filler_does_not_raise_it(
    scorer: SemanticScorer, question: Question, answers: dict[str, str]
) -> None:
    filler = {
        "en": "This is a great question and I have thought about it a lot in my career. "
        "I always try to learn new things and to work well with my team. ",
        "ru": "Это отличный вопрос, я много думал о нём за свою карьеру. "
        "Я всегда стараюсь учиться новому и хорошо работать в команде. ",
    }[question.language]
    partial = scorer.score(question, answers["partial"]).score
    padded = scorer.score(question, filler + answers["partial"] + " " + filler).score
    assert padded <= partial


def test_an_echo_before_a_real_answer_does_not_hide_it(scorer: SemanticScorer) -> None:
    answered = scorer.score(CACHE, "So, what is cache-aside? " + CACHE_ANSWERS["strong"])
    assert answered.verdict == "answer"
    assert answered.score >= scorer.score(CACHE, CACHE_ANSWERS["strong"]).score - 1


def test_the_same_answer_gets_the_same_score(scorer: SemanticScorer) -> None:
    assert scorer.score(CACHE, CACHE_ANSWERS["strong"]) == scorer.score(CACHE, CACHE_ANSWERS["strong"])


def test_scoring_raises_embedder_unavailable_when_the_model_cannot_load() -> None:
    def broken(_path: str | None) -> None:
        raise OSError("model missing")

    scorer = SemanticScorer(embedder=E5Embedder(loader=broken))  # type: ignore[arg-type]
    with pytest.raises(EmbedderUnavailable):
        scorer.score(CACHE, CACHE_ANSWERS["strong"])


class WordHashEmbedder:
    """A stand-in through the Embedder protocol: bag-of-words vectors, no model at all."""

    dim = 64

    def embed(self, texts: list[str], *, kind: str = "query") -> np.ndarray:
        rows = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                rows[row, sum(map(ord, word)) % self.dim] += 1.0
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return rows / np.where(norms == 0, 1.0, norms)


def test_another_embedder_can_stand_in_through_the_protocol() -> None:
    scorer = SemanticScorer(embedder=WordHashEmbedder())
    result = scorer.score(CACHE, CACHE_ANSWERS["strong"])
    assert 0.0 <= result.score <= 10.0
    assert scorer.score(CACHE, "").verdict == "empty"


def test_a_question_without_key_points_is_scored_by_closeness_alone(scorer: SemanticScorer) -> None:
    bare = Question(CACHE.text, [], CACHE.model_answer, "en")
    strong = scorer.score(bare, CACHE_ANSWERS["strong"])
    assert strong.covered == [] and strong.missed == []
    assert strong.score > scorer.score(bare, CACHE_ANSWERS["gibberish"]).score


def test_grade_caps_guarded_answers_and_ramps_clip() -> None:
    calibration = SemanticScorer(embedder=WordHashEmbedder()).calibration
    high = Evidence("answer", (1.0, 1.0), 1.0)
    assert grade(high, calibration)[0] == 10.0
    assert grade(Evidence("salad", (1.0, 1.0), 1.0), calibration)[0] == calibration.guard_cap
    assert grade(Evidence("empty", (1.0,), 1.0), calibration) == (0.0, [0.0])
    assert (ramp(-1.0, 0.0, 1.0), ramp(0.5, 0.0, 1.0), ramp(2.0, 0.0, 1.0)) == (0.0, 0.5, 1.0)


@pytest.mark.parametrize(
    ("question", "salad"),
    [
        (CACHE, "cache and database and TTL and stampede and invalidation and lock and refresh and expiry"),
        (CACHE, "- cache miss\n- database read\n- TTL\n- stampede lock\n- key invalidation\n- early refresh"),
        (CACHE, "the cache, the miss, a database, the TTL, the stampede and the lock, an early refresh"),
        (
            CACHE,
            "- cache miss database read fill\n- write database invalidate key\n- stale entries expiry TTL",
        ),
        (INDEX_RU, "индекс и B-дерево и поиск и диапазоны и сортировка и вставка и диск и память"),
        (
            INDEX_RU,
            "- B-дерево поиск\n- диапазоны сортировка\n- вставка удаление\n- диск память\n- запись",
        ),
        (INDEX_RU, "в B-дереве, для поиска, для сортировки, при вставке, на диске, в памяти, при записи"),
    ],
)
def test_a_keyword_list_in_disguise_is_still_a_keyword_list(
    scorer: SemanticScorer, question: Question, salad: str
) -> None:
    result = scorer.score(question, salad)
    assert result.verdict == "salad"
    assert result.score <= 2


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (INDEX_RU, "Индекс ускоряет поиск, но замедляет каждую вставку."),
        (INDEX_RU, "Это B-дерево: поиск по значению идёт быстро, запись медленнее."),
        (
            INDEX_RU,
            "Индекс — это B-tree, it speeds up lookups, но вставка его обновляет, so writes slow down.",
        ),
        (CACHE, "Сначала читаем cache, on a miss идём в базу и кладём результат в кэш."),
        (INDEX_RU, "Структура — B-дерево, поиск — быстрее, запись — медленнее, место — диск и память."),
    ],
)
def test_short_sentences_without_function_words_or_in_two_languages_are_answers(
    scorer: SemanticScorer, question: Question, answer: str
) -> None:
    assert scorer.score(question, answer).verdict == "answer"


def test_upper_case_sql_keywords_do_not_pass_for_function_words(scorer: SemanticScorer) -> None:
    salad = "индекс B-дерево WHERE ON IS NULL ORDER BY поиск вставка диск память"
    assert scorer.score(INDEX_RU, salad).verdict == "salad"


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (CACHE, "It depends, there are a lot of factors."),
        (CACHE, "I'd google it if I ever needed it."),
        (CACHE, "Good question, I'd have to check the docs on that."),
        (CACHE, "To be honest, I've never needed that in my work, so I can't really say."),
        (INDEX_RU, "Тут всё зависит от ситуации."),
        (INDEX_RU, "Честно говоря, мне это в работе ни разу не понадобилось, так что не скажу."),
    ],
)
def test_evasive_answers_in_disguise_are_evasive(
    scorer: SemanticScorer, question: Question, answer: str
) -> None:
    result = scorer.score(question, answer)
    assert result.verdict == "evasive"
    assert result.score <= 2


@pytest.mark.parametrize(
    ("question", "hedge", "point"),
    [
        (
            CACHE,
            "I don't remember the details, but",
            "on a miss the app reads the database and fills the cache.",
        ),
        (INDEX_RU, "Точно не помню, но", "индекс — это B-дерево, он ускоряет поиск, а запись замедляет."),
    ],
)
def test_an_honest_hedge_before_the_point_costs_little(
    scorer: SemanticScorer, question: Question, hedge: str, point: str
) -> None:
    plain = scorer.score(question, point[0].upper() + point[1:])
    hedged = scorer.score(question, f"{hedge} {point}")
    assert hedged.verdict == "answer"
    assert hedged.score >= plain.score - 1.0
