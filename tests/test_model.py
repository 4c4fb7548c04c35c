"""Edits: hunks computed from two texts reproduce the new text exactly and compose."""

import pytest

from fixkit.model import FileEdit, Hunk, Safety, apply_hunks, edit_between, edits_conflict, merge_edits, split_lines, unified_diff


@pytest.mark.parametrize(
    "old,new",
    [
        ("a\nb\nc\n", "a\nB\nc\n"),
        ("a\r\nb\r\nc\r\n", "a\r\nc\r\n"),
        ("a\nb", "a\nb\nc"),
        ("", "x = 1\n"),
        ("x\fy\nz\n", "x\fy\nZ\n"),  # a form feed is not a line break
        ("one\ntwo\n", ""),
    ],
)
def test_hunks_reproduce_new_text(old, new):
    edit = edit_between("m.py", old, new)
    assert apply_hunks(old, edit.hunks) == new


def test_split_lines_keeps_endings_and_only_breaks_on_newlines():
    assert split_lines("a\r\nb\rc\nd\x0be") == ["a\r\n", "b\r", "c\n", "d\x0be"]


def test_disjoint_edits_merge_and_overlapping_ones_conflict():
    old = "1\n2\n3\n4\n"
    a = edit_between("m.py", old, "one\n2\n3\n4\n")
    b = edit_between("m.py", old, "1\n2\n3\nfour\n")
    c = edit_between("m.py", old, "ONE\n2\n3\n4\n")
    assert not edits_conflict(a, b)
    assert apply_hunks(old, merge_edits([a, b]).hunks) == "one\n2\n3\nfour\n"
    assert edits_conflict(a, c)
    with pytest.raises(ValueError):
        merge_edits([a, c])


def test_insertions_at_one_point_compose_in_order():
    assert not Hunk(2, 2, "x\n").overlaps(Hunk(2, 2, "y\n"))
    assert apply_hunks("a\nb\n", [Hunk(2, 2, "x\n"), Hunk(2, 2, "y\n")]) == "a\nx\ny\nb\n"
    assert not Hunk(2, 2, "x\n").overlaps(Hunk(2, 3, "y\n"))
    assert Hunk(3, 3, "x\n").overlaps(Hunk(2, 4, "y\n"))


def test_unified_diff_of_create_and_delete():
    create = edit_between("new.py", None, "x = 1\n")
    assert create.creates and unified_diff(create, None).startswith("--- /dev/null\n+++ b/new.py\n")
    delete = edit_between("old.py", "x = 1\n", None)
    assert delete.delete and "+++ /dev/null" in unified_diff(delete, "x = 1\n")


def test_safety_levels():
    assert Safety.REVIEW.allows(Safety.SAFE) and Safety.REVIEW.allows(Safety.REVIEW)
    assert not Safety.SAFE.allows(Safety.REVIEW)
    assert not Safety.MANUAL.allows(Safety.MANUAL)
