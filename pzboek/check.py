"""`python -m pzboek.check` (`make check`): the configured survey file checked against data/codebook.yml without
building the book, for a data owner. Every problem is one line (file, variable, code, what was expected), then a
short summary; the exit status is 1 when there is any problem. The build runs the same checks (survey.validate)."""
from __future__ import annotations

import sys

from . import paths
from .survey import SurveyError, extra_variables, label_problems, load_codebook, problems, read_sav, spss_names
from .weighting import load_margins, weigh


def report(path) -> tuple[list[str], list[str]]:
    """(problems, summary lines) for one survey file."""
    codebook = load_codebook()
    try:
        df, meta = read_sav(path)
        df, renamed = spss_names(df, meta, codebook, path)
    except SurveyError as err:
        return [str(err)], []
    labels = label_problems(meta, codebook, path)
    found = problems(df, codebook, path) + labels
    extra = extra_variables(df, codebook)
    matched = sum(name in df.columns for name in codebook.variables)
    margins = paths.MARGINS.relative_to(paths.ROOT)
    weights = (f"the file's own '{codebook.weight_variable}' (gewicht in data/codebook.yml)" if codebook.weight_variable
               else f"raked to {margins} by the build")
    if not found:  # the weighting the build does, so that a file it cannot weight fails here too
        try:
            weighting = weigh(df, load_margins(), codebook.weight_variable, path)
            weights += f"; largest gap to {margins}: {weighting.max_margin_error * 100:.2f} percentage point"
        except SurveyError as err:
            found.append(str(err))
    summary = [
        f"{path}: {len(df)} respondents, {matched} of {len(codebook.variables)} codebook variables matched",
        f"extra variables ignored ({len(extra)}): {', '.join(extra) if extra else 'none'}",
        *([f"names matched ignoring case, as SPSS does ({len(renamed)}): "
           + ", ".join(f"{theirs} = {ours}" for theirs, ours in renamed.items())] if renamed else []),
        f"value label differences: {len(labels)} (accept a known one under the variable's bestandslabels in data/codebook.yml)",
        f"weights: {weights}",
    ]
    return found, summary


def main() -> int:
    found, summary = report(paths.survey_path())
    for line in found:
        print(f"error: {line}", file=sys.stderr)
    for line in summary:
        print(line)
    print(f"{len(found)} problem(s)" if found else "no problems: the file can be built")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
