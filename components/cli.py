"""The command line: `conflict-monitor` (also `python -m components`), one command with subcommands.

    conflict-monitor import FILE... [--format acled|ucdp]   copy dataset files in and load them
    conflict-monitor sources                                 each loaded file: format, rows, dates, countries
    conflict-monitor briefing [filters] --out FILE           the briefing as .png/.pdf, or the events as .csv/.geojson
    conflict-monitor ingest FILE [--published ...] [--json]  store an article in seeds/, print its candidate events
    conflict-monitor serve [streamlit options]               the dashboard (`make run`), its modules loaded first
    conflict-monitor pull acled --country C [--since D]      ACLED events from its API, resumable, then imported
    conflict-monitor pull ucdp --version V [--country C]     UCDP GED events from its API, resumable, then imported
    conflict-monitor digest --since D [--watch NAME] --out F  what changed since a day (.html/.md/.pdf/.json)

Every command honours CONFLICT_MONITOR_DATA, CONFLICT_MONITOR_SEEDS and CONFLICT_MONITOR_STORE; every error is one
line on stderr with a non-zero exit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from components import access, audit, config, dates, filters, loader
from components.config import data_dir, seeds_dir
from components.formats.detect import FORMATS
from components.formats.refusal import UnreadableFile
from components.progress import Bar
from components.store import Store, StoreError

if TYPE_CHECKING:  # the ingest command's dataset places are a frame; pandas loads with the store
    import pandas as pd

PROBLEMS_PRINTED = 100  # per file; the dashboard's data issues panel and its CSV have every one
OUTPUTS = {".png", ".pdf", ".csv", ".geojson"}
PULL_EXITS = """exit codes: 0 done (or nothing new); 1 failed (a malformed page, a server error, a file the store
refuses); 2 bad usage or credentials; 3 stopped before the end (connection lost, the server busy, interrupted):
run the same command again and it resumes from its last whole page.

credentials: CONFLICT_MONITOR_ACLED_EMAIL and CONFLICT_MONITOR_ACLED_PASSWORD, CONFLICT_MONITOR_UCDP_TOKEN, or the
file ~/.config/conflict-monitor/credentials ($CONFLICT_MONITOR_CREDENTIALS; mode 600, outside the repository) with
[acled] email, password and [ucdp] token. API addresses: CONFLICT_MONITOR_ACLED_URL, CONFLICT_MONITOR_UCDP_URL."""


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit code 2, like every other error of the command."""

    def error(self, message: str) -> None:
        """Stop with the message alone."""
        self.exit(2, f"error: {message} (see --help)\n")


def parse(argv: list[str]) -> argparse.Namespace:
    """The command line's arguments."""
    parser = OneLineParser(prog="conflict-monitor", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, help="data directory (default: $CONFLICT_MONITOR_DATA or data/)")
    parser.add_argument("--seeds", type=Path, help="articles directory (default: $CONFLICT_MONITOR_SEEDS or seeds/)")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

    load = commands.add_parser("import", help="copy ACLED or UCDP files in, byte for byte, and load them")
    load.add_argument("files", type=Path, nargs="+")
    load.add_argument("--format", choices=sorted(FORMATS), help="for a file without a header row")

    commands.add_parser("sources", help="each loaded file: format, rows, date range, countries")

    brief = commands.add_parser("briefing", help="the briefing frame or the filtered events, to a file")
    filters.add_arguments(brief)  # one option per filter of the table (components/filters.py FILTERS)
    brief.add_argument("--out", type=Path, required=True, help="output file: .png, .pdf, .csv or .geojson")

    take = commands.add_parser("ingest", help="store an article (text or saved web page) and print its candidates")
    take.add_argument("file", type=Path)
    take.add_argument("--published", type=published_date, help="YYYY-MM-DD or YYYY-MM-DDTHH:MM (overrides the page)")
    take.add_argument("--publisher", help="needed for a text file; overrides the page's")
    take.add_argument("--headline", help="overrides the page's")
    take.add_argument("--json", action="store_true", help="the candidates as a JSON list")

    commands.add_parser("serve", help="serve the dashboard, its modules loaded before the first page; other options "
                        "go to `streamlit run` (e.g. --server.port 8600)")  # fmt: skip

    raw = argparse.RawDescriptionHelpFormatter  # the exit codes keep their lines
    pulling = commands.add_parser("pull", help="ACLED or UCDP events from their APIs, page by page (resumable), "
                                  "then imported", epilog=PULL_EXITS, formatter_class=raw)  # fmt: skip
    apis = pulling.add_subparsers(dest="api", required=True, parser_class=OneLineParser)
    acled = apis.add_parser("acled", help="ACLED: a country's events; a repeated pull asks only for what changed",
                            epilog=PULL_EXITS, formatter_class=raw)  # fmt: skip
    acled.add_argument("--country", required=True, help="as ACLED names it, e.g. Libya")
    acled.add_argument("--since", help="YYYY-MM-DD: events from this day on (default: all)")
    acled.add_argument("--page-size", type=int, help="rows a page, 1 to 5000 (default 5000)")
    ucdp = apis.add_parser("ucdp", help="UCDP GED or Candidate events of one release", epilog=PULL_EXITS,
                           formatter_class=raw)  # fmt: skip
    ucdp.add_argument("--version", required=True, help="the release, e.g. 25.1 (GED) or 26.0.10 (Candidate)")
    ucdp.add_argument("--country", help="a Gleditsch-Ward code (620) or Libya, Tunisia, Algeria")
    ucdp.add_argument("--page-size", type=int, help="rows a page, 1 to 1000 (default 1000)")

    digest = commands.add_parser("digest", help="what changed since a day, for everything and per watchlist, with "
                                 "the evidence of each change, to a file")  # fmt: skip
    digest.add_argument("--since", type=iso_day, help="YYYY-MM-DD (default: each watchlist's last digest)")
    digest.add_argument("--watch", action="append", default=[], metavar="NAME",
                        help="a watchlist of data/watchlists.csv; repeat for several (default: everything, then "
                             "every watchlist)")  # fmt: skip
    digest.add_argument("--as-of", dest="as_of", type=iso_day, help="YYYY-MM-DD: as the sources had reported it by "
                        "that day (default: as known today)")  # fmt: skip
    digest.add_argument(
        "--mode",
        choices=("reported", "happened"),
        default="reported",
        help="count a change by when it was reported and entered (default), or by when it happened",
    )
    digest.add_argument("--out", type=Path, required=True, help="output file: .html, .md, .pdf or .json")
    digest.add_argument("--record", action="store_true", help="set each watchlist's last_digest to the digest's day "
                        "(its as-of day, else today)")  # fmt: skip
    args, rest = parser.parse_known_args(argv)
    if rest and args.command != "serve":
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    args.streamlit = rest
    return args


def published_date(value: str) -> dt.date:
    """--published: a day, or a day and a time (no time is invented when only a day is given), within the dates an
    article may have (refused here, before anything is stored)."""
    for form, make in (("%Y-%m-%dT%H:%M", lambda d: d), ("%Y-%m-%d", lambda d: d.date())):
        try:
            published = make(dt.datetime.strptime(value, form))
        except ValueError:
            continue
        from components.articles import out_of_range  # what each command needs loads with it: a quick start

        if wrong := out_of_range(published):
            raise argparse.ArgumentTypeError(wrong)
        return published
    raise argparse.ArgumentTypeError(f"{value!r} is not YYYY-MM-DD or YYYY-MM-DDTHH:MM")


def iso_day(value: str) -> dt.date:
    """A day written YYYY-MM-DD (the digest's --since and --as-of)."""
    if not filters.ISO_DAY.fullmatch(value):
        raise argparse.ArgumentTypeError(f"{value[:40]!r} is not a date YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value[:40]!r} is not a date that exists") from None


def open_store(args: argparse.Namespace, reading_only: bool = True) -> Store:
    """The event store, in step with the files. Commands read the current generation while a dashboard runs; a
    change is built by whichever process holds the write lock (components/store.py)."""
    data, seeds = args.data or data_dir(), args.seeds or seeds_dir()
    bar = Bar("event store")
    try:
        store = Store(data, seeds)
        store.refresh(bar)
    except (UnreadableFile, StoreError) as err:
        raise SystemExit(f"error: {err}") from None
    finally:
        bar.done()
    return store


def import_files(args: argparse.Namespace) -> int:
    """Import each file; one line each, then its problems. Exit 2 when a file is refused (nothing of it copied).
    Each import is recorded in data/audit.csv under the OS user's name."""
    store = open_store(args, reading_only=False)
    refused, who = 0, access.os_user()
    for path in args.files:
        bar = Bar(path.name)
        try:
            result = store.import_file(path, args.format, bar)
        except (UnreadableFile, OSError) as err:
            bar.done()
            print(f"error: {err}", file=sys.stderr)
            refused += 1
            continue
        bar.done()
        audit.imported(store.data, who, result, getattr(result, "sha256", "") or audit.digest(path))
        print(result.line())
        for problem in result.problems[:PROBLEMS_PRINTED]:
            print(f"  {problem}")
        if len(result.problems) > PROBLEMS_PRINTED:
            print(f"  … and {len(result.problems) - PROBLEMS_PRINTED:,} more problems: see the dashboard's data issues")
    store.close()
    return 2 if refused else 0


def sources(args: argparse.Namespace) -> int:
    """Print each loaded file with its format, rows, date range and countries."""
    store = open_store(args, reading_only=True)
    table = store.files()
    store.close()
    if table.empty:
        print("no dataset files loaded: import one with `conflict-monitor import FILE`")
        return 0
    for row in table.itertuples():
        span = f"{row.first_day} to {row.last_day}" if row.first_day else "no events"
        print(
            f"{row.file}: {row.format}, {row.rows_read:,} rows ({row.events:,} events, {row.problem_rows:,} with "
            f"problems), {span}, {row.countries or 'no country'}; imported {row.imported_at}"
        )
    return 0


def briefing(args: argparse.Namespace) -> str:
    """Write the briefing or the filtered events; return what was written, or raise SystemExit with one line."""
    suffix = args.out.suffix.lower()
    if suffix not in OUTPUTS:
        raise SystemExit(f"error: --out {args.out}: the extension must be one of {', '.join(sorted(OUTPUTS))}")
    if not args.out.parent.is_dir():
        raise SystemExit(f"error: --out {args.out}: the folder {args.out.parent} does not exist")
    store = open_store(args, reading_only=True)
    try:
        return _write_briefing(args, store, suffix)
    finally:
        store.close()  # the next command, or a dashboard, may open it


def _write_briefing(args: argparse.Namespace, store: Store, suffix: str) -> str:
    """The briefing command's work, on an open store."""
    from components import exports, snapshot
    from components.briefing import build_briefing

    prepared = snapshot.prepare(store)
    if prepared.file_problems:  # a briefing from half the data would mislead: refuse, as the page warns
        raise SystemExit(f"error: {prepared.file_problems[0]}")
    chosen, refused = filters.from_arguments(args, prepared.options)
    if refused:  # on the command line a value that matches nothing is an error, not a notice
        raise SystemExit(f"error: {refused[0].cli}")
    view = snapshot.select(prepared, chosen)
    tmp = args.out.with_name(f".{args.out.name}.{os.getpid()}.tmp")  # whole or not at all
    try:
        with tmp.open("wb") as out:
            if suffix == ".csv":
                exports.write_csv(store, view.where, out)
            elif suffix == ".geojson":
                exports.write_geojson(store, view.where, out)
            else:
                out.write(exports.render(build_briefing(view, prepared.registry.actors), suffix[1:]))
        os.replace(tmp, args.out)
    except exports.RenderError as err:
        raise SystemExit(f"error: {err}") from None
    except OSError as err:
        raise SystemExit(f"error: --out {args.out}: cannot write ({err.strerror})") from None
    finally:
        tmp.unlink(missing_ok=True)
    problems = int(store.value("SELECT count(DISTINCT (source_file, line)) FROM problems"))
    skipped = f"; {problems:,} row(s) with data problems, see the dashboard" if problems else ""
    return f"wrote {args.out} ({dates.plural(view.total, 'event')}; {view.ctx.filters}){skipped}"


def write_digest(args: argparse.Namespace) -> str:
    """Write the digest (components/digest.py); return what was written, or raise SystemExit with one line. The
    watchlists file's bad lines are warnings on stderr: the good ones are used."""
    from components import digest, snapshot, watchlists

    suffix = args.out.suffix.lower()
    if suffix not in digest.FORMATS:
        raise SystemExit(f"error: --out {args.out}: the extension must be one of {', '.join(digest.FORMATS)}")
    if not args.out.parent.is_dir():
        raise SystemExit(f"error: --out {args.out}: the folder {args.out.parent} does not exist")
    if args.since and args.as_of and args.since > args.as_of:
        raise SystemExit(f"error: --since {args.since} is after --as-of {args.as_of}")
    store = open_store(args, reading_only=True)
    try:
        prepared = snapshot.prepare(store)
        if prepared.file_problems:  # a digest of half the data would mislead, as a briefing would
            raise SystemExit(f"error: {prepared.file_problems[0]}")
        made = digest.build(prepared, args.since, args.mode, args.as_of, args.watch or None)
        content = digest.render_bytes(prepared, made, suffix)
    except (digest.DigestError, exports_error()) as err:
        raise SystemExit(f"error: {err}") from None
    finally:
        store.close()
    for problem in made.problems:
        print(f"warning: {problem}", file=sys.stderr)
    tmp = args.out.with_name(f".{args.out.name}.{os.getpid()}.tmp")  # whole or not at all
    try:
        tmp.write_bytes(content)
        os.replace(tmp, args.out)
    except OSError as err:
        raise SystemExit(f"error: --out {args.out}: cannot write ({err.strerror})") from None
    finally:
        tmp.unlink(missing_ok=True)
    recorded = ""
    if args.record:
        names = [v.watch for v in made.views if v.watch]
        done = watchlists.mark(store.data, names, args.as_of or dt.date.today(), prepared.options)
        recorded = f"; last digest set for {dates.plural(len(done), 'watchlist')}" if names else ""
    return f"wrote {args.out} ({digest.counted_days(made)}){recorded}"


def exports_error() -> type[Exception]:
    """The error of an image that cannot be rendered (loaded with the command that needs it)."""
    from components.exports import RenderError

    return RenderError


def _located(data: Path, seeds: Path) -> pd.DataFrame | None:
    """The places the imported datasets give a point, as the review page finds them in articles (None when no dataset
    is imported, or the store cannot be read: the article's candidates then use the curated and known places only)."""
    from components import review
    from components.queries import datapage

    sources = data / "sources"
    if not sources.is_dir() or not any(sources.iterdir()):
        return None  # nothing imported: no store to build for it
    try:
        store = Store(data, seeds)
        try:
            store.refresh()
            return datapage.dataset_places(store, review.DATASET_PLACES)
        finally:
            store.close()
    except (UnreadableFile, StoreError, OSError):
        return None


def ingest_article(args: argparse.Namespace) -> int:
    """Store the article in seeds/ (once, by checksum) and print its candidate events, or them as JSON."""
    from components import articles, review

    flags = {articles.PUBLISHED: "give --published YYYY-MM-DDTHH:MM", articles.PUBLISHER: "give --publisher NAME"}
    data, seeds = args.data or data_dir(), args.seeds or seeds_dir()
    try:
        done = articles.ingest(args.file, seeds, args.published, args.publisher, args.headline)
    except articles.ArticleError as err:  # what is missing, in the words of this command: its flags
        raise SystemExit(f"error: {err.worded(flags)}") from None
    audit.ingested(data, access.os_user(), done, str(args.file))
    curated = loader.load(data, seeds)
    found = {a.name: a for a in review.articles(curated, seeds)}
    if done.article not in found:  # the loader refused it: say why rather than print nothing
        why = next((f for f in curated.file_problems if done.article in f), "see the dashboard's data issues")
        raise SystemExit(f"error: {seeds / done.article} is stored but cannot be read back: {why}")
    article = found[done.article]
    try:
        listed = review.proposals(article, review.candidates(article, curated, data, _located(data, seeds)),
                                  curated.events, review.read_decisions(data))  # fmt: skip
    except review.ReviewError as err:  # reviews.csv damaged by hand, say: the article is stored, say why no list
        raise SystemExit(f"error: {done.article} is stored; its candidates cannot be listed: {err}") from None
    how = "stored" if done.stored else "already stored"
    print(f"{how}: {seeds / done.article} ({len(listed)} candidates)", file=sys.stderr if args.json else sys.stdout)
    if args.json:
        print(json.dumps([{**p.candidate.to_json(), "status": p.status, "event_id": p.event_id} for p in listed],
                         indent=2, ensure_ascii=False))  # fmt: skip
        return 0
    for number, proposal in enumerate(listed, start=1):
        c = proposal.candidate
        where = f"{c.location} (geo precision {c.geo_precision})" if c.location else "no place"
        status = f"{proposal.status} {proposal.event_id}".strip()
        print(f"{number}. {dates.span(c.start, c.end)} ({c.precision}, {c.date_basis}) · {c.event_kind} · "
              f"{', '.join(c.actors) or 'no actor'} · {where} · confidence {c.confidence:.2f} · {status}")  # fmt: skip
        print(f"   “{c.quote}”")
        print(f"   date: {c.date_words}")
    return 0


def pull_from_api(args: argparse.Namespace) -> int:
    """Pull from ACLED's or UCDP's API (components/pull/run.py), then import what it brought as `import` does, with the
    request as the file's origin; the import is recorded in data/audit.csv. Returns the pull's exit code."""
    from components.pull import run as pull
    from components.pull.client import FAILED, PullError

    data, seeds = args.data or data_dir(), args.seeds or seeds_dir()

    def load(path: Path, fmt: str, origin: str) -> object:
        """Import one finished pull into the store (a refusal is the pull's one-line error, the file kept)."""
        bar = Bar(path.name)
        try:
            store = Store(data, seeds)
            try:
                store.refresh(bar)
                result = store.import_file(path, fmt, bar, origin=origin)
            finally:
                store.close()
        except (UnreadableFile, StoreError, OSError) as err:
            raise PullError(f"the store refused {path.name} ({err}); it is kept at {path}", FAILED) from None
        finally:
            bar.done()
        audit.imported(store.data, access.os_user(), result, getattr(result, "sha256", "") or audit.digest(path))
        return result

    options = {"country": args.country, "page_size": args.page_size}
    options |= {"since": args.since} if args.api == "acled" else {"version": args.version}
    return pull.pull(args.api, options, data, load)


DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard.py"
# What dashboard.py imports, and the libraries under them: loaded before the server takes its first page. Not
# briefing_view: its st.cache_data must be made once Streamlit's runtime exists (it brings in briefing and exports).
PRELOADED = ("pandas", "pyarrow", "duckdb", "plotly.graph_objects", *(f"components.{name}" for name in (
    "briefing", "exports", "filters", "charts.headline", "queries.problems", "snapshot", "pages.cache",
    "pages.uploads", "pages.sidebar", "pages.signin", "pages.dashboard_view")))  # fmt: skip


def served_address(options: list[str]) -> str | None:
    """The --server.address given to `serve` (either `--server.address X` or `--server.address=X`), or None."""
    for at, option in enumerate(options):
        if option.startswith("--server.address="):
            return option.split("=", 1)[1]
        if option == "--server.address" and at + 1 < len(options):
            return options[at + 1]
    return None


def serve(args: argparse.Namespace) -> int:
    """`streamlit run dashboard.py` in this process, once the modules its first page needs are loaded and the store
    is open with its filter options counted: the first analyst after a restart does not wait for pandas, DuckDB and
    the views to load (about 0.3 s on 2 cores), nor for the store (about 0.4 s at three million events)."""
    for folder, variable in ((args.data, config.DATA_ENV), (args.seeds, config.SEEDS_ENV)):
        if folder is not None:
            os.environ[variable] = str(folder.resolve())
    address = served_address(args.streamlit)
    if address is not None and not access.is_loopback(address):
        print(f"note: served beyond this machine ({address or 'every interface'}): the page is read-only unless "
              "sign-in is configured in .streamlit/secrets.toml (README 'Team use')", file=sys.stderr)  # fmt: skip
    for module in PRELOADED:
        importlib.import_module(module)
    importlib.import_module("components.pages.cache").warm()  # the store opened, its options counted
    from streamlit.web import cli as streamlit_cli

    sys.argv = ["streamlit", "run", str(DASHBOARD), *args.streamlit]
    return streamlit_cli.main()


def main(argv: list[str] | None = None) -> None:
    """Run one subcommand."""
    args = parse(sys.argv[1:] if argv is None else argv)
    if args.command == "import":
        sys.exit(import_files(args))
    if args.command == "sources":
        sys.exit(sources(args))
    if args.command == "ingest":
        sys.exit(ingest_article(args))
    if args.command == "serve":
        sys.exit(serve(args))
    if args.command == "pull":
        sys.exit(pull_from_api(args))
    if args.command == "digest":
        print(write_digest(args))
        return
    print(briefing(args))


if __name__ == "__main__":
    main()
