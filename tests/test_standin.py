"""The stand-in file is generated deterministically and reproduces the report."""
import pandas as pd

from pzboek import paths
from tools.standin import generate, write_sav
from pzboek.survey import read_sav


def test_regenerated_file_is_identical_in_content(tmp_path):
    target = tmp_path / "regenerated.sav"
    write_sav(generate(), target)
    new, new_meta = read_sav(target)
    old, old_meta = read_sav(paths.STANDIN_SURVEY)
    pd.testing.assert_frame_equal(new, old)
    assert new_meta.column_names_to_labels == old_meta.column_names_to_labels
    assert new_meta.variable_value_labels == old_meta.variable_value_labels
    assert new_meta.missing_ranges == old_meta.missing_ranges


def test_choose_two_question_has_exactly_two_answers_each(raw_standin):
    chosen = raw_standin.filter(like="uitg_").sum(axis=1)
    assert (chosen == 2).all()
