"""The command line: qa index | ask | brief | lookup | add | eval | bench; library errors become one plain sentence and an exit code."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from qa.config import Settings
from qa.errors import BadInputError, QAError
from qa.types import Answer

# The reader's training pairs by default (the shipped reader was trained on this many).
READER_PAIRS = 32_000
# The last commit whose lookup verdicts were hand-written rules (qa eval runs it beside the judge).
RULE_LOOKUP = "b7c538d"

if TYPE_CHECKING:
    from qa.index import BuildProgress, Index


def _settings(args: argparse.Namespace) -> Settings:
    """Settings with the folders given on the command line."""
    settings = Settings()
    if getattr(args, "corpus", None):
        settings = replace(settings, corpus_dir=Path(args.corpus))
    if getattr(args, "index", None):
        settings = replace(settings, index_dir=Path(args.index))
    return settings


def _engine(args: argparse.Namespace):  # noqa: ANN202 - imported lazily to keep `qa --help` fast
    """An engine on the chosen corpus and index."""
    from qa.pipeline import Engine

    return Engine(_settings(args))


class _Progress:
    """Build progress on stderr: one line redrawn on a terminal, else a line every `every` seconds (and the first and last)."""

    def __init__(self, every: float = 10.0) -> None:
        self.every = every
        self.last = -every

    def __call__(self, progress: BuildProgress) -> None:
        """Show where the build stands."""
        if sys.stderr.isatty():
            print(f"\r{progress.line()}\033[K", end="" if progress.share < 1 else "\n", file=sys.stderr, flush=True)
        elif progress.share >= 1 or time.monotonic() - self.last >= self.every:
            self.last = time.monotonic()
            print(progress.line(), file=sys.stderr, flush=True)


def format_answer(answer: Answer, index: Index | None = None) -> str:
    """An answer for a terminal: the text, then its sources, each with the other articles that carry the same text."""
    lines = [answer.answer]
    if answer.removed:
        lines.append(f"({answer.removed} generated sentence{'s' if answer.removed != 1 else ''} removed: the passages do not state them.)")
    duplicates = index.duplicates if index is not None else {}
    if answer.citations:
        lines.append("")
        lines.append("Closest passages:" if answer.abstained else "Sources:")
        for c in answer.citations:
            lines.append(f"[{c.n}] {c.title or c.doc_id} ({c.doc_id}, characters {c.start}-{c.end}): “{c.quote}”")
            if duplicates.get(c.doc_id) and index is not None:
                lines.append("    also in: " + "; ".join(f"{index.docs[d].title or d} ({d})" for d in duplicates[c.doc_id]))
    return "\n".join(lines)


def _answer_object(answer: Answer, index: Index) -> dict:
    """The answer's JSON object, each citation naming the copies of its article ("also_in")."""
    from qa.copies import mark_copies

    return mark_copies(answer.to_dict(), index.duplicates)


def cmd_index(args: argparse.Namespace) -> int:
    """Build or update the index and say what changed."""
    engine = _engine(args)
    report = engine.build(rebuild=args.rebuild, report=_Progress())
    for skipped in report.skipped:
        print(f"skipped: {skipped.reason}", file=sys.stderr)
    for label in ("added", "changed", "removed"):
        for doc_id in getattr(report, label):
            print(f"{label}: {doc_id}")
    if not report.touched:
        print(f"index is up to date: {len(report.unchanged)} articles, nothing embedded")
    else:
        print(f"indexed {len(report.added) + len(report.changed) + len(report.unchanged)} articles: {report.chunks} chunks, "
              f"{report.sentences} sentences, {report.embedded_texts} texts embedded in {report.seconds:.1f}s")
    return 0


def _ask_one(engine, question: str, generator=None) -> dict:  # noqa: ANN001 - Engine imported lazily
    """One answer object, or an error object for a question that cannot be answered."""
    from qa.language import check_language

    try:
        index = engine.index()
        return _answer_object(engine.ask(check_language(question), generator=generator), index)
    except BadInputError as exc:
        return {"question": question, "error": str(exc)}


def _generator(args: argparse.Namespace):  # noqa: ANN202 - qa.llm is imported lazily
    """The language model for --mode generative, or None for extractive answers."""
    if args.mode != "generative":
        return None
    from qa.llm import generator_from

    return generator_from(args.llm_url, args.llm_model)


def _draft(piece: str) -> None:
    """Show the model's draft as it streams, on a terminal only."""
    if sys.stderr.isatty():
        print(piece, end="", file=sys.stderr, flush=True)


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer one question, or one per line of standard input with --jsonl."""
    engine = _engine(args)
    generator = _generator(args)
    if args.jsonl:
        engine.index(auto_build=True)
        for line in sys.stdin:
            text = line.rstrip("\n")
            if text.lstrip().startswith("{"):
                try:
                    text = str(json.loads(text).get("question", ""))
                except (json.JSONDecodeError, AttributeError):
                    pass
            print(json.dumps(_ask_one(engine, text, generator), ensure_ascii=False), flush=True)
        return 0
    if args.question is None:
        raise BadInputError("Give a question, for example: qa ask \"How much state funding does Noetra get?\"")
    from qa.language import check_language
    from qa.pipeline import check_question

    question = check_language(check_question(args.question, engine.settings.max_question_chars))
    if not (engine.settings.index_dir / "manifest.json").exists():
        print(f"Building the index of {engine.settings.corpus_dir} first...", file=sys.stderr)
    index = engine.index(auto_build=True)
    answer = engine.ask(question, doc_ids=args.doc, generator=generator, on_token=None if args.json else _draft)
    if generator is not None and not args.json and sys.stderr.isatty():
        print("\n--- checked against the sources:", file=sys.stderr)
    if answer.note:
        print(f"note: {answer.note}; this is the extractive answer.", file=sys.stderr)
    print(json.dumps(_answer_object(answer, index), ensure_ascii=False) if args.json else format_answer(answer, index))
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    """Copy articles into the corpus and index them."""
    from qa.corpus import add_article
    from qa.errors import ArticleError

    engine = _engine(args)
    added, failed = 0, 0
    for name in args.files:
        try:
            doc = add_article(Path(name), engine.settings.corpus_dir, engine.settings.max_article_bytes)
            print(f"added {name} as {doc.doc_id}: {doc.title}")
            added += 1
        except ArticleError as exc:
            print(f"not added: {exc}", file=sys.stderr)
            failed += 1
    if added:
        engine.build(report=_Progress())
    return 2 if failed and not added else 0


def cmd_eval(args: argparse.Namespace) -> int:
    """Score the system on a question file."""
    from qa.evaluate import evaluate

    report = evaluate(_engine(args), Path(args.file), _generator(args), "" if args.no_baseline else args.baseline)
    metrics = report.metrics()
    if args.json:
        print(json.dumps(metrics | ({"rows": [r.to_dict() for r in report.rows]} if args.verbose else {}), ensure_ascii=False))
        return 0
    width = max(map(len, metrics))
    for key, value in metrics.items():
        print(f"{key:<{width}}  {value if value is not None else '-'}")
    if args.verbose:
        for row in report.rows:
            mark = "ok " if row.correct else "MISS"
            print(f"{mark} {row.row.get('id', '')} [{row.row['kind']}] {row.row['question']}\n     {row.answer.answer[:300]}")
    return 0


def cmd_brief(args: argparse.Namespace) -> int:
    """Write a briefing on a topic, or on the whole corpus, every point cited."""
    from qa.brief import make_brief, to_markdown

    engine = _engine(args)
    engine.index(auto_build=True)
    brief = make_brief(engine, args.topic, doc_ids=args.doc)
    print(json.dumps(brief.to_dict(), ensure_ascii=False) if args.json else to_markdown(brief), end="\n" if args.json else "")
    return 0


def format_lookup(result) -> str:  # noqa: ANN001 - LookupResult imported lazily
    """A lookup for a terminal: each match with its verdict, place, quote and note."""
    lines = [f"“{result.query}”: {result.verdict}"]
    for n, m in enumerate(result.matches, start=1):
        lines.append(f"[{n}] {m.verdict} ({m.score:.2f}) {m.title or m.doc_id} ({m.doc_id}, characters {m.start}-{m.end}): “{m.quote}”")
        if m.note:
            lines.append(f"    {m.note}")
    return "\n".join(lines)


def _lookup_one(engine, text: str, doc_ids: list[str] | None = None) -> dict:  # noqa: ANN001 - Engine imported lazily
    """One lookup object, or an error object for input that cannot be looked up."""
    from qa.lookup import lookup

    try:
        return lookup(engine, text, doc_ids=doc_ids).to_dict()
    except BadInputError as exc:
        return {"query": text, "error": str(exc)}


def cmd_lookup(args: argparse.Namespace) -> int:
    """Find where the sources state a quote or claim, or one per line of standard input with --jsonl."""
    from qa.lookup import check_query, lookup

    if not args.jsonl:
        if args.text is None:
            raise BadInputError("Give a quote or claim, for example: qa lookup \"Tokyo can pull back if Noetra misses its milestones\"")
        query = check_query(args.text, _settings(args).max_question_chars)
    engine = _engine(args)
    engine.index(auto_build=True)
    if args.jsonl:
        for line in sys.stdin:
            text = line.rstrip("\n")
            if text.lstrip().startswith("{"):
                try:
                    row = json.loads(text)
                    text = str(row.get("query", row.get("question", "")))
                except (json.JSONDecodeError, AttributeError):
                    pass
            print(json.dumps(_lookup_one(engine, text, args.doc), ensure_ascii=False), flush=True)
        return 0
    result = lookup(engine, query, doc_ids=args.doc)
    print(json.dumps(result.to_dict(), ensure_ascii=False) if args.json else format_lookup(result))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    """Run a benchmark: answer quality on external data, or speed and scale on this machine; write its report."""
    from qa.config import REPO_ROOT

    out = Path(args.out) if args.out else None if args.limit else REPO_ROOT / "docs" / f"{args.suite}.md"
    ext = Path(args.ext) if args.ext else REPO_ROOT.parent / "shared" / "ext"
    work = Path(args.work) if args.work else REPO_ROOT / "build" / "bench"
    if args.suite in ("judge", "reader"):
        from qa.bench import judge, reader

        bench = judge if args.suite == "judge" else reader
        root = Path(args.data) if args.data else judge.DEFAULT_ROOT
        if not root.is_dir():
            raise BadInputError(f"There are no held-out sets in {root}; give the eval-only folder with --data.")
        bench.main(root, out, args.limit or bench.PER_SET)
    elif args.suite == "quality":
        from qa.bench.quality import RUNNERS
        from qa.bench.quality import main as quality

        splits = ("test", "dev") if args.split == "both" else (args.split,)
        baseline = "" if args.no_baseline or args.mode == "generative" else args.baseline
        quality(ext, work, out, splits, args.limit, args.only or tuple(RUNNERS), _generator(args), baseline)
    else:
        from qa.bench.speed import main as speed

        speed(_settings(args).corpus_dir, ext, work, out, args.repeat, args.chunks, args.sizes, args.ann_sizes, args.limit)
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    """Train the reader or the claim judge from the labelled sets and write it with its model card (a GPU is used when there is one)."""
    from qa.config import REPO_ROOT

    shared = Path(args.data) if args.data else REPO_ROOT.parent / "shared"
    if not (shared / "train").is_dir():
        raise BadInputError(f"There is no training data in {shared}/train; give the folder that holds train/ and ext/ with --data.")
    if args.model == "judge":
        from qa.train_judge import train_judge as train
    else:
        from qa.train import train_reader as train
    out = Path(args.out) if args.out else None
    limit = args.limit if args.limit is not None else READER_PAIRS if args.model == "reader" else None
    card = train(shared, **({"out": out} if out else {}), seed=args.seed, epochs=args.epochs, limit=limit,
                 log=lambda line: print(line, file=sys.stderr, flush=True))
    print(f"wrote {card['file']} ({card['bytes']:,} bytes), sha256 {card['sha256']}: pin it as {args.model.upper()}_SHA256 in qa/{args.model}.py")
    return 0


def _model_options(p: argparse.ArgumentParser) -> None:
    """The options that choose extractive or generative answers."""
    p.add_argument("--mode", choices=("extractive", "generative"), default="extractive",
                   help="generative: a language model writes the answer, every sentence checked against its citation")
    p.add_argument("--llm-url", help="an OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1 (default: the local model)")
    p.add_argument("--llm-model", help="the model name at the endpoint, or the local model (qwen2.5-coder-0.5b, qwen2.5-coder-1.5b)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the qa command."""
    parser = argparse.ArgumentParser(prog="qa", description="Source-grounded answers from a corpus of news articles.")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, handler: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--corpus", help="folder of articles (default: corpus/)")
        p.add_argument("--index", help="index folder (default: index/)")
        p.set_defaults(handler=handler)
        return p

    p = command("index", cmd_index, "build or update the index; prints what was added, changed and removed")
    p.add_argument("--rebuild", action="store_true", help="re-embed everything, e.g. after changing the model or chunk settings")
    p = command("ask", cmd_ask, "answer a question with citations")
    p.add_argument("question", nargs="?", help="the question")
    p.add_argument("--json", action="store_true", help="one JSON object on one line")
    p.add_argument("--jsonl", action="store_true", help="one question per line of standard input, one JSON answer per line")
    p.add_argument("--doc", action="append", help="search only this article id (repeatable)")
    _model_options(p)
    p = command("brief", cmd_brief, "a briefing on a topic (or the whole corpus), every point cited")
    p.add_argument("topic", nargs="?", help="the topic (default: the whole corpus)")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="one JSON object on one line")
    fmt.add_argument("--markdown", action="store_true", help="a Markdown document (the default rendering)")
    p.add_argument("--doc", action="append", help="draw only on this article id (repeatable)")
    p = command("lookup", cmd_lookup, "where the sources state a quote or claim, and how closely")
    p.add_argument("text", nargs="?", help="the quote or claim")
    p.add_argument("--json", action="store_true", help="one JSON object on one line")
    p.add_argument("--jsonl", action="store_true", help="one quote or claim per line of standard input, one JSON result per line")
    p.add_argument("--doc", action="append", help="search only this article id (repeatable)")
    p = command("add", cmd_add, "copy articles (.txt .md .html .pdf) into the corpus and index them")
    p.add_argument("files", nargs="+", help="article files")
    p = command("eval", cmd_eval, "score the system on a question file (shared/eval/README.md format)")
    p.add_argument("file", help="a .jsonl question file")
    p.add_argument("--json", action="store_true", help="one JSON object on one line")
    p.add_argument("--verbose", action="store_true", help="also list every question and answer")
    p.add_argument("--baseline", default=RULE_LOOKUP, help=f"the commit whose rule-based lookup answers the quote and claim rows beside "
                   f"the judge's (default: {RULE_LOOKUP})")
    p.add_argument("--no-baseline", action="store_true", help="score the shipped lookup alone")
    _model_options(p)
    p = command("bench", cmd_bench, "measure answer quality on external benchmarks, or speed and scale on this machine")
    p.add_argument("suite", choices=("quality", "speed", "judge", "reader"),
                   help="quality: docs/quality.md; speed: docs/speed.md; judge: the claim judge on held-out claim sets, docs/judge.md; "
                   "reader: the reader on held-out news questions, docs/reader.md")
    p.add_argument("--data", help="judge, reader: the held-out sets (default: ../shared/train/eval-only)")
    p.add_argument("--ext", help="the external data (default: ../shared/ext)")
    p.add_argument("--work", help="where benchmark corpora and indexes are cached (default: build/bench)")
    p.add_argument("--out", help="the report to write (default: docs/<suite>.md; none with --limit)")
    p.add_argument("--limit", type=int, help="a quick run: at most this many questions per split (quality), per corpus (speed), pairs per set (judge) or "
                   "quiz questions (reader)")
    p.add_argument("--split", choices=("test", "dev", "both"), default="both", help="quality: which split to run (default: both)")
    p.add_argument("--only", action="append", choices=("squad", "rgb", "multihop"), help="quality: run only this dataset (repeatable)")
    p.add_argument("--baseline", default="5f86d6f", help="quality: the commit of the earlier engine run beside the reader (default: the rule engine)")
    p.add_argument("--no-baseline", action="store_true", help="quality: run the reader alone")
    p.add_argument("--repeat", type=int, default=3, help="speed: runs per measurement, the median reported (default: 3)")
    p.add_argument("--chunks", type=int, default=100_000, help="speed: chunks in the replicated large index (default: 100000)")
    p.add_argument("--sizes", type=int, nargs="+", default=[1_000, 3_000, 10_000, 30_000, 50_000, 100_000, 300_000], help="speed: FAISS sweep sizes")
    p.add_argument("--ann-sizes", type=int, nargs="*", default=[100_000], help="speed: sizes at which approximate indexes are tried")
    _model_options(p)
    p = sub.add_parser("train", help="train the reader or the claim judge from the labelled data (../shared/train and the ext dev halves)")
    p.add_argument("model", choices=("reader", "judge"), help="the model to train")
    p.add_argument("--data", help="the folder holding train/ and ext/ (default: ../shared)")
    p.add_argument("--out", help="where to write the model (default: models/<model>.safetensors, its card beside it)")
    p.add_argument("--seed", type=int, default=13, help="the random seed (default: 13)")
    p.add_argument("--epochs", type=float, default=1.0, help="passes over the training pairs (default: 1)")
    p.add_argument("--limit", type=int, help=f"training pairs drawn from all sources (default: {READER_PAIRS:,} for the reader, about 50 min "
                   "on 2 cores; every pair for the judge, its two parts about 80 min)")
    p.set_defaults(handler=cmd_train)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the qa command; exit codes: 0 ok, 1 error, 2 bad input, 3 index needs building, 4 model missing, 141 output closed early."""
    args = build_parser().parse_args(argv)
    try:
        code = args.handler(args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # The reader closed the output (`| head`): stop quietly, and keep the exit-time flush from failing again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except QAError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted; the previous index is unchanged.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
