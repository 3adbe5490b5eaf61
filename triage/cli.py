"""The `triage` command: run, train, evaluate, export, serve.

Errors meant for MTTQ staff are one Vietnamese line on standard error with a non-zero status;
output files are written whole or not at all.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from triage.intake import IntakeError, read_batch
from triage.jurisdiction import load_jurisdiction
from triage.settings import get_settings

EXIT_INPUT = 2
EXIT_MODEL = 3

TABLE_COLUMNS = (
    ("id", 10), ("locality", 14), ("category", 24), ("confidence", 6), ("department", 10),
    ("escalate", 8), ("cluster", 8), ("text", 60),
)


class CommandError(Exception):
    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _read_input(source: str | None) -> tuple[bytes, str | None]:
    if source in (None, "-"):
        return sys.stdin.buffer.read(), None
    path = Path(source)
    if not path.is_file():
        raise CommandError(f"Không tìm thấy tệp đầu vào: {source}", EXIT_INPUT)
    limit = get_settings().max_batch_bytes
    if path.stat().st_size > limit:
        raise CommandError(
            f"Tệp {source} quá lớn ({path.stat().st_size / 1e6:.1f} MB, tối đa "
            f"{limit / 1e6:.0f} MB): hãy chia thành nhiều đợt nhỏ hơn.",
            EXIT_INPUT,
        )
    return path.read_bytes(), path.name


def _write_output(text: str, out: str | None) -> None:
    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def render(records: Sequence[dict[str, Any]], fmt: str) -> str:
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    if fmt == "csv":
        buffer = io.StringIO()
        fields = list(records[0].keys()) if records else []
        writer = csv.DictWriter(buffer, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        for record in records:
            writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict)
                             else v for k, v in record.items()})
        return buffer.getvalue()
    lines = ["  ".join(name.ljust(width)[:width] for name, width in TABLE_COLUMNS)]
    for record in records:
        cells = []
        for name, width in TABLE_COLUMNS:
            value = record.get(name)
            text = "" if value is None else str(value)
            cells.append(text.replace("\n", " ").ljust(width)[:width])
        lines.append("  ".join(cells))
    return "\n".join(lines) + "\n"


def cmd_run(args: argparse.Namespace) -> int:
    from triage.pipeline import triage_batch
    from triage.registry import ModelNotFoundError, load_model

    jurisdiction = load_jurisdiction(args.jurisdiction)
    data, filename = _read_input(args.input)
    try:
        batch = read_batch(data, input_format=args.input_format, filename=filename,
                           jurisdiction=jurisdiction)
    except IntakeError as exc:
        raise CommandError(exc.message, EXIT_INPUT) from exc
    if args.intake_only:
        records = [
            {"id": o.id, "position": o.position, "text": o.text, "locality": o.locality,
             "locality_source": o.locality_source, "submitter": o.submitter,
             "masked_text": o.masked_text}
            for o in batch.opinions
        ]
    else:
        try:
            model = load_model(args.model)
        except ModelNotFoundError as exc:
            raise CommandError(f"Không tải được mô hình: {exc}", EXIT_MODEL) from exc
        records = [r.contract_dict() for r in triage_batch(batch, model, jurisdiction)]
    _write_output(render(records, args.format), args.out)
    if batch.skipped and args.verbose:
        for part in batch.skipped:
            print(f"bỏ qua dòng {part.line} ({part.reason}): {part.text[:80]}", file=sys.stderr)
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from triage.corpus import corpus_files, data_hash, load_corpus, validate
    from triage.evaluate import evaluate_model, format_report
    from triage.features import default_workers
    from triage.registry import new_version, promote, save_model
    from triage.train import train_model

    jurisdiction = load_jurisdiction(args.jurisdiction)
    train_dir, heldout_dir = Path(args.train), Path(args.heldout)
    items = load_corpus(train_dir)
    heldout = load_corpus(heldout_dir)
    problems = validate(items, jurisdiction) + validate(heldout, jurisdiction)
    if problems:
        raise CommandError("corpus labels are invalid:\n  " + "\n  ".join(problems[:20]))
    started = time.perf_counter()
    model = train_model(items, jurisdiction, workers=default_workers())
    seconds = time.perf_counter() - started
    model.version = args.version or new_version()
    metrics = evaluate_model(model, heldout, jurisdiction, workers=default_workers())
    card = {
        "jurisdiction": jurisdiction.code,
        "training_data": {
            "files": [str(p.relative_to(train_dir.parent.parent)) for p in corpus_files(train_dir)],
            "sha256": data_hash(corpus_files(train_dir)),
            "opinions": len(items),
        },
        "heldout_data": {
            "sha256": data_hash(corpus_files(heldout_dir)),
            "opinions": len(heldout),
        },
        "training_seconds": round(seconds, 1),
        "hyperparameters": vars(model.hyper),
        "metrics": {k: v for k, v in metrics.items() if k != "category_errors"},
    }
    saved = save_model(model, card)
    print(format_report(metrics))
    print(f"\nsaved {saved.path} ({saved.card['artefact_bytes'] / 1e6:.1f} MB) "
          f"in {seconds:.1f} s")
    if not args.no_promote:
        promote(saved.key)
        print(f"promoted {saved.key}")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from triage.corpus import load_corpus
    from triage.evaluate import evaluate_model, format_report
    from triage.features import default_workers
    from triage.registry import load_model

    jurisdiction = load_jurisdiction(args.jurisdiction)
    if args.across_writers:
        from triage.evaluate import evaluate_across_writers, format_across_writers

        results = evaluate_across_writers(Path(args.train), jurisdiction,
                                          workers=default_workers())
        print("Leave-one-writer-out on the training files (train on the others):")
        print(format_across_writers(results))
        return 0
    model = load_model(args.model)
    metrics = evaluate_model(model, load_corpus(Path(args.heldout)), jurisdiction,
                             workers=default_workers())
    if args.json:
        print(json.dumps(metrics, ensure_ascii=False, indent=2))
    else:
        print(f"Model {model.name}-{model.version}")
        print(format_report(metrics))
    return 0


def _read_records(source: str) -> list[dict[str, Any]]:
    data, _ = _read_input(source)
    records = []
    for number, line in enumerate(data.decode("utf-8-sig", errors="replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"Dòng {number} không phải JSON hợp lệ ({exc.msg}): tệp cần là JSON Lines do "
                "`triage run --format jsonl` ghi ra.", EXIT_INPUT) from exc
        if not isinstance(record, dict):
            raise CommandError(f"Dòng {number} không phải một bản ghi (đối tượng JSON).",
                               EXIT_INPUT)
        records.append(record)
    return records


def _date_option(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{option} {value!r}: ngày phải có dạng YYYY-MM-DD.",
                           EXIT_INPUT) from exc


def cmd_export(args: argparse.Namespace) -> int:
    from triage.reports import (
        RecordError,
        ReportData,
        report_opinions_from_records,
        write_export,
    )

    jurisdiction = load_jurisdiction(args.jurisdiction)
    records = _read_records(args.records)
    try:
        opinions = report_opinions_from_records(records, jurisdiction)
    except RecordError as exc:
        raise CommandError(str(exc), EXIT_INPUT) from exc
    if not opinions:
        raise CommandError(f"Tệp {args.records} không có bản ghi nào để xuất.", EXIT_INPUT)
    year = jurisdiction.raw.get("in_force_from")
    campaign = args.campaign or (
        f"Hội nghị đối thoại năm {getattr(year, 'year', year) or date.today().year}"
    )
    data = ReportData(
        campaign=campaign,
        jurisdiction=jurisdiction,
        generated=_date_option(args.today, "--today") or date.today(),
        opinions=opinions,
        public=args.public,
        scope=args.scope,
        dialogue_date=_date_option(args.dialogue_date, "--dialogue-date"),
        conclusion_date=_date_option(args.conclusion_date, "--conclusion-date"),
    )
    path = write_export(data, args.kind, args.out)
    if args.verbose:
        print(f"đã ghi {path} ({len(opinions)} ý kiến)", file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = get_settings()
    uvicorn.run("api.main:create_app", factory=True, host=args.host or settings.host,
                port=args.port or settings.port)
    return 0


def _accounts_session() -> Any:
    """A unit of work on the configured database (migrated first); storage is imported lazily
    so that the rest of the CLI works without it."""
    from storage.db import make_engine, migrate, session_factory, session_scope

    engine = make_engine(get_settings().sqlalchemy_url)
    migrate(engine)
    return session_scope(session_factory(engine))


def _read_password() -> str:
    import getpass

    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Mật khẩu: ")
    if getpass.getpass("Nhập lại mật khẩu: ") != first:
        raise CommandError("Hai lần nhập mật khẩu không khớp.")
    return first


def cmd_user_add(args: argparse.Namespace) -> int:
    from storage.accounts import AccountError, add_user

    password = None if args.password is None else (args.password or _read_password())
    try:
        with _accounts_session() as session:
            user = add_user(session, args.name, args.role, password=password,
                            display_name=args.display_name)
            print(f"Đã tạo người dùng {user.username} (vai trò {user.role})"
                  f"{', có mật khẩu' if password else ''}.", file=sys.stderr)
    except AccountError as exc:
        raise CommandError(exc.message) from exc
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    from storage.accounts import keys_of, list_users

    with _accounts_session() as session:
        for user in list_users(session):
            keys = [k for k in keys_of(session, user.id) if k.revoked_at is None]
            print(f"{user.username}\t{user.role}\t{len(keys)} khóa")
    return 0


def cmd_apikey_create(args: argparse.Namespace) -> int:
    from storage.accounts import AccountError, issue_key

    try:
        with _accounts_session() as session:
            key, raw = issue_key(session, args.user, args.name)
            print(f"Khóa API số {key.id} ({key.name}) của {args.user}, chỉ hiện một lần:",
                  file=sys.stderr)
            print(raw)
    except AccountError as exc:
        raise CommandError(exc.message) from exc
    return 0


def cmd_apikey_revoke(args: argparse.Namespace) -> int:
    from storage.accounts import AccountError, revoke_key

    try:
        with _accounts_session() as session:
            key = revoke_key(session, args.key_id)
            print(f"Đã thu hồi khóa API số {key.id} ({key.name}).", file=sys.stderr)
    except AccountError as exc:
        raise CommandError(exc.message) from exc
    return 0


def _add_account_commands(sub: Any) -> None:
    user = sub.add_parser("user", help="manage users of the API and web app")
    user_sub = user.add_subparsers(dest="user_command", required=True)
    add = user_sub.add_parser("add", help="add a user")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=("intake", "reviewer", "admin"))
    add.add_argument("--password", nargs="?", const="", default=None,
                     help="give the user a password (asked for, or read from stdin)")
    add.add_argument("--display-name", default="")
    add.set_defaults(func=cmd_user_add)
    listing = user_sub.add_parser("list", help="list users")
    listing.set_defaults(func=cmd_user_list)

    apikey = sub.add_parser("apikey", help="manage API keys")
    key_sub = apikey.add_subparsers(dest="apikey_command", required=True)
    create = key_sub.add_parser("create", help="issue a key for a user (printed once)")
    create.add_argument("user")
    create.add_argument("--name", required=True, help="what the key is for")
    create.set_defaults(func=cmd_apikey_create)
    revoke = key_sub.add_parser("revoke", help="revoke a key by its number")
    revoke.add_argument("key_id", type=int)
    revoke.set_defaults(func=cmd_apikey_revoke)


def build_parser() -> argparse.ArgumentParser:
    settings = get_settings()
    corpus = settings.data_dir / "corpus"
    parser = argparse.ArgumentParser(prog="triage", description=__doc__)
    parser.add_argument("--jurisdiction", default=None, help="data/<jurisdiction> to use")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="triage a batch and print one record per opinion")
    run.add_argument("input", nargs="?", default=None, help="a file, or - / nothing for stdin")
    run.add_argument("--format", choices=("jsonl", "csv", "table"), default="jsonl")
    run.add_argument("--out", default=None, help="write here instead of standard output")
    run.add_argument("--input-format", default=None,
                     choices=("jsonl", "csv", "tsv", "text", "xlsx", "docx"))
    run.add_argument("--model", default=None, help="model version (default: the promoted one)")
    run.add_argument("--intake-only", action="store_true", help="stop after splitting")
    run.add_argument("-v", "--verbose", action="store_true", help="report left-out text")
    run.set_defaults(func=cmd_run)

    train = sub.add_parser("train", help="train a model version from the corpus")
    train.add_argument("--train", default=str(corpus / "train"))
    train.add_argument("--heldout", default=str(corpus / "heldout"))
    train.add_argument("--version", default=None)
    train.add_argument("--no-promote", action="store_true")
    train.set_defaults(func=cmd_train)

    evaluate = sub.add_parser("evaluate", help="evaluate a model on the held-out set")
    evaluate.add_argument("--heldout", default=str(corpus / "heldout"))
    evaluate.add_argument("--model", default=None)
    evaluate.add_argument("--json", action="store_true")
    evaluate.add_argument("--train", default=str(corpus / "train"))
    evaluate.add_argument("--across-writers", action="store_true",
                          help="train on all training files but one, test on that one")
    evaluate.set_defaults(func=cmd_evaluate)

    export = sub.add_parser(
        "export", help="write a report (.xlsx / .docx) from triage records (JSON Lines)")
    export.add_argument("records", help="JSON Lines as `triage run --format jsonl` writes, or -")
    export.add_argument("--kind", choices=("xlsx", "report", "escalations"), required=True,
                        help="xlsx: follow-up workbook; report: consolidated report (.docx); "
                             "escalations: list sent up to the city (.docx)")
    export.add_argument("--out", required=True, help="file to write")
    export.add_argument("--public", action="store_true",
                        help="public version: personal data masked, no submitters")
    export.add_argument("--today", default=None,
                        help="report date and reference for statuses (YYYY-MM-DD)")
    export.add_argument("--campaign", default=None, help="campaign name printed in the title")
    export.add_argument("--scope", default=None, help="describe a filtered view")
    export.add_argument("--dialogue-date", default=None, help="day of the dialogue (YYYY-MM-DD)")
    export.add_argument("--conclusion-date", default=None,
                        help="day of the conclusion notice (YYYY-MM-DD)")
    export.add_argument("-v", "--verbose", action="store_true")
    export.set_defaults(func=cmd_export)

    serve = sub.add_parser("serve", help="serve the web app and API")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.set_defaults(func=cmd_serve)

    _add_account_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except CommandError as exc:
        print(f"triage: {exc.message}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
