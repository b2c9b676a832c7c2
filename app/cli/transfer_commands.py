"""The ``import`` and ``export`` commands: CSV files in and out, with the engine the dialog uses.

``import FILE`` reads the file (format detected, or as ``--encoding``/``--delimiter`` say), maps
its columns (``--mapping FILE`` or the automatic guess), plans every row against the cache and
the store (:mod:`app.importer.planning`), and unless ``--dry-run`` sends the plan
(:mod:`app.importer.running`). Failed rows are reported, not fatal: the exit code is 0 when
every row was handled, 1 when the file cannot be read or the store cannot be reached (also
midway, when the rest was not sent), 2 for bad options or an unusable mapping file.

``export FILE`` writes the cached customers after a quick sync (``--offline``: the cache as it
is), filtered as ``customers list --offline`` filters them (the same filter options and
``--segment``) and sorted by name. An existing FILE is replaced
only with ``--overwrite``; without it the command stops with a usage error (exit code 2) before
it asks the store for anything.
"""

from __future__ import annotations

import argparse
import codecs
import time
from collections.abc import Callable
from pathlib import Path

from app.api.client import BULK_LIMIT, WooClient
from app.cache.repository import CustomerCache
from app.cache.store_settings import keep_store_settings
from app.cache.sync import SyncEngine, SyncMode
from app.cli.cache_commands import learn_store_settings
from app.cli.commands import EXIT_FAILED, EXIT_OK, Console, UsageError, print_json_value
from app.cli.filter_options import customer_filter
from app.cli.output import counted
from app.importer.exporting import export_view
from app.importer.mapping import TARGET_LABELS, ColumnMapping, MappingError
from app.importer.planning import PlanOptions, lookup_for_import, new_account_warning, plan_all
from app.importer.reading import DELIMITER_LABELS, ENCODING_LABELS, detect_format, open_csv
from app.importer.records import FileFormat, Outcome, RowResult, Totals
from app.importer.running import (
    ImportFiles,
    RunProgress,
    RunResult,
    imports_folder,
    planned_results,
    run_import,
    write_report,
)
from app.paths import AppPaths
from app.stores.segments import SegmentStore

#: Delimiters by the names the options take (the characters themselves are taken too).
DELIMITER_NAMES = {"comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|"}
#: Seconds between progress lines on stderr (the last chunk always shows).
_PROGRESS_INTERVAL = 0.5
#: Failed rows listed in the human summary; the report file has them all.
_FAILURES_SHOWN = 20


def import_command(
    options: argparse.Namespace,
    client: WooClient,
    cache: CustomerCache,
    paths: AppPaths,
    console: Console,
) -> int:
    """``import FILE``: read, map, plan and (unless ``--dry-run``) send; a summary at the end."""
    chunk_size = _chunk_size(options.chunk_size)
    encoding = _encoding(options.encoding)
    delimiter = _delimiter(options.delimiter)
    path = Path(options.file)
    report = Path(options.report) if options.report else None
    detected = detect_format(path) if encoding is None or delimiter is None else None
    file_format = FileFormat(
        encoding or (detected.encoding if detected else "utf-8"),
        delimiter or (detected.delimiter if detected else ","),
    )
    with open_csv(path, file_format) as rows:
        mapping = _mapping(rows.header, options.mapping)
        store = client.store_info()
        keep_store_settings(cache, store)
        plan_options = PlanOptions(
            update_existing=not options.skip_existing,
            only_fill_empty=options.only_empty,
            generate_password=store.generates_passwords,
        )
        # Matching is against the cache: bring it up to date first (a quick sync, normally).
        SyncEngine(client, cache).sync(SyncMode.AUTO)
        lookup = lookup_for_import(cache, client)
        plan, planned = plan_all(rows, mapping, lookup, plan_options)
    # WooCommerce e-mails every customer created: said on stderr, in the dry run and before
    # anything is sent (stdout and --json stay what scripts read).
    warning = new_account_warning(planned, plan_options)
    if options.dry_run:
        results = planned_results(plan)
        if report is not None:
            write_report(report, results, file_format.delimiter, planned=True)
        _print_summary(path, file_format, mapping, planned, results, None, report, console)
        if warning:
            console.err.write(f"warning: {warning}\n")
        return EXIT_OK
    if warning:
        console.err.write(f"warning: {warning}\n")
        console.err.flush()
    folder = report.parent if report is not None else imports_folder(paths)
    result = run_import(
        plan,
        client,
        ImportFiles.for_source(folder, path),
        source=path,
        header=mapping.headers,
        delimiter=file_format.delimiter,
        cache=cache,
        chunk_size=chunk_size,
        progress=_progress_printer(console),
    )
    if report is not None:
        write_report(report, result.results, file_format.delimiter)
    _print_summary(
        path, file_format, mapping, result.totals, list(result.results), result, report, console
    )
    for notice in result.notices:
        console.err.write(f"note: {notice}\n")
    if result.stopped_by is not None:
        console.err.write(
            f"error: the import stopped: {result.stopped_by.message} "
            f"{counted(result.not_sent, 'row')} were not sent.\n"
        )
        return EXIT_FAILED
    return EXIT_OK


def export_command(
    options: argparse.Namespace,
    client: WooClient,
    cache: CustomerCache,
    paths: AppPaths,
    console: Console,
) -> int:
    """``export FILE``: a quick sync, then the cached customers to a CSV file.

    Raises:
        UsageError: if FILE exists and ``--overwrite`` was not given (checked before the sync).
    """
    _check_replace(Path(options.file), overwrite=options.overwrite)
    segments = SegmentStore(paths.segments_file)
    customer_filter(options, cache.file.store_url, segments)  # bad filters: before the sync
    learn_store_settings(client, cache)  # dates in the store's days, as the filters read them
    report = SyncEngine(client, cache).sync(SyncMode.QUICK)
    console.err.write(f"Synced: {report.describe_changes()}.\n")
    return export_offline(options, cache, segments, console)


def export_offline(
    options: argparse.Namespace, cache: CustomerCache, segments: SegmentStore, console: Console
) -> int:
    """``export FILE --offline``: the cached customers as they are, filtered, by name.

    The file is written whole or not at all (:func:`~app.importer.exporting.write_rows`).

    Raises:
        UsageError: if FILE exists and ``--overwrite`` was not given, or for filter options
            that cannot be used (:func:`~app.cli.filter_options.customer_filter`).
    """
    path = Path(options.file)
    # Asked again after export_command's sync: the file may have appeared meanwhile.
    _check_replace(path, overwrite=options.overwrite)
    view = customer_filter(options, cache.file.store_url, segments, sort="name")
    count = export_view(cache, view, path, delimiter=DELIMITER_NAMES[options.delimiter])
    if console.as_json:
        print_json_value({"file": str(path), "customers": count}, console)
    else:
        console.out.write(f"Exported {counted(count, 'customer')} to {path}.\n")
    return EXIT_OK


# -- options ----------------------------------------------------------------------------------


def _check_replace(path: Path, *, overwrite: bool) -> None:
    """Refuse to replace an existing file unless ``--overwrite`` says so.

    A folder is left to the writer, which says that it is a folder (``--overwrite`` would not
    help); anything else at ``path``, a link (even a broken one) included, counts as existing.

    Raises:
        UsageError: if something is at ``path`` and ``overwrite`` is false.
    """
    if overwrite or (path.is_dir() and not path.is_symlink()):
        return
    if path.is_symlink() or path.exists():
        raise UsageError(f"{path} already exists; pass --overwrite to replace it")


def _chunk_size(value: int) -> int:
    if not 1 <= value <= BULK_LIMIT:
        raise UsageError(f"--chunk-size must be between 1 and {BULK_LIMIT}")
    return value


def _encoding(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        name = codecs.lookup(value).name
    except LookupError:
        known = ", ".join(ENCODING_LABELS)
        raise UsageError(f"unknown encoding “{value}” (for example: {known})") from None
    # The name detection would give ("latin-1", not the codec's "iso8859-1"), so it is labelled.
    return next((known for known in ENCODING_LABELS if codecs.lookup(known).name == name), name)


def _delimiter(value: str | None) -> str | None:
    if value is None:
        return None
    delimiter = DELIMITER_NAMES.get(value.lower(), value)
    if delimiter not in DELIMITER_NAMES.values():
        names = ", ".join(DELIMITER_NAMES)
        raise UsageError(f"--delimiter must be one of {names} (or the character itself)")
    return delimiter


def _mapping(header: tuple[str, ...], mapping_file: str | None) -> ColumnMapping:
    if mapping_file is None:
        return ColumnMapping.detect(header)
    try:
        return ColumnMapping.read_json(header, Path(mapping_file))
    except MappingError as error:
        raise UsageError(error.message) from error


# -- output -------------------------------------------------------------------------------------


def _progress_printer(console: Console) -> Callable[[RunProgress], None]:
    last_line = 0.0

    def show(progress: RunProgress) -> None:
        nonlocal last_line
        now = time.monotonic()
        if progress.done < progress.total and now - last_line < _PROGRESS_INTERVAL:
            return
        last_line = now
        left = (
            f", about {progress.seconds_left:.0f} s left"
            if progress.seconds_left is not None and progress.done < progress.total
            else ""
        )
        console.err.write(
            f"Sent {progress.done:,} of {counted(progress.total, 'row')} "
            f"({progress.rows_per_second:.0f} rows/s{left})\n"
        )
        console.err.flush()

    return show


def _print_summary(
    path: Path,
    file_format: FileFormat,
    mapping: ColumnMapping,
    totals: Totals,
    results: list[RowResult],
    run: RunResult | None,
    report: Path | None,
    console: Console,
) -> None:
    files = {
        "report": report,
        "failed": run.failed_file if run else None,
        "undo": run.undo_file if run else None,
        "journal": run.journal_file if run else None,
    }
    if console.as_json:
        print_json_value(
            {
                "file": str(path),
                "encoding": file_format.encoding,
                "delimiter": file_format.delimiter,
                "mapping": mapping.to_json(),
                "dry_run": run is None,
                **totals.as_dict(),
                # One "New account" e-mail per customer created (or, in a dry run, to create).
                "new_account_emails": totals.created,
                "not_sent": run.not_sent if run else 0,
                "cancelled": run.cancelled if run else False,
                "stopped": run.stopped_by.message if run and run.stopped_by else None,
                "files": {name: str(file) if file else None for name, file in files.items()},
            },
            console,
        )
        return
    out = console.out
    encoding = ENCODING_LABELS.get(file_format.encoding, file_format.encoding)
    delimiter = DELIMITER_LABELS.get(file_format.delimiter, repr(file_format.delimiter))
    out.write(f"File: {path} ({encoding}, {delimiter.lower()} between cells)\nColumns:\n")
    for header, target in zip(mapping.headers, mapping.targets, strict=True):
        if target is not None:
            out.write(f"  {header} → {TARGET_LABELS[target]}\n")
    for column in mapping.ignored():
        out.write(f"  {column.header or '(no header)'}: not imported. {column.reason}\n")
    if run is None:
        out.write(f"Dry run, nothing sent. {totals.describe(planned=True)}\n")
    else:
        out.write(f"Imported {totals.describe(planned=False)}\n")
    failures = [result for result in results if result.outcome is Outcome.FAILED]
    for result in failures[:_FAILURES_SHOWN]:
        out.write(f"  row {result.number}: {result.message}\n")
    if len(failures) > _FAILURES_SHOWN:
        out.write(f"  … and {len(failures) - _FAILURES_SHOWN:,} more (see --report)\n")
    labels = {
        "report": "Report",
        "failed": "Failed rows (fix and import again)",
        "undo": "Undo (previous values; imports as-is)",
    }
    for name, label in labels.items():
        if files[name] is not None:
            out.write(f"{label}: {files[name]}\n")


TransferCommand = Callable[[argparse.Namespace, WooClient, CustomerCache, AppPaths, Console], int]

#: The commands that need the store, its cache and the app's folders.
TRANSFER_COMMANDS: dict[tuple[str, str], TransferCommand] = {
    ("import", "run"): import_command,
    ("export", "run"): export_command,
}
