"""components.files: atomic writes, the writers' lock, and names of uploaded files."""

import threading

import pytest

from components import files


@pytest.mark.parametrize(
    ("sent", "kept"),
    [("article.html", "article.html"), ("../../etc/passwd", "passwd"), ("C:\\Users\\me\\page.htm", "page.htm"),
     ("..", "default.txt"), (".", "default.txt"), ("", "default.txt")],
)  # fmt: skip
def test_an_uploaded_name_never_leaves_its_folder(sent, kept):
    assert files.upload_name(sent, "default.txt") == kept


def test_a_copy_is_whole_and_readable(tmp_path):
    source = tmp_path / "a.csv"
    source.write_bytes(b"x,y\r\n1,2\r\n")
    files.copy_atomic(source, tmp_path / "kept" / "a.csv")
    target = tmp_path / "kept" / "a.csv"
    assert target.read_bytes() == source.read_bytes() and target.stat().st_mode & 0o777 == files.FILE_MODE
    assert [p.name for p in target.parent.iterdir()] == ["a.csv"]


def test_the_lock_lets_one_writer_in_at_a_time(tmp_path):
    """Two threads adding to a file under the lock, each reading then writing it whole, lose no line."""
    target = tmp_path / "counts.txt"
    target.write_text("")
    start = threading.Barrier(2)

    def add(tag: str) -> None:
        """Read the file, then write it back with 50 more lines, one at a time, under the lock."""
        start.wait()
        for i in range(50):
            with files.locked(tmp_path / ".lock"):
                before = target.read_text()
                files.write_atomic(target, (before + f"{tag}{i}\n").encode())

    threads = [threading.Thread(target=add, args=(tag,)) for tag in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(target.read_text().split()) == sorted(f"{t}{i}" for t in "ab" for i in range(50))


def test_records_are_appended_in_the_files_own_line_endings():
    """The one way the curated files grow (events, places, actors, reviews): the file's line ending, a final one
    added when missing, cells quoted as CSV needs, and the line each record starts on."""
    from components.files import appended

    crlf, lines = appended(b"a,b\r\n1,2", [["x", 'say "hi", then go'], ["y", "two\nlines"]])
    assert crlf == b'a,b\r\n1,2\r\nx,"say ""hi"", then go"\r\ny,"two\nlines"\r\n'
    assert lines == [3, 4]
    assert appended(b"a,b\n", [["1", "2"]]) == (b"a,b\n1,2\n", [2])
    assert appended(b"", [["a", "b"]]) == (b"a,b\n", [1])
